//! Per-client rate limit on the sign-in endpoints (login, register, refresh, logout).

use std::time::Duration;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{SimpleInputFuture, SimpleOutput};
use actix_extensible_rate_limit::RateLimiter;
use actix_web::dev::ServiceRequest;

use crate::config::Settings;
use crate::http::rate_limit::{per_client, ClientLimit};

/// Every request counts, per client address and per path (guessing passwords and creating
/// accounts in bulk both take many requests).
pub fn auth_rate_limiter(
    backend: InMemoryBackend,
    settings: &Settings,
) -> RateLimiter<
    InMemoryBackend,
    SimpleOutput,
    impl Fn(&ServiceRequest) -> SimpleInputFuture + 'static,
> {
    per_client(
        backend,
        settings.server.trust_forwarded_for,
        ClientLimit {
            name: "auth",
            max_requests: settings.rate_limit.auth_max_requests,
            window: Duration::from_secs(settings.rate_limit.auth_window_seconds),
            per_path: true,
            count_client_errors_only: false,
        },
    )
}
