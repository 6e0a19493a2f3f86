//! A supplier's exit: once its clearance period has ended and none of its business is open (no
//! order part that can still move money, no after-sales case or dispute), its deposit is
//! refunded net of what it owes, in one posting, and it is closed.

use chrono::{Duration, NaiveDateTime};

use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::ledger::{self, accounts, Leg, PostingRequest};
use crate::money::Fen;
use crate::suppliers::model::{OpenBusiness, SupplierRow, SupplierStatus};
use crate::suppliers::repo as suppliers_repo;
use crate::suppliers::rules as supplier_rules;

/// What holds an exiting supplier's refund back; None unless it is exiting.
pub fn held_by(
    conn: &mut DbConn,
    claim_window: Duration,
    supplier: &SupplierRow,
    now: NaiveDateTime,
) -> AppResult<Option<OpenBusiness>> {
    if supplier.status != SupplierStatus::Exiting {
        return Ok(None);
    }
    open_business(conn, claim_window, supplier.id, now).map(Some)
}

/// Closes every supplier whose clearance period has ended and whose business has all closed,
/// refunding its deposit net of what it owes: `(supplier, refunded)` for each. One with business
/// still open stays exiting, and the job looks at it again on every run.
pub fn run_due_exits(
    conn: &mut DbConn,
    claim_window: Duration,
    actor: &Actor,
) -> AppResult<Vec<(i64, Fen)>> {
    let now = actor.at;
    let mut exited = Vec::new();
    for supplier_id in suppliers_repo::due_exits(conn, now)? {
        if let Some(refunded) = exit_if_closed(conn, claim_window, actor, supplier_id, now)? {
            exited.push((supplier_id, refunded));
        }
    }
    Ok(exited)
}

/// The supplier's business that can still move money: parts, after-sales cases and disputes
/// (a part received within `claim_window`, the after-sales claim window, may still be claimed).
pub fn open_business(
    conn: &mut DbConn,
    claim_window: Duration,
    supplier_id: i64,
    now: NaiveDateTime,
) -> AppResult<OpenBusiness> {
    super::repo::open_business(conn, supplier_id, now, now - claim_window)
}

/// Refunds and closes an exiting supplier with nothing open; None (and nothing done) otherwise.
fn exit_if_closed(
    conn: &mut DbConn,
    claim_window: Duration,
    actor: &Actor,
    supplier_id: i64,
    now: NaiveDateTime,
) -> AppResult<Option<Fen>> {
    // Held like a deduction: a deduction racing the exit either lands before the netting reads
    // the balances or waits until the supplier has exited.
    suppliers_repo::lock(conn, supplier_id)?;
    if !open_business(conn, claim_window, supplier_id, now)?.is_closed() {
        return Ok(None);
    }
    let netting = supplier_rules::ExitNetting::of(
        ledger::service::balance(conn, &accounts::supplier_deposit(supplier_id))?,
        ledger::service::balance(conn, &accounts::supplier_owed(supplier_id))?,
        ledger::service::balance(conn, &accounts::supplier_payable(supplier_id))?,
    );
    // One posting: the deposit settles what is owed and refunds the rest (none if it is empty).
    let posted = ledger::service::post_unless_zero(
        conn,
        actor,
        PostingRequest {
            business_key: format!("deposit-refund:{supplier_id}"),
            kind: "deposit_refund",
            memo: "deposit refunded on exit, net of what the supplier owes".to_owned(),
            legs: vec![
                Leg::debit(accounts::supplier_deposit(supplier_id), netting.deposit),
                Leg::credit(accounts::supplier_owed(supplier_id), netting.owed_settled),
                Leg::credit(
                    accounts::supplier_payable(supplier_id),
                    netting.payable_settled,
                ),
                Leg::credit(accounts::platform_bank(), netting.refunded),
            ],
        },
    )?;
    suppliers_repo::finish_exit(conn, supplier_id, now)?;
    audit_exit(
        conn,
        actor,
        supplier_id,
        posted.map(ledger::Posted::posting_id),
        &netting,
    )?;
    Ok(Some(netting.refunded))
}

fn audit_exit(
    conn: &mut DbConn,
    actor: &Actor,
    supplier_id: i64,
    posting_id: Option<i64>,
    netting: &supplier_rules::ExitNetting,
) -> AppResult<()> {
    let why = (netting.still_owed.0 > 0).then(|| {
        format!(
            "the supplier owed more than its deposit: nothing refunded, {} fen stays owed",
            netting.still_owed.0
        )
    });
    audit::record(
        conn,
        actor,
        "supplier.exited",
        "supplier",
        &supplier_id.to_string(),
        serde_json::json!({
            "before": {"status": SupplierStatus::Exiting.as_str()},
            "after": {"status": SupplierStatus::Exited.as_str()},
            "posting_id": posting_id,
            "deposit_fen": netting.deposit,
            "owed_settled_fen": netting.owed_settled,
            "payable_settled_fen": netting.payable_settled,
            "refunded_fen": netting.refunded,
            "still_owed_fen": netting.still_owed,
            "why": why,
        }),
    )
}
