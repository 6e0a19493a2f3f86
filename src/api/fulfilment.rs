use actix_web::http::header::CONTENT_TYPE;
use actix_web::{get, post, web, HttpRequest, HttpResponse};

use crate::api::goods::as_supplier;
use crate::auth::SupplierMember;
use crate::error::{AppError, AppResult};
use crate::fulfilment::dto::{
    BulkShipReport, FulfilmentPage, FulfilmentView, ShipRequest, SupplierOrderQuery,
};
use crate::fulfilment::service;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::openapi::{CommonErrors, NotFoundErrors, RoleErrors};
use crate::state::AppState;

/// The supplier's parts of buyers' orders, newest first, by cursor; filter by status and by
/// the day placed. Another supplier's parts never appear.
#[utoipa::path(
    tag = "fulfilment",
    params(SupplierOrderQuery),
    responses(
        (status = 200, description = "A page of the supplier's orders", body = FulfilmentPage),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[get("/orders")]
pub async fn list(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<SupplierOrderQuery>,
) -> AppResult<web::Json<FulfilmentPage>> {
    let query = service::check_query(&state.settings.pagination, query.into_inner())?;
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::list(conn, supplier.id, &query)
        })
        .await?,
    ))
}

/// The same orders as CSV, one row per line (at most 10,000 orders; narrow the filter for more).
#[utoipa::path(
    tag = "fulfilment",
    params(SupplierOrderQuery),
    responses(
        (status = 200, description = "CSV with a header row", body = String, content_type = "text/csv"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[get("/orders/export")]
pub async fn export(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<SupplierOrderQuery>,
) -> AppResult<HttpResponse> {
    let query = service::check_query(&state.settings.pagination, query.into_inner())?;
    let csv = as_supplier(&state, &member, move |conn, _, supplier| {
        service::export_csv(conn, supplier.id, &query.filter)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"orders.csv\""))
        .body(csv))
}

/// Ship a paid order: carrier (one of `orders.carriers`) and tracking number.
#[utoipa::path(
    tag = "fulfilment",
    params(("id" = i64, Path, description = "The supplier order's id")),
    request_body = ShipRequest,
    responses(
        (status = 200, description = "Shipped", body = FulfilmentView),
        (status = 409, description = "Not paid, or shipped already (`illegal_transition`, with its state)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/orders/{id}/ship")]
pub async fn ship(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ShipRequest>,
) -> AppResult<web::Json<FulfilmentView>> {
    let (actor, id, body) = (
        caller.actor(member.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::ship(conn, &settings.orders, supplier.id, id, &body, &actor)
        })
        .await?,
    ))
}

/// Ship many orders from a CSV file (`text/csv`): `supplier_order_id,carrier,tracking_no` per
/// line, an optional header line, at most 1,000 rows. Each row ships or fails on its own; the
/// report names every row's outcome.
#[utoipa::path(
    tag = "fulfilment",
    request_body(content = String, content_type = "text/csv", description = "supplier_order_id,carrier,tracking_no"),
    responses(
        (status = 200, description = "What happened to each row", body = BulkShipReport),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/orders/ship-bulk")]
pub async fn ship_bulk(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    request: HttpRequest,
    body: web::Bytes,
) -> AppResult<web::Json<BulkShipReport>> {
    let is_csv = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(AppError::UnsupportedMediaType);
    }
    let (actor, member_id) = (caller.actor(member.id()), member.id());
    state
        .read_json(move |conn, settings| {
            let supplier = crate::suppliers::service::supplier_of(conn, member_id)?;
            service::bulk_ship(conn, &settings.orders, supplier.id, &body, &actor)
        })
        .await
}
