//! Withdrawals: a shopkeeper's available commission, or a supplier's payable, paid out through
//! the payment gateway. The money is set aside when requested (in the request's transaction),
//! the gateway is called after commit (by the request, or the send-payouts job for retries),
//! and a refusal returns the money.

pub mod dto;
pub mod model;
pub mod repo;
pub mod service;
