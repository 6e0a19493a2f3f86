//! The public storefront: what a buyer opening a shared link sees. No login, and no
//! commission figures anywhere in it.

pub mod dto;
pub mod repo;
pub mod service;
