//! Case-insensitive substring search that behaves the same on SQLite and PostgreSQL.

use diesel::sql_types::Text;

diesel::define_sql_function! {
    /// SQL `lower(text)`, on both backends.
    fn lower(text: Text) -> Text;
}

/// The escape character used with [`contains_pattern`] (`LIKE … ESCAPE '\'`).
pub const LIKE_ESCAPE: char = '\\';

/// A `LIKE` pattern matching `needle` anywhere, lower-cased, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(contains_pattern(" Mango "), "%mango%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
