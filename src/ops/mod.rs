//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod handlers;
pub mod metrics;
