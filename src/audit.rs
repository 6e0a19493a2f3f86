//! The audit trail: who did what to which record, append-only.

use diesel::prelude::*;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::members::MemberId;

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_member_id: Option<i64>,
    action: &'a str,
    subject_type: &'a str,
    subject_id: &'a str,
    detail: String,
    created_at: chrono::NaiveDateTime,
}

/// Records one event; call it inside the transaction of the change it describes.
pub fn record(
    conn: &mut DbConn,
    actor: Option<MemberId>,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    detail: serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            actor_member_id: actor.map(|a| a.0),
            action,
            subject_type,
            subject_id,
            detail: detail.to_string(),
            created_at: crate::clock::now(),
        })
        .execute(conn)?;
    Ok(())
}
