use actix_web::{get, patch, post, put, web, HttpResponse};

use crate::auth::{AdminMember, SupplierMember};
use crate::config::Settings;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::goods::dto::{
    CommissionRequest, GoodsFilter, GoodsPatch, GoodsRequest, GoodsView, StockAdjustRequest,
    StockSetRequest,
};
use crate::goods::service;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::money::Bps;
use crate::openapi::{CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;
use crate::suppliers::dto::ReasonRequest;
use crate::suppliers::model::SupplierRow;

/// Runs `work` in one write transaction for the supplier the member belongs to.
pub async fn as_supplier<T, F>(state: &AppState, member: &SupplierMember, work: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConn, &Settings, &SupplierRow) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let member = member.id();
    state
        .write(move |conn, settings| {
            let supplier = crate::suppliers::service::supplier_of(conn, member)?;
            work(conn, settings, &supplier)
        })
        .await
}

/// Create goods (as a draft): price and commission parity are checked here.
#[utoipa::path(
    tag = "goods",
    request_body = GoodsRequest,
    responses((status = 201, description = "Created as a draft", body = GoodsView), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[post("/goods")]
pub async fn create(
    state: web::Data<AppState>,
    member: SupplierMember,
    body: JsonBody<GoodsRequest>,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let request = body.checked()?;
    let view = as_supplier(&state, &member, move |conn, settings, supplier| {
        service::create(
            conn,
            &settings.goods,
            &settings.categories,
            supplier,
            request,
            now,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The supplier's goods, newest first, filtered by status.
#[utoipa::path(
    tag = "goods",
    params(GoodsFilter),
    responses((status = 200, description = "One page of goods", body = Paginated<GoodsView>), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/goods")]
pub async fn list(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<GoodsFilter>,
) -> AppResult<web::Json<Paginated<GoodsView>>> {
    let now = state.clock.now();
    let filter = query.into_inner();
    let page = PageQuery {
        page: filter.page,
        per_page: filter.per_page,
    }
    .resolve(&state.settings.pagination)?;
    let status = filter.status;
    let (views, total) = as_supplier(&state, &member, move |conn, _, supplier| {
        service::list(conn, supplier, status, page, now)
    })
    .await?;
    Ok(web::Json(Paginated::new(views, page, total)))
}

/// One of the supplier's goods.
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id")),
    responses((status = 200, description = "The goods", body = GoodsView), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/goods/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    member: SupplierMember,
    id: web::Path<i64>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let id = id.into_inner();
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::view(conn, supplier, id, now)
        })
        .await?,
    ))
}

/// Change title, description, images, declared reference price or market rate, or SKUs
/// (update by id, add without). Parity is checked again for every SKU.
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id")),
    request_body = GoodsPatch,
    responses(
        (status = 200, description = "The goods after the change", body = GoodsView),
        (status = 409, description = "Taken down by the platform", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[patch("/goods/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    member: SupplierMember,
    id: web::Path<i64>,
    body: JsonBody<GoodsPatch>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let body = body.checked()?;
    let (id, patch) = (id.into_inner(), body);
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::update(conn, &settings.goods, supplier, id, patch, now)
        })
        .await?,
    ))
}

/// Put goods on sale (the supplier must be active).
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id")),
    responses(
        (status = 200, description = "Listed", body = GoodsView),
        (status = 409, description = "`supplier_inactive` (deposit short) or `taken_down`", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/goods/{id}/list")]
pub async fn list_for_sale(
    state: web::Data<AppState>,
    member: SupplierMember,
    id: web::Path<i64>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let id = id.into_inner();
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::list_for_sale(conn, supplier, id, now)
        })
        .await?,
    ))
}

/// Take goods off sale.
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id")),
    responses(
        (status = 200, description = "Delisted", body = GoodsView),
        (status = 409, description = "Taken down by the platform", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/goods/{id}/delist")]
pub async fn delist(
    state: web::Data<AppState>,
    member: SupplierMember,
    id: web::Path<i64>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let id = id.into_inner();
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::delist(conn, supplier, id, now)
        })
        .await?,
    ))
}

/// Change the commission: a rise applies now, a fall after the notice period (shown as
/// `upcoming_commission` until then). Orders keep the rate they were placed with.
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id")),
    request_body = CommissionRequest,
    responses((status = 200, description = "The goods with its rate now and any upcoming change", body = GoodsView), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["supplier"]))
)]
#[post("/goods/{id}/commission")]
pub async fn change_commission(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CommissionRequest>,
) -> AppResult<web::Json<GoodsView>> {
    let body = body.checked()?;
    let (id, rate) = (id.into_inner(), Bps(body.commission_bps));
    let actor = caller.actor(member.id());
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::change_commission(conn, &settings.goods, &actor, supplier, id, rate)
        })
        .await?,
    ))
}

/// Set a SKU's stock, given the version last read (optimistic concurrency).
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id"), ("sku_id" = i64, Path, description = "SKU id")),
    request_body = StockSetRequest,
    responses(
        (status = 200, description = "The goods after the change", body = GoodsView),
        (status = 409, description = "`stale_version`: the stock changed since it was read", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[put("/goods/{id}/skus/{sku_id}/stock")]
pub async fn set_stock(
    state: web::Data<AppState>,
    member: SupplierMember,
    path: web::Path<(i64, i64)>,
    body: JsonBody<StockSetRequest>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let body = body.checked()?;
    let ((id, sku_id), request) = (path.into_inner(), body);
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::set_stock(
                conn,
                supplier,
                id,
                sku_id,
                request.stock,
                request.version,
                now,
            )
        })
        .await?,
    ))
}

/// Add to or remove from a SKU's stock; it never goes below zero.
#[utoipa::path(
    tag = "goods",
    params(("id" = i64, Path, description = "Goods id"), ("sku_id" = i64, Path, description = "SKU id")),
    request_body = StockAdjustRequest,
    responses(
        (status = 200, description = "The goods after the change", body = GoodsView),
        (status = 409, description = "`insufficient_stock`", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/goods/{id}/skus/{sku_id}/stock/adjust")]
pub async fn adjust_stock(
    state: web::Data<AppState>,
    member: SupplierMember,
    path: web::Path<(i64, i64)>,
    body: JsonBody<StockAdjustRequest>,
) -> AppResult<web::Json<GoodsView>> {
    let now = state.clock.now();
    let body = body.checked()?;
    let ((id, sku_id), delta) = (path.into_inner(), body.delta);
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::adjust_stock(conn, supplier, id, sku_id, delta, now)
        })
        .await?,
    ))
}

/// Take goods down for a violation (admins); audited with the reason.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Goods id")),
    request_body = ReasonRequest,
    responses((status = 200, description = "Taken down", body = GoodsView), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["admin"]))
)]
#[post("/goods/{id}/takedown")]
pub async fn take_down(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ReasonRequest>,
) -> AppResult<web::Json<GoodsView>> {
    let body = body.checked()?;
    let (id, reason) = (id.into_inner(), body.reason);
    let actor = caller.actor(admin.id());
    state
        .write_json(move |conn, _| service::take_down(conn, &actor, id, &reason))
        .await
}
