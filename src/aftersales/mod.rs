//! After-sales: a buyer's refund or return request on one supplier's part of an order, the
//! supplier's answer (or silence, which approves it), and disputes the platform decides.

pub mod state;
