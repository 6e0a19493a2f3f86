//! Authentication: passwords, access and refresh tokens, the role extractors, and rate limits.

pub mod dto;
pub mod extractors;
pub mod keys;
pub mod model;
pub mod password;
pub mod rate_limit;
pub mod repo;
pub mod service;
pub mod tokens;

pub use extractors::{AdminMember, AuthMember, ShopkeeperMember, SupplierMember};
