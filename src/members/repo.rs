//! Queries on members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{MemberRow, NewMember};
use super::MemberId;
use crate::db::schema::members;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::pagination::Page;
use crate::with_backend;

pub fn insert(conn: &mut DbConn, new: &NewMember) -> AppResult<MemberId> {
    let inserted: Result<i64, diesel::result::Error> = with_backend!(conn, c => {
        diesel::insert_into(members::table)
            .values(new)
            .returning(members::id)
            .get_result(c)
    });
    inserted
        .map(MemberId)
        .map_err(|error| match taken_login_field(&error) {
            Some(field) => AppError::Conflict {
                code: "account_exists",
                detail: format!("an account with this {field} already exists"),
            },
            None => error.into(),
        })
}

/// Which login (`email` or `phone`) a unique violation is about.
fn taken_login_field(error: &diesel::result::Error) -> Option<&'static str> {
    let diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UniqueViolation,
        info,
    ) = error
    else {
        return None;
    };
    let text = format!(
        "{} {}",
        info.message(),
        info.constraint_name().unwrap_or("")
    );
    ["email", "phone"]
        .into_iter()
        .find(|field| text.contains(field))
}

pub fn find(conn: &mut DbConn, id: MemberId) -> AppResult<Option<MemberRow>> {
    Ok(members::table
        .find(id.0)
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?)
}

/// The member whose email or phone is `login` (already normalised).
pub fn find_by_login(conn: &mut DbConn, login: &str) -> AppResult<Option<MemberRow>> {
    Ok(members::table
        .filter(members::email.eq(login).or(members::phone.eq(login)))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_password_hash(
    conn: &mut DbConn,
    id: MemberId,
    hash: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(members::table.find(id.0))
        .set((members::password_hash.eq(hash), members::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// One page of members, newest first, and how many there are in all.
pub fn list(conn: &mut DbConn, page: Page) -> AppResult<(Vec<MemberRow>, i64)> {
    crate::newest_first_page!(conn, || members::table, members::id, MemberRow, page)
}
