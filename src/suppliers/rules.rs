//! Supplier rules: who may become one, what deposit it owes, when it is active.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::dto::ApplicationRequest;
use super::model::SupplierStatus;
use super::settings::{CategorySettings, SupplierSettings};
use crate::error::{AppError, AppResult, FieldError};
use crate::money::Fen;

/// The 31 characters of a unified social credit code (GB 32100-2015): digits and capitals
/// without I, O, S, V, Z.
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Checks an 18-character unified social credit code, including its check character.
pub fn credit_code_is_valid(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| CREDIT_CODE_CHARS.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return false;
    };
    let sum: u32 = values[..17]
        .iter()
        .zip(CREDIT_CODE_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    values[17] == check
}

/// Longest name of an authoriser in a brand-authorisation chain, and of a voucher reference.
pub const REFERENCE_MAX_CHARS: usize = 100;

/// A name or reference of 1 to 100 characters.
fn check_reference(field: &str, text: &str) -> Option<FieldError> {
    let chars = text.trim().chars().count();
    (!(1..=REFERENCE_MAX_CHARS).contains(&chars)).then(|| {
        FieldError::new(
            field,
            "length",
            format!("{field} must have 1 to {REFERENCE_MAX_CHARS} characters"),
        )
    })
}

/// Checks an application against the entry rules, reporting every field at fault.
pub fn check_application(
    request: &ApplicationRequest,
    rules: &SupplierSettings,
    tree: &[CategorySettings],
    today: NaiveDate,
) -> AppResult<()> {
    let mut errors = Vec::new();
    if !credit_code_is_valid(&request.credit_code) {
        errors.push(FieldError::new(
            "credit_code",
            "invalid_format",
            "not a valid 18-character unified social credit code (format or check character)",
        ));
    }
    if request.registered_capital_fen < rules.min_registered_capital_fen {
        errors.push(FieldError::new(
            "registered_capital_fen",
            "below_minimum",
            format!(
                "registered capital must be at least {}",
                Fen(rules.min_registered_capital_fen).yuan_display()
            ),
        ));
    }
    if !request.general_taxpayer {
        errors.push(FieldError::new(
            "general_taxpayer",
            "required",
            "suppliers must be general VAT taxpayers (一般纳税人)",
        ));
    }
    if request.categories.is_empty() {
        errors.push(FieldError::new(
            "categories",
            "required",
            "name at least one category",
        ));
    }
    for (index, code) in request.categories.iter().enumerate() {
        if find_category(tree, code).is_none() {
            errors.push(FieldError::new(
                &format!("categories[{index}]"),
                "unknown_category",
                format!("{code:?} is not a category"),
            ));
        }
    }
    if request.brand_authorisations.is_empty() && request.procurement_vouchers.is_empty() {
        errors.push(FieldError::new(
            "brand_authorisations",
            "required",
            "give a brand authorisation or procurement-voucher references",
        ));
    }
    for (index, voucher) in request.procurement_vouchers.iter().enumerate() {
        errors.extend(check_reference(
            &format!("procurement_vouchers[{index}]"),
            voucher,
        ));
    }
    for (index, authorisation) in request.brand_authorisations.iter().enumerate() {
        let field = |name: &str| format!("brand_authorisations[{index}].{name}");
        for (level, authoriser) in authorisation.chain.iter().enumerate() {
            errors.extend(check_reference(
                &field(&format!("chain[{level}]")),
                authoriser,
            ));
        }
        if authorisation.chain.is_empty()
            || authorisation.chain.len() > rules.max_authorisation_chain
        {
            errors.push(FieldError::new(
                &field("chain"),
                "chain_too_long",
                format!(
                    "the chain from the brand to the supplier must have 1 to {} levels",
                    rules.max_authorisation_chain
                ),
            ));
        }
        if authorisation.valid_until < today {
            errors.push(FieldError::new(
                &field("valid_until"),
                "expired",
                "this authorisation has expired",
            ));
        }
        if authorisation.valid_from > authorisation.valid_until {
            errors.push(FieldError::new(
                &field("valid_from"),
                "after_valid_until",
                "valid_from is after valid_until",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

pub fn find_category<'a>(
    categories: &'a [CategorySettings],
    code: &str,
) -> Option<&'a CategorySettings> {
    categories.iter().find(|c| c.code == code)
}

/// The base deposit plus the extra of every category the supplier sells in and of their
/// ancestors, each counted once.
pub fn required_deposit(
    settings: &SupplierSettings,
    tree: &[CategorySettings],
    categories: &[String],
) -> Fen {
    let mut counted = BTreeSet::new();
    for code in categories {
        let mut next = find_category(tree, code);
        while let Some(category) = next {
            if !counted.insert(category.code.as_str()) {
                break;
            }
            next = category
                .parent
                .as_deref()
                .and_then(|parent| find_category(tree, parent));
        }
    }
    let extra: i64 = counted
        .iter()
        .filter_map(|code| find_category(tree, code))
        .map(|c| c.extra_deposit_fen)
        .sum();
    Fen(settings.base_deposit_fen + extra)
}

/// Active: approved (not exiting or exited) with a deposit at least the required one.
pub fn is_active(status: SupplierStatus, balance: Fen, required: Fen) -> bool {
    status == SupplierStatus::Approved && balance >= required
}

/// How an exit's refund nets what the supplier owes the platform: the deposit settles the `owed`
/// account (deductions it could not cover), then a negative payable (refunds after settlement),
/// and the rest is refunded. What the deposit cannot cover stays owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitNetting {
    pub deposit: Fen,
    pub owed_settled: Fen,
    pub payable_settled: Fen,
    pub refunded: Fen,
    /// Owed and payable debt the deposit did not cover, left where it is.
    pub still_owed: Fen,
}

impl ExitNetting {
    /// `payable` is the supplier's payable balance, which may be negative.
    pub fn of(deposit: Fen, owed: Fen, payable: Fen) -> Self {
        let payable_debt = (-payable.0).max(0);
        let owed_settled = owed.0.min(deposit.0);
        let payable_settled = payable_debt.min(deposit.0 - owed_settled);
        Self {
            deposit,
            owed_settled: Fen(owed_settled),
            payable_settled: Fen(payable_settled),
            refunded: Fen(deposit.0 - owed_settled - payable_settled),
            still_owed: Fen(owed.0 - owed_settled + payable_debt - payable_settled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exit_refunds_the_deposit_net_of_what_is_owed() {
        let netted = |deposit, owed, payable| {
            let n = ExitNetting::of(Fen(deposit), Fen(owed), Fen(payable));
            (
                n.owed_settled.0,
                n.payable_settled.0,
                n.refunded.0,
                n.still_owed.0,
            )
        };
        assert_eq!(netted(1000, 0, 0), (0, 0, 1000, 0));
        // A positive payable is the supplier's to withdraw, not a debt.
        assert_eq!(netted(1000, 0, 500), (0, 0, 1000, 0));
        assert_eq!(netted(1000, 300, -200), (300, 200, 500, 0));
        assert_eq!(netted(1000, 800, -500), (800, 200, 0, 300));
        assert_eq!(netted(1000, 1500, -100), (1000, 0, 0, 600));
        assert_eq!(netted(0, 700, 0), (0, 0, 0, 700));
    }

    #[test]
    fn credit_codes_are_checked_to_the_last_character() {
        // Published example codes with valid check characters.
        for valid in [
            "91350100M000100Y43",
            "91110000802100433B",
            "91310000MA1FL4AB1T",
        ] {
            assert!(credit_code_is_valid(valid), "{valid}");
        }
        assert!(
            !credit_code_is_valid("91350100M000100Y44"),
            "wrong check character"
        );
        assert!(!credit_code_is_valid("91350100M000100Y4"), "17 characters");
        assert!(!credit_code_is_valid("91350100I000100Y43"), "I is not used");
        assert!(!credit_code_is_valid("91350100m000100y43"), "lower case");
    }

    #[test]
    fn required_deposit_counts_each_category_and_ancestor_once() {
        let settings: SupplierSettings = crate::settings::defaults("suppliers");
        let tree: Vec<CategorySettings> = crate::settings::defaults("categories");
        let base = settings.base_deposit_fen;
        assert_eq!(required_deposit(&settings, &tree, &[]), Fen(base));
        let food = 500_000;
        let supplements = 200_000;
        assert_eq!(
            required_deposit(
                &settings,
                &tree,
                &[
                    "food-health.supplements".into(),
                    "food-health".into(),
                    "food-health.snacks".into()
                ]
            ),
            Fen(base + food + supplements)
        );
        assert_eq!(
            required_deposit(&settings, &tree, &["apparel-sports".into()]),
            Fen(base + 100_000)
        );
    }
}
