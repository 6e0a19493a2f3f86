//! Placing an order: the hot path. For a one-line order it sends 8 statements (the idempotency
//! lookup, one read of everything the lines need, the stock decrement, the order, its supplier
//! part, the shop's targeted plan rates, its line, the stored response), all kept prepared on the
//! connection (`db::prepared`); each further SKU adds a stock decrement and a line, each further
//! supplier a part, and a SKU with a per-buyer limit one read. `tests/api/orders.rs` counts them.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;

use super::dto::{OrderView, PlaceOrderRequest};
use super::model::{
    NewOrder, NewOrderLine, NewSupplierOrder, OrderRow, OrderableRow, SupplierOrderRow,
};
use super::settings::PlacementTerms;
use super::state::OrderStatus;
use super::{repo, rules, views};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::goods::rules::{is_available, rate_at};
use crate::members::MemberId;
use crate::money::Fen;

/// Places the order inside the caller's transaction. `wanted` is the checked quantity per SKU
/// from [`rules::check_request`].
pub fn place(
    conn: &mut DbConn,
    terms: &PlacementTerms,
    buyer: MemberId,
    request: &PlaceOrderRequest,
    wanted: &BTreeMap<i64, i64>,
    now: chrono::NaiveDateTime,
) -> AppResult<OrderView> {
    let item_ids: Vec<i64> = request.lines.iter().map(|l| l.shop_item_id).collect();
    let sku_ids: Vec<i64> = wanted.keys().copied().collect();
    let found: HashMap<(i64, i64), OrderableRow> = repo::orderable(conn, &item_ids, &sku_ids)?
        .into_iter()
        .map(|row| ((row.shop_item_id, row.sku_id), row))
        .collect();

    let mut rows = Vec::with_capacity(request.lines.len());
    for (i, line) in request.lines.iter().enumerate() {
        let row = found
            .get(&(line.shop_item_id, line.sku_id))
            .ok_or_else(|| {
                AppError::field(
                    &format!("lines[{i}].sku_id"),
                    "not_found",
                    "no such SKU of this shop item",
                )
            })?;
        rows.push(row);
    }
    let shop_id = rows[0].shop_id;
    if rows.iter().any(|row| row.shop_id != shop_id) {
        return Err(AppError::field(
            "lines",
            "several_shops",
            "all lines of an order come from one shop",
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let sellable = row.shop_status == crate::shops::model::ShopStatus::Open
            && row.item_removed.is_none()
            && is_available(row.goods_status, row.supplier_active);
        if !sellable {
            return Err(AppError::Conflict {
                code: "line_unavailable",
                detail: format!(
                    "lines[{i}]: \"{}\" can no longer be ordered from this shop",
                    row.title
                ),
            });
        }
    }

    // Stock in SKU order, so two orders never wait on each other's rows crosswise.
    for (&sku_id, &quantity) in wanted {
        if !repo::take_stock(conn, sku_id, quantity, now)? {
            return Err(AppError::Conflict {
                code: "out_of_stock",
                detail: format!(
                    "{}: not enough stock for {quantity}",
                    line_label(request, sku_id)
                ),
            });
        }
    }
    check_buyer_limits(conn, buyer, request, wanted, &rows)?;

    let shopkeeper = rows[0].shopkeeper_member_id;
    let tier = rows[0].shopkeeper_tier.unwrap_or_default();
    let tier_bonus = tier.bonus(&terms.tier_bonus);
    let own_shop = shopkeeper == buyer.0;

    let amounts: Vec<Fen> = rows
        .iter()
        .zip(&request.lines)
        .map(|(row, line)| Fen(row.price_fen * i64::from(line.quantity)))
        .collect();
    let total = Fen(amounts.iter().map(|a| a.0).sum());
    let mut supplier_totals: BTreeMap<i64, i64> = BTreeMap::new();
    for (row, amount) in rows.iter().zip(&amounts) {
        *supplier_totals.entry(row.supplier_id).or_default() += amount.0;
    }

    let address = &request.address;
    let mut order = OrderRow {
        id: 0,
        order_no: String::new(),
        buyer_member_id: buyer.0,
        shop_id,
        status: OrderStatus::PendingPayment,
        total_fen: total.0,
        recipient_name: address.name.trim().to_owned(),
        recipient_phone: address.phone.trim().to_owned(),
        region: address.region.trim().to_owned(),
        address_detail: address.detail.trim().to_owned(),
        buyer_note: request.note.clone(),
        payment_due_at: now + Duration::minutes(i64::from(terms.payment_timeout_minutes)),
        paid_at: None,
        cancelled_at: None,
        cancel_reason: None,
        created_at: now,
        updated_at: now,
    };
    // Numbers are random; a clash (rare) draws again without aborting the transaction.
    order.id = loop {
        order.order_no = rules::new_order_no(now);
        if let Some(id) = repo::insert_order(conn, &NewOrder::from(&order))? {
            break id;
        }
    };
    let new_parts: Vec<NewSupplierOrder> = supplier_totals
        .iter()
        .map(|(&supplier_id, &total_fen)| NewSupplierOrder {
            order_id: order.id,
            supplier_id,
            status: OrderStatus::PendingPayment,
            total_fen,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let part_ids: HashMap<i64, i64> = repo::insert_supplier_orders(conn, &new_parts)?
        .into_iter()
        .map(|(id, supplier_id)| (supplier_id, id))
        .collect();
    let parts: Vec<SupplierOrderRow> = new_parts
        .iter()
        .map(|part| part.with_id(part_ids[&part.supplier_id]))
        .collect();

    let goods_ids: Vec<i64> = rows.iter().map(|row| row.goods_id).collect();
    let plan_rates = crate::plans::repo::rates_in_force(conn, shop_id, &goods_ids, now)?;
    let lines: Vec<NewOrderLine> = rows
        .iter()
        .zip(&request.lines)
        .zip(&amounts)
        .map(|((row, line), &amount)| {
            // Today's rate: a scheduled fall counts only once in force; a targeted plan in
            // force for this shop pays more.
            let (public, _) = rate_at(
                row.commission_bps,
                row.pending_commission_bps,
                row.pending_commission_at,
                now,
            );
            let plan = plan_rates
                .get(&row.goods_id)
                .filter(|(_, plan_rate)| *plan_rate > public);
            let rate = plan.map_or(public, |(_, plan_rate)| *plan_rate);
            let (commission, bonus, reason) =
                rules::line_commission(amount, rate, tier_bonus, own_shop);
            NewOrderLine {
                order_id: order.id,
                supplier_order_id: part_ids[&row.supplier_id],
                shop_item_id: row.shop_item_id,
                goods_id: row.goods_id,
                sku_id: row.sku_id,
                supplier_id: row.supplier_id,
                shop_id,
                shopkeeper_member_id: shopkeeper,
                title: row.title.clone(),
                sku_attributes: row.sku_attributes.clone(),
                unit_price_fen: row.price_fen,
                quantity: line.quantity,
                amount_fen: amount.0,
                commission_bps: rate.0,
                tier,
                tier_bonus_bps: tier_bonus.0,
                platform_fee_bps: terms.platform_fee.0,
                commission_plan_id: plan.map(|(plan_id, _)| *plan_id),
                commission_fen: commission.0,
                tier_bonus_fen: bonus.0,
                no_commission_reason: reason.map(str::to_owned),
                created_at: now,
            }
        })
        .collect();
    let line_ids = repo::insert_lines(conn, &lines)?;
    let lines: Vec<_> = lines
        .into_iter()
        .zip(line_ids)
        .map(|(line, id)| line.with_id(id))
        .collect();
    Ok(views::order_view(&order, &parts, &lines, &[]))
}

/// The first line naming this SKU, for messages: `lines[2]`.
fn line_label(request: &PlaceOrderRequest, sku_id: i64) -> String {
    let index = request
        .lines
        .iter()
        .position(|line| line.sku_id == sku_id)
        .unwrap_or(0);
    format!("lines[{index}]")
}

/// Per-buyer limits count across the buyer's orders (cancelled ones aside). Checked after the
/// stock decrement, which locks the SKU rows: a concurrent order of the same buyer waits there
/// and then sees this one's lines.
fn check_buyer_limits(
    conn: &mut DbConn,
    buyer: MemberId,
    request: &PlaceOrderRequest,
    wanted: &BTreeMap<i64, i64>,
    rows: &[&OrderableRow],
) -> AppResult<()> {
    let limits: BTreeMap<i64, i64> = rows
        .iter()
        .filter_map(|row| row.per_buyer_limit.map(|l| (row.sku_id, i64::from(l))))
        .collect();
    if limits.is_empty() {
        return Ok(());
    }
    let sku_ids: Vec<i64> = limits.keys().copied().collect();
    let before: HashMap<i64, i64> = repo::bought_before(conn, buyer.0, &sku_ids)?
        .into_iter()
        .collect();
    for (sku_id, limit) in limits {
        let total = wanted[&sku_id] + before.get(&sku_id).copied().unwrap_or(0);
        if total > limit {
            return Err(AppError::Conflict {
                code: "purchase_limit",
                detail: format!(
                    "{}: at most {limit} per buyer ({} ordered before)",
                    line_label(request, sku_id),
                    before.get(&sku_id).copied().unwrap_or(0)
                ),
            });
        }
    }
    Ok(())
}

/// The idempotency scope of order placement: the H5 checkout looks its stored answers up.
pub const PLACE_SCOPE: &str = "orders.place";

/// Places an order at most once per key: what the JSON API and the H5 checkout both call.
pub async fn place_once(
    db: &crate::db::Db,
    clock: &crate::clock::Clock,
    in_flight: &crate::idempotency::InFlight,
    terms: PlacementTerms,
    buyer: MemberId,
    key: crate::idempotency::IdempotencyKey,
    body: PlaceOrderRequest,
) -> AppResult<crate::idempotency::Outcome> {
    let now = clock.now();
    let wanted = rules::check_request(&body)?;
    let idempotent = crate::idempotency::Idempotent {
        member: buyer,
        scope: PLACE_SCOPE,
        key,
        request_hash: crate::idempotency::request_hash(PLACE_SCOPE, &body),
        status: actix_web::http::StatusCode::CREATED,
    };
    idempotent
        .outcome(db, clock, in_flight, move |conn| {
            place(conn, &terms, buyer, &body, &wanted, now)
        })
        .await
}
