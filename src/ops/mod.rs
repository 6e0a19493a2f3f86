//! Operations: the Prometheus metrics (the endpoints are in `crate::api::ops`).

pub mod metrics;
