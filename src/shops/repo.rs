//! Queries on verifications, shops and tier history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{NewShop, NewVerification, ShopChanges, ShopRow, ShopStatus, VerificationRow};
use crate::db::schema::{members, shops, verifications};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::pagination::Page;
use crate::suppliers::dto::ApplicationStatus;
use crate::with_backend;

pub fn set_credit_score(
    conn: &mut DbConn,
    member: MemberId,
    score: i32,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(members::table.find(member.0))
        .set((
            members::credit_score.eq(score),
            members::credit_score_updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

pub fn insert_verification(conn: &mut DbConn, new: &NewVerification) -> AppResult<i64> {
    let inserted: Result<i64, diesel::result::Error> = with_backend!(conn, c => diesel::insert_into(verifications::table)
        .values(new)
        .returning(verifications::id)
        .get_result(c));
    inserted.map_err(|error| match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::Conflict {
            code: "verification_exists",
            detail: "a verification is already pending or approved".to_owned(),
        },
        other => other.into(),
    })
}

/// Whether another member has this ID number pending or approved.
pub fn id_number_used_by_other(
    conn: &mut DbConn,
    member: MemberId,
    digest: &str,
) -> AppResult<bool> {
    let count: i64 = verifications::table
        .filter(verifications::id_number_digest.eq(digest))
        .filter(verifications::member_id.ne(member.0))
        .filter(
            verifications::status.eq_any([ApplicationStatus::Pending, ApplicationStatus::Approved]),
        )
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn find_verification(conn: &mut DbConn, id: i64) -> AppResult<Option<VerificationRow>> {
    Ok(verifications::table
        .find(id)
        .select(VerificationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn latest_verification(
    conn: &mut DbConn,
    member: MemberId,
) -> AppResult<Option<VerificationRow>> {
    Ok(verifications::table
        .filter(verifications::member_id.eq(member.0))
        .order(verifications::id.desc())
        .select(VerificationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_verifications(
    conn: &mut DbConn,
    status: Option<ApplicationStatus>,
    page: Page,
) -> AppResult<(Vec<VerificationRow>, i64)> {
    let filtered = || {
        let mut query = verifications::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(verifications::status.eq(status));
        }
        query
    };
    crate::newest_first_page!(conn, filtered, verifications::id, VerificationRow, page)
}

/// Records the decision if still pending; false if someone decided first.
pub fn decide_verification(
    conn: &mut DbConn,
    id: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
    admin: MemberId,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        verifications::table
            .find(id)
            .filter(verifications::status.eq(ApplicationStatus::Pending)),
    )
    .set((
        verifications::status.eq(status),
        verifications::reject_reason.eq(reason),
        verifications::decided_by.eq(admin.0),
        verifications::decided_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Inserts the shop; None if its number is taken (the insert skips, so a transaction goes on).
pub fn insert_shop(conn: &mut DbConn, new: &NewShop) -> AppResult<Option<i64>> {
    let inserted: Result<Option<i64>, diesel::result::Error> = with_backend!(conn, c => diesel::insert_into(shops::table)
        .values(new)
        .on_conflict(shops::shop_no)
        .do_nothing()
        .returning(shops::id)
        .get_result(c)
        .optional());
    inserted.map_err(name_taken)
}

fn name_taken(error: diesel::result::Error) -> AppError {
    match &error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        ) if format!(
            "{} {}",
            info.message(),
            info.constraint_name().unwrap_or("")
        )
        .contains("name_key") =>
        {
            AppError::field("name", "taken", "another shop has this name")
        }
        _ => error.into(),
    }
}

pub fn update_shop(conn: &mut DbConn, id: i64, changes: &ShopChanges) -> AppResult<()> {
    diesel::update(shops::table.find(id))
        .set(changes)
        .execute(conn)
        .map_err(name_taken)?;
    Ok(())
}

pub fn close_shop(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(shops::table.find(id))
        .set((
            shops::status.eq(ShopStatus::Closed),
            shops::closed_at.eq(now),
            shops::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_shop(conn: &mut DbConn, id: i64) -> AppResult<Option<ShopRow>> {
    Ok(shops::table
        .find(id)
        .select(ShopRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_open_by_no(conn: &mut DbConn, shop_no: &str) -> AppResult<Option<ShopRow>> {
    Ok(shops::table
        .filter(shops::shop_no.eq(shop_no))
        .filter(shops::status.eq(ShopStatus::Open))
        .select(ShopRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn shops_of(conn: &mut DbConn, member: MemberId) -> AppResult<Vec<ShopRow>> {
    Ok(shops::table
        .filter(shops::owner_member_id.eq(member.0))
        .order(shops::id)
        .select(ShopRow::as_select())
        .load(conn)?)
}
