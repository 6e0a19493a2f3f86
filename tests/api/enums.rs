//! The values stored as text: one name per value, on both databases and in JSON.

/// Each enum stored as text reads back every name it writes, refuses one it does not
/// know, and (where the API shows it) has the same name in JSON.
#[test]
fn every_stored_enum_round_trips_its_names() {
    macro_rules! round_trip {
        ($($enum:ty),+) => {$(
            for value in <$enum>::ALL {
                assert_eq!(<$enum>::parse(value.as_str()), Ok(*value));
            }
            assert!(<$enum>::parse("unknown").is_err(), stringify!($enum));
        )+};
    }
    macro_rules! json_is_stored_name {
        ($($enum:ty),+) => {$(
            for value in <$enum>::ALL {
                assert_eq!(serde_json::to_value(value).unwrap(), value.as_str());
            }
        )+};
    }
    use xiaopu::{aftersales, goods, members, orders, payments, shops, suppliers, tiers};
    round_trip!(
        tiers::Tier,
        tiers::repo::RunStatus,
        orders::state::OrderStatus,
        orders::case_state::CaseStatus,
        aftersales::dto::CaseKind,
        payments::model::PaymentStatus,
        payments::model::RefundStatus,
        payments::model::CallbackOutcome,
        xiaopu::withdrawals::model::WithdrawalStatus,
        goods::dto::GoodsStatus,
        suppliers::dto::ApplicationStatus,
        suppliers::model::SupplierStatus,
        shops::model::ShopStatus,
        members::model::MemberStatus
    );
    json_is_stored_name!(
        tiers::Tier,
        orders::state::OrderStatus,
        orders::case_state::CaseStatus,
        aftersales::dto::CaseKind,
        goods::dto::GoodsStatus,
        suppliers::dto::ApplicationStatus
    );
}
