//! Per-client rate limit on the sign-in endpoints (login, register, refresh, logout).

use std::future::ready;
use std::time::Duration;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{SimpleInput, SimpleInputFuture, SimpleOutput};
use actix_extensible_rate_limit::{HeaderCompatibleOutput, RateLimiter};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderValue;
use actix_web::ResponseError;

use crate::config::Settings;
use crate::error::AppError;

/// Counts are kept per client address and per path, in memory of this process.
pub fn auth_rate_limiter(
    backend: InMemoryBackend,
    settings: &Settings,
) -> RateLimiter<
    InMemoryBackend,
    SimpleOutput,
    impl Fn(&ServiceRequest) -> SimpleInputFuture + 'static,
> {
    let interval = Duration::from_secs(settings.rate_limit.auth_window_seconds);
    let max_requests = settings.rate_limit.auth_max_requests;
    let trust_forwarded_for = settings.server.trust_forwarded_for;
    let input = move |req: &ServiceRequest| -> SimpleInputFuture {
        let info = req.connection_info();
        let client = if trust_forwarded_for {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        }
        .unwrap_or("unknown")
        .to_owned();
        ready(Ok(SimpleInput {
            interval,
            max_requests,
            key: format!("auth|{client}|{}", req.path()),
        }))
    };
    RateLimiter::builder(backend, input)
        .add_headers()
        .request_denied_response(|output: &SimpleOutput| {
            let mut response = AppError::TooManyRequests {
                retry_after_seconds: output.seconds_until_reset().max(1),
            }
            .error_response();
            response.headers_mut().insert(
                "x-ratelimit-limit".parse().expect("static header name"),
                HeaderValue::from(output.limit()),
            );
            response
        })
        .build()
}
