//! Suppliers: application and review, the deposit, standing (active or not), and exit.

pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct SupplierId(pub i64);
