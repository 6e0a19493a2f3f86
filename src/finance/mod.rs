//! What the money looks like to each party: a shopkeeper's earnings, a supplier's finance, the
//! platform's totals. Balances are read from the ledger; figures over time from order lines.

pub mod dto;
pub mod repo;
pub mod service;
