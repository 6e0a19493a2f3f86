//! Shopkeeper tiers. A member's tier is the latest month recorded in `tier_history`, Rookie when
//! none is; the monthly engine records a month for every shopkeeper (see `rules` for how).

pub mod dto;
pub mod engine;
pub mod months;
pub mod repo;
pub mod rules;
pub mod service;
pub mod settings;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::tier_history;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::members::MemberId;
use crate::money::Bps;
pub use settings::{TierBonus, TierSettings, TierThreshold};

// A shopkeeper's tier, lowest first: the order is the enum's (`Ord`), and every list of tiers
// is `Tier::ALL`. A shopkeeper never decided is Rookie (`Default`). (Not a doc comment: it
// would become the API schema's description.)
crate::text_enum! {
    #[derive(Default, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Tier {
        #[default]
        Rookie = "rookie",
        Senior = "senior",
        Elite = "elite",
        Super = "super",
    }
}

impl Tier {
    /// Its place in [`Tier::ALL`]: Rookie 0 to Super 3.
    pub fn level(self) -> usize {
        self as usize
    }

    /// The tier above (none above Super).
    pub fn next(self) -> Option<Tier> {
        Self::ALL.get(self.level() + 1).copied()
    }

    /// The tier below (none below Rookie).
    pub fn previous(self) -> Option<Tier> {
        self.level().checked_sub(1).map(|level| Self::ALL[level])
    }

    /// `levels` tiers down, stopping at Rookie.
    pub fn down(self, levels: usize) -> Tier {
        Self::ALL[self.level().saturating_sub(levels)]
    }

    /// What a month's figures must reach for this tier (none for Rookie, which needs nothing).
    pub fn threshold(self, settings: &TierSettings) -> Option<&TierThreshold> {
        match self {
            Self::Rookie => None,
            Self::Senior => Some(&settings.senior),
            Self::Elite => Some(&settings.elite),
            Self::Super => Some(&settings.super_),
        }
    }

    /// The commission bonus this tier earns on top of the goods' commission.
    pub fn bonus(self, bonus: &TierBonus) -> Bps {
        Bps(match self {
            Self::Rookie => bonus.rookie,
            Self::Senior => bonus.senior,
            Self::Elite => bonus.elite,
            Self::Super => bonus.super_,
        })
    }
}

/// A count for each tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TierCounts([i64; Tier::ALL.len()]);

impl TierCounts {
    /// Each tier with its count, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = (Tier, i64)> + '_ {
        Tier::ALL.iter().map(|tier| (*tier, self[*tier]))
    }

    /// The counts `count` gives each tier.
    pub fn from_fn(count: impl Fn(Tier) -> i64) -> Self {
        Self(std::array::from_fn(|level| count(Tier::ALL[level])))
    }
}

impl std::ops::Index<Tier> for TierCounts {
    type Output = i64;

    fn index(&self, tier: Tier) -> &i64 {
        &self.0[tier.level()]
    }
}

impl std::ops::IndexMut<Tier> for TierCounts {
    fn index_mut(&mut self, tier: Tier) -> &mut i64 {
        &mut self.0[tier.level()]
    }
}

/// The member's recorded tiers of these months (a month without a row: none).
pub fn of_months(conn: &mut DbConn, member: MemberId, months: &[String]) -> AppResult<Vec<Tier>> {
    Ok(tier_history::table
        .filter(tier_history::member_id.eq(member.0))
        .filter(tier_history::month.eq_any(months))
        .select(tier_history::tier)
        .load(conn)?)
}

/// The member's tier now: the latest recorded month, or Rookie.
pub fn current(conn: &mut DbConn, member: MemberId) -> AppResult<Tier> {
    let latest: Option<Tier> = tier_history::table
        .filter(tier_history::member_id.eq(member.0))
        .order(tier_history::month.desc())
        .select(tier_history::tier)
        .first(conn)
        .optional()?;
    Ok(latest.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TierSettings {
        crate::settings::defaults("tiers")
    }

    #[test]
    fn tiers_are_ordered_rookie_to_super_and_step_one_at_a_time() {
        use Tier::*;
        assert_eq!(Tier::ALL, [Rookie, Senior, Elite, Super]);
        assert!(Rookie < Senior && Senior < Elite && Elite < Super);
        assert_eq!(Tier::default(), Rookie);
        for pair in Tier::ALL.windows(2) {
            assert_eq!(pair[0].next(), Some(pair[1]));
            assert_eq!(pair[1].previous(), Some(pair[0]));
        }
        assert_eq!((Super.next(), Rookie.previous()), (None, None));
        assert_eq!(
            (Super.down(1), Super.down(2), Senior.down(3)),
            (Elite, Senior, Rookie)
        );
    }

    #[test]
    fn each_tier_above_rookie_has_its_threshold_and_bonuses_rise() {
        let s = settings();
        assert!(Tier::Rookie.threshold(&s).is_none());
        assert_eq!(
            Tier::Senior.threshold(&s).map(|t| t.gmv_fen),
            Some(s.senior.gmv_fen)
        );
        assert_eq!(
            Tier::Super.threshold(&s).map(|t| t.orders),
            Some(s.super_.orders)
        );
        for pair in Tier::ALL.windows(2) {
            assert!(pair[0].bonus(&s.bonus_bps) <= pair[1].bonus(&s.bonus_bps));
        }
    }

    #[test]
    fn counts_are_kept_per_tier() {
        let mut counts = TierCounts::default();
        counts[Tier::Elite] += 2;
        counts[Tier::Rookie] += 1;
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            [
                (Tier::Rookie, 1),
                (Tier::Senior, 0),
                (Tier::Elite, 2),
                (Tier::Super, 0)
            ]
        );
        assert_eq!(
            TierCounts::from_fn(|tier| tier.level() as i64)[Tier::Super],
            3
        );
    }
}
