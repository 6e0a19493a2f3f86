//! The order state machine, the one place that says which change of state is allowed.
//!
//! pending_payment → paid → shipped → received → completed; pending_payment or paid → cancelled
//! (paid only before shipping, with a refund). Each supplier order moves through it on its own;
//! the buyer's order shows the least advanced state of its parts. `completed` is reached when the
//! after-sales window closes, which the money issue's settlement drives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Shipped,
    Received,
    Completed,
    Cancelled,
}

pub const ALL: [OrderStatus; 6] = [
    OrderStatus::PendingPayment,
    OrderStatus::Paid,
    OrderStatus::Shipped,
    OrderStatus::Received,
    OrderStatus::Completed,
    OrderStatus::Cancelled,
];

/// States a part can still leave (all but `completed` and `cancelled`).
pub const OPEN: [&str; 4] = ["pending_payment", "paid", "shipped", "received"];

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Received => "received",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether the machine allows going from `self` to `to`.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (PendingPayment, Paid)
                | (Paid, Shipped)
                | (Shipped, Received)
                | (Received, Completed)
                | (PendingPayment, Cancelled)
                | (Paid, Cancelled)
        )
    }

    /// `to` if allowed, else the 409 every illegal transition gets, naming the current state.
    pub fn transition(self, to: OrderStatus) -> Result<OrderStatus, AppError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(illegal(self, to))
        }
    }

    /// The buyer's order state from its parts: the least advanced one (all cancelled together).
    pub fn of_parts(parts: impl IntoIterator<Item = OrderStatus>) -> Option<OrderStatus> {
        parts.into_iter().min()
    }
}

/// A `status` query filter: absent, or one of the six states (422 naming `status` if not).
pub fn parse_filter(text: Option<&str>) -> crate::error::AppResult<Option<OrderStatus>> {
    text.map(|text| {
        OrderStatus::parse(text).ok_or_else(|| {
            AppError::field(
                "status",
                "invalid",
                "status must be one of pending_payment, paid, shipped, received, completed, cancelled",
            )
        })
    })
    .transpose()
}

pub fn illegal(from: OrderStatus, to: OrderStatus) -> AppError {
    AppError::Conflict {
        code: "illegal_transition",
        detail: format!(
            "the order is {}; it cannot become {}",
            from.as_str(),
            to.as_str()
        ),
    }
}

/// A stored status. The database's CHECK constraint admits only the six names, so an unknown
/// one cannot be read; it would show as pending payment, the state that promises nothing.
pub fn stored(text: &str) -> OrderStatus {
    OrderStatus::parse(text).unwrap_or(OrderStatus::PendingPayment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_is_either_allowed_or_a_conflict_naming_the_state() {
        let allowed = [
            ("pending_payment", "paid"),
            ("paid", "shipped"),
            ("shipped", "received"),
            ("received", "completed"),
            ("pending_payment", "cancelled"),
            ("paid", "cancelled"),
        ];
        for from in ALL {
            for to in ALL {
                let expected = allowed.contains(&(from.as_str(), to.as_str()));
                match from.transition(to) {
                    Ok(next) => {
                        assert!(expected, "{from:?} → {to:?} must be refused");
                        assert_eq!(next, to);
                    }
                    Err(AppError::Conflict { code, detail }) => {
                        assert!(!expected, "{from:?} → {to:?} must be allowed");
                        assert_eq!(code, "illegal_transition");
                        assert!(detail.contains(from.as_str()), "{detail}");
                    }
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
        }
    }

    #[test]
    fn open_states_are_those_the_machine_can_still_move() {
        for from in ALL {
            let moves = ALL.into_iter().any(|to| from.can_become(to));
            assert_eq!(moves, OPEN.contains(&from.as_str()), "{from:?}");
        }
    }

    #[test]
    fn statuses_round_trip_and_parts_show_the_least_advanced() {
        for status in ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        use OrderStatus::*;
        assert_eq!(OrderStatus::of_parts([Shipped, Paid]), Some(Paid));
        assert_eq!(OrderStatus::of_parts([Received, Shipped]), Some(Shipped));
        assert_eq!(OrderStatus::of_parts([]), None);
    }
}
