//! The money core: what money does when an order changes state. Orders, payments, after-sales,
//! suppliers and the jobs call it; it posts to the ledger and records refunds owed, and calls
//! none of them back.
//!
//! A paid line accrues its commission (and the platform's tier bonus) as **pending**. A refund
//! reverses the share of the refunded pieces, before or after settlement. Once the part is
//! received and the settlement window has passed with no open after-sales case, the settlement
//! job makes the commission **available**, credits the supplier's payable net of commission and
//! the platform fee, and completes the part. Every step is one ledger posting per business key.

pub mod exits;
pub mod figures;
pub mod payment;
pub mod refunds;
pub mod repo;
pub mod service;

pub use figures::LineFigures;
