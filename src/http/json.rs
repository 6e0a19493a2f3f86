//! `JsonBody<T>`: a JSON request body whose every failure is a problem response naming the field.

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{AppError, AppResult, FieldError};

/// A JSON body, deserialised, or why it could not be. Unknown fields are refused by the DTOs
/// (`deny_unknown_fields`); the body size is capped by `server.body_limit_bytes` (413 beyond).
///
/// Its refusal waits for [`JsonBody::into_inner`]: actix answers with the first extractor
/// that fails, and a body read at once would fail before the caller's role is checked (in a
/// database), telling someone without the role what the route expects instead of 403.
#[derive(Debug)]
pub struct JsonBody<T>(AppResult<T>);

impl<T> JsonBody<T> {
    /// The body; call it after the caller's role is known.
    pub fn into_inner(self) -> AppResult<T> {
        self.0
    }
}

impl<T: validator::Validate> JsonBody<T> {
    /// The body, its fields checked by their rules (each field at fault named, 422).
    pub fn checked(self) -> AppResult<T> {
        let body = self.0?;
        body.validate()?;
        Ok(body)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, AppResult<Self>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = async {
                if !is_json {
                    return Err(AppError::UnsupportedMediaType);
                }
                let bytes = bytes.await.map_err(|e| {
                    if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::PayloadTooLarge
                    } else {
                        AppError::BadRequest {
                            code: "unreadable_body",
                            detail: "the request body could not be read".to_owned(),
                        }
                    }
                })?;
                parse(&bytes)
            };
            Ok(JsonBody(body.await))
        })
    }
}

/// Parses a body, telling syntax errors (400) from wrong fields (422, naming the field).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    if has_nul_escape(bytes) {
        return Err(AppError::nul_character());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        if !inner.is_data() {
            return malformed(inner);
        }
        let message = inner.to_string();
        let parent = error.path().to_string();
        // The path ends at the field for an unknown one, at its parent for a missing one.
        let field = match named_field(&message) {
            Some(name) if parent == "." => name.to_owned(),
            Some(name) if parent != name && !parent.ends_with(&format!(".{name}")) => {
                format!("{parent}.{name}")
            }
            _ => parent,
        };
        let code = if message.starts_with("unknown field") {
            "unknown_field"
        } else if message.starts_with("missing field") {
            "required"
        } else {
            "invalid_type"
        };
        AppError::Validation(vec![FieldError::new(
            &field,
            code,
            strip_position(&message),
        )])
    })?;
    deserializer.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

/// Whether a JSON text carries `\u0000` (the only way JSON can hold U+0000): an escape when an
/// odd number of backslashes leads to the `u`, text (`\\u0000`) when even.
fn has_nul_escape(bytes: &[u8]) -> bool {
    bytes.windows(6).enumerate().any(|(at, window)| {
        window == b"\\u0000"
            && bytes[..at]
                .iter()
                .rev()
                .take_while(|b| **b == b'\\')
                .count()
                % 2
                == 0
    })
}

fn malformed(error: &serde_json::Error) -> AppError {
    AppError::BadRequest {
        code: "malformed_json",
        detail: format!("the body is not valid JSON: {error}"),
    }
}

/// serde names the field itself (not its parent) in these two messages.
fn named_field(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    rest.split('`').next()
}

/// Drops serde_json's " at line 1 column 9", which means nothing to an API client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_an_escaped_nul_is_a_nul() {
        use super::has_nul_escape;
        assert!(has_nul_escape(br#"{"name": "a\u0000b"}"#));
        assert!(has_nul_escape(br#"{"name": "\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"name": "a\\u0000b"}"#));
        assert!(!has_nul_escape(br#"{"name": "a\u0001b"}"#));
    }

    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Address {
        phone: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        quantity: u32,
        address: Address,
    }

    fn field_error(body: &str) -> FieldError {
        match parse::<Order>(body.as_bytes()).unwrap_err() {
            AppError::Validation(mut errors) => errors.remove(0),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_fields_are_named_with_their_path() {
        let e = field_error(r#"{"quantity": "two", "address": {"phone": "1"}}"#);
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("quantity", "invalid_type")
        );
        let e = field_error(r#"{"quantity": 2, "address": {"phone": 1}}"#);
        assert_eq!(e.field, "address.phone");
        let e = field_error(r#"{"quantity": 2, "address": {"phone": "1", "fax": "2"}}"#);
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("address.fax", "unknown_field")
        );
        let e = field_error(r#"{"quantity": 2}"#);
        assert_eq!((e.field.as_str(), e.code.as_str()), ("address", "required"));
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        for body in [
            r#"{"quantity": 2"#,
            "not json",
            r#"{"quantity": 2, "address": {"phone": "1"}} trailing"#,
        ] {
            assert!(
                matches!(
                    parse::<Order>(body.as_bytes()).unwrap_err(),
                    AppError::BadRequest {
                        code: "malformed_json",
                        ..
                    }
                ),
                "{body}"
            );
        }
        let deep = "[".repeat(10_000);
        assert!(matches!(
            parse::<serde_json::Value>(deep.as_bytes()).unwrap_err(),
            AppError::BadRequest { .. }
        ));
    }
}
