//! What a line is worth for a number of its pieces: every money figure of a line is a function
//! of its quantity not refunded, so refunds and settlement post differences of this function and
//! nothing is ever left over by rounding (all pieces refunded reverses exactly what accrued).

use crate::money::{Bps, Fen};
use crate::orders::model::OrderLineRow;

/// `pieces` of `quantity`'s share of a whole rounded once on the whole line, rounded down: all
/// pieces give back exactly the whole.
pub fn share_of(whole: i64, pieces: i64, quantity: i64) -> Fen {
    Fen(whole * pieces / quantity)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineFigures {
    /// What the buyer paid for these pieces.
    pub amount: Fen,
    /// The supplier's commission to the shopkeeper.
    pub commission: Fen,
    /// The platform's tier bonus to the shopkeeper.
    pub tier_bonus: Fen,
    /// The platform's fee on the supplier's sale.
    pub platform_fee: Fen,
}

impl LineFigures {
    /// The figures of `pieces` of the line (0 ..= its quantity).
    pub fn of(line: &OrderLineRow, pieces: i32) -> Self {
        let pieces = i64::from(pieces.clamp(0, line.quantity));
        let quantity = i64::from(line.quantity);
        // The line's commission and bonus were rounded once, on the whole line, at placement:
        // shares of them round down, and all pieces give back exactly the snapshot.
        let share = |whole: i64| share_of(whole, pieces, quantity);
        let amount = Fen(line.unit_price_fen * pieces);
        Self {
            amount,
            commission: share(line.commission_fen),
            tier_bonus: share(line.tier_bonus_fen),
            platform_fee: amount.times(Bps(line.platform_fee_bps)),
        }
    }

    /// The figures of the pieces not refunded.
    pub fn kept(line: &OrderLineRow) -> Self {
        Self::of(line, line.quantity - line.refunded_quantity)
    }

    /// What the shopkeeper earns: commission and tier bonus.
    pub fn earning(self) -> Fen {
        Fen(self.commission.0 + self.tier_bonus.0)
    }

    /// What the supplier is paid: the amount less commission and fee.
    pub fn supplier_net(self) -> Fen {
        Fen(self.amount.0 - self.commission.0 - self.platform_fee.0)
    }

    /// `self − other`, figure by figure.
    pub fn minus(self, other: Self) -> Self {
        Self {
            amount: Fen(self.amount.0 - other.amount.0),
            commission: Fen(self.commission.0 - other.commission.0),
            tier_bonus: Fen(self.tier_bonus.0 - other.tier_bonus.0),
            platform_fee: Fen(self.platform_fee.0 - other.platform_fee.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(unit: i64, quantity: i32, rate: i32, bonus: i32, fee: i32) -> OrderLineRow {
        let amount = Fen(unit * i64::from(quantity));
        let (commission, tier_bonus) =
            crate::goods::rules::commission_and_bonus(amount, Bps(rate), Bps(bonus));
        OrderLineRow {
            id: 1,
            order_id: 1,
            supplier_order_id: 1,
            shop_item_id: 1,
            goods_id: 1,
            sku_id: 1,
            supplier_id: 1,
            shop_id: 1,
            shopkeeper_member_id: 1,
            title: String::new(),
            sku_attributes: String::new(),
            unit_price_fen: unit,
            quantity,
            amount_fen: amount.0,
            commission_bps: rate,
            tier: crate::tiers::Tier::Rookie,
            tier_bonus_bps: bonus,
            commission_fen: commission.0,
            tier_bonus_fen: tier_bonus.0,
            no_commission_reason: None,
            created_at: chrono::NaiveDateTime::default(),
            platform_fee_bps: fee,
            refunded_quantity: 0,
            settled_at: None,
            commission_plan_id: None,
        }
    }

    #[test]
    fn a_third_of_a_line_rounds_down_and_the_whole_line_is_the_snapshot() {
        // 3 × ¥9.99 at 20%: commission 599 fen (599.4 rounded down at placement).
        let l = line(999, 3, 2000, 1000, 100);
        let one = LineFigures::of(&l, 1);
        assert_eq!(one.amount, Fen(999));
        assert_eq!(one.commission, Fen(199));
        assert_eq!(one.tier_bonus, Fen(19));
        assert_eq!(one.platform_fee, Fen(9));
        let all = LineFigures::of(&l, 3);
        assert_eq!(all.commission, Fen(l.commission_fen));
        assert_eq!(all.tier_bonus, Fen(l.tier_bonus_fen));
        assert_eq!(LineFigures::of(&l, 0), LineFigures::default());
    }

    proptest! {
        /// Refunds in any steps give back exactly the whole, and no step is negative.
        #[test]
        fn refund_steps_sum_to_the_whole(
            unit in 1i64..1_000_000,
            quantity in 1i32..50,
            rate in 0i32..=5000,
            bonus in 0i32..=2000,
            fee in 0i32..=5000,
            cuts in proptest::collection::vec(0i32..50, 0..6),
        ) {
            let l = line(unit, quantity, rate, bonus, fee);
            let mut kept = quantity;
            let mut returned = LineFigures::default();
            let mut steps: Vec<i32> = cuts.into_iter().map(|c| c % (quantity + 1)).collect();
            steps.push(quantity);
            for step in steps {
                let next = (kept - step).max(0);
                let diff = LineFigures::of(&l, kept).minus(LineFigures::of(&l, next));
                prop_assert!(diff.amount.0 >= 0 && diff.commission.0 >= 0);
                prop_assert!(diff.tier_bonus.0 >= 0 && diff.platform_fee.0 >= 0);
                returned = LineFigures {
                    amount: Fen(returned.amount.0 + diff.amount.0),
                    commission: Fen(returned.commission.0 + diff.commission.0),
                    tier_bonus: Fen(returned.tier_bonus.0 + diff.tier_bonus.0),
                    platform_fee: Fen(returned.platform_fee.0 + diff.platform_fee.0),
                };
                kept = next;
            }
            prop_assert_eq!(returned, LineFigures::of(&l, quantity));
            prop_assert_eq!(returned.amount.0, l.amount_fen);
        }
    }
}
