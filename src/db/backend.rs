//! The few places where PostgreSQL and SQLite need different SQL.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::Connection;

use super::DbConn;

/// Runs the same block on whichever connection `$conn` holds, for statements that only exist
/// on the concrete backends (RETURNING, upserts): `with_backend!(conn, c => query.get_result(c))`.
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConn::Postgres($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// One write transaction. On SQLite it is `BEGIN IMMEDIATE`: a deferred transaction that later
/// upgrades to a write can fail with SQLITE_BUSY regardless of busy_timeout.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match work(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The work's error matters more than a failed rollback (the connection is then
            // marked broken and dropped by the pool).
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(error)
        }
    }
}

/// Serialises start-up migrations when several servers share one PostgreSQL database.
pub fn with_migration_lock<T>(conn: &mut DbConn, work: impl FnOnce(&mut DbConn) -> T) -> T {
    const MIGRATION_LOCK_KEY: i64 = 0x7869_616f_7075; // "xiaopu"
    let is_postgres = matches!(conn, DbConn::Postgres(_));
    if is_postgres {
        let _ = diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")),
            conn,
        );
    }
    let result = work(conn);
    if is_postgres {
        let _ = diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")),
            conn,
        );
    }
    result
}
