//! Access tokens (short-lived JWTs) and refresh tokens (opaque, stored hashed).

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AuthSettings;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;

/// The only algorithm accepted: pinned, so `alg: none` or a swapped algorithm is refused.
const ALGORITHM: Algorithm = Algorithm::HS256;
const ACCESS_TOKEN_TYPE: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// Always "access": nothing else this service signs may be used as an access token.
    pub typ: String,
}

/// Issues and checks access tokens.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_seconds: u64,
}

impl AccessTokens {
    pub fn new(secret: &[u8], settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = settings.leeway_seconds;
        validation.validate_exp = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_seconds: settings.access_token_ttl_seconds,
        }
    }

    pub fn ttl_seconds(&self) -> u64 {
        self.ttl_seconds
    }

    /// Tokens live on wall time, as the library checks them: a session survives business time
    /// being set or advanced in development.
    pub fn issue(&self, member: MemberId) -> AppResult<String> {
        let now = Clock::system().timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: member.0.to_string(),
            iat: now,
            exp: now + self.ttl_seconds as i64,
            typ: ACCESS_TOKEN_TYPE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .map_err(|e| AppError::internal(format!("token signing failed: {e}")))
    }

    /// The member a valid access token speaks for; 401 for anything else.
    pub fn verify(&self, token: &str) -> AppResult<MemberId> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AppError::Unauthorized {
                    code: "token_expired",
                },
                _ => AppError::Unauthorized {
                    code: "invalid_token",
                },
            })?;
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return Err(AppError::Unauthorized {
                code: "invalid_token",
            });
        }
        data.claims
            .sub
            .parse()
            .map(MemberId)
            .map_err(|_| AppError::Unauthorized {
                code: "invalid_token",
            })
    }
}

/// A new opaque refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    random_url_safe(32)
}

/// A new family id, shared by every rotation of one login.
pub fn new_token_family() -> String {
    random_url_safe(16)
}

/// Only this digest is stored, so a database leak yields no usable refresh token.
pub fn refresh_token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_url_safe(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AuthSettings {
        crate::settings::defaults("auth")
    }

    fn sign(claims: &serde_json::Value, header: Header, secret: &[u8]) -> String {
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
    }

    fn valid_claims() -> serde_json::Value {
        let now = Clock::system().timestamp();
        serde_json::json!({"iss": "xiaopu", "aud": "xiaopu-api", "sub": "7",
            "iat": now, "exp": now + 600, "typ": "access"})
    }

    #[test]
    fn issued_tokens_verify_to_their_member() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", &settings());
        let token = tokens.issue(MemberId(42)).unwrap();
        assert_eq!(tokens.verify(&token).unwrap(), MemberId(42));
    }

    #[test]
    fn tampered_foreign_or_malformed_tokens_are_refused() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let tokens = AccessTokens::new(secret, &settings());
        let code = |t: &str| tokens.verify(t).unwrap_err().code();
        let valid = sign(&valid_claims(), Header::new(Algorithm::HS256), secret);
        assert_eq!(tokens.verify(&valid).unwrap(), MemberId(7));
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let unsigned = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&valid_claims().to_string())
        );
        assert_eq!(code(&unsigned), "invalid_token");
        let mut other_aud = valid_claims();
        other_aud["aud"] = "someone-else".into();
        assert_eq!(
            code(&sign(&other_aud, Header::new(Algorithm::HS256), secret)),
            "invalid_token"
        );
        let mut expired = valid_claims();
        expired["exp"] = (Clock::system().timestamp() - 3600).into();
        assert_eq!(
            code(&sign(&expired, Header::new(Algorithm::HS256), secret)),
            "token_expired"
        );
        let mut refresh_typed = valid_claims();
        refresh_typed["typ"] = "refresh".into();
        assert_eq!(
            code(&sign(&refresh_typed, Header::new(Algorithm::HS256), secret)),
            "invalid_token"
        );
        assert_eq!(
            code(&sign(
                &valid_claims(),
                Header::new(Algorithm::HS512),
                secret
            )),
            "invalid_token"
        );
        assert_eq!(
            code(&sign(
                &valid_claims(),
                Header::new(Algorithm::HS256),
                b"another-key-another-key-another-key"
            )),
            "invalid_token"
        );
        assert_eq!(code("not.a.jwt"), "invalid_token");
        assert_eq!(code(&new_refresh_token()), "invalid_token");
    }
}
