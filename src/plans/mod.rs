//! Targeted commission plans (定向计划): a supplier offers chosen shops an exclusive rate on
//! chosen goods, above the public one, for a period; new orders from those shops use it while
//! it is in force. Also the supplier's view of the shopkeepers who sell its goods, to choose
//! whom to target.

pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
