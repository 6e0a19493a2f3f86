//! Orders: placement (idempotent, no overselling, a snapshot per line), the buyer's and the
//! shopkeeper's views, cancellation and receipt. The state machine is in [`state`].

pub mod case_state;
pub mod dto;
pub mod model;
pub mod placement;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;
pub mod state;
pub mod views;
