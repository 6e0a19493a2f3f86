//! Payments of orders through a gateway: WeChat Pay or Alipay, or the built-in sandbox outside
//! production, each behind [`gateway::PaymentGateway`]. A confirmed payment and every refund post to the ledger in
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
use crate::settings::RunEnvironment;

/// The gateways this server knows, by name, and the one new payments use. The sandbox is one
/// of them only outside production.
#[derive(Clone)]
pub struct Gateways {
    by_name: HashMap<&'static str, Arc<dyn PaymentGateway>>,
    default: &'static str,
    sandbox: Option<Arc<sandbox::Sandbox>>,
}

impl Gateways {
    /// `secret` signs and checks the sandbox's callbacks (configured, or generated and kept in
    /// the database). The settings were validated: every configured rail's keys read.
    pub fn new(
        settings: &PaymentSettings,
        environment: RunEnvironment,
        secret: Vec<u8>,
    ) -> AppResult<Self> {
        let mut by_name: HashMap<&'static str, Arc<dyn PaymentGateway>> = HashMap::new();
        let sandbox = (!environment.is_production()).then(|| {
            Arc::new(sandbox::Sandbox::new(
                secret,
                settings.callback_tolerance_seconds,
            ))
        });
        if let Some(sandbox) = &sandbox {
            by_name.insert(
                sandbox::NAME,
                Arc::clone(sandbox) as Arc<dyn PaymentGateway>,
            );
        }
        if let Some(wechat) = &settings.wechat {
            let rail = wechat::WechatPay::from_settings(wechat).map_err(AppError::internal)?;
            by_name.insert(wechat::NAME, Arc::new(rail));
        }
        if let Some(alipay) = &settings.alipay {
            let rail = alipay::Alipay::from_settings(alipay).map_err(AppError::internal)?;
            by_name.insert(alipay::NAME, Arc::new(rail));
        }
        let default = by_name
            .keys()
            .copied()
            .find(|name| *name == settings.gateway)
            .ok_or_else(|| {
                AppError::internal(format!("gateway {} is not configured", settings.gateway))
            })?;
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

    /// The sandbox, for its completion endpoint (it signs what it sends); not in production.
    pub fn sandbox(&self) -> AppResult<&sandbox::Sandbox> {
        self.sandbox.as_deref().ok_or(AppError::NotFound {
            resource: "payment gateway",
        })
    }
}
