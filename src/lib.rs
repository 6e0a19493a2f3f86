//! xiaopu: an open backend for S2B2C social-commerce micro-shops.

pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod curation;
pub mod db;
pub mod error;
pub mod goods;
pub mod http;
pub mod idempotency;
pub mod jobs;
pub mod ledger;
pub mod members;
pub mod money;
pub mod openapi;
pub mod ops;
pub mod orders;
pub mod pagination;
pub mod payments;
pub mod sharing;
pub mod shops;
pub mod state;
pub mod storefront;
pub mod suppliers;
pub mod tiers;
