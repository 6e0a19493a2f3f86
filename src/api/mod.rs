//! The HTTP API's handlers, one file per domain: they read the request, call the domain's
//! services with the parts of the state those need, and shape the answer. The route table that
//! mounts them is in `crate::app`.

pub mod aftersales;
pub mod auth;
pub mod catalogue;
pub mod clock;
pub mod curation;
pub mod finance;
pub mod fulfilment;
pub mod goods;
pub mod jobs;
pub mod members;
pub mod ops;
pub mod orders;
pub mod payments;
pub mod plans;
pub mod sharing;
pub mod shops;
pub mod storefront;
pub mod suppliers;
pub mod tiers;
pub mod withdrawals;
