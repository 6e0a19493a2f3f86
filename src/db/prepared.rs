//! Statements of fixed text that the connection prepares once and then only executes.
//!
//! Diesel keeps its SELECTs prepared but marks every UPDATE, every `sql_query` and (on
//! PostgreSQL) every INSERT unsafe to cache, so those are parsed and planned again on each
//! execution. On the order placement's hot path that was a good part of the database's extra
//! work against the same statements run prepared (BENCHMARKS.md, "Order placement"). A
//! statement built here is cached by its text on the connection, like diesel's own SELECTs.
//!
//! The text marks each bind with `?`; the backend's own placeholder (`$1` or `?`) goes in its
//! place, so one text serves both backends. `?` must not appear otherwise in the text.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::{QueryResult, RunQueryDsl};

const MARK: char = '?';

/// A statement that is only executed.
pub fn statement(sql: &'static str) -> PreparedSql<()> {
    query(sql)
}

/// A statement whose rows (from SELECT or RETURNING) have the SQL type `ST`.
pub fn query<ST>(sql: &'static str) -> PreparedSql<ST> {
    PreparedSql {
        sql,
        _rows: PhantomData,
    }
}

/// The text of a statement, before its binds.
#[derive(Debug, Clone, Copy)]
pub struct PreparedSql<ST> {
    sql: &'static str,
    _rows: PhantomData<ST>,
}

/// A statement with one more bind of SQL type `ST`.
#[derive(Debug, Clone)]
pub struct Bind<Inner, ST, V> {
    inner: Inner,
    value: V,
    _type: PhantomData<ST>,
}

/// Binding, shared by the text and every statement with binds.
pub trait Binds: Sized {
    fn bind<ST, V>(self, value: V) -> Bind<Self, ST, V> {
        Bind {
            inner: self,
            value,
            _type: PhantomData,
        }
    }
}

impl<ST> Binds for PreparedSql<ST> {}
impl<Inner, ST, V> Binds for Bind<Inner, ST, V> {}

/// Writes the statement up to its last bind and returns the text still to write, which starts
/// at the next mark (empty when no mark is left).
pub trait WalkPrepared<DB: Backend> {
    fn walk_prepared<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<&'static str>;
}

/// Writes `text` up to its first mark; returns the rest from that mark on.
fn push_until_mark<DB: Backend>(text: &'static str, out: &mut AstPass<'_, '_, DB>) -> &'static str {
    let end = text.find(MARK).unwrap_or(text.len());
    out.push_sql(&text[..end]);
    &text[end..]
}

fn binds_error(problem: &str) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(problem.into())
}

impl<DB: Backend, ST> WalkPrepared<DB> for PreparedSql<ST> {
    fn walk_prepared<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<&'static str> {
        Ok(push_until_mark(self.sql, &mut out))
    }
}

impl<DB, Inner, ST, V> WalkPrepared<DB> for Bind<Inner, ST, V>
where
    DB: Backend + HasSqlType<ST>,
    Inner: WalkPrepared<DB>,
    V: ToSql<ST, DB>,
{
    fn walk_prepared<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<&'static str> {
        let rest = self.inner.walk_prepared(out.reborrow())?;
        let rest = rest
            .strip_prefix(MARK)
            .ok_or_else(|| binds_error("a prepared statement has more binds than marks"))?;
        out.push_bind_param::<ST, V>(&self.value)?;
        Ok(push_until_mark(rest, &mut out))
    }
}

/// The whole statement: every mark must have its bind.
fn walk_whole<'b, DB: Backend>(
    statement: &'b impl WalkPrepared<DB>,
    mut out: AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    if statement.walk_prepared(out.reborrow())?.is_empty() {
        Ok(())
    } else {
        Err(binds_error(
            "a prepared statement has fewer binds than marks",
        ))
    }
}

impl<DB: Backend, ST> QueryFragment<DB> for PreparedSql<ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        walk_whole(self, out)
    }
}

impl<DB, Inner, ST, V> QueryFragment<DB> for Bind<Inner, ST, V>
where
    DB: Backend + HasSqlType<ST>,
    Inner: WalkPrepared<DB>,
    V: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        walk_whole(self, out)
    }
}

/// No static id: the connection's cache knows the statement by its text and bind types.
impl<ST> QueryId for PreparedSql<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Inner, ST, V> QueryId for Bind<Inner, ST, V> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: diesel::sql_types::SqlType> Query for PreparedSql<ST> {
    type SqlType = ST;
}

impl<Inner: Query, ST, V> Query for Bind<Inner, ST, V> {
    type SqlType = Inner::SqlType;
}

impl<ST, Conn> RunQueryDsl<Conn> for PreparedSql<ST> {}
impl<Inner, ST, V, Conn> RunQueryDsl<Conn> for Bind<Inner, ST, V> {}

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Text};
    use diesel::{Connection, SqliteConnection};

    use super::*;

    #[test]
    fn binds_take_the_place_of_the_marks_in_order() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let row: (i64, String) = query::<(BigInt, Text)>("SELECT ? + 1, ? || 'b'")
            .bind::<BigInt, _>(41)
            .bind::<Text, _>("a")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(row, (42, "ab".to_owned()));
    }

    #[test]
    fn a_mark_without_its_bind_or_a_bind_without_its_mark_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let too_few = statement("SELECT ?, ?")
            .bind::<BigInt, _>(1)
            .execute(&mut conn);
        let too_many = statement("SELECT ?")
            .bind::<BigInt, _>(1)
            .bind::<BigInt, _>(2)
            .execute(&mut conn);
        for result in [too_few, too_many] {
            assert!(
                matches!(result, Err(diesel::result::Error::QueryBuilderError(_))),
                "{result:?}"
            );
        }
    }
}
