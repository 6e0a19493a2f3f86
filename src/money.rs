//! Money in integer fen (¥0.01) and rates in basis points (0.01%): never floating point.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount of money in fen. ¥1 = 100 fen.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = i64, example = 1_000_000)]
pub struct Fen(pub i64);

/// A rate in basis points. 100% = 10,000 bps.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = i32, example = 1_500)]
pub struct Bps(pub i32);

pub const FULL_RATE: Bps = Bps(10_000);

impl Fen {
    /// `self × rate`, rounded down to whole fen (the platform never pays a fraction of a fen).
    pub fn times(self, rate: Bps) -> Fen {
        Fen((i128::from(self.0) * i128::from(rate.0) / i128::from(FULL_RATE.0)) as i64)
    }

    pub fn yuan_display(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rates_round_down_to_whole_fen() {
        assert_eq!(Fen(1_000).times(Bps(150)), Fen(15));
        assert_eq!(Fen(999).times(Bps(150)), Fen(14));
        assert_eq!(Fen(12_345).yuan_display(), "¥123.45");
        assert_eq!(Fen(-5).yuan_display(), "-¥0.05");
    }

    proptest! {
        #[test]
        fn a_share_never_exceeds_the_whole(amount in 0i64..=i64::MAX / 2, rate in 0i32..=10_000) {
            let share = Fen(amount).times(Bps(rate));
            prop_assert!(share.0 >= 0 && share.0 <= amount);
            // Exact to within one fen of the real product.
            let exact = i128::from(amount) * i128::from(rate);
            prop_assert!(i128::from(share.0) * 10_000 <= exact && exact < (i128::from(share.0) + 1) * 10_000);
        }
    }
}

/// The platform's money rules: how long commission waits before it can be withdrawn, the
/// platform's fee, the smallest withdrawal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneySettings {
    pub settlement_window_days: u32,
    pub platform_fee_bps: i32,
    pub min_withdrawal_fen: i64,
}

impl MoneySettings {
    pub fn validate(&self) -> crate::settings::Checked {
        crate::settings::positive(&[
            (
                "money.settlement_window_days",
                i64::from(self.settlement_window_days),
            ),
            ("money.min_withdrawal_fen", self.min_withdrawal_fen),
        ])?;
        crate::settings::within("money.platform_fee_bps", self.platform_fee_bps, 0..=10_000)
    }
}
