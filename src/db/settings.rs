//! The database's settings: where it is, the pool, and the waits.

use std::path::PathBuf;

use serde::Deserialize;

use crate::settings::{positive, Checked, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_max_size: u32,
    pub checkout_timeout_ms: u64,
    pub sqlite_busy_timeout_ms: u64,
    pub postgres_lock_timeout_ms: u64,
    pub postgres_plan_cache_mode: PlanCacheMode,
    pub retry_after_seconds: u32,
}

impl DatabaseSettings {
    pub fn validate(&self) -> Checked {
        DatabaseUrl::parse(&self.url)
            .map_err(|message| ConfigError::new("database.url", message))?;
        positive(&[("database.pool_max_size", self.pool_max_size)])?;
        positive(&[("database.retry_after_seconds", self.retry_after_seconds)])?;
        // A lock timeout of 0 is PostgreSQL's "wait forever": the hang this setting prevents.
        positive(&[
            ("database.checkout_timeout_ms", self.checkout_timeout_ms),
            (
                "database.postgres_lock_timeout_ms",
                self.postgres_lock_timeout_ms,
            ),
        ])
    }
}

/// PostgreSQL's `plan_cache_mode` for the pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanCacheMode {
    Auto,
    ForceCustomPlan,
    ForceGenericPlan,
}

impl PlanCacheMode {
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::ForceCustomPlan => "force_custom_plan",
            Self::ForceGenericPlan => "force_generic_plan",
        }
    }
}

/// A database URL, parsed once; its scheme picks the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                Err("sqlite:// needs a file path, e.g. sqlite://data/xiaopu.db".to_owned())
            } else {
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
        } else {
            Err("must start with sqlite:// or postgres://".to_owned())
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}
