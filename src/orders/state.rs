//! The order state machine, the one place that says which change of state is allowed.
//!
//! pending_payment → paid → shipped → received → completed; pending_payment or paid → cancelled
//! (paid only before shipping, with a refund). Each supplier order moves through it on its own;
//! the buyer's order shows the least advanced state of its parts. `completed` is reached when the
//! after-sales window closes, which the money issue's settlement drives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

crate::text_enum! {
    #[derive(PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrderStatus {
        PendingPayment = "pending_payment",
        Paid = "paid",
        Shipped = "shipped",
        Received = "received",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

/// States a part can still leave (all but `completed` and `cancelled`).
pub const OPEN: [OrderStatus; 4] = [
    OrderStatus::PendingPayment,
    OrderStatus::Paid,
    OrderStatus::Shipped,
    OrderStatus::Received,
];

impl OrderStatus {
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
        OrderStatus::parse(text).map_err(|_| {
            AppError::field(
                "status",
                "invalid",
                format!("status must be one of {}", OrderStatus::names()),
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
        for &from in OrderStatus::ALL {
            for &to in OrderStatus::ALL {
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
        for &from in OrderStatus::ALL {
            let moves = OrderStatus::ALL.iter().any(|&to| from.can_become(to));
            assert_eq!(moves, OPEN.contains(&from), "{from:?}");
        }
    }

    #[test]
    fn statuses_round_trip_and_parts_show_the_least_advanced() {
        for &status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Ok(status));
        }
        use OrderStatus::*;
        assert_eq!(OrderStatus::of_parts([Shipped, Paid]), Some(Paid));
        assert_eq!(OrderStatus::of_parts([Received, Shipped]), Some(Shipped));
        assert_eq!(OrderStatus::of_parts([]), None);
    }
}
