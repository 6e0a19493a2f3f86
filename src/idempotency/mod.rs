//! `Idempotency-Key` (Stripe's contract): the first response to a key is stored with a hash of
//! its request; a retry with the same key and body gets that response again with no second
//! effect, another body under the key is refused (422), and a retry while the first request is
//! still running gets 409. Keys are kept `idempotency.retention_hours`, then purged by a job.
//!
//! The stored response is written in the same transaction as the work, so a crash leaves either
//! both or neither. Requests that fail validation, or fail for a passing reason (database
//! unavailable, internal error), store nothing: a retry may do better.

mod repo;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::db::{backend, Db, DbConn};
use crate::error::{AppError, AppResult};
use crate::members::MemberId;

pub use repo::purge_before;

/// How long keys are kept.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySettings {
    pub retention_hours: u32,
}

impl IdempotencySettings {
    pub fn validate(&self) -> crate::settings::Checked {
        if self.retention_hours < 24 {
            return Err(crate::settings::ConfigError::new(
                "idempotency.retention_hours",
                "must be at least 24 (clients retry for up to a day)",
            ));
        }
        Ok(())
    }
}

pub const HEADER: &str = "Idempotency-Key";
const KEY_MAX_LEN: usize = 255;

/// A key as the client sent it: 1–255 visible ASCII characters (a UUID is typical).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn from_request(req: &HttpRequest) -> AppResult<Self> {
        let value = req.headers().get(HEADER).ok_or(AppError::BadRequest {
            code: "idempotency_key_required",
            detail: format!("send an {HEADER} header (e.g. a UUID) so a retry never orders twice"),
        })?;
        Self::parse(value.to_str().unwrap_or_default())
    }

    /// A key from elsewhere than the header (the H5 checkout form carries it as a field).
    pub fn parse(key: &str) -> AppResult<Self> {
        let key = key.trim();
        if key.is_empty() || key.len() > KEY_MAX_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::BadRequest {
                code: "idempotency_key_invalid",
                detail: format!("{HEADER} must be 1 to {KEY_MAX_LEN} visible ASCII characters"),
            });
        }
        Ok(Self(key.to_owned()))
    }
}

/// Keys whose first request is running in this process: a second one gets 409 at once
/// instead of queueing behind the first. (Across processes the unique key row decides: the
/// later request waits for the first's transaction and then replays its response.)
#[derive(Debug, Default, Clone)]
pub struct InFlight(Arc<Mutex<HashSet<KeyOf>>>);

/// A key as the registry holds it: (member, scope, key).
type KeyOf = (i64, &'static str, String);

struct InFlightGuard {
    set: InFlight,
    entry: KeyOf,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.0.lock() {
            set.remove(&self.entry);
        }
    }
}

impl InFlight {
    fn claim(&self, entry: KeyOf) -> AppResult<InFlightGuard> {
        let mut set = self
            .0
            .lock()
            .map_err(|_| AppError::internal("idempotency registry poisoned"))?;
        if !set.insert(entry.clone()) {
            return Err(AppError::Conflict {
                code: "idempotency_key_in_use",
                detail:
                    "a request with this Idempotency-Key is still being processed; retry shortly"
                        .to_owned(),
            });
        }
        Ok(InFlightGuard {
            set: self.clone(),
            entry,
        })
    }
}

/// A response as stored under a key.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

impl StoredResponse {
    fn of_row(row: repo::KeyRow) -> Self {
        Self {
            status: u16::try_from(row.response_status).unwrap_or(500),
            body: row.response_body,
        }
    }

    fn of_error(error: &AppError) -> Self {
        Self {
            status: error.status_code().as_u16(),
            body: serde_json::to_string(&error.problem()).unwrap_or_default(),
        }
    }

    fn into_response(self, replayed: bool) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let content_type = if status.is_success() {
            "application/json"
        } else {
            crate::error::PROBLEM_CONTENT_TYPE
        };
        let mut response = HttpResponse::build(status);
        response.content_type(content_type);
        if replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        response.body(self.body)
    }
}

/// Errors that are the answer to this request (and so are replayed), as opposed to passing
/// trouble (a retry may succeed) or refusals before any work (validation).
fn is_final(error: &AppError) -> bool {
    match error {
        // A unique violation from the database says nothing final about the request.
        AppError::Conflict { code, .. } => *code != "already_exists",
        AppError::NotFound { .. } | AppError::Forbidden { .. } => true,
        _ => false,
    }
}

/// What was stored under the member's `key` in `scope`, whatever request it answered.
pub fn stored_under(
    conn: &mut DbConn,
    member: MemberId,
    scope: &str,
    key: &IdempotencyKey,
) -> AppResult<Option<StoredResponse>> {
    Ok(repo::find(conn, member.0, scope, &key.0)?.map(StoredResponse::of_row))
}

