//! What every handler shares: settings, the database, token and password services.

use std::sync::Arc;

use crate::auth::keys;
use crate::auth::password::Passwords;
use crate::auth::tokens::AccessTokens;
use crate::config::Settings;
use crate::db::Db;
use crate::error::{AppError, AppResult};

pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub tokens: AccessTokens,
    pub passwords: Arc<Passwords>,
}

impl AppState {
    /// Needs a migrated database: the generated signing key lives there.
    pub fn new(settings: Settings, db: Db) -> AppResult<Self> {
        let key = keys::signing_key(&mut *db.get()?, &settings.auth)?;
        let tokens = AccessTokens::new(&key, &settings.auth);
        let passwords = Arc::new(Passwords::new(&settings.auth)?);
        Ok(Self {
            settings,
            db,
            tokens,
            passwords,
        })
    }

    /// Hashes a password off the async workers (argon2 takes tens of milliseconds).
    pub async fn hash_password(&self, password: String) -> AppResult<String> {
        let passwords = self.passwords.clone();
        off_worker(move || passwords.hash(&password)).await?
    }
}

/// Runs blocking or CPU-heavy work on the blocking pool, never on an async worker.
pub async fn off_worker<T, F>(work: F) -> AppResult<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(work)
        .await
        .map_err(|_| AppError::internal("blocking task panicked"))
}
