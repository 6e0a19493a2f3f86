//! Queries on members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{MemberRow, NewMember};
use super::{MemberId, Role};
use crate::db::schema::{members, shops, supplier_members};
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
    let total = members::table.count().get_result(conn)?;
    let rows = members::table
        .order(members::id.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select(MemberRow::as_select())
        .load(conn)?;
    Ok((rows, total))
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
        .filter(shops::status.eq(crate::shops::model::ShopStatus::Open))
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
