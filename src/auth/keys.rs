//! Server secrets: configured, or generated once and kept with the data (so every server on
//! the same database shares them). Never a built-in default.

use chrono::NaiveDateTime;

use super::AuthSettings;
use super::{repo, tokens};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

const SIGNING_KEY_SECRET: &str = "jwt_signing_key";
const CALLBACK_SECRET: &str = "payment_callback_secret";

/// The access-token signing key.
pub fn signing_key(
    conn: &mut DbConn,
    settings: &AuthSettings,
    now: NaiveDateTime,
) -> AppResult<Vec<u8>> {
    configured_or_stored(conn, &settings.jwt_secret, SIGNING_KEY_SECRET, now)
}

/// The key payment gateway callbacks are signed with.
pub fn callback_secret(
    conn: &mut DbConn,
    configured: &str,
    now: NaiveDateTime,
) -> AppResult<Vec<u8>> {
    configured_or_stored(conn, configured, CALLBACK_SECRET, now)
}

/// The configured value, else the stored one, else a new random one (stored for next start).
fn configured_or_stored(
    conn: &mut DbConn,
    configured: &str,
    name: &str,
    now: NaiveDateTime,
) -> AppResult<Vec<u8>> {
    if !configured.is_empty() {
        return Ok(configured.as_bytes().to_vec());
    }
    if let Some(stored) = repo::find_secret(conn, name)? {
        return Ok(stored.into_bytes());
    }
    let generated = tokens::random_url_safe(48);
    repo::insert_secret_if_absent(conn, name, &generated, now)?;
    repo::find_secret(conn, name)?
        .map(String::into_bytes)
        .ok_or_else(|| AppError::internal(format!("secret {name} vanished after being stored")))
}

/// The key the H5 pages' sessions are signed with (see `crate::h5::session`).
pub struct SessionKey(Vec<u8>);

impl SessionKey {
    pub fn derive(signing_key: &[u8]) -> Self {
        use hmac::Mac as _;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(signing_key).expect("HMAC takes any key");
        mac.update(b"xiaopu h5 session key");
        Self(mac.finalize().into_bytes().to_vec())
    }

    pub fn mac(&self, payload: &str) -> hmac::Hmac<sha2::Sha256> {
        use hmac::Mac as _;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
        mac.update(payload.as_bytes());
        mac
    }
}
