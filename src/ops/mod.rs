//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod clock;
pub mod handlers;
pub mod metrics;
