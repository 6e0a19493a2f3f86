//! After-sales: a buyer's refund or return request on one supplier's part of an order, the
//! supplier's answer (or silence, which approves it), and disputes the platform decides. The case states are
//! `crate::orders::case_state`, beside the order's own: the money core reads them too.

pub mod cancellation;
pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
