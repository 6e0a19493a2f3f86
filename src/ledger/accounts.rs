//! The chart of accounts: every account xiaopu posts to is named here.

use super::Side;

/// An account, created on its first posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub code: String,
    pub normal_side: Side,
    /// Accounts that must never go below zero say so; the database enforces it.
    pub allow_negative: bool,
}

impl AccountSpec {
    fn new(code: String, normal_side: Side, allow_negative: bool) -> Self {
        Self {
            code,
            normal_side,
            allow_negative,
        }
    }
}

/// The deposit a supplier has paid in, which the platform holds for it (a liability).
pub fn supplier_deposit(supplier_id: i64) -> AccountSpec {
    AccountSpec::new(
        format!("supplier/{supplier_id}/deposit"),
        Side::Credit,
        false,
    )
}

/// What a supplier owes the platform after a deduction larger than its deposit (a receivable).
pub fn supplier_owed(supplier_id: i64) -> AccountSpec {
    AccountSpec::new(format!("supplier/{supplier_id}/owed"), Side::Debit, false)
}

/// Money at the platform's bank: transfers in and payouts out.
pub fn platform_bank() -> AccountSpec {
    AccountSpec::new("platform/bank".to_owned(), Side::Debit, true)
}

/// Penalties and compensation taken from deposits, until paid on to whom they are due.
pub fn platform_deposit_deductions() -> AccountSpec {
    AccountSpec::new(
        "platform/deposit-deductions".to_owned(),
        Side::Credit,
        false,
    )
}

/// Buyers' money held at a payment gateway (an asset), from payments in and refunds out.
pub fn gateway_clearing(gateway: &str) -> AccountSpec {
    AccountSpec::new(format!("platform/gateway/{gateway}"), Side::Debit, false)
}

/// Refunds decided but not yet sent through the gateway (owed to buyers: a liability).
pub fn refunds_due() -> AccountSpec {
    AccountSpec::new("platform/refunds-due".to_owned(), Side::Credit, false)
}

/// Money buyers paid for orders, held until it is settled to suppliers and shopkeepers or
/// refunded (a liability).
pub fn order_funds_held() -> AccountSpec {
    AccountSpec::new("platform/order-funds".to_owned(), Side::Credit, false)
}

/// Commission (and tier bonus) a shopkeeper has earned on paid lines whose after-sales window is
/// still open (a liability; reversed by refunds, moved to available by settlement).
pub fn shopkeeper_pending(member_id: i64) -> AccountSpec {
    AccountSpec::new(
        format!("shopkeeper/{member_id}/pending"),
        Side::Credit,
        false,
    )
}

/// Settled commission a shopkeeper may withdraw. It may go negative: a refund after settlement
/// takes the commission back, and later income nets against it.
pub fn shopkeeper_available(member_id: i64) -> AccountSpec {
    AccountSpec::new(
        format!("shopkeeper/{member_id}/available"),
        Side::Credit,
        true,
    )
}

/// What the platform owes a supplier for settled sales, net of commission and fee. It may go
/// negative when a refund comes after settlement; later sales net against it.
pub fn supplier_payable(supplier_id: i64) -> AccountSpec {
    AccountSpec::new(
        format!("supplier/{supplier_id}/payable"),
        Side::Credit,
        true,
    )
}

/// The tier bonuses the platform pays shopkeepers on top of suppliers' commission (an expense).
pub fn platform_tier_bonus_expense() -> AccountSpec {
    AccountSpec::new("platform/tier-bonus-expense".to_owned(), Side::Debit, false)
}

/// The platform's fee on settled sales (revenue).
pub fn platform_fee_revenue() -> AccountSpec {
    AccountSpec::new("platform/fee-revenue".to_owned(), Side::Credit, false)
}

/// Withdrawals set aside from available balances until the gateway pays them out (a liability).
pub fn payouts_due() -> AccountSpec {
    AccountSpec::new("platform/payouts-due".to_owned(), Side::Credit, false)
}
