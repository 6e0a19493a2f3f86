//! Sharing (分享赚): short share codes for shop items, their links and copy text, visit
//! counts, and posters with a QR code of the link.

pub mod dto;
pub mod poster;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
