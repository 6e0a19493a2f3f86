//! The tier decision, the one place that says how a month's figures move a shopkeeper: straight
//! up to the highest tier qualified for (unless the refund rate or a serious violation blocks a
//! rise), down at most `max_fall_levels` a month.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Tier;
use crate::money::{Bps, Fen};
use crate::tiers::TierSettings;

/// A shopkeeper's figures for one calendar month (all their shops together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthFigures {
    /// Settled GMV net of refunds.
    pub gmv_fen: Fen,
    /// Settled orders (with something not refunded).
    pub orders: i64,
    pub buyers: i64,
    /// Refunded share of the month's settled lines.
    pub refund_rate_bps: Bps,
    pub serious_violations: i64,
}

/// Why a tier was decided, in a form both people and programs can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub tier: Tier,
    pub reason: String,
}

/// A threshold missed: the figure, what the month has and what the tier needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    Gmv { have: Fen, needed: Fen },
    Orders { have: i64, needed: i64 },
    Buyers { have: i64, needed: i64 },
}

/// Written only for the reason a decision keeps: deciding a million shopkeepers asks about
/// every tier of each, and formatting each answer cost more than the rest of the decision.
impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::Gmv { have, needed } => write!(
                f,
                "settled GMV {} < {}",
                have.yuan_display(),
                needed.yuan_display()
            ),
            Miss::Orders { have, needed } => write!(f, "settled orders {have} < {needed}"),
            Miss::Buyers { have, needed } => write!(f, "distinct buyers {have} < {needed}"),
        }
    }
}

/// The first threshold `figures` miss for `tier` (None: all met; Rookie needs nothing).
pub fn missing(settings: &TierSettings, tier: Tier, figures: &MonthFigures) -> Option<Miss> {
    let threshold = tier.threshold(settings)?;
    if figures.gmv_fen.0 < threshold.gmv_fen {
        return Some(Miss::Gmv {
            have: figures.gmv_fen,
            needed: Fen(threshold.gmv_fen),
        });
    }
    if figures.orders < threshold.orders {
        return Some(Miss::Orders {
            have: figures.orders,
            needed: threshold.orders,
        });
    }
    if figures.buyers < threshold.buyers {
        return Some(Miss::Buyers {
            have: figures.buyers,
            needed: threshold.buyers,
        });
    }
    None
}

/// The highest tier whose every threshold the figures meet.
pub fn qualified(settings: &TierSettings, figures: &MonthFigures) -> Tier {
    Tier::ALL
        .iter()
        .rev()
        .copied()
        .find(|tier| missing(settings, *tier, figures).is_none())
        .unwrap_or_default()
}

pub fn decide(settings: &TierSettings, previous: Tier, figures: &MonthFigures) -> Decision {
    let target = qualified(settings, figures);
    if target > previous {
        let ceiling = Bps(settings.refund_rate_ceiling_bps);
        let blocked = if figures.refund_rate_bps > ceiling {
            Some(format!(
                "refund rate {} above {}",
                percent(figures.refund_rate_bps),
                percent(ceiling)
            ))
        } else if figures.serious_violations > 0 {
            Some(format!(
                "{} serious violation(s) in the month",
                figures.serious_violations
            ))
        } else {
            None
        };
        return match blocked {
            Some(why) => Decision {
                tier: previous,
                reason: format!(
                    "qualified for {} but the rise is blocked: {why}",
                    target.as_str()
                ),
            },
            None => Decision {
                tier: target,
                reason: format!("rose to {}: met every threshold", target.as_str()),
            },
        };
    }
    if target == previous {
        let gap = previous
            .next()
            .and_then(|next| Some((next, missing(settings, next, figures)?)));
        return Decision {
            tier: previous,
            reason: match gap {
                Some((next, gap)) => {
                    format!("kept {}; {} needs {gap}", previous.as_str(), next.as_str())
                }
                None => format!("kept {}: met every threshold", previous.as_str()),
            },
        };
    }
    let tier = target.max(previous.down(settings.max_fall_levels as usize));
    let gap =
        missing(settings, previous, figures).map_or_else(String::new, |miss| miss.to_string());
    Decision {
        tier,
        reason: format!(
            "fell to {}: {} missed ({gap}); at most {} level(s) down a month",
            tier.as_str(),
            previous.as_str(),
            settings.max_fall_levels
        ),
    }
}

