use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use crate::db::prepared::{self, Binds};
use crate::db::schema::idempotency_keys;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, Queryable)]
pub struct KeyRow {
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
}

#[derive(Debug)]
pub struct NewKey<'a> {
    pub member_id: i64,
    pub scope: &'a str,
    pub idempotency_key: &'a str,
    pub request_hash: &'a str,
    pub response_status: i32,
    pub response_body: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConn,
    member_id: i64,
    scope: &str,
    key: &str,
) -> AppResult<Option<KeyRow>> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::member_id.eq(member_id))
        .filter(idempotency_keys::scope.eq(scope))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_body,
        ))
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConn, key: &NewKey) -> AppResult<()> {
    prepared::statement(
        "INSERT INTO idempotency_keys (member_id, scope, idempotency_key, request_hash, \
           response_status, response_body, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind::<BigInt, _>(key.member_id)
    .bind::<Text, _>(key.scope)
    .bind::<Text, _>(key.idempotency_key)
    .bind::<Text, _>(key.request_hash)
    .bind::<Integer, _>(key.response_status)
    .bind::<Text, _>(key.response_body)
    .bind::<Timestamp, _>(key.created_at)
    .execute(conn)?;
    Ok(())
}

/// Deletes keys stored before `cutoff`, at most `batch` of them; returns how many.
pub fn purge_before(conn: &mut DbConn, cutoff: NaiveDateTime, batch: i64) -> AppResult<usize> {
    let ids: Vec<i64> = idempotency_keys::table
        .filter(idempotency_keys::created_at.lt(cutoff))
        .order(idempotency_keys::id)
        .limit(batch)
        .select(idempotency_keys::id)
        .load(conn)?;
    Ok(
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::id.eq_any(&ids)))
            .execute(conn)?,
    )
}
