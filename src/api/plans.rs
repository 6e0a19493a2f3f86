//! Targeted plans over HTTP (the supplier admin API).

use actix_web::{get, post, web, HttpResponse};

use crate::api::goods::as_supplier;
use crate::auth::SupplierMember;
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::openapi::{CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::plans::dto::{PlanRequest, PlanView, ShopkeeperSalesView, SuspendRequest};
use crate::plans::service;
use crate::state::AppState;

/// The shops that sold the supplier's goods in the last 90 days, biggest GMV first, with their
/// orders, average order value and refund rate: whom to offer a plan.
#[utoipa::path(
    tag = "money",
    params(PageQuery),
    responses((status = 200, description = "A page of shops", body = Paginated<ShopkeeperSalesView>), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/shopkeepers")]
pub async fn shopkeepers(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<ShopkeeperSalesView>>> {
    let now = state.clock.now();
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::shopkeepers(conn, supplier.id, page, now)
        })
        .await?,
    ))
}

/// Offer chosen shops an exclusive rate on chosen goods for a period (above each goods' public
/// rate). Orders placed while it is in force get it. Audited.
#[utoipa::path(
    tag = "money",
    request_body = PlanRequest,
    responses((status = 201, description = "Created", body = PlanView), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    body: JsonBody<PlanRequest>,
) -> AppResult<HttpResponse> {
    let (actor, body) = (caller.actor(member.id()), body.into_inner()?);
    let plan = as_supplier(&state, &member, move |conn, settings, supplier| {
        service::create(conn, &settings.goods, supplier.id, &body, &actor)
    })
    .await?;
    Ok(HttpResponse::Created().json(plan))
}

/// The supplier's plans, newest first.
#[utoipa::path(
    tag = "money",
    params(PageQuery),
    responses((status = 200, description = "A page of plans", body = Paginated<PlanView>), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<PlanView>>> {
    let (page, now) = (
        query.into_inner().resolve(&state.settings.pagination)?,
        state.clock.now(),
    );
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::list(conn, supplier.id, page, now)
        })
        .await?,
    ))
}

/// Suspend a plan (for `plans.suspend_days`, 30, unless `days` says otherwise): orders placed
/// meanwhile get the public rate. Audited.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "The plan id")),
    request_body = SuspendRequest,
    responses(
        (status = 200, description = "Suspended", body = PlanView),
        (status = 409, description = "The plan has ended (`plan_ended`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/plans/{id}/suspend")]
pub async fn suspend(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<SuspendRequest>,
) -> AppResult<web::Json<PlanView>> {
    let (actor, id, body) = (
        caller.actor(member.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::suspend(conn, &settings.plans, supplier.id, id, &body, &actor)
        })
        .await?,
    ))
}
