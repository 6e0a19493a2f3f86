//! The after-sales case state machine, the one place that says which move is allowed.
//!
//! requested → refunded (refund only, approved) | awaiting_return (return, approved) | rejected
//! awaiting_return → return_shipped (the buyer sent the goods back) → refunded (received back)
//! rejected → disputed (the buyer escalates in time) → refunded | closed (the platform decides)
//! requested | awaiting_return → closed (the buyer withdraws)

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Requested,
    AwaitingReturn,
    ReturnShipped,
    Rejected,
    Disputed,
    Refunded,
    Closed,
}

pub const ALL: [CaseStatus; 7] = [
    CaseStatus::Requested,
    CaseStatus::AwaitingReturn,
    CaseStatus::ReturnShipped,
    CaseStatus::Rejected,
    CaseStatus::Disputed,
    CaseStatus::Refunded,
    CaseStatus::Closed,
];

/// Cases that hold their part's settlement back. A rejected case does too, until its
/// escalation window ends (see `escalate_by`).
pub const OPEN: [&str; 4] = ["requested", "awaiting_return", "return_shipped", "disputed"];

/// Cases someone must act on by `respond_by`: the supplier's answer, the buyer's return, the
/// supplier's receipt of it (the aftersales-deadlines job acts for whoever did not).
pub const WITH_DEADLINE: [&str; 3] = ["requested", "awaiting_return", "return_shipped"];

/// Cases whose pieces are spoken for: a new case cannot ask for them again.
pub const CLAIMING: [&str; 5] = [
    "requested",
    "awaiting_return",
    "return_shipped",
    "disputed",
    "refunded",
];

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::AwaitingReturn => "awaiting_return",
            Self::ReturnShipped => "return_shipped",
            Self::Rejected => "rejected",
            Self::Disputed => "disputed",
            Self::Refunded => "refunded",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub fn can_become(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (Requested, Refunded | AwaitingReturn | Rejected | Closed)
                | (AwaitingReturn, ReturnShipped | Closed)
                | (ReturnShipped, Refunded)
                | (Rejected, Disputed)
                | (Disputed, Refunded | Closed)
        )
    }

    /// `to` if allowed, else 409 naming the case's state.
    pub fn transition(self, to: CaseStatus) -> Result<CaseStatus, AppError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(AppError::Conflict {
                code: "illegal_case_transition",
                detail: format!(
                    "the case is {}; it cannot become {}",
                    self.as_str(),
                    to.as_str()
                ),
            })
        }
    }
}

/// A stored status (the CHECK constraint admits only the seven names).
pub fn stored(text: &str) -> CaseStatus {
    CaseStatus::parse(text).unwrap_or(CaseStatus::Requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_and_claiming_cases_are_consistent_with_the_machine() {
        for status in ALL {
            assert_eq!(CaseStatus::parse(status.as_str()), Some(status));
            // A case that still moves (other than by escalation) holds settlement back.
            let moves = ALL
                .into_iter()
                .any(|to| status.can_become(to) && to != CaseStatus::Disputed);
            assert_eq!(
                moves,
                OPEN.contains(&status.as_str()),
                "{status:?} open iff it can still move"
            );
        }
        assert!(CLAIMING.contains(&"refunded"));
        assert!(!CLAIMING.contains(&"rejected") && !CLAIMING.contains(&"closed"));
        assert!(CaseStatus::Refunded.transition(CaseStatus::Closed).is_err());
        assert!(CaseStatus::Rejected.can_become(CaseStatus::Disputed));
    }
}
