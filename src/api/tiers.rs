//! Tiers over HTTP: the shopkeeper's own (mobile app API) and the platform's (admin API).

use actix_web::{get, post, web};

use crate::auth::{AdminMember, AuthMember};
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::members::MemberId;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;
use crate::tiers::dto::{
    MyTierView, RunQuery, TierDecisionView, TierDistributionView, TierOverrideRequest, TierRunView,
    ViolationRequest, ViolationView,
};
use crate::tiers::service;

/// The signed-in member's tier and bonus, the last decision with its figures and reason, this
/// month's figures so far, and what each threshold of the next tier still needs.
#[utoipa::path(
    tag = "tiers",
    responses((status = 200, description = "The tier", body = MyTierView), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/me/tier")]
pub async fn my_tier(
    state: web::Data<AppState>,
    member: AuthMember,
) -> AppResult<web::Json<MyTierView>> {
    let now = state.clock.now();
    state
        .read_json(move |conn, settings| service::my_tier(conn, &settings.tiers, member.0, now))
        .await
}

/// Runs of the monthly engine, newest first: status, counts, duration.
#[utoipa::path(
    tag = "tiers",
    params(RunQuery),
    responses((status = 200, description = "A page of runs", body = Paginated<TierRunView>), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/tiers/runs")]
pub async fn runs(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<RunQuery>,
) -> AppResult<web::Json<Paginated<TierRunView>>> {
    let query = query.into_inner();
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve(&state.settings.pagination)?;
    Ok(web::Json(
        state.read(move |conn, _| service::runs(conn, page)).await?,
    ))
}

/// Shopkeepers by current tier.
#[utoipa::path(
    tag = "tiers",
    responses((status = 200, description = "Counts per tier", body = TierDistributionView), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/tiers/distribution")]
pub async fn distribution(
    state: web::Data<AppState>,
    _admin: AdminMember,
) -> AppResult<web::Json<TierDistributionView>> {
    Ok(web::Json(state.db.read(service::distribution).await?))
}

/// Set a shopkeeper's tier now, with a reason: it stands as this month's decision. Audited.
#[utoipa::path(
    tag = "tiers",
    params(("id" = i64, Path, description = "The shopkeeper's member id")),
    request_body = TierOverrideRequest,
    responses(
        (status = 200, description = "The decision recorded", body = TierDecisionView),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/shopkeepers/{id}/tier")]
pub async fn override_tier(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<TierOverrideRequest>,
) -> AppResult<web::Json<TierDecisionView>> {
    let (actor, member, body) = (
        caller.actor(admin.id()),
        MemberId(id.into_inner()),
        body.into_inner()?,
    );
    state
        .write_json(move |conn, settings| {
            service::override_tier(conn, &settings.tiers, member, &body, &actor)
        })
        .await
}

/// Record a member's violation: a serious one blocks any tier rise in its month. Audited.
#[utoipa::path(
    tag = "tiers",
    params(("id" = i64, Path, description = "The member id")),
    request_body = ViolationRequest,
    responses(
        (status = 201, description = "Recorded", body = ViolationView),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/members/{id}/violations")]
pub async fn record_violation(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ViolationRequest>,
) -> AppResult<actix_web::HttpResponse> {
    let (actor, member, body) = (
        caller.actor(admin.id()),
        MemberId(id.into_inner()),
        body.into_inner()?,
    );
    let view = state
        .write(move |conn, _| service::record_violation(conn, member, &body, &actor))
        .await?;
    Ok(actix_web::HttpResponse::Created().json(view))
}
