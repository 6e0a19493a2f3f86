//! Sign-in settings: the access-token key and lifetimes, and the password cost.

use serde::Deserialize;

use crate::passwords::PasswordCost;
use crate::settings::{positive, secret, within, Checked, ConfigError, RunEnvironment};

/// RFC 8725 advises short-lived access tokens; the issue caps them at 15 minutes.
pub const ACCESS_TOKEN_MAX_TTL_SECONDS: u64 = 900;
pub const JWT_SECRET_MIN_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub jwt_secret: String,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl_seconds: u64,
    pub leeway_seconds: u64,
    pub refresh_token_ttl_days: u32,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
}

impl AuthSettings {
    pub fn password_cost(&self) -> PasswordCost {
        PasswordCost {
            memory_kib: self.argon2_memory_kib,
            iterations: self.argon2_iterations,
            parallelism: self.argon2_parallelism,
        }
    }

    pub fn validate(&self, environment: RunEnvironment) -> Checked {
        secret(
            "auth.jwt_secret",
            &self.jwt_secret,
            JWT_SECRET_MIN_LEN,
            environment,
        )?;
        for (key, value) in [
            ("auth.issuer", &self.issuer),
            ("auth.audience", &self.audience),
        ] {
            if value.is_empty() {
                return Err(ConfigError::new(key, "must not be empty"));
            }
        }
        within(
            "auth.access_token_ttl_seconds",
            self.access_token_ttl_seconds,
            1..=ACCESS_TOKEN_MAX_TTL_SECONDS,
        )?;
        within("auth.leeway_seconds", self.leeway_seconds, 0..=120)?;
        positive(&[("auth.refresh_token_ttl_days", self.refresh_token_ttl_days)])?;
        self.password_cost().validate()
    }
}
