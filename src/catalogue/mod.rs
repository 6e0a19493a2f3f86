//! The catalogue shopkeepers curate from: every listed goods of an active supplier, with what
//! the shopkeeper would earn per sale.

pub mod dto;
pub mod repo;
pub mod service;
