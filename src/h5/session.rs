//! The pages' session: one signed cookie carrying who is signed in (if anyone), its expiry and
//! a random CSRF token that every form posts back. Stateless like the API's access tokens, so
//! any server behind the load balancer can read it; signed with a key derived from the
//! access-token key, under its own label so neither can pass for the other.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{HeaderValue, COOKIE, SET_COOKIE};
use actix_web::{web, FromRequest, HttpRequest, HttpResponseBuilder};
use base64::Engine as _;
use hmac::Mac;

use crate::auth::tokens::random_url_safe;
use crate::error::AppError;
use crate::members::MemberId;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "xp_session";
const VERSION: &str = "v1";

pub use crate::auth::keys::SessionKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub member: Option<MemberId>,
    pub csrf: String,
    /// Unix seconds.
    pub expires_at: i64,
}

impl Session {
    /// A new session; signing in or out starts another one, so a CSRF token seen before the
    /// change is worthless after it.
    pub fn new(member: Option<MemberId>, ttl_hours: u32) -> Self {
        Self {
            member,
            csrf: random_url_safe(24),
            expires_at: now() + i64::from(ttl_hours) * 3600,
        }
    }

    /// `v1.{member or 0}.{expires}.{csrf}.{signature}`
    pub fn encode(&self, key: &SessionKey) -> String {
        let payload = format!(
            "{VERSION}.{}.{}.{}",
            self.member.map_or(0, |m| m.0),
            self.expires_at,
            self.csrf
        );
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(key.mac(&payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// The session a cookie value holds, if its signature is ours and it has not expired.
    pub fn decode(value: &str, key: &SessionKey) -> Option<Self> {
        let (payload, signature) = value.rsplit_once('.')?;
        let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .ok()?;
        key.mac(payload).verify_slice(&signature).ok()?;
        let mut parts = payload.split('.');
        let (Some(VERSION), Some(member), Some(expires_at), Some(csrf), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let member: i64 = member.parse().ok()?;
        let expires_at: i64 = expires_at.parse().ok()?;
        (expires_at > now()).then(|| Self {
            member: (member > 0).then_some(MemberId(member)),
            csrf: csrf.to_owned(),
            expires_at,
        })
    }
}

/// Sessions live on wall time, like the API's tokens.
fn now() -> i64 {
    crate::clock::Clock::system().timestamp()
}

/// Whoever is looking at a page: their session (a new anonymous one when the request has
/// none that is valid), and the cookie to send if it changed.
pub struct Visitor {
    pub session: Session,
    state: web::Data<AppState>,
    secure: bool,
    changed: bool,
}

impl Visitor {
    pub fn member(&self) -> Option<MemberId> {
        self.session.member
    }

    pub fn csrf(&self) -> &str {
        &self.session.csrf
    }

    /// Refuses a form whose token is not this session's (403 `csrf_failed`).
    pub fn check_csrf(&self, posted: &str) -> Result<(), AppError> {
        if constant_time_eq(posted.as_bytes(), self.session.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                code: "csrf_failed",
                detail: "the form's token does not match this session".to_owned(),
            })
        }
    }

    /// Starts a new session for `member` (or an anonymous one).
    pub fn switch_to(&mut self, member: Option<MemberId>) {
        self.session = Session::new(member, self.state.settings.h5.session_ttl_hours);
        self.changed = true;
    }

    /// Adds `Set-Cookie` when the session is new or changed.
    pub fn write_cookie(&self, response: &mut HttpResponseBuilder) {
        if !self.changed {
            return;
        }
        let max_age = (self.session.expires_at - now()).max(0);
        let mut cookie = format!(
            "{COOKIE_NAME}={}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax",
            self.session.encode(&self.state.page_sessions)
        );
        if self.secure {
            cookie.push_str("; Secure");
        }
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.append_header((SET_COOKIE, value));
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie_value(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then(|| value.to_owned())
        })
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
            return Box::pin(async {
                Err(AppError::internal("application state is not registered"))
            });
        };
        // Behind a proxy, X-Forwarded-Proto says whether the browser used https; a public
        // address on https says it for every request.
        let secure = state.settings.h5.secure_cookies
            || state
                .settings
                .sharing
                .public_base_url
                .starts_with("https://")
            || req.connection_info().scheme() == "https";
        let existing =
            cookie_value(req).and_then(|value| Session::decode(&value, &state.page_sessions));
        Box::pin(async move {
            let existing = match existing {
                Some(session) => still_valid(&state, session).await?,
                None => None,
            };
            let changed = existing.is_none();
            let session =
                existing.unwrap_or_else(|| Session::new(None, state.settings.h5.session_ttl_hours));
            Ok(Self {
                session,
                state,
                secure,
                changed,
            })
        })
    }
}

/// The session, unless its member's account is no longer active: a disabled account is
/// signed out at its next page, as its API refresh token is refused.
async fn still_valid(state: &AppState, session: Session) -> Result<Option<Session>, AppError> {
    let Some(member) = session.member else {
        return Ok(Some(session));
    };
    let active = state
        .read(move |conn, _| {
            Ok(crate::members::repo::find(conn, member)?.is_some_and(|m| m.is_active()))
        })
        .await?;
    Ok(active.then_some(session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_reads_back_only_with_its_key_unaltered_and_unexpired() {
        let key = SessionKey::derive(b"0123456789abcdef0123456789abcdef");
        let session = Session::new(Some(MemberId(42)), 1);
        let value = session.encode(&key);
        assert_eq!(Session::decode(&value, &key), Some(session.clone()));

        let other = SessionKey::derive(b"another-key-another-key-another-k");
        assert_eq!(Session::decode(&value, &other), None);
        let forged = value.replacen(".42.", ".43.", 1);
        assert_eq!(Session::decode(&forged, &key), None);
        let expired = Session {
            expires_at: now() - 1,
            ..session
        };
        assert_eq!(Session::decode(&expired.encode(&key), &key), None);
        assert_eq!(Session::decode("junk", &key), None);

        let anonymous = Session::new(None, 1);
        assert_eq!(
            Session::decode(&anonymous.encode(&key), &key).map(|s| s.member),
            Some(None)
        );
    }
}
