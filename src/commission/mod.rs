//! The shopkeeper's commission and the supplier's sale, from payment to settlement.
//!
//! A paid line accrues its commission (and the platform's tier bonus) as **pending**. A refund
//! reverses the share of the refunded pieces, before or after settlement. Once the part is
//! received and the settlement window has passed with no open after-sales case, the settlement
//! job makes the commission **available**, credits the supplier's payable net of commission and
//! the platform fee, and completes the part. Every step is one ledger posting per business key.

pub mod figures;
pub mod repo;
pub mod service;

pub use figures::LineFigures;
