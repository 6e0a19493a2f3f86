use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AuthMember, ShopkeeperMember};
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::idempotency::IdempotencyKey;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::orders::dto::{OrderView, PlaceOrderRequest, ShopOrderView};
use crate::orders::placement;
use crate::orders::service::{self, ActorKind};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;

/// Place an order through a shop (any signed-in member). Needs an `Idempotency-Key` header: the
/// same key and body get the first response again (replays carry `Idempotent-Replayed: true`),
/// another body under the key is 422, a retry while the first is running is 409. Stock is taken
/// at once; the order must be paid within `orders.payment_timeout_minutes`.
#[utoipa::path(
    tag = "orders",
    params(("Idempotency-Key" = String, Header, description = "Unique per order attempt, e.g. a UUID; 1–255 visible ASCII characters")),
    request_body = PlaceOrderRequest,
    responses(
        (status = 201, description = "Placed, awaiting payment", body = OrderView),
        (status = 409, description = "A line is unavailable (`line_unavailable`) or sold out (`out_of_stock`), a per-buyer limit is passed (`purchase_limit`), or the key is in use (`idempotency_key_in_use`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders")]
pub async fn place(
    state: web::Data<AppState>,
    member: AuthMember,
    request: HttpRequest,
    body: JsonBody<PlaceOrderRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let key = IdempotencyKey::from_request(&request)?;
    Ok(placement::place_once(
        &state.db,
        &state.clock,
        &state.in_flight,
        state.settings.placement_terms(),
        member.0,
        key,
        body,
    )
    .await?
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// pending_payment, paid, shipped, received, completed or cancelled.
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The signed-in member's orders as a buyer, newest first.
#[utoipa::path(
    tag = "orders",
    params(OrderListQuery),
    responses(
        (status = 200, description = "A page of orders", body = Paginated<OrderView>),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[get("/orders")]
pub async fn list(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<OrderListQuery>,
) -> AppResult<web::Json<Paginated<OrderView>>> {
    let query = query.into_inner();
    let status = crate::orders::state::parse_filter(query.status.as_deref())?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve(&state.settings.pagination)?;
    state
        .read_json(move |conn, _| service::buyer_orders(conn, member.0, status, page))
        .await
}

/// One of the member's orders: parts, lines, tracking and its status timeline.
#[utoipa::path(
    tag = "orders",
    params(("order_id" = i64, Path, description = "Own order id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[get("/orders/{order_id}")]
pub async fn get(
    state: web::Data<AppState>,
    member: AuthMember,
    order_id: web::Path<i64>,
) -> AppResult<web::Json<OrderView>> {
    let order_id = order_id.into_inner();
    state
        .read_json(move |conn, _| {
            let order = service::own_order(conn, member.0, order_id)?;
            service::view(conn, &order)
        })
        .await
}

/// Cancel an order before payment, or after payment but before any part ships (refunded in
/// full through the gateway). Stock goes back.
#[utoipa::path(
    tag = "orders",
    params(("order_id" = i64, Path, description = "Own order id")),
    responses(
        (status = 200, description = "Cancelled", body = OrderView),
        (status = 409, description = "Shipped or already over (`illegal_transition`, with its state)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders/{order_id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    order_id: web::Path<i64>,
) -> AppResult<web::Json<OrderView>> {
    let order_id = order_id.into_inner();
    let cancelled = on_own_order(&state, member, &caller, order_id, |conn, order, actor| {
        crate::aftersales::cancellation::cancel(
            conn,
            order,
            ActorKind::Buyer,
            actor,
            "cancelled by the buyer",
        )
    })
    .await?;
    crate::payments::service::send_refunds_now(
        &state.db,
        &state.clock,
        &state.gateways,
        state.settings.jobs.batch_size,
        Some(order_id),
    )
    .await;
    Ok(cancelled)
}

/// Runs a buyer's change on their own order in one transaction and answers with the order after it.
async fn on_own_order<F>(
    state: &AppState,
    member: AuthMember,
    caller: &Caller,
    order_id: i64,
    change: F,
) -> AppResult<web::Json<OrderView>>
where
    F: FnOnce(
            &mut crate::db::DbConn,
            &crate::orders::model::OrderRow,
            &crate::audit::Actor,
        ) -> AppResult<()>
        + Send
        + 'static,
{
    let actor = caller.actor(member.0);
    state
        .write_json(move |conn, _| {
            let order = service::own_order(conn, member.0, order_id)?;
            change(conn, &order, &actor)?;
            let order = service::own_order(conn, member.0, order_id)?;
            service::view(conn, &order)
        })
        .await
}

/// Confirm receipt of every shipped part of the order.
#[utoipa::path(
    tag = "orders",
    params(("order_id" = i64, Path, description = "Own order id")),
    responses(
        (status = 200, description = "Received", body = OrderView),
        (status = 409, description = "Nothing shipped to confirm (`illegal_transition`, with its state)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders/{order_id}/confirm-receipt")]
pub async fn confirm_receipt(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    order_id: web::Path<i64>,
) -> AppResult<web::Json<OrderView>> {
    on_own_order(
        &state,
        member,
        &caller,
        order_id.into_inner(),
        |conn, order, actor| service::confirm_receipt(conn, order, ActorKind::Buyer, actor),
    )
    .await
}

/// The orders of the shopkeeper's shop: buyers masked, each line with what it earns.
#[utoipa::path(
    tag = "shops",
    params(("shop_id" = i64, Path, description = "Own shop id"), PageQuery),
    responses(
        (status = 200, description = "A page of the shop's orders, newest first", body = Paginated<ShopOrderView>),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[get("/me/shops/{shop_id}/orders")]
pub async fn shop_orders(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    shop_id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<ShopOrderView>>> {
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    let (owner, shop_id) = (member.id(), shop_id.into_inner());
    state
        .read_json(move |conn, _| service::shop_orders(conn, owner, shop_id, page))
        .await
}
