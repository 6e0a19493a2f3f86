//! Shopkeepers and their micro-shops: the credit gate, real-name verification, opening,
//! editing and closing a shop. Curation lives in `curation`, public pages in `storefront`.

pub mod credit;
pub mod dto;
pub mod model;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