/// SHA-256 of the scope and the request as canonical JSON: the same body in another spacing
/// or key order hashes the same.
pub fn request_hash(scope: &str, request: &impl Serialize) -> String {
    let canonical = serde_json::to_value(request)
        .map(|value| value.to_string())
        .unwrap_or_default();
    hex::encode(Sha256::digest(format!("{scope}\n{canonical}").as_bytes()))
}

/// One idempotent request: `work` runs in one write transaction, at most once per key.
pub struct Idempotent {
    pub member: MemberId,
    pub scope: &'static str,
    pub key: IdempotencyKey,
    pub request_hash: String,
    /// The status of a success.
    pub status: StatusCode,
}

impl Idempotent {
    pub async fn run<T, F>(
        self,
        db: &Db,
        clock: &Clock,
        in_flight: &InFlight,
        work: F,
    ) -> AppResult<HttpResponse>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Serialize + Send + 'static,
    {
        Ok(self
            .outcome(db, clock, in_flight, work)
            .await?
            .into_response())
    }

    /// [`Idempotent::run`] for callers that answer in another form than the stored JSON
    /// (the H5 pages).
    pub async fn outcome<T, F>(
        self,
        db: &Db,
        clock: &Clock,
        in_flight: &InFlight,
        work: F,
    ) -> AppResult<Outcome>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Serialize + Send + 'static,
    {
        let _guard = in_flight.claim((self.member.0, self.scope, self.key.0.clone()))?;
        let now = clock.now();
        db.read(move |conn| self.run_in(conn, work, now)).await
    }

    /// The blocking part of [`Idempotent::run`], on a connection of the caller's.
    pub fn run_in<T, F>(
        self,
        conn: &mut DbConn,
        work: F,
        now: chrono::NaiveDateTime,
    ) -> AppResult<Outcome>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T>,
        T: Serialize,
    {
        let attempt = backend::write_transaction(conn, |conn| {
            if let Some(earlier) = self.earlier(conn)? {
                return Ok(Outcome::Replayed(earlier));
            }
            let value = work(conn)?;
            let stored = StoredResponse {
                status: self.status.as_u16(),
                body: serde_json::to_string(&value)
                    .map_err(|e| AppError::internal(e.to_string()))?,
            };
            self.store(conn, &stored, now)?;
            Ok(Outcome::Done(stored))
        });
        let error = match attempt {
            Ok(outcome) => return Ok(outcome),
            Err(error) => error,
        };
        // Rolled back. Another server may have stored this key meanwhile (our insert then
        // failed as a duplicate): its response is the answer.
        if let Some(earlier) = self.earlier(conn)? {
            return Ok(Outcome::Replayed(earlier));
        }
        if !is_final(&error) {
            return Err(error);
        }
        // The answer to this request: kept under the key, in a transaction of its own.
        let stored = StoredResponse::of_error(&error);
        match backend::write_transaction(conn, |conn| self.store(conn, &stored, now)) {
            Ok(()) => Ok(Outcome::Done(stored)),
            // Another process stored its answer under this key meanwhile: that one stands.
            Err(AppError::Conflict {
                code: "already_exists",
                ..
            }) => self
                .earlier(conn)?
                .map(Outcome::Replayed)
                .ok_or_else(|| AppError::internal("idempotency key vanished")),
            Err(other) => Err(other),
        }
    }

    /// The stored response under this key, if any; 422 if it was stored for another body.
    fn earlier(&self, conn: &mut DbConn) -> AppResult<Option<StoredResponse>> {
        let Some(row) = repo::find(conn, self.member.0, self.scope, &self.key.0)? else {
            return Ok(None);
        };
        if row.request_hash != self.request_hash {
            return Err(AppError::Validation(vec![crate::error::FieldError::new(
                HEADER,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key",
            )]));
        }
        Ok(Some(StoredResponse::of_row(row)))
    }

    fn store(
        &self,
        conn: &mut DbConn,
        response: &StoredResponse,
        now: NaiveDateTime,
    ) -> AppResult<()> {
        repo::insert(
            conn,
            &repo::NewKey {
                member_id: self.member.0,
                scope: self.scope,
                idempotency_key: &self.key.0,
                request_hash: &self.request_hash,
                response_status: i32::from(response.status),
                response_body: &response.body,
                created_at: now,
            },
        )
    }
}

/// The response to send: new, or the stored one of an earlier request with the key.
#[derive(Debug)]
pub enum Outcome {
    Done(StoredResponse),
    Replayed(StoredResponse),
}

impl Outcome {
    /// The stored response, new or replayed.
    pub fn stored(&self) -> &StoredResponse {
        match self {
            Self::Done(stored) | Self::Replayed(stored) => stored,
        }
    }

    pub fn into_response(self) -> HttpResponse {
        match self {
            Self::Done(stored) => stored.into_response(false),
            Self::Replayed(stored) => stored.into_response(true),
        }
    }
}
