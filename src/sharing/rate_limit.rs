//! Per-client limit on share-code lookups that find nothing: the API's `/share/{code}` (and
//! its poster) and the H5 page `/s/{code}` count together, so guessing codes soon ends in 429
//! while a client opening real links is never limited.

use std::time::Duration;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{SimpleInputFuture, SimpleOutput};
use actix_extensible_rate_limit::RateLimiter;
use actix_web::dev::ServiceRequest;

use crate::config::Settings;
use crate::http::rate_limit::{per_client, ClientLimit};

pub fn share_lookup_limiter(
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
            name: "share",
            max_requests: settings.rate_limit.share_lookup_max_misses,
            window: Duration::from_secs(settings.rate_limit.share_lookup_window_seconds),
            per_path: false,
            count_client_errors_only: true,
        },
    )
}
