//! The audit trail: who did what to which record, append-only, written in the same transaction
//! as the change it describes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::members::MemberId;

/// Who acts, the request they act through (so audit rows join the request's log lines), and
/// when: the business time of the action, read once from the clock, so every row one action
/// writes carries the same time.
#[derive(Debug, Clone)]
pub struct Actor {
    /// None for the system itself (command line, jobs).
    pub member: Option<MemberId>,
    pub request_id: Option<String>,
    pub at: NaiveDateTime,
}

impl Actor {
    pub fn system(at: NaiveDateTime) -> Self {
        Self {
            member: None,
            request_id: None,
            at,
        }
    }

    pub fn member(member: MemberId, request_id: Option<String>, at: NaiveDateTime) -> Self {
        Self {
            member: Some(member),
            request_id,
            at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_member_id: Option<i64>,
    action: &'a str,
    subject_type: &'a str,
    subject_id: &'a str,
    detail: String,
    request_id: Option<&'a str>,
    created_at: NaiveDateTime,
}

/// Records one event; `detail` says what changed (before/after) and why.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    detail: serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            actor_member_id: actor.member.map(|m| m.0),
            action,
            subject_type,
            subject_id,
            detail: detail.to_string(),
            request_id: actor.request_id.as_deref(),
            created_at: actor.at,
        })
        .execute(conn)?;
    Ok(())
}
