//! What every handler shares: settings, the database, token and password services.

use std::sync::Arc;

use crate::auth::keys;
use crate::auth::keys::SessionKey;
use crate::auth::tokens::AccessTokens;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{Db, DbConn};
use crate::error::AppResult;
use crate::idempotency::InFlight;
use crate::passwords::{PasswordWorkers, Passwords};
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
    /// One argon2 computation per core at a time, over `passwords`.
    pub password_workers: PasswordWorkers,
}

impl AppState {
    /// Needs a migrated database: the generated signing key lives there.
    pub fn new(settings: Settings, db: Db, clock: Clock) -> AppResult<Self> {
        let key = keys::signing_key(&mut *db.get()?, &settings.auth, clock.now())?;
        let callback_secret = keys::callback_secret(
            &mut *db.get()?,
            &settings.payments.callback_secret,
            clock.now(),
        )?;
        let gateways = Gateways::new(&settings.payments, settings.environment, callback_secret)?;
        let tokens = Arc::new(AccessTokens::new(&key, &settings.auth));
        let passwords = Arc::new(Passwords::new(settings.auth.password_cost())?);
        Ok(Self {
            settings: Arc::new(settings),
            db,
            clock,
            tokens,
            password_workers: PasswordWorkers::new(passwords.clone()),
            passwords,
            gateways,
            in_flight: InFlight::default(),
            page_sessions: SessionKey::derive(&key),
        })
    }

    /// The parts a background job runs with.
    pub fn job_parts(&self) -> crate::jobs::JobParts {
        crate::jobs::JobParts {
            db: self.db.clone(),
            settings: self.settings.clone(),
            gateways: self.gateways.clone(),
            clock: self.clock.clone(),
        }
    }

    /// Reads off the async workers, with the settings at hand (each use case takes its slice).
    pub async fn read<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn, &Settings) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let settings = self.settings.clone();
        self.db.read(move |conn| work(conn, &settings)).await
    }

    /// Writes in one transaction off the async workers, with the settings at hand.
    pub async fn write<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn, &Settings) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let settings = self.settings.clone();
        self.db.write(move |conn| work(conn, &settings)).await
    }

    /// Writes as [`AppState::write`] and answers with what `work` returns, as JSON.
    pub async fn write_json<T, F>(&self, work: F) -> AppResult<actix_web::web::Json<T>>
    where
        F: FnOnce(&mut DbConn, &Settings) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.write(work).await.map(actix_web::web::Json)
    }

    /// Reads as [`AppState::read`] and answers with what `work` returns, as JSON.
    pub async fn read_json<T, F>(&self, work: F) -> AppResult<actix_web::web::Json<T>>
    where
        F: FnOnce(&mut DbConn, &Settings) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.read(work).await.map(actix_web::web::Json)
    }

    /// Runs password work (hashing, verifying) off the async workers, one per core at a time.
    pub async fn password_work<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&Passwords) -> T + Send + 'static,
        T: Send + 'static,
    {
        self.password_workers.password_work(work).await
    }

    pub async fn hash_password(&self, password: String) -> AppResult<String> {
        self.password_workers.hash_password(password).await
    }
}
