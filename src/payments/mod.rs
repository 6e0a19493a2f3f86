//! Payments of orders through a gateway: the built-in sandbox, or a production gateway plugged
//! into [`gateway::PaymentGateway`]. A confirmed payment and every refund post to the ledger in
//! the same transaction as the order's change of state.

pub mod alipay;
pub mod dto;
pub mod gateway;
pub mod model;
pub mod rails;
pub mod repo;
pub mod sandbox;
pub mod service;
pub mod settings;
pub mod wechat;

use std::collections::HashMap;
use std::sync::Arc;

use gateway::PaymentGateway;

use crate::error::{AppError, AppResult};
use crate::payments::settings::PaymentSettings;

/// The gateways this server knows, by name, and the one new payments use.
#[derive(Clone)]
pub struct Gateways {
    by_name: HashMap<&'static str, Arc<dyn PaymentGateway>>,
    default: &'static str,
    sandbox: Arc<sandbox::Sandbox>,
}

impl Gateways {
    /// `secret` signs and checks callbacks (configured, or generated and kept in the database).
    pub fn new(settings: &PaymentSettings, secret: Vec<u8>) -> AppResult<Self> {
        let sandbox = Arc::new(sandbox::Sandbox::new(
            secret,
            settings.callback_tolerance_seconds,
        ));
        let by_name = HashMap::from([(
            sandbox.name(),
            Arc::clone(&sandbox) as Arc<dyn PaymentGateway>,
        )]);
        let default = by_name
            .keys()
            .copied()
            .find(|name| *name == settings.gateway)
            .ok_or_else(|| AppError::internal(format!("unknown gateway {}", settings.gateway)))?;
        Ok(Self {
            by_name,
            default,
            sandbox,
        })
    }

    pub fn default_gateway(&self) -> &dyn PaymentGateway {
        self.by_name[self.default].as_ref()
    }

    /// A gateway by the name in a callback's path or a payment row; unknown → 404.
    pub fn get(&self, name: &str) -> AppResult<&dyn PaymentGateway> {
        self.by_name
            .get(name)
            .map(|gateway| gateway.as_ref())
            .ok_or(AppError::NotFound {
                resource: "payment gateway",
            })
    }

    /// The sandbox, for its completion endpoint (it signs what it sends).
    pub fn sandbox(&self) -> &sandbox::Sandbox {
        &self.sandbox
    }
}
