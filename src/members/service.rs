//! Member use cases.

use chrono::NaiveDateTime;

use super::dto::{MemberView, RegisterRequest};
use super::model::{MemberRow, MemberStatus, NewMember};
use super::rules::Registration;
use super::{repo, MemberId};
use crate::audit::{self, Actor};
use crate::auth::password::PasswordWorkers;
use crate::clock::Clock;
use crate::db::{Db, DbConn};
use crate::error::{AppError, AppResult};
use crate::pagination::Page;

/// Registers a buyer account (what the JSON API and the H5 pages both call): checks the
/// request, hashes the password off the async workers, stores the member.
pub async fn register(
    db: &Db,
    clock: &Clock,
    passwords: &PasswordWorkers,
    request: RegisterRequest,
) -> AppResult<MemberView> {
    let registration = super::rules::check_registration(request)?;
    let hash = passwords
        .hash_password(registration.password.clone())
        .await?;
    let now = clock.now();
    db.write(move |conn| {
        let row = create_member(conn, &registration, hash, false, now)?;
        view(conn, MemberId(row.id))
    })
    .await
}

/// Creates an account from a checked registration whose password is already hashed.
/// `is_admin` is only ever true from the command line (`xiaopu admin create`).
pub fn create_member(
    conn: &mut DbConn,
    registration: &Registration,
    password_hash: String,
    is_admin: bool,
    now: NaiveDateTime,
) -> AppResult<MemberRow> {
    let id = repo::insert(
        conn,
        &NewMember {
            email: registration.email.clone(),
            phone: registration.phone.clone(),
            password_hash,
            display_name: registration.display_name.clone(),
            is_admin,
            status: MemberStatus::Active,
            created_at: now,
            updated_at: now,
        },
    )?;
    if is_admin {
        audit::record(
            conn,
            &Actor::system(now),
            "member.admin_created",
            "member",
            &id.0.to_string(),
            serde_json::json!({ "via": "cli" }),
        )?;
    }
    get(conn, id)
}

pub fn get(conn: &mut DbConn, id: MemberId) -> AppResult<MemberRow> {
    repo::find(conn, id)?.ok_or(AppError::NotFound { resource: "member" })
}

/// A member as shown, with their roles.
pub fn view(conn: &mut DbConn, id: MemberId) -> AppResult<MemberView> {
    let row = get(conn, id)?;
    let roles = repo::roles(conn, std::slice::from_ref(&row))?.remove(0);
    Ok(MemberView::new(row, roles))
}

/// One page of members, with their roles.
pub fn list(conn: &mut DbConn, page: Page) -> AppResult<(Vec<MemberView>, i64)> {
    let (rows, total) = repo::list(conn, page)?;
    let roles = repo::roles(conn, &rows)?;
    let views = rows
        .into_iter()
        .zip(roles)
        .map(|(row, roles)| MemberView::new(row, roles))
        .collect();
    Ok((views, total))
}
