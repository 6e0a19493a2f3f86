//! What every handler shares: settings, the database, token and password services.

use std::sync::Arc;

use crate::auth::keys;
use crate::auth::password::Passwords;
use crate::auth::tokens::AccessTokens;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::h5::session::SessionKey;
use crate::idempotency::InFlight;
use crate::payments::Gateways;

pub struct AppState {
    /// Shared, not copied: handlers hand it to their blocking work on every request.
    pub settings: Arc<Settings>,
    pub db: Db,
    /// Business time: the system clock in production, settable elsewhere.
    pub clock: Clock,
    pub tokens: Arc<AccessTokens>,
    pub passwords: Arc<Passwords>,
    pub gateways: Gateways,
    /// Idempotency keys whose first request is running in this process.
    pub in_flight: InFlight,
    /// Signs the H5 pages' session cookie.
    pub page_sessions: SessionKey,
    /// One argon2 computation per core at a time: each takes ~19 MiB and a core for tens of
    /// milliseconds, so a login flood queues here instead of exhausting memory.
    hashing_slots: tokio::sync::Semaphore,
}

impl AppState {
    /// Needs a migrated database: the generated signing key lives there.
    pub fn new(settings: Settings, db: Db, clock: Clock) -> AppResult<Self> {
        let key = keys::signing_key(&mut *db.get()?, &settings.auth, clock.now())?;
        let callback_secret =
            keys::callback_secret(&mut *db.get()?, &settings.payments, clock.now())?;
        let gateways = Gateways::new(&settings.payments, callback_secret)?;
        let tokens = Arc::new(AccessTokens::new(&key, &settings.auth));
        let passwords = Arc::new(Passwords::new(&settings.auth)?);
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Ok(Self {
            settings: Arc::new(settings),
            db,
            clock,
            tokens,
            passwords,
            gateways,
            in_flight: InFlight::default(),
            page_sessions: SessionKey::derive(&key),
            hashing_slots: tokio::sync::Semaphore::new(cores),
        })
    }

    /// Runs password work (hashing, verifying) off the async workers, one per core at a time.
    pub async fn password_work<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&Passwords) -> T + Send + 'static,
        T: Send + 'static,
    {
        let _slot = self
            .hashing_slots
            .acquire()
            .await
            .map_err(|_| AppError::internal("password hashing slots closed"))?;
        let passwords = self.passwords.clone();
        crate::blocking::off_worker(move || work(&passwords)).await
    }

    pub async fn hash_password(&self, password: String) -> AppResult<String> {
        self.password_work(move |passwords| passwords.hash(&password))
            .await?
    }
}
