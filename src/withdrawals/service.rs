//! Requesting withdrawals and paying them out.

use super::dto::{PayoutAccountRequest, WithdrawalRequest, WithdrawalView};
use super::model::{NewWithdrawal, WithdrawalRow, WithdrawalStatus};
use super::repo;
use crate::audit::Actor;
use crate::db::{backend, DbConn};
use crate::error::{AppError, AppResult, FieldError};
use crate::ledger::accounts;
use crate::ledger::service::{balance, post, Leg, PostingRequest};
use crate::ledger::AccountSpec;
use crate::members::MemberId;
use crate::money::Fen;
use crate::money::MoneySettings;
use crate::pagination::{Page, Paginated};
use crate::payments::gateway::{PayoutAccount, PayoutAnswer};
use crate::payments::Gateways;

/// Whose balance pays a withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payer {
    /// A shopkeeper's available commission.
    Shopkeeper(MemberId),
    /// A supplier's payable for settled sales.
    Supplier(i64),
}

impl Payer {
    fn party(self) -> &'static str {
        match self {
            Self::Shopkeeper(_) => "shopkeeper",
            Self::Supplier(_) => "supplier",
        }
    }

    fn party_id(self) -> i64 {
        match self {
            Self::Shopkeeper(member) => member.0,
            Self::Supplier(id) => id,
        }
    }

    fn account(self) -> AccountSpec {
        match self {
            Self::Shopkeeper(member) => accounts::shopkeeper_available(member.0),
            Self::Supplier(id) => accounts::supplier_payable(id),
        }
    }

    fn of_row(row: &WithdrawalRow) -> Self {
        if row.party == "supplier" {
            Self::Supplier(row.party_id)
        } else {
            Self::Shopkeeper(MemberId(row.party_id))
        }
    }
}

