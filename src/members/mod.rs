//! Members: the member records, their id and roles, and the registration rules (registering,
//! and members shown with their roles, are `crate::auth::accounts`).

pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member's id; its own type so it cannot be mixed up with another entity's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct MemberId(pub i64);

/// What a member may do. Every member is a buyer; the others are earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Buyer,
    /// Owns a micro-shop.
    Shopkeeper,
    /// Belongs to an approved supplier.
    Supplier,
    /// Platform staff.
    Admin,
}
