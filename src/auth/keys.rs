//! The access-token signing key: configured, or generated once and kept with the data.

use super::{repo, tokens};
use crate::config::AuthSettings;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

const SIGNING_KEY_SECRET: &str = "jwt_signing_key";

/// The configured key, else the stored one, else a new random one (stored for next start, and
/// for every other server on the same database). Never a built-in default.
pub fn signing_key(conn: &mut DbConn, settings: &AuthSettings) -> AppResult<Vec<u8>> {
    if !settings.jwt_secret.is_empty() {
        return Ok(settings.jwt_secret.as_bytes().to_vec());
    }
    if let Some(stored) = repo::find_secret(conn, SIGNING_KEY_SECRET)? {
        return Ok(stored.into_bytes());
    }
    let generated = tokens::random_url_safe(48);
    repo::insert_secret_if_absent(conn, SIGNING_KEY_SECRET, &generated, crate::clock::now())?;
    repo::find_secret(conn, SIGNING_KEY_SECRET)?
        .map(String::into_bytes)
        .ok_or_else(|| AppError::internal("signing key vanished after being stored"))
}
