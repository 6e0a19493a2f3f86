//! Posting to the ledger.

use super::model::{NewEntry, NewPosting};
use super::{repo, AccountSpec, Side};
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::money::Fen;

/// One side of a posting: `amount` (> 0) debited or credited to `account`.
#[derive(Debug, Clone)]
pub struct Leg {
    pub account: AccountSpec,
    pub side: Side,
    pub amount: Fen,
}

impl Leg {
    pub fn debit(account: AccountSpec, amount: Fen) -> Self {
        Self {
            account,
            side: Side::Debit,
            amount,
        }
    }

    pub fn credit(account: AccountSpec, amount: Fen) -> Self {
        Self {
            account,
            side: Side::Credit,
            amount,
        }
    }

    /// A debit of `amount`, or a credit of its opposite when it is negative.
    pub fn net_debit(account: AccountSpec, amount: i64) -> Self {
        if amount >= 0 {
            Self::debit(account, Fen(amount))
        } else {
            Self::credit(account, Fen(-amount))
        }
    }

    /// Debit-positive amount, as stored.
    fn signed_amount(&self) -> i64 {
        match self.side {
            Side::Debit => self.amount.0,
            Side::Credit => -self.amount.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PostingRequest {
    /// Unique per business event, e.g. `deposit-in:12:BANK-REF-001`.
    pub business_key: String,
    pub kind: &'static str,
    pub memo: String,
    pub legs: Vec<Leg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    New(i64),
    /// The business key had been posted before with the same entries: nothing was added.
    AlreadyPosted(i64),
}

impl Posted {
    pub fn posting_id(self) -> i64 {
        match self {
            Posted::New(id) | Posted::AlreadyPosted(id) => id,
        }
    }
}

/// Posts inside the caller's transaction. Legs with a zero amount are dropped; what is left
/// must balance. A business key seen before answers `AlreadyPosted` if it was of the same kind
/// and total (a retry may split the total differently, e.g. after a balance moved), 409 if not.
pub fn post(conn: &mut DbConn, actor: &Actor, request: PostingRequest) -> AppResult<Posted> {
    let legs: Vec<Leg> = request
        .legs
        .into_iter()
        .filter(|leg| leg.amount.0 != 0)
        .collect();
    if legs.len() < 2 || legs.iter().any(|leg| leg.amount.0 < 0) {
        return Err(AppError::internal(format!(
            "posting {} needs two or more positive legs",
            request.business_key
        )));
    }
    if legs.iter().map(Leg::signed_amount).sum::<i64>() != 0 {
        return Err(AppError::internal(format!(
            "posting {} does not balance",
            request.business_key
        )));
    }
    if let Some(existing) = repo::find_posting(conn, &request.business_key)? {
        let stored_total: i64 = repo::posting_amounts(conn, existing.id)?
            .iter()
            .map(|amount| (*amount).max(0))
            .sum();
        let asked_total: i64 = legs.iter().map(|leg| leg.signed_amount().max(0)).sum();
        return if existing.kind == request.kind && stored_total == asked_total {
            Ok(Posted::AlreadyPosted(existing.id))
        } else {
            Err(AppError::Conflict {
                code: "already_posted",
                detail: format!(
                    "{} was already recorded with other amounts",
                    request.business_key
                ),
            })
        };
    }
    let now = actor.at;
    let posting_id = repo::insert_posting(
        conn,
        &NewPosting {
            business_key: &request.business_key,
            kind: request.kind,
            memo: &request.memo,
            actor_member_id: actor.member.map(|m| m.0),
            request_id: actor.request_id.as_deref(),
            created_at: now,
        },
    )?;
    let mut balance_moves = Vec::with_capacity(legs.len());
    for leg in &legs {
        let account_id = repo::ensure_account(conn, &leg.account, now)?;
        repo::insert_entry(
            conn,
            &NewEntry {
                posting_id,
                account_id,
                amount_fen: leg.signed_amount(),
                created_at: now,
            },
        )?;
        let natural_delta = if leg.side == leg.account.normal_side {
            leg.amount.0
        } else {
            -leg.amount.0
        };
        balance_moves.push((account_id, natural_delta));
    }
    // Balance rows are locked in account order, whatever the legs' order: two postings that
    // touch the same accounts in opposite directions (a payment, a refund) cannot deadlock.
    balance_moves.sort_unstable();
    for (account_id, natural_delta) in balance_moves {
        repo::move_balance(conn, account_id, natural_delta)?;
    }
    Ok(Posted::New(posting_id))
}

/// Posts unless every leg is zero (a line that earns nothing accrues nothing): `None` then.
pub fn post_unless_zero(
    conn: &mut DbConn,
    actor: &Actor,
    request: PostingRequest,
) -> AppResult<Option<Posted>> {
    if request.legs.iter().all(|leg| leg.amount.0 == 0) {
        return Ok(None);
    }
    post(conn, actor, request).map(Some)
}

/// An account's balance on its normal side (0 for an account never posted to).
pub fn balance(conn: &mut DbConn, account: &AccountSpec) -> AppResult<Fen> {
    Ok(Fen(
        repo::find_account(conn, &account.code)?.map_or(0, |row| row.balance_fen)
    ))
}
