//! The supplier's side of orders: its parts of buyers' orders, CSV export, shipping (one by one
//! or in bulk from CSV).

pub mod dto;
pub mod repo;
pub mod rules;
pub mod service;
