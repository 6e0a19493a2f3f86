//! The few places where PostgreSQL and SQLite need different SQL.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

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
/// upgrades to a write can fail with SQLITE_BUSY regardless of busy_timeout. SQLite runs one
/// writer at a time; the writers of this process queue on the database's writer lock (see
/// [`SqliteWriter`]) rather than in SQLite's busy handler, which sleeps in steps of up to 100 ms.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let writer = CURRENT_WRITER.with(|current| current.borrow().clone());
    let _turn = match (&*conn, &writer) {
        (DbConn::Sqlite(_), Some(writer)) => Some(
            writer
                .lock
                .try_lock_for(writer.wait)
                .ok_or_else(database_busy)?,
        ),
        _ => None,
    };
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

/// The error SQLite gives for a lock held past busy_timeout (answered with 503).
fn database_busy() -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new("database is locked (waiting for this process's writer)".to_owned()),
    )
}

/// The in-process writer lock of one SQLite database, and how long a writer waits for it.
#[derive(Debug, Clone)]
pub struct SqliteWriter {
    lock: Arc<parking_lot::Mutex<()>>,
    wait: Duration,
}

impl SqliteWriter {
    pub fn new(wait: Duration) -> Self {
        Self {
            lock: Arc::new(parking_lot::Mutex::new(())),
            wait,
        }
    }

    /// Runs `work` with this database's writer lock in effect for the thread's write
    /// transactions.
    pub fn scope<T>(&self, work: impl FnOnce() -> T) -> T {
        let previous = CURRENT_WRITER.with(|current| current.replace(Some(self.clone())));
        let result = work();
        CURRENT_WRITER.with(|current| current.replace(previous));
        result
    }
}

thread_local! {
    static CURRENT_WRITER: RefCell<Option<SqliteWriter>> = const { RefCell::new(None) };
}

/// Serialises start-up migrations when several servers share one PostgreSQL database. A server
/// waits for another's migrations however long they take: no lock_timeout meanwhile, the
/// connection's own restored afterwards (it goes back to the pool).
pub fn with_migration_lock<T>(conn: &mut DbConn, work: impl FnOnce(&mut DbConn) -> T) -> T {
    const MIGRATION_LOCK_KEY: i64 = 0x7869_616f_7075; // "xiaopu"
    let is_postgres = matches!(conn, DbConn::Postgres(_));
    let run = |sql: String, conn: &mut DbConn| {
        let _ = diesel::connection::SimpleConnection::batch_execute(conn, &sql);
    };
    if is_postgres {
        run(
            format!(
                "SELECT set_config('xiaopu.lock_timeout', current_setting('lock_timeout'), false); \
                 SET lock_timeout = 0; SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"
            ),
            conn,
        );
    }
    let result = work(conn);
    if is_postgres {
        run(
            format!(
                "SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY}); \
                 SELECT set_config('lock_timeout', current_setting('xiaopu.lock_timeout'), false)"
            ),
            conn,
        );
    }
    result
}
