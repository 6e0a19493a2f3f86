//! Accounts: registering, the roles a member holds (earned elsewhere: an open shop, an approved
//! supplier), and members as they are shown.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::schema::{shops, supplier_members};
use crate::db::{Db, DbConn};
use crate::error::AppResult;
use crate::members::dto::{MemberView, RegisterRequest};
use crate::members::model::{MemberRow, MemberStatus, NewMember};
use crate::members::rules::Registration;
use crate::members::{repo, service::get, MemberId, Role};
use crate::pagination::Page;
use crate::passwords::PasswordWorkers;
use crate::shops::model::ShopStatus;

/// Registers a buyer account (what the JSON API and the H5 pages both call): checks the
/// request, hashes the password off the async workers, stores the member.
pub async fn register(
    db: &Db,
    clock: &Clock,
    passwords: &PasswordWorkers,
    request: RegisterRequest,
) -> AppResult<MemberView> {
    let registration = crate::members::rules::check_registration(request)?;
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

/// A member as shown, with their roles.
pub fn view(conn: &mut DbConn, id: MemberId) -> AppResult<MemberView> {
    let row = get(conn, id)?;
    let roles = roles(conn, std::slice::from_ref(&row))?.remove(0);
    Ok(MemberView::new(row, roles))
}

/// One page of members, with their roles.
pub fn list(conn: &mut DbConn, page: Page) -> AppResult<(Vec<MemberView>, i64)> {
    let (rows, total) = repo::list(conn, page)?;
    let roles = roles(conn, &rows)?;
    let views = rows
        .into_iter()
        .zip(roles)
        .map(|(row, roles)| MemberView::new(row, roles))
        .collect();
    Ok((views, total))
}

/// The roles each member holds now: the one place that says how a role is earned.
/// Every member buys; `shopkeeper` comes with an open shop, `supplier` with membership of an
/// approved supplier; `admin` is staff.
pub fn roles(conn: &mut DbConn, rows: &[MemberRow]) -> AppResult<Vec<Vec<Role>>> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let suppliers: std::collections::HashSet<i64> = supplier_members::table
        .filter(supplier_members::member_id.eq_any(&ids))
        .select(supplier_members::member_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let shopkeepers: std::collections::HashSet<i64> = shops::table
        .filter(shops::owner_member_id.eq_any(&ids))
        .filter(shops::status.eq(ShopStatus::Open))
        .select(shops::owner_member_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .iter()
        .map(|member| {
            let mut roles = vec![Role::Buyer];
            if shopkeepers.contains(&member.id) {
                roles.push(Role::Shopkeeper);
            }
            if suppliers.contains(&member.id) {
                roles.push(Role::Supplier);
            }
            if member.is_admin {
                roles.push(Role::Admin);
            }
            roles
        })
        .collect())
}
