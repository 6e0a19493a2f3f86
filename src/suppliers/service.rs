//! Supplier use cases. Each runs inside the caller's write transaction.

use chrono::{Duration, NaiveDateTime};

use super::dto::{
    ApplicationRequest, ApplicationStatus, DeductionKind, DeductionView, DepositEntryView,
    DepositView, ExitHeldBy, SupplierView,
};
use super::model::{
    ApplicationRow, NewApplication, NewBrandAuthorisation, NewSupplier, NewSupplierMember,
    OpenBusiness, SupplierRow, SupplierStatus,
};
use super::settings::{CategorySettings, SupplierSettings};
use super::{repo, rules};
use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ledger::{self, accounts, Leg, PostingRequest};
use crate::members::MemberId;
use crate::money::Fen;
use crate::pagination::{Page, Paginated};

pub fn apply(
    conn: &mut DbConn,
    settings: &SupplierSettings,
    tree: &[CategorySettings],
    member: MemberId,
    request: ApplicationRequest,
    now: NaiveDateTime,
) -> AppResult<ApplicationRow> {
    rules::check_application(&request, settings, tree, now.date())?;
    if repo::of_member(conn, member)?.is_some() {
        return Err(AppError::Conflict {
            code: "already_supplier_member",
            detail: "you already belong to a supplier".to_owned(),
        });
    }
    let id = repo::insert_application(
        conn,
        &NewApplication {
            applicant_member_id: member.0,
            company_name: request.company_name.trim().to_owned(),
            credit_code: request.credit_code,
            registered_capital_fen: request.registered_capital_fen,
            general_taxpayer: request.general_taxpayer,
            contact_name: request.contact.name,
            contact_phone: request.contact.phone,
            categories: json(&request.categories),
            brand_authorisations: json(&request.brand_authorisations),
            procurement_vouchers: json(&request.procurement_vouchers),
            status: ApplicationStatus::Pending,
            created_at: now,
        },
    )?;
    application(conn, id)
}

/// A JSON column's text. Plain lists and structs of strings and dates always serialise.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

pub fn application(conn: &mut DbConn, id: i64) -> AppResult<ApplicationRow> {
    repo::find_application(conn, id)?.ok_or(AppError::NotFound {
        resource: "supplier application",
    })
}

/// Approval creates the supplier, makes the applicant its member (role `supplier`) and keeps
/// its brand authorisations for checking goods later.
pub fn approve(
    conn: &mut DbConn,
    settings: &SupplierSettings,
    tree: &[CategorySettings],
    actor: &Actor,
    id: i64,
) -> AppResult<SupplierRow> {
    let application = application(conn, id)?;
    let admin = actor
        .member
        .ok_or_else(|| AppError::internal("approval needs an admin"))?;
    let now = actor.at;
    if !repo::decide_application(conn, id, ApplicationStatus::Approved, None, admin, now)? {
        return Err(already_decided(&application));
    }
    let categories: Vec<String> = serde_json::from_str(&application.categories).unwrap_or_default();
    let required = rules::required_deposit(settings, tree, &categories);
    let supplier_id = repo::insert_supplier(
        conn,
        &NewSupplier {
            application_id: application.id,
            company_name: application.company_name.clone(),
            credit_code: application.credit_code.clone(),
            categories: application.categories.clone(),
            required_deposit_fen: required.0,
            status: SupplierStatus::Approved,
            is_active: rules::is_active(SupplierStatus::Approved, Fen(0), required),
            created_at: now,
            updated_at: now,
        },
    )?;
    repo::add_member(
        conn,
        &NewSupplierMember {
            member_id: application.applicant_member_id,
            supplier_id,
            created_at: now,
        },
    )?;
    let authorisations: Vec<super::dto::BrandAuthorisationInput> =
        serde_json::from_str(&application.brand_authorisations).unwrap_or_default();
    let rows: Vec<NewBrandAuthorisation> = authorisations
        .into_iter()
        .map(|a| NewBrandAuthorisation {
            supplier_id,
            brand: a.brand,
            chain: json(&a.chain),
            valid_from: a.valid_from,
            valid_until: a.valid_until,
        })
        .collect();
    repo::add_authorisations(conn, &rows)?;
    audit::record(
        conn,
        actor,
        "supplier_application.approved",
        "supplier_application",
        &id.to_string(),
        serde_json::json!({
            "before": {"status": application.status},
            "after": {"status": ApplicationStatus::Approved, "supplier_id": supplier_id, "required_deposit_fen": required.0},
        }),
    )?;
    supplier(conn, supplier_id)
}

pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> AppResult<ApplicationRow> {
    let application = application(conn, id)?;
    let admin = actor
        .member
        .ok_or_else(|| AppError::internal("rejection needs an admin"))?;
    if !repo::decide_application(
        conn,
        id,
        ApplicationStatus::Rejected,
        Some(reason),
        admin,
        actor.at,
    )? {
        return Err(already_decided(&application));
    }
    audit::record(
        conn,
        actor,
        "supplier_application.rejected",
        "supplier_application",
        &id.to_string(),
        serde_json::json!({
            "before": {"status": application.status},
            "after": {"status": ApplicationStatus::Rejected},
            "reason": reason,
        }),
    )?;
    self::application(conn, id)
}

fn already_decided(application: &ApplicationRow) -> AppError {
    AppError::Conflict {
        code: "already_decided",
        detail: format!("this application is already {}", application.status),
    }
}

pub fn supplier(conn: &mut DbConn, id: i64) -> AppResult<SupplierRow> {
    repo::find(conn, id)?.ok_or(AppError::NotFound {
        resource: "supplier",
    })
}

/// The supplier the signed-in member belongs to.
pub fn supplier_of(conn: &mut DbConn, member: MemberId) -> AppResult<SupplierRow> {
    repo::of_member(conn, member)?.ok_or(AppError::Forbidden {
        code: "role_required",
        detail: "this action needs the supplier role".to_owned(),
    })
}

/// Balance, what is required, what is missing, a page of movements, and while exiting what
/// holds the refund back (`settlement::exits::held_by` counts it).
pub fn deposit_view(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    page: Page,
    exit_held_by: Option<OpenBusiness>,
) -> AppResult<DepositView> {
    let standing = standing(conn, supplier)?;
    let exit_held_by = exit_held_by.map(ExitHeldBy::from);
    let deposit = accounts::supplier_deposit(supplier.id);
    let (entries, total) = match ledger::repo::find_account(conn, &deposit.code)? {
        Some(account) => ledger::repo::account_entries(conn, account.id, page)?,
        None => (Vec::new(), 0),
    };
    let entries = entries
        .into_iter()
        .map(|entry| DepositEntryView {
            id: entry.entry_id,
            kind: entry.kind,
            // The deposit is a credit-normal account: a credit (negative) adds to it.
            amount_fen: Fen(-entry.amount_fen),
            memo: entry.memo,
            reference: entry.business_key,
            created_at: entry.created_at.and_utc(),
        })
        .collect();
    Ok(DepositView {
        supplier: SupplierView::from(supplier.clone()),
        balance_fen: standing.balance,
        required_fen: Fen(supplier.required_deposit_fen),
        shortfall_fen: standing.shortfall,
        owed_fen: standing.owed,
        exit_held_by,
        entries: Paginated::new(entries, page, total),
    })
}

struct Standing {
    balance: Fen,
    owed: Fen,
    shortfall: Fen,
}

fn standing(conn: &mut DbConn, supplier: &SupplierRow) -> AppResult<Standing> {
    let balance = ledger::service::balance(conn, &accounts::supplier_deposit(supplier.id))?;
    let owed = ledger::service::balance(conn, &accounts::supplier_owed(supplier.id))?;
    let gap = (supplier.required_deposit_fen - balance.0).max(0);
    Ok(Standing {
        balance,
        owed,
        shortfall: Fen(owed.0 + gap),
    })
}

/// Re-derives `is_active` from status and deposit; call after every change to either.
fn refresh_standing(
    conn: &mut DbConn,
    supplier_id: i64,
    now: NaiveDateTime,
) -> AppResult<SupplierRow> {
    let row = supplier(conn, supplier_id)?;
    let standing = standing(conn, &row)?;
    let active = rules::is_active(row.status, standing.balance, Fen(row.required_deposit_fen))
        && standing.shortfall.0 == 0;
    if active != row.is_active {
        repo::set_standing(conn, supplier_id, active, now)?;
    }
    supplier(conn, supplier_id)
}

/// An offline transfer into the deposit. What the supplier owes is settled first.
pub fn record_payment(
    conn: &mut DbConn,
    actor: &Actor,
    supplier_id: i64,
    amount: Fen,
    reference: &str,
) -> AppResult<SupplierRow> {
    let before = supplier(conn, supplier_id)?;
    if before.status == SupplierStatus::Exited {
        return Err(AppError::Conflict {
            code: "supplier_exited",
            detail: "this supplier has exited".to_owned(),
        });
    }
    let old = standing(conn, &before)?;
    let settles_owed = Fen(amount.0.min(old.owed.0));
    let posted = ledger::post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("deposit-in:{supplier_id}:{reference}"),
            kind: "deposit_payment",
            memo: format!("deposit payment, transfer {reference}"),
            legs: vec![
                Leg::debit(accounts::platform_bank(), amount),
                Leg::credit(accounts::supplier_owed(supplier_id), settles_owed),
                Leg::credit(
                    accounts::supplier_deposit(supplier_id),
                    Fen(amount.0 - settles_owed.0),
                ),
            ],
        },
    )?;
    if let ledger::Posted::New(posting_id) = posted {
        let after = refresh_standing(conn, supplier_id, actor.at)?;
        let new = standing(conn, &after)?;
        audit_deposit(
            conn,
            actor,
            "deposit.payment_recorded",
            supplier_id,
            posting_id,
            &old,
            &new,
            &before,
            &after,
            None,
        )?;
    }
    supplier(conn, supplier_id)
}

