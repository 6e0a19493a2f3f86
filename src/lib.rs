//! xiaopu: an open backend for S2B2C social-commerce micro-shops.
//!
//! The modules, lowest layer first. Each imports only modules above it in this list (a test,
//! `tests/api/architecture.rs`, holds the order), and each domain keeps its rows (`model`),
//! queries (`repo`), rules (`rules`), use cases (`service`) and settings (`settings`) apart.
//!
//! Foundations
//! - `error`: the one error type and its JSON shape (problem details).
//! - `settings`: the run environment and the configuration error every module's settings use.
//! - `money`: fen and basis points; the money settings (settlement window, platform fee).
//! - `clock`: business time, the only reader of the system clock.
//! - `blocking`: database and hashing work off the async workers.
//! - `db`: connections to PostgreSQL or SQLite, migrations, the schema.
//! - `pagination`: page and cursor limits.
//! - `passwords`: argon2id hashing and the password policy.
//! - `openapi`: the error responses every operation shares.
//!
//! Records everyone reads
//! - `members`: member records, `MemberId`, roles, registration rules.
//! - `audit`: who did what, written with the change.
//! - `ledger`: the double-entry ledger every money movement posts to.
//! - `http`: extractors, middleware, per-client rate limits.
//! - `idempotency`: `Idempotency-Key`, a stored first answer.
//!
//! The marketplace
//! - `suppliers`: applications, the deposit, standing, exit; the category tree.
//! - `goods`: listings, SKUs, stock, the commission in force (`goods::rules::rate_at`).
//! - `tiers`: the four tiers (`Tier`), their thresholds and bonuses, the monthly engine.
//! - `shops`: the credit check (`shops::rules::check_credit`), opening and naming a shop.
//! - `auth`: sign-in, tokens, role extractors; accounts and the roles a member holds.
//! - `catalogue`: the goods a shopkeeper may curate, with what they would earn.
//! - `curation`: a shop's items; the 1,000-item cap (`curation::rules::take_item_slots`).
//! - `storefront`: the public shop and item pages.
//! - `sharing`: share codes, links and posters.
//! - `plans`: targeted commission plans.
//!
//! Orders and money
//! - `orders`: placement, the buyer's views; the order and after-sales case states.
//! - `payments`: gateways and payment rows.
//! - `settlement`: the money core: payment, refunds, settlement, reversal, a supplier's exit.
//! - `fulfilment`: the supplier's side: shipping, export.
//! - `aftersales`: refund and return cases, disputes, cancellation.
//! - `withdrawals`: payouts to shopkeepers and suppliers.
//! - `finance`: balances as each party sees them.
//!
//! The composition (assembles the rest)
//! - `config`: loads the files and variables, composes every module's settings.
//! - `jobs`: background jobs and the scheduler.
//! - `ops`: metrics.
//! - `demo`, `seed`: the demo dataset and the benchmark seed.
//! - `state`: what every handler shares (`AppState`).
//! - `api`: the JSON API's handlers; `h5`: the buyer's pages.
//! - `app`: the route table, the OpenAPI document, the server.

pub mod aftersales;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod blocking;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod curation;
pub mod db;
pub mod demo;
pub mod error;
pub mod finance;
pub mod fulfilment;
pub mod goods;
pub mod h5;
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
pub mod passwords;
pub mod payments;
pub mod plans;
pub mod seed;
pub mod settings;
pub mod settlement;
pub mod sharing;
pub mod shops;
pub mod state;
pub mod storefront;
pub mod suppliers;
pub mod tiers;
pub mod withdrawals;
