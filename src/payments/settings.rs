//! Which gateway takes payments, and how its callbacks are checked.

use serde::Deserialize;

use crate::settings::{secret, Checked, ConfigError, RunEnvironment};

/// The payment gateways built in; others plug into `payments::gateway::PaymentGateway`.
pub const PAYMENT_GATEWAYS: [&str; 1] = ["sandbox"];
/// The shortest callback secret accepted.
pub const CALLBACK_SECRET_MIN_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    pub gateway: String,
    pub callback_secret: String,
    pub callback_tolerance_seconds: u64,
}

impl PaymentSettings {
    pub fn validate(&self, environment: RunEnvironment) -> Checked {
        if !PAYMENT_GATEWAYS.contains(&self.gateway.as_str()) {
            return Err(ConfigError::new(
                "payments.gateway",
                format!("must be one of {PAYMENT_GATEWAYS:?}"),
            ));
        }
        secret(
            "payments.callback_secret",
            &self.callback_secret,
            CALLBACK_SECRET_MIN_LEN,
            environment,
        )
    }
}