fn percent(rate: Bps) -> String {
    format!("{}.{:02}%", rate.0 / 100, rate.0 % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn settings() -> TierSettings {
        crate::settings::defaults("tiers")
    }

    fn figures(gmv_fen: i64, orders: i64, buyers: i64) -> MonthFigures {
        MonthFigures {
            gmv_fen: Fen(gmv_fen),
            orders,
            buyers,
            ..Default::default()
        }
    }

    #[test]
    fn exactly_at_a_threshold_qualifies_and_one_fen_under_does_not() {
        let s = settings();
        // Senior: ¥5,000, 20 orders, 10 buyers.
        assert_eq!(qualified(&s, &figures(500_000, 20, 10)), Tier::Senior);
        assert_eq!(qualified(&s, &figures(499_999, 20, 10)), Tier::Rookie);
        assert_eq!(qualified(&s, &figures(500_000, 19, 10)), Tier::Rookie);
        assert_eq!(qualified(&s, &figures(500_000, 20, 9)), Tier::Rookie);
        // Straight to Super.
        let top = figures(30_000_000, 1_000, 300);
        let decided = decide(&s, Tier::Rookie, &top);
        assert_eq!(decided.tier, Tier::Super);
        assert!(
            decided.reason.contains("rose to super"),
            "{}",
            decided.reason
        );
    }

    #[test]
    fn a_high_refund_rate_or_a_violation_blocks_a_rise_but_not_a_stay() {
        let s = settings();
        let mut f = figures(5_000_000, 200, 80);
        f.refund_rate_bps = Bps(2001);
        let blocked = decide(&s, Tier::Senior, &f);
        assert_eq!(blocked.tier, Tier::Senior);
        assert!(
            blocked.reason.contains("refund rate 20.01% above 20.00%"),
            "{}",
            blocked.reason
        );
        f.refund_rate_bps = Bps(2000);
        assert_eq!(decide(&s, Tier::Senior, &f).tier, Tier::Elite);
        f.serious_violations = 1;
        assert_eq!(decide(&s, Tier::Senior, &f).tier, Tier::Senior);
        assert_eq!(decide(&s, Tier::Elite, &f).tier, Tier::Elite);
    }

    #[test]
    fn a_month_without_sales_falls_one_level_and_says_what_was_missed() {
        let s = settings();
        let fell = decide(&s, Tier::Super, &MonthFigures::default());
        assert_eq!(fell.tier, Tier::Elite);
        assert!(
            fell.reason.contains("settled GMV ¥0.00 < ¥300000.00"),
            "{}",
            fell.reason
        );
        assert_eq!(
            decide(&s, Tier::Rookie, &MonthFigures::default()).tier,
            Tier::Rookie
        );
        let kept = decide(&s, Tier::Senior, &figures(600_000, 25, 12));
        assert!(
            kept.reason.contains("elite needs settled GMV"),
            "{}",
            kept.reason
        );
    }

    proptest! {
        /// Never more than one level down, never up past what the figures qualify for, and up
        /// only when nothing blocks it.
        #[test]
        fn decisions_stay_within_the_rules(
            previous in proptest::sample::select(Tier::ALL),
            gmv in 0i64..40_000_000,
            orders in 0i64..1_500,
            buyers in 0i64..500,
            refund in 0i32..5_000,
            violations in 0i64..2,
        ) {
            let s = settings();
            let f = MonthFigures {
                gmv_fen: Fen(gmv), orders, buyers,
                refund_rate_bps: Bps(refund), serious_violations: violations,
            };
            let decided = decide(&s, previous, &f);
            let (to, qualified) = (decided.tier, qualified(&s, &f));
            prop_assert!(to >= previous.down(1));
            prop_assert!(to <= previous.max(qualified));
            if to > previous {
                prop_assert!(refund <= s.refund_rate_ceiling_bps && violations == 0);
                prop_assert_eq!(to, qualified);
            }
            prop_assert!(!decided.reason.is_empty());
        }
    }
}
