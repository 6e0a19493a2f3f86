//! After-sales: a buyer's refund or return request on one supplier's part of an order, the
//! supplier's answer (or silence, which approves it), and disputes the platform decides.

pub mod cancellation;
pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod state;
