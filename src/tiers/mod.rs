//! Shopkeeper tiers. A member's tier is the latest month recorded in `tier_history`, Rookie when
//! none is; the monthly engine records a month for every shopkeeper (see `rules` for how).

pub mod dto;
pub mod engine;
pub mod months;
pub mod repo;
pub mod rules;
pub mod seed;
pub mod service;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::TierBonus;
use crate::db::schema::tier_history;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::members::MemberId;
use crate::money::Bps;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Rookie,
    Senior,
    Elite,
    Super,
}

impl Tier {
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Rookie, Self::Senior, Self::Elite, Self::Super]
            .into_iter()
            .find(|tier| tier.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rookie => "rookie",
            Self::Senior => "senior",
            Self::Elite => "elite",
            Self::Super => "super",
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

/// The member's recorded tiers of these months (a month without a row: none).
pub fn of_months(conn: &mut DbConn, member: MemberId, months: &[String]) -> AppResult<Vec<Tier>> {
    let tiers: Vec<String> = tier_history::table
        .filter(tier_history::member_id.eq(member.0))
        .filter(tier_history::month.eq_any(months))
        .select(tier_history::tier)
        .load(conn)?;
    Ok(tiers.iter().filter_map(|t| Tier::parse(t)).collect())
}

/// The member's tier now: the latest recorded month, or Rookie.
pub fn current(conn: &mut DbConn, member: MemberId) -> AppResult<Tier> {
    let latest: Option<String> = tier_history::table
        .filter(tier_history::member_id.eq(member.0))
        .order(tier_history::month.desc())
        .select(tier_history::tier)
        .first(conn)
        .optional()?;
    Ok(latest
        .as_deref()
        .and_then(Tier::parse)
        .unwrap_or(Tier::Rookie))
}
