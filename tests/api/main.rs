//! The one integration test binary. Every test starts from a fresh database; set
//! TEST_DATABASE_URL=postgres://… to run them all against PostgreSQL instead of SQLite.

mod abuse;
mod aftersales;
mod architecture;
mod auth;
mod authz;
mod cli;
mod clock;
mod curation;
mod enums;
mod errors;
mod fulfilment;
mod goods;
mod h5;
mod migrations;
mod money;
mod money_properties;
mod openapi;
mod ops;
mod orders;
mod plans;
mod pool;
mod production;
mod sharing;
mod shops;
mod storefront;
mod suppliers;
mod support;
mod tiers;
mod worlds;
