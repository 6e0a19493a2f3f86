//! Goods: a supplier's listings with their SKUs, stock, and commission (with notice on a fall).

pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
