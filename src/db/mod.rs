//! Database access: one connection type over PostgreSQL (production) and SQLite (embedded default).

pub mod backend;
pub mod migrations;
pub mod prepared;
pub mod schema;
pub mod search;
pub mod settings;
pub mod text_enum;

use std::time::Duration;

use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::{AppError, AppResult};
pub use settings::{DatabaseSettings, DatabaseUrl, PlanCacheMode};

/// One connection, to whichever database `DATABASE_URL` names. Most queries run on it unchanged;
/// the few that need a backend's own SQL go through [`backend`].
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Opens connections of the backend the URL names. Written by hand because the derived
/// `establish` tries PostgreSQL then falls back to SQLite, which would turn an unreachable
/// PostgreSQL server into a new SQLite file named after its URL.
#[derive(Debug)]
pub struct DbConnectionManager {
    url: DatabaseUrl,
    sqlite_busy_timeout_ms: u64,
    postgres_lock_timeout_ms: u64,
    postgres_plan_cache_mode: PlanCacheMode,
}

impl DbConnectionManager {
    pub fn new(url: DatabaseUrl, settings: &DatabaseSettings) -> Self {
        Self {
            url,
            sqlite_busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            postgres_lock_timeout_ms: settings.postgres_lock_timeout_ms,
            postgres_plan_cache_mode: settings.postgres_plan_cache_mode,
        }
    }

    pub fn connect_now(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                // A lock held elsewhere fails the statement (503) instead of holding the
                // request, and its pooled connection, for as long as the holder likes.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    &format!(
                        "SET lock_timeout = {}; SET plan_cache_mode = {}",
                        self.postgres_lock_timeout_ms,
                        self.postgres_plan_cache_mode.as_sql()
                    ),
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: switching to WAL itself may wait for a lock.
                let pragmas = format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                    self.sqlite_busy_timeout_ms
                );
                diesel::connection::SimpleConnection::batch_execute(&mut conn, &pragmas)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for DbConnectionManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.connect_now()
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

pub type DbPool = r2d2::Pool<DbConnectionManager>;

/// The handle handlers use: a pool, and the one way to run blocking database work.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    url: DatabaseUrl,
    /// SQLite only: the queue of this process's writers.
    writer: Option<backend::SqliteWriter>,
}

impl Db {
    /// Builds the pool without connecting; `migrate` or the first request will.
    pub fn new(settings: &DatabaseSettings) -> Result<Self, String> {
        let url = DatabaseUrl::parse(&settings.url)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let manager = DbConnectionManager::new(url.clone(), settings);
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_millis(settings.checkout_timeout_ms))
            .test_on_check_out(true)
            .build_unchecked(manager);
        let writer = matches!(url, DatabaseUrl::Sqlite(_)).then(|| {
            backend::SqliteWriter::new(Duration::from_millis(settings.sqlite_busy_timeout_ms))
        });
        Ok(Self { pool, url, writer })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for blocking callers (CLI, jobs, tests); 503-style error when none is free.
    pub fn get(&self) -> AppResult<r2d2::PooledConnection<DbConnectionManager>> {
        self.pool
            .get()
            .map_err(|e| AppError::unavailable(format!("no database connection: {e}")))
    }

    /// (open connections, idle connections) for the metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Runs blocking work (a job, a command) with this database's SQLite writer queue in effect
    /// for its write transactions, as requests have it.
    pub fn with_writer<T>(&self, work: impl FnOnce() -> T) -> T {
        match &self.writer {
            Some(writer) => writer.scope(work),
            None => work(),
        }
    }

    /// Runs read work off the async workers.
    pub async fn read<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        crate::blocking::off_worker(move || {
            let mut conn = db.get()?;
            db.with_writer(|| work(&mut conn))
        })
        .await?
    }

    /// Runs one use case in one write transaction, off the async workers.
    pub async fn write<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.read(move |conn| backend::write_transaction(conn, work))
            .await
    }
}
