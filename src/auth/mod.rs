//! Authentication: sign-in, access and refresh tokens, the role extractors, and rate limits
//! (password hashing itself is `crate::passwords`).

pub mod accounts;
pub mod dto;
pub mod extractors;
pub mod keys;
pub mod model;
pub mod repo;
pub mod service;
pub mod settings;
pub mod tokens;

pub use extractors::{AdminMember, AuthMember, ShopkeeperMember, SupplierMember};
pub use settings::AuthSettings;
