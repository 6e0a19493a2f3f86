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
use crate::settings::{positive, Checked};

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub auth_max_requests: u64,
    pub auth_window_seconds: u64,
    pub share_lookup_max_misses: u64,
    pub share_lookup_window_seconds: u64,
}

impl RateLimitSettings {
    pub fn validate(&self) -> Checked {
        positive(&[
            ("rate_limit.auth_max_requests", self.auth_max_requests),
            ("rate_limit.auth_window_seconds", self.auth_window_seconds),
            (
                "rate_limit.share_lookup_max_misses",
                self.share_lookup_max_misses,
            ),
            (
                "rate_limit.share_lookup_window_seconds",
                self.share_lookup_window_seconds,
            ),
        ])
    }

    /// The sign-in endpoints (login, register, refresh, logout): every request counts, per
    /// client address and per path (guessing passwords and creating accounts in bulk both take
    /// many requests).
    pub fn sign_in(&self) -> ClientLimit {
        ClientLimit {
            name: "auth",
            max_requests: self.auth_max_requests,
            window: Duration::from_secs(self.auth_window_seconds),
            per_path: true,
            count_client_errors_only: false,
        }
    }

    /// Share-code lookups that find nothing: the API's `/share/{code}` (and its poster) and
    /// the H5 page `/s/{code}` count together, so guessing codes soon ends in 429 while a client
    /// opening real links is never limited.
    pub fn share_lookup_misses(&self) -> ClientLimit {
        ClientLimit {
            name: "share",
            max_requests: self.share_lookup_max_misses,
            window: Duration::from_secs(self.share_lookup_window_seconds),
            per_path: false,
            count_client_errors_only: true,
        }
    }
}

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
        let client = super::client_ip(&req.connection_info(), trust_forwarded_for);
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
