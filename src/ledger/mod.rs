//! The double-entry ledger every money movement posts to.
//!
//! A posting has a unique business key (a retried request or job posts once) and entries that
//! sum to zero (debits positive, credits negative). Entries are append-only (database triggers
//! refuse updates and deletes): a correction is a reversing posting. Each account caches its
//! balance, updated in the posting's transaction; `xiaopu ledger check` proves cache and sums agree.

pub mod accounts;
pub mod check;
pub mod model;
pub mod repo;
pub mod service;

pub use accounts::AccountSpec;
pub use service::{post, Leg, Posted, PostingRequest};

/// The side of an entry, and an account's normal side (where its balance grows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "debit" => Some(Side::Debit),
            "credit" => Some(Side::Credit),
            _ => None,
        }
    }
}
