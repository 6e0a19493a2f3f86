//! Blocking HTTP to a gateway (callers run it off the async workers, like the database).
//!
//! A failure to get an answer (connection refused, timeout, TLS) is `AppError::Unavailable`:
//! the caller retries with the same request number. Any HTTP status comes back as a
//! [`Reply`] for the adapter to read, because 4xx bodies carry the gateway's business errors.
//! Messages name the gateway and the call, never a body, a header or a key.

use std::time::Duration;

use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::Agent;

use crate::error::{AppError, AppResult};

/// Largest answer read: a day's bill of a busy shop fits many times over.
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One gateway's HTTP client.
#[derive(Clone)]
pub struct Transport {
    agent: Agent,
    gateway: &'static str,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("gateway", &self.gateway)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// `gateway` names it in errors; `timeout_seconds` bounds each whole call.
    pub fn new(gateway: &'static str, timeout_seconds: u64) -> Self {
        let tls = TlsConfig::builder()
            .provider(TlsProvider::NativeTls)
            .root_certs(RootCerts::PlatformVerifier)
            .build();
        let config = Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(timeout_seconds.max(1))))
            .http_status_as_error(false)
            .tls_config(tls)
            .build();
        Self {
            agent: Agent::new_with_config(config),
            gateway,
        }
    }

    /// GET `url`; `call` names the call in errors (the URL may carry a download token).
    pub fn get(&self, call: &str, url: &str, headers: &[(&str, String)]) -> AppResult<Reply> {
        let mut request = self.agent.get(url);
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        self.read(call, request.call())
    }

    /// POST `body` to `url` as `content_type`.
    pub fn post(
        &self,
        call: &str,
        url: &str,
        headers: &[(&str, String)],
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Reply> {
        let mut request = self.agent.post(url).header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        self.read(call, request.send(body))
    }

    fn read(
        &self,
        call: &str,
        sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> AppResult<Reply> {
        let failed = |why: String| AppError::unavailable(format!("{} {call}: {why}", self.gateway));
        let mut response = sent.map_err(|e| failed(describe(&e)))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|e| failed(describe(&e)))?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}

/// The kind of failure, without ureq's full text (which may quote the URL).
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::Io(e) => format!("connection failed ({})", e.kind()),
        ureq::Error::BodyExceedsLimit(limit) => format!("answer larger than {limit} bytes"),
        ureq::Error::Tls(_) | ureq::Error::NativeTls(_) => "TLS failed".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        _ => "request failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HTTPS goes through native-tls with the system's roots (ureq would panic here if no root
    /// store were configured); a server that does not speak TLS is a retryable failure.
    #[test]
    fn https_is_set_up_and_a_failed_handshake_is_unavailable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(1).flatten() {
                use std::io::Write;
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot tls");
            }
        });
        let transport = Transport::new("test gateway", 2);
        let error = transport
            .get(
                "probe",
                &format!("https://127.0.0.1:{port}/x?token=SECRET"),
                &[],
            )
            .unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, AppError::Unavailable { .. }), "{message}");
        assert!(message.contains("test gateway probe"), "{message}");
        assert!(!message.contains("SECRET"), "{message}");
    }
}
