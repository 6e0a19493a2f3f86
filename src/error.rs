//! The one error type handlers return, and its one JSON shape (RFC 9457 problem details).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One field at fault in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as sent, dotted for nested fields (`address.phone`).
    pub field: String,
    /// Stable machine code, e.g. `too_short`, `invalid_format`, `taken`.
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// Every failure a client can see. The `code` of each variant is stable API.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("unauthorized: {code}")]
    Unauthorized { code: &'static str },
    #[error("forbidden: {code}")]
    Forbidden { code: &'static str, detail: String },
    #[error("{resource} not found")]
    NotFound { resource: &'static str },
    #[error("conflict: {detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("service unavailable: {reason}")]
    Unavailable { reason: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal(message.into())
    }

    /// U+0000 in text: PostgreSQL cannot store it (SQLite could), so it is refused on both, in
    /// URLs (`http::middleware`), JSON bodies (`http::json`) and, last, by the database.
    pub fn nul_character() -> Self {
        Self::BadRequest {
            code: "nul_character",
            detail: "text must not contain the NUL character (U+0000)".to_owned(),
        }
    }

    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self::Unavailable {
            reason: reason.into(),
        }
    }

    /// The stable machine code sent to the client.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable { .. } => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Validation(_) => "The request has invalid fields",
            Self::BadRequest { .. } => "The request is malformed",
            Self::Unauthorized { .. } => "Authentication is required or has failed",
            Self::Forbidden { .. } => "Not allowed",
            Self::NotFound { .. } => "Not found",
            Self::Conflict { .. } => "Conflict with the current state",
            Self::PayloadTooLarge => "The request body is too large",
            Self::UnsupportedMediaType => "The request body must be JSON",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::Unavailable { .. } => "Temporarily unavailable, retry later",
            Self::Internal(_) => "Internal error",
        }
    }

    /// What the client may read: never SQL, panic text or internals.
    fn public_detail(&self) -> Option<String> {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::Conflict { detail, .. } => Some(detail.clone()),
            Self::NotFound { resource } => Some(format!("{resource} not found")),
            Self::Unauthorized { code } => Some(unauthorized_detail(code).to_owned()),
            _ => None,
        }
    }
}

impl AppError {
    /// The body this error is answered with.
    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:xiaopu:problem:{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            code: self.code().to_owned(),
            detail: self.public_detail(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

fn unauthorized_detail(code: &str) -> &'static str {
    match code {
        "missing_token" => "send an access token as 'Authorization: Bearer <token>'",
        "token_expired" => "the access token has expired; refresh it",
        "invalid_credentials" => "wrong login or password",
        "refresh_token_reused" => {
            "this refresh token was already used; its session has been revoked, log in again"
        }
        "refresh_token_invalid" => "the refresh token is unknown, expired or revoked",
        "account_disabled" => "this account is disabled",
        _ => "the access token is invalid",
    }
}

/// RFC 9457 problem details, the body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:xiaopu:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    /// Stable machine code, e.g. `validation_failed`, `invalid_token`, `not_found`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields at fault (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            Self::Internal(message) => tracing::error!(error = %message, "internal error"),
            Self::Unavailable { reason } => tracing::warn!(%reason, "service unavailable"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_CONTENT_TYPE);
        // A 503's Retry-After comes from configuration, added by `http::middleware`.
        match self {
            Self::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        response.json(problem)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::NotFound => Self::NotFound { resource: "record" },
            Error::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => Self::Conflict {
                    code: "already_exists",
                    detail: "a record with the same unique value already exists".to_owned(),
                },
                DatabaseErrorKind::ClosedConnection
                | DatabaseErrorKind::UnableToSendCommand
                | DatabaseErrorKind::SerializationFailure => Self::unavailable(error.to_string()),
                // SQLite reports a lock held past busy_timeout as a plain error, PostgreSQL a
                // deadlock as an unknown one.
                _ if is_passing_lock_trouble(info.message()) => {
                    Self::unavailable(error.to_string())
                }
                _ if info.message().contains("invalid byte sequence")
                    && info.message().contains("0x00") =>
                {
                    Self::nul_character()
                }
                _ => Self::internal(error.to_string()),
            },
            _ => Self::internal(error.to_string()),
        }
    }
}

/// Passing lock trouble a retry gets past: SQLite's lock held past busy_timeout, a PostgreSQL
/// lock held past lock_timeout, or a deadlock (one of the two transactions was rolled back).
fn is_passing_lock_trouble(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("canceling statement due to lock timeout")
        || message.contains("deadlock detected")
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation_errors(&errors, "", &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Validation(fields)
    }
}

fn collect_validation_errors(
    errors: &validator::ValidationErrors,
    prefix: &str,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("{path} is invalid ({})", e.code));
                    out.push(FieldError::new(&path, &e.code, message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation_errors(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
