//! The after-sales case state machine, the one place that says which move is allowed. It lives
//! with the order's states because settlement, below after-sales, reads which cases hold money.
//!
//! requested → refunded (refund only, approved) | awaiting_return (return, approved) | rejected
//! awaiting_return → return_shipped (the buyer sent the goods back) → refunded (received back)
//! rejected → disputed (the buyer escalates in time) → refunded | closed (the platform decides)
//! requested | awaiting_return → closed (the buyer withdraws)

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

crate::text_enum! {
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseStatus {
        Requested = "requested",
        AwaitingReturn = "awaiting_return",
        ReturnShipped = "return_shipped",
        Rejected = "rejected",
        Disputed = "disputed",
        Refunded = "refunded",
        Closed = "closed",
    }
}

/// Cases that hold their part's settlement back. A rejected case does too, until its
/// escalation window ends (see `escalate_by`).
pub const OPEN: [CaseStatus; 4] = [
    CaseStatus::Requested,
    CaseStatus::AwaitingReturn,
    CaseStatus::ReturnShipped,
    CaseStatus::Disputed,
];

/// Cases someone must act on by `respond_by`: the supplier's answer, the buyer's return, the
/// supplier's receipt of it (the aftersales-deadlines job acts for whoever did not).
pub const WITH_DEADLINE: [CaseStatus; 3] = [
    CaseStatus::Requested,
    CaseStatus::AwaitingReturn,
    CaseStatus::ReturnShipped,
];

/// Cases whose pieces are spoken for: a new case cannot ask for them again.
pub const CLAIMING: [CaseStatus; 5] = [
    CaseStatus::Requested,
    CaseStatus::AwaitingReturn,
    CaseStatus::ReturnShipped,
    CaseStatus::Disputed,
    CaseStatus::Refunded,
];

impl CaseStatus {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_and_claiming_cases_are_consistent_with_the_machine() {
        for &status in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(status.as_str()), Ok(status));
            // A case that still moves (other than by escalation) holds settlement back.
            let moves = CaseStatus::ALL
                .iter()
                .copied()
                .any(|to| status.can_become(to) && to != CaseStatus::Disputed);
            assert_eq!(
                moves,
                OPEN.contains(&status),
                "{status:?} open iff it can still move"
            );
        }
        assert!(CLAIMING.contains(&CaseStatus::Refunded));
        assert!(
            !CLAIMING.contains(&CaseStatus::Rejected) && !CLAIMING.contains(&CaseStatus::Closed)
        );
        assert!(CaseStatus::Refunded.transition(CaseStatus::Closed).is_err());
        assert!(CaseStatus::Rejected.can_become(CaseStatus::Disputed));
    }
}
