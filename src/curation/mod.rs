//! Curation: the goods a shopkeeper picks for a shop, each with their own recommendation text,
//! ordered and pinned, at most `shops.max_items_per_shop` of them (`rules::take_item_slots`).

pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
