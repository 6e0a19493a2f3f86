//! Enums stored as text: each names its values once, in [`text_enum!`], and that one table is
//! how they are written to and read from both databases (and shown wherever text is needed).

/// A stored name no value of the enum has: the database holds something this build cannot
/// read. Reading it fails the query rather than guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {text:?}")]
pub struct UnknownText {
    pub kind: &'static str,
    pub text: String,
}

/// Declares an enum whose values are stored as text, each with its name:
///
/// ```text
/// text_enum! {
///     pub enum Colour { Red = "red", Green = "green" }
/// }
/// ```
///
/// It gets `ALL` (in declaration order), `as_str`, `names`, `parse` (an unknown name is an
/// [`UnknownText`] error), `FromStr`, `Display`, and diesel's `Text` mapping on PostgreSQL,
/// SQLite and [`crate::db::DbConn`], so rows, filters and inserts can hold the enum itself.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Every name, in declaration order, for messages that list them.
            pub fn names() -> String {
                Self::ALL
                    .iter()
                    .map(|value| value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }

            /// The value a stored name stands for.
            pub fn parse(text: &str) -> Result<Self, $crate::db::text_enum::UnknownText> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::db::text_enum::UnknownText {
                        kind: stringify!($name),
                        text: text.to_owned(),
                    }),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::db::text_enum::UnknownText;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self.as_str()));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                Ok(Self::parse(std::str::from_utf8(value.as_bytes())?)?)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn from_sql(
                mut value: diesel::sqlite::SqliteValue<'_, '_, '_>,
            ) -> diesel::deserialize::Result<Self> {
                Ok(Self::parse(value.read_text())?)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn from_sql(
                value: <$crate::db::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                value.from_sql::<Self, diesel::sql_types::Text>()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::text_enum! {
        enum Colour {
            Red = "red",
            DarkGreen = "dark_green",
        }
    }

    #[test]
    fn names_round_trip_and_an_unknown_name_is_an_error() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.as_str()), Ok(*colour));
            assert_eq!(colour.to_string(), colour.as_str());
        }
        let unknown = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(unknown.to_string(), "unknown Colour \"blue\"");
        assert!(Colour::parse("Red").is_err(), "names are exact");
        assert_eq!(Colour::names(), "red, dark_green");
    }

    #[test]
    fn the_database_stores_the_name_and_refuses_an_unknown_one() {
        use diesel::prelude::*;
        // Through `DbConn`, whose mapping hands on to the backend's own.
        let mut conn = crate::db::DbConn::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        let stored: String =
            diesel::select(Colour::DarkGreen.into_sql::<diesel::sql_types::Text>())
                .get_result(&mut conn)
                .unwrap();
        assert_eq!(stored, "dark_green");
        let read: Colour = diesel::select("red".into_sql::<diesel::sql_types::Text>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(read, Colour::Red);
        let unknown = diesel::select("blue".into_sql::<diesel::sql_types::Text>())
            .get_result::<Colour>(&mut conn)
            .unwrap_err();
        let cause = std::error::Error::source(&unknown).map(ToString::to_string);
        assert_eq!(
            cause.as_deref(),
            Some("unknown Colour \"blue\""),
            "{unknown}"
        );
    }
}
