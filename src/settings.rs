//! What every module's settings share: the environment the process runs in, and the error
//! that names the configuration key at fault. Each module owns its own settings struct and
//! checks it; `config` loads the files and variables and composes them.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunEnvironment {
    Development,
    Test,
    Production,
}

impl RunEnvironment {
    pub fn is_production(self) -> bool {
        self == Self::Production
    }
}

/// A configuration problem, always naming the key at fault.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

pub type Checked = Result<(), ConfigError>;

/// `value` must lie in `range`; the error names `key` and the bounds.
pub fn within<T>(key: &str, value: T, range: std::ops::RangeInclusive<T>) -> Checked
where
    T: PartialOrd + std::fmt::Display,
{
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::new(
            key,
            format!("must be between {} and {}", range.start(), range.end()),
        ))
    }
}

/// Each of `values` must be at least 1 (counts, periods, sizes).
pub fn positive<T>(values: &[(&str, T)]) -> Checked
where
    T: PartialOrd + From<u8> + Copy,
{
    match values.iter().find(|(_, value)| *value < T::from(1)) {
        Some((key, _)) => Err(ConfigError::new(key, "must be at least 1")),
        None => Ok(()),
    }
}

/// Whether `url` is http(s) (the scheme only: the rest is the operator's to get right).
pub fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// An http(s) URL, or the error naming `key`.
pub fn http_url(key: &str, url: &str) -> Checked {
    if is_http_url(url) {
        Ok(())
    } else {
        Err(ConfigError::new(key, "must be an http(s) URL"))
    }
}

/// A secret that production needs: empty is refused there, and a set one must be long enough.
pub fn secret(key: &str, value: &str, min_len: usize, environment: RunEnvironment) -> Checked {
    if value.is_empty() {
        if environment.is_production() {
            return Err(ConfigError::new(
                key,
                "must be set when environment = \"production\"",
            ));
        }
        return Ok(());
    }
    if value.len() < min_len {
        return Err(ConfigError::new(
            key,
            format!("must be empty or at least {min_len} characters"),
        ));
    }
    Ok(())
}

/// The documented defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// One section of the documented defaults, for unit tests of the module that owns it.
#[cfg(test)]
pub fn defaults<T: serde::de::DeserializeOwned>(section: &str) -> T {
    config::Config::builder()
        .add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ))
        .build()
        .and_then(|defaults| defaults.get(section))
        .unwrap_or_else(|error| panic!("default [{section}]: {error}"))
}
