//! Queries on suppliers, their applications, members and authorisations.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dto::ApplicationStatus;
use super::model::{
    ApplicationRow, NewApplication, NewBrandAuthorisation, NewSupplier, NewSupplierMember,
    SupplierRow, SupplierStatus,
};
use crate::db::schema::{brand_authorisations, supplier_applications, supplier_members, suppliers};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::pagination::Page;
use crate::with_backend;

pub fn insert_application(conn: &mut DbConn, new: &NewApplication) -> AppResult<i64> {
    let inserted: Result<i64, diesel::result::Error> = with_backend!(conn, c => {
        diesel::insert_into(supplier_applications::table)
            .values(new)
            .returning(supplier_applications::id)
            .get_result(c)
    });
    inserted.map_err(|error| match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::Conflict {
            code: "application_pending",
            detail: "you already have an application waiting for review".to_owned(),
        },
        other => other.into(),
    })
}

pub fn find_application(conn: &mut DbConn, id: i64) -> AppResult<Option<ApplicationRow>> {
    Ok(supplier_applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_applications(
    conn: &mut DbConn,
    status: Option<ApplicationStatus>,
    applicant: Option<MemberId>,
    page: Page,
) -> AppResult<(Vec<ApplicationRow>, i64)> {
    let filtered = || {
        let mut query = supplier_applications::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(supplier_applications::status.eq(status));
        }
        if let Some(member) = applicant {
            query = query.filter(supplier_applications::applicant_member_id.eq(member.0));
        }
        query
    };
    crate::newest_first_page!(
        conn,
        filtered,
        supplier_applications::id,
        ApplicationRow,
        page
    )
}

/// Records the decision if the application is still pending; false if someone decided first.
pub fn decide_application(
    conn: &mut DbConn,
    id: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
    admin: MemberId,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        supplier_applications::table
            .find(id)
            .filter(supplier_applications::status.eq(ApplicationStatus::Pending)),
    )
    .set((
        supplier_applications::status.eq(status),
        supplier_applications::reject_reason.eq(reason),
        supplier_applications::decided_by.eq(admin.0),
        supplier_applications::decided_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn insert_supplier(conn: &mut DbConn, new: &NewSupplier) -> AppResult<i64> {
    let inserted: Result<i64, diesel::result::Error> = with_backend!(conn, c => {
        diesel::insert_into(suppliers::table)
            .values(new)
            .returning(suppliers::id)
            .get_result(c)
    });
    inserted.map_err(|error| match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::Conflict {
            code: "supplier_exists",
            detail: "a supplier with this credit code already exists".to_owned(),
        },
        other => other.into(),
    })
}

pub fn add_member(conn: &mut DbConn, new: &NewSupplierMember) -> AppResult<()> {
    diesel::insert_into(supplier_members::table)
        .values(new)
        .execute(conn)
        .map_err(|error| match error {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AppError::Conflict {
                code: "already_supplier_member",
                detail: "the applicant already belongs to a supplier".to_owned(),
            },
            other => other.into(),
        })?;
    Ok(())
}

pub fn add_authorisations(conn: &mut DbConn, new: &[NewBrandAuthorisation]) -> AppResult<()> {
    // One statement each: batch inserts are not portable across the two backends in diesel.
    for authorisation in new {
        diesel::insert_into(brand_authorisations::table)
            .values(authorisation)
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<SupplierRow>> {
    Ok(suppliers::table
        .find(id)
        .select(SupplierRow::as_select())
        .first(conn)
        .optional()?)
}

/// The supplier a member belongs to, if any.
pub fn of_member(conn: &mut DbConn, member: MemberId) -> AppResult<Option<SupplierRow>> {
    Ok(suppliers::table
        .inner_join(supplier_members::table)
        .filter(supplier_members::member_id.eq(member.0))
        .select(SupplierRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of suppliers, newest first, optionally only the active (or inactive) ones.
pub fn list(
    conn: &mut DbConn,
    active: Option<bool>,
    page: Page,
) -> AppResult<(Vec<SupplierRow>, i64)> {
    let filtered = || {
        let mut query = suppliers::table.into_boxed();
        if let Some(active) = active {
            query = query.filter(suppliers::is_active.eq(active));
        }
        query
    };
    crate::newest_first_page!(conn, filtered, suppliers::id, SupplierRow, page)
}

pub fn set_standing(
    conn: &mut DbConn,
    id: i64,
    is_active: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(suppliers::table.find(id))
        .set((
            suppliers::is_active.eq(is_active),
            suppliers::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn start_exit(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    due: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(suppliers::table.find(id))
        .set((
            suppliers::status.eq(SupplierStatus::Exiting),
            suppliers::exit_requested_at.eq(now),
            suppliers::exit_due_at.eq(due),
            suppliers::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn finish_exit(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::update(suppliers::table.find(id))
        .set((
            suppliers::status.eq(SupplierStatus::Exited),
            suppliers::exited_at.eq(now),
            suppliers::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Exiting suppliers whose clearance period has ended.
pub fn due_exits(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<Vec<i64>> {
    Ok(suppliers::table
        .filter(suppliers::status.eq(SupplierStatus::Exiting))
        .filter(suppliers::exit_due_at.le(now))
        .order(suppliers::id)
        .select(suppliers::id)
        .load(conn)?)
}

/// Whether the supplier holds an authorisation for `brand` valid on `day`.
pub fn has_valid_authorisation(
    conn: &mut DbConn,
    supplier: i64,
    brand: &str,
    day: NaiveDate,
) -> AppResult<bool> {
    let found: i64 = brand_authorisations::table
        .filter(brand_authorisations::supplier_id.eq(supplier))
        .filter(brand_authorisations::brand.eq(brand))
        .filter(brand_authorisations::valid_from.le(day))
        .filter(brand_authorisations::valid_until.ge(day))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Holds the supplier's row until the transaction ends (PostgreSQL; SQLite has one writer).
pub fn lock(conn: &mut DbConn, supplier_id: i64) -> AppResult<()> {
    if let DbConn::Postgres(c) = conn {
        suppliers::table
            .find(supplier_id)
            .select(suppliers::id)
            .for_update()
            .first::<i64>(c)
            .optional()?;
    }
    Ok(())
}