fn check(settings: &MoneySettings, request: &WithdrawalRequest) -> AppResult<()> {
    let mut errors = Vec::new();
    let minimum = settings.min_withdrawal_fen;
    if request.amount_fen.0 < minimum {
        errors.push(FieldError::new(
            "amount_fen",
            "below_minimum",
            format!("the smallest withdrawal is {}", Fen(minimum).yuan_display()),
        ));
    }
    let PayoutAccountRequest { number, holder, .. } = &request.account;
    let number_ok = (4..=40).contains(&number.trim().chars().count())
        && number
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_'));
    if !number_ok {
        errors.push(FieldError::new(
            "account.number",
            "invalid_format",
            "account.number must be 4 to 40 letters, digits or @ . - _",
        ));
    }
    let holder_chars = holder.trim().chars().count();
    if !(1..=50).contains(&holder_chars) || holder.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "account.holder",
            "length",
            "account.holder must have 1 to 50 characters",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A withdrawal number: `W`, the day and 10 random digits.
fn new_withdrawal_no(now: chrono::NaiveDateTime) -> String {
    use rand::Rng;
    format!(
        "W{}{:010}",
        now.format("%y%m%d"),
        rand::rngs::OsRng.gen_range(0..10_000_000_000_u64)
    )
}

/// Sets the amount aside from the payer's balance (refused while the balance is negative or
/// smaller than the amount). The payout itself happens after commit.
pub fn request(
    conn: &mut DbConn,
    settings: &MoneySettings,
    gateway: &str,
    payer: Payer,
    request: &WithdrawalRequest,
    actor: &Actor,
) -> AppResult<WithdrawalView> {
    check(settings, request)?;
    let requested_by = actor
        .member
        .ok_or_else(|| AppError::internal("a withdrawal is requested by a member"))?;
    let amount = request.amount_fen;
    let refuse = |available: Fen| -> AppResult<()> {
        if available.0 < 0 {
            return Err(AppError::Conflict {
                code: "negative_balance",
                detail: format!(
                    "the available balance is {}: later income nets against it first",
                    available.yuan_display()
                ),
            });
        }
        if amount > available {
            return Err(AppError::Conflict {
                code: "insufficient_balance",
                detail: format!("only {} is available", available.yuan_display()),
            });
        }
        Ok(())
    };
    if let Payer::Supplier(supplier_id) = payer {
        let owed = balance(conn, &accounts::supplier_owed(supplier_id))?;
        if owed.0 > 0 {
            return Err(AppError::Conflict {
                code: "owes_platform",
                detail: format!(
                    "the supplier owes the platform {} from deposit deductions; that comes first",
                    owed.yuan_display()
                ),
            });
        }
    }
    refuse(balance(conn, &payer.account())?)?;
    let withdrawal_no = new_withdrawal_no(actor.at);
    let row = repo::insert(
        conn,
        &NewWithdrawal {
            withdrawal_no: &withdrawal_no,
            party: payer.party(),
            party_id: payer.party_id(),
            requested_by_member_id: requested_by.0,
            amount_fen: amount.0,
            account_kind: request.account.kind.as_str(),
            account_no: request.account.number.trim(),
            account_holder: request.account.holder.trim(),
            gateway,
            status: WithdrawalStatus::Requested,
            attempts: 0,
            created_at: actor.at,
        },
    )?;
    post(
        conn,
        actor,
        PostingRequest {
            business_key: format!("withdrawal:{withdrawal_no}"),
            kind: "withdrawal_requested",
            memo: format!("withdrawal {withdrawal_no} set aside"),
            legs: vec![
                Leg::debit(payer.account(), amount),
                Leg::credit(accounts::payouts_due(), amount),
            ],
        },
    )?;
    // The posting locked the balance row: a concurrent withdrawal waited for it, and whichever
    // came second sees what the first left (and is refused if it no longer fits).
    let after = balance(conn, &payer.account())?;
    if after.0 < 0 {
        refuse(Fen(after.0 + amount.0))?;
    }
    Ok(view(row))
}

/// Pays out requested withdrawals (one, or the oldest `limit`): each gateway call outside any
/// transaction, then its result posted. A refusal returns the money; a failed call is counted
/// and tried again. Returns how many ended (paid or failed).
pub fn send_payouts(
    conn: &mut DbConn,
    gateways: &Gateways,
    id: Option<i64>,
    limit: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<usize> {
    let mut ended = 0;
    for withdrawal in repo::requested(conn, id, limit)? {
        let account = PayoutAccount {
            kind: withdrawal.account_kind.clone(),
            number: withdrawal.account_no.clone(),
            holder: withdrawal.account_holder.clone(),
        };
        let amount = Fen(withdrawal.amount_fen);
        let answer = gateways
            .get(&withdrawal.gateway)
            .and_then(|gateway| gateway.payout(&withdrawal.withdrawal_no, &account, amount));
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                tracing::warn!(withdrawal_no = %withdrawal.withdrawal_no, %error, "payout not sent; retried later");
                backend::write_transaction(conn, |conn| {
                    repo::record_attempt_error(conn, withdrawal.id, &error.to_string())
                })?;
                continue;
            }
        };
        let done = backend::write_transaction(conn, |conn| -> AppResult<bool> {
            let no = &withdrawal.withdrawal_no;
            let (posting, status, reference, failure) = match &answer {
                PayoutAnswer::Paid(reference) => (
                    PostingRequest {
                        business_key: format!("payout:{no}"),
                        kind: "withdrawal_paid",
                        memo: format!(
                            "withdrawal {no} paid through {} as {reference}",
                            withdrawal.gateway
                        ),
                        legs: vec![
                            Leg::debit(accounts::payouts_due(), amount),
                            Leg::credit(accounts::platform_bank(), amount),
                        ],
                    },
                    WithdrawalStatus::Paid,
                    Some(reference.as_str()),
                    None,
                ),
                PayoutAnswer::Refused(reason) => (
                    PostingRequest {
                        business_key: format!("payout-failed:{no}"),
                        kind: "withdrawal_failed",
                        memo: format!("withdrawal {no} refused: {reason}; money returned"),
                        legs: vec![
                            Leg::debit(accounts::payouts_due(), amount),
                            Leg::credit(Payer::of_row(&withdrawal).account(), amount),
                        ],
                    },
                    WithdrawalStatus::Failed,
                    None,
                    Some(reason.as_str()),
                ),
            };
            if !repo::finish(conn, withdrawal.id, status, reference, failure, now)? {
                return Ok(false);
            }
            post(conn, &Actor::system(now), posting)?;
            Ok(true)
        })?;
        if done {
            ended += 1;
        }
    }
    Ok(ended)
}

pub fn list(conn: &mut DbConn, payer: Payer, page: Page) -> AppResult<Paginated<WithdrawalView>> {
    let (rows, total) = repo::page(conn, payer.party(), payer.party_id(), page)?;
    Ok(Paginated::new(
        rows.into_iter().map(view).collect(),
        page,
        total,
    ))
}

pub fn find_view(conn: &mut DbConn, id: i64) -> AppResult<WithdrawalView> {
    repo::find(conn, id)?.map(view).ok_or(AppError::NotFound {
        resource: "withdrawal",
    })
}

/// The account number as shown back: only its last four characters.
fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let keep = chars.len().saturating_sub(4);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

fn view(row: WithdrawalRow) -> WithdrawalView {
    WithdrawalView {
        id: row.id,
        account_no: mask(&row.account_no),
        withdrawal_no: row.withdrawal_no,
        amount_fen: Fen(row.amount_fen),
        status: row.status.to_string(),
        account_kind: row.account_kind,
        failure_reason: row.failure_reason,
        created_at: row.created_at.and_utc(),
        finished_at: row.finished_at.map(|at| at.and_utc()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn account_numbers_show_only_their_last_four_characters() {
        assert_eq!(super::mask("6222021234567890"), "************7890");
        assert_eq!(super::mask("abc"), "abc");
    }
}
