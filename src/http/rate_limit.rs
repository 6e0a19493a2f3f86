//! Per-client rate limits, counted in memory of this process (shared by its workers). Each
//! limiter names its counters, so limiters on one backend count apart.

use std::future::ready;
use std::time::Duration;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{SimpleInput, SimpleInputFuture, SimpleOutput};
use actix_extensible_rate_limit::{HeaderCompatibleOutput, RateLimiter};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderValue;
use actix_web::ResponseError;

use crate::error::AppError;

/// What one limiter counts, and how many it lets through in a window.
pub struct ClientLimit {
    /// Names the limiter's counters.
    pub name: &'static str,
    pub max_requests: u64,
    pub window: Duration,
    /// Each path has its own count (login and register), or all the wrapped paths share one.
    pub per_path: bool,
    /// Only requests answered 4xx count (misses, such as unknown codes): a client that keeps
    /// finding what it asks for is never limited.
    pub count_client_errors_only: bool,
}

/// A limiter of requests per client address; beyond the limit, 429 with Retry-After in the
/// problem shape of every error.
pub fn per_client(
    backend: InMemoryBackend,
    trust_forwarded_for: bool,
    limit: ClientLimit,
) -> RateLimiter<
    InMemoryBackend,
    SimpleOutput,
    impl Fn(&ServiceRequest) -> SimpleInputFuture + 'static,
> {
    let ClientLimit {
        name,
        max_requests,
        window,
        per_path,
        count_client_errors_only,
    } = limit;
    let input = move |req: &ServiceRequest| -> SimpleInputFuture {
        let info = req.connection_info();
        let client = if trust_forwarded_for {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        }
        .unwrap_or("unknown")
        .to_owned();
        let key = if per_path {
            format!("{name}|{client}|{}", req.path())
        } else {
            format!("{name}|{client}")
        };
        ready(Ok(SimpleInput {
            interval: window,
            max_requests,
            key,
        }))
    };
    let builder = RateLimiter::builder(backend, input)
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
        });
    if count_client_errors_only {
        builder
            .rollback_condition(Some(|status: actix_web::http::StatusCode| {
                !status.is_client_error()
            }))
            .build()
    } else {
        builder.build()
    }
}