/// Takes a penalty or compensation from the deposit; what it cannot cover becomes owed.
pub fn deduct(
    conn: &mut DbConn,
    actor: &Actor,
    supplier_id: i64,
    amount: Fen,
    kind: DeductionKind,
    reason: &str,
    case_reference: &str,
) -> AppResult<(Fen, Fen)> {
    // Two deductions at once (a penalty, a dispute's compensation) each take from the balance
    // the other left: the supplier's row is held until this one commits.
    super::repo::lock(conn, supplier_id)?;
    let before = supplier(conn, supplier_id)?;
    let old = standing(conn, &before)?;
    let taken = Fen(amount.0.min(old.balance.0));
    let owed = Fen(amount.0 - taken.0);
    let kind_name = match kind {
        DeductionKind::Penalty => "penalty",
        DeductionKind::AftersalesCompensation => "after-sales compensation",
    };
    let posted = ledger::post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("deposit-deduction:{supplier_id}:{case_reference}"),
            kind: "deposit_deduction",
            memo: format!("{kind_name} for case {case_reference}: {reason}"),
            legs: vec![
                Leg::debit(accounts::supplier_deposit(supplier_id), taken),
                Leg::debit(accounts::supplier_owed(supplier_id), owed),
                Leg::credit(accounts::platform_deposit_deductions(), amount),
            ],
        },
    )?;
    if let ledger::Posted::New(posting_id) = posted {
        let after = refresh_standing(conn, supplier_id, actor.at)?;
        let new = standing(conn, &after)?;
        audit_deposit(
            conn,
            actor,
            "deposit.deducted",
            supplier_id,
            posting_id,
            &old,
            &new,
            &before,
            &after,
            Some(
                serde_json::json!({"kind": kind, "reason": reason, "case_reference": case_reference}),
            ),
        )?;
    }
    Ok((taken, owed))
}

#[allow(clippy::too_many_arguments)]
fn audit_deposit(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    supplier_id: i64,
    posting_id: i64,
    old: &Standing,
    new: &Standing,
    before: &SupplierRow,
    after: &SupplierRow,
    why: Option<serde_json::Value>,
) -> AppResult<()> {
    audit::record(
        conn,
        actor,
        action,
        "supplier",
        &supplier_id.to_string(),
        serde_json::json!({
            "posting_id": posting_id,
            "before": {"balance_fen": old.balance, "owed_fen": old.owed, "active": before.is_active},
            "after": {"balance_fen": new.balance, "owed_fen": new.owed, "active": after.is_active},
            "why": why,
        }),
    )
}

/// Starts the clearance period; the supplier stops being active at once.
pub fn request_exit(
    conn: &mut DbConn,
    settings: &SupplierSettings,
    actor: &Actor,
    supplier: &SupplierRow,
) -> AppResult<SupplierRow> {
    if supplier.status != SupplierStatus::Approved {
        return Err(AppError::Conflict {
            code: "exit_in_progress",
            detail: format!("this supplier is already {}", supplier.status),
        });
    }
    let now = actor.at;
    let due = now + Duration::days(i64::from(settings.exit_clearance_days));
    repo::start_exit(conn, supplier.id, now, due)?;
    let after = refresh_standing(conn, supplier.id, now)?;
    audit::record(
        conn,
        actor,
        "supplier.exit_requested",
        "supplier",
        &supplier.id.to_string(),
        serde_json::json!({"before": {"status": supplier.status.as_str()}, "after": {"status": after.status.as_str(), "exit_due_at": due}}),
    )?;
    Ok(after)
}

/// A deduction's result, with the deposit after it.
pub fn deduction_view(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    taken: Fen,
    owed: Fen,
    page: Page,
    exit_held_by: Option<OpenBusiness>,
) -> AppResult<DeductionView> {
    Ok(DeductionView {
        deducted_fen: taken,
        owed_fen: owed,
        deposit: deposit_view(conn, supplier, page, exit_held_by)?,
    })
}
