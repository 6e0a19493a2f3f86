//! Embedded migrations, one folder per backend with identical version names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConn;

pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies what is pending; returns the versions applied.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    super::backend::with_migration_lock(conn, |conn| {
        let applied = match conn {
            DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES)?,
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
        };
        Ok(applied.iter().map(ToString::to_string).collect())
    })
}

/// Reverts every migration (tests and `xiaopu migrate --revert-all`).
pub fn revert_all(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    let reverted = match conn {
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES)?,
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE)?,
    };
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Versions already applied, oldest first.
pub fn applied(conn: &mut DbConn) -> Result<Vec<String>, MigrationError> {
    let mut versions: Vec<String> = match conn {
        DbConn::Postgres(c) => c.applied_migrations()?,
        DbConn::Sqlite(c) => c.applied_migrations()?,
    }
    .iter()
    .map(ToString::to_string)
    .collect();
    versions.sort();
    Ok(versions)
}
