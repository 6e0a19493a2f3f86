//! Finance views over HTTP.

use actix_web::{get, web};

use crate::api::goods::as_supplier;
use crate::auth::{AdminMember, AuthMember, SupplierMember};
use crate::error::AppResult;
use crate::finance::dto::{EarningsQuery, EarningsView, PlatformFinanceView, SupplierFinanceView};
use crate::finance::service;
use crate::openapi::{AuthErrors, CommonErrors, RoleErrors};
use crate::state::AppState;

/// The signed-in member's commission: today, this month, pending, available, reversed; per
/// item and per day over the last `days` days (business time zone).
#[utoipa::path(
    tag = "money",
    params(EarningsQuery),
    responses((status = 200, description = "Earnings", body = EarningsView), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/me/earnings")]
pub async fn earnings(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<EarningsQuery>,
) -> AppResult<web::Json<EarningsView>> {
    let now = state.clock.now();
    let days = service::check_days(query.into_inner().days)?;
    state
        .read_json(move |conn, _| service::earnings(conn, member.0, days, now))
        .await
}

/// The supplier's sales, refunds, what is not settled yet, payable, deposit and violations.
#[utoipa::path(
    tag = "money",
    responses((status = 200, description = "Finance", body = SupplierFinanceView), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/finance")]
pub async fn supplier_finance(
    state: web::Data<AppState>,
    member: SupplierMember,
) -> AppResult<web::Json<SupplierFinanceView>> {
    let now = state.clock.now();
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::supplier(conn, supplier.id, now)
        })
        .await?,
    ))
}

/// Platform totals: GMV, refunds, every platform account and each kind of party account summed.
#[utoipa::path(
    tag = "money",
    responses((status = 200, description = "Finance", body = PlatformFinanceView), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/finance")]
pub async fn platform_finance(
    state: web::Data<AppState>,
    _admin: AdminMember,
) -> AppResult<web::Json<PlatformFinanceView>> {
    Ok(web::Json(state.db.read(service::platform).await?))
}
