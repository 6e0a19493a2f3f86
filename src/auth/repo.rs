//! Queries on refresh tokens and the stored signing key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{NewRefreshToken, RefreshTokenRow};
use crate::db::schema::{app_secrets, refresh_tokens};
use crate::db::DbConn;
use crate::error::AppResult;

pub fn insert_refresh_token(conn: &mut DbConn, new: &NewRefreshToken) -> AppResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(conn: &mut DbConn, digest: &str) -> AppResult<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(digest))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used if nobody has used or revoked it yet; false when somebody has, which
/// is how two concurrent uses of one token are told apart.
pub fn claim_refresh_token(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<bool> {
    let updated = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn revoke_family(conn: &mut DbConn, family_id: &str, now: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?)
}

pub fn find_secret(conn: &mut DbConn, name: &str) -> AppResult<Option<String>> {
    Ok(app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first(conn)
        .optional()?)
}

/// Stores a secret unless one of that name exists (a concurrent first start may win the race).
pub fn insert_secret_if_absent(
    conn: &mut DbConn,
    name: &str,
    value: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let inserted = diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(name),
            app_secrets::value.eq(value),
            app_secrets::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(()),
        Err(other) => Err(other.into()),
    }
}
