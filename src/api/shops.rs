use actix_web::{get, patch, post, put, web, HttpResponse};

use crate::auth::{AdminMember, AuthMember, ShopkeeperMember};
use crate::error::{AppError, AppResult};
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::members::MemberId;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::shops::credit::CreditProvider;
use crate::shops::dto::{
    CreditScoreRequest, OpenShopRequest, ShopPatch, ShopView, VerificationFilter,
    VerificationRequest, VerificationView,
};
use crate::shops::{repo, service};
use crate::state::AppState;
use crate::suppliers::dto::ReasonRequest;

/// Set a member's credit score (the `recorded` credit provider).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Member id")),
    request_body = CreditScoreRequest,
    responses((status = 204, description = "Score recorded"), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["admin"]))
)]
#[put("/members/{id}/credit-score")]
pub async fn set_credit_score(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CreditScoreRequest>,
) -> AppResult<HttpResponse> {
    let body = body.checked()?;
    let (member, score, actor) = (
        MemberId(id.into_inner()),
        body.score,
        caller.actor(admin.id()),
    );
    state
        .write(move |conn, _| service::set_credit_score(conn, &actor, member, score))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Submit real-name verification (legal name and resident ID number) for review.
#[utoipa::path(
    tag = "shops",
    request_body = VerificationRequest,
    responses(
        (status = 201, description = "Submitted; the ID number is kept only masked", body = VerificationView),
        (status = 409, description = "Already pending or approved, or the ID number belongs to another account", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[post("/me/verification")]
pub async fn submit_verification(
    state: web::Data<AppState>,
    member: AuthMember,
    body: JsonBody<VerificationRequest>,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let request = body.checked()?;
    let row = state
        .write(move |conn, _| service::submit_verification(conn, member.0, request, now))
        .await?;
    Ok(HttpResponse::Created().json(VerificationView::from(row)))
}

/// The signed-in member's latest verification.
#[utoipa::path(
    tag = "shops",
    responses((status = 200, description = "Latest verification", body = VerificationView), CommonErrors, AuthErrors, NotFoundErrors),
    security(("bearer" = []))
)]
#[get("/me/verification")]
pub async fn my_verification(
    state: web::Data<AppState>,
    member: AuthMember,
) -> AppResult<web::Json<VerificationView>> {
    let row = state
        .read(move |conn, _| {
            repo::latest_verification(conn, member.0)?.ok_or(AppError::NotFound {
                resource: "verification",
            })
        })
        .await?;
    Ok(web::Json(row.into()))
}

/// Verifications for review (admins).
#[utoipa::path(
    tag = "admin",
    params(VerificationFilter),
    responses((status = 200, description = "Verifications, newest first", body = Paginated<VerificationView>), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/verifications")]
pub async fn list_verifications(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<VerificationFilter>,
) -> AppResult<web::Json<Paginated<VerificationView>>> {
    let filter = query.into_inner();
    let page = PageQuery {
        page: filter.page,
        per_page: filter.per_page,
    }
    .resolve(&state.settings.pagination)?;
    let status = filter.status;
    let (rows, total) = state
        .read(move |conn, _| repo::list_verifications(conn, status, page))
        .await?;
    Ok(web::Json(Paginated::new(
        rows.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Approve a verification.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Verification id")),
    responses(
        (status = 200, description = "Approved", body = VerificationView),
        (status = 409, description = "Already decided", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/verifications/{id}/approve")]
pub async fn approve_verification(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
) -> AppResult<web::Json<VerificationView>> {
    let (id, actor) = (id.into_inner(), caller.actor(admin.id()));
    let row = state
        .write(move |conn, _| service::decide_verification(conn, &actor, id, true, None))
        .await?;
    Ok(web::Json(row.into()))
}

/// Reject a verification, with the reason the member will see.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Verification id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Rejected", body = VerificationView),
        (status = 409, description = "Already decided", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/verifications/{id}/reject")]
pub async fn reject_verification(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ReasonRequest>,
) -> AppResult<web::Json<VerificationView>> {
    let body = body.checked()?;
    let (id, actor, reason) = (id.into_inner(), caller.actor(admin.id()), body.reason);
    let row = state
        .write(move |conn, _| service::decide_verification(conn, &actor, id, false, Some(&reason)))
        .await?;
    Ok(web::Json(row.into()))
}

/// Open a micro-shop. Needs a credit score at least the configured minimum and an approved
/// verification (403 `credit_score_missing`, `credit_score_too_low`, `verification_required`);
/// one shop per member unless the multi-shop rule holds (403 `shop_limit_reached`).
#[utoipa::path(
    tag = "shops",
    request_body = OpenShopRequest,
    responses(
        (status = 201, description = "Opened, with its six-digit shop number", body = ShopView),
        (status = 403, description = "An eligibility condition failed; `code` says which", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[post("/shops")]
pub async fn open(
    state: web::Data<AppState>,
    member: AuthMember,
    body: JsonBody<OpenShopRequest>,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let request = body.checked()?;
    let score = CreditProvider::from_settings(&state.settings.shops)
        .score(&state.db, member.0)
        .await?;
    let row = state
        .write(move |conn, settings| {
            service::open(
                conn,
                &settings.shops,
                settings.tiers.time_zone,
                member.0,
                score,
                request,
                now,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(ShopView::new(
        row,
        &state.settings.shops.display_name_suffix,
    )))
}

/// The signed-in member's shops, open and closed.
#[utoipa::path(
    tag = "shops",
    responses((status = 200, description = "Own shops", body = Vec<ShopView>), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/me/shops")]
pub async fn my_shops(
    state: web::Data<AppState>,
    member: AuthMember,
) -> AppResult<web::Json<Vec<ShopView>>> {
    let rows = state
        .read(move |conn, _| repo::shops_of(conn, member.0))
        .await?;
    let suffix = &state.settings.shops.display_name_suffix;
    Ok(web::Json(
        rows.into_iter().map(|r| ShopView::new(r, suffix)).collect(),
    ))
}

/// Change the shop's name, logo or description.
#[utoipa::path(
    tag = "shops",
    params(("shop_id" = i64, Path, description = "Shop id")),
    request_body = ShopPatch,
    responses(
        (status = 200, description = "The shop after the change", body = ShopView),
        (status = 409, description = "The shop is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[patch("/me/shops/{shop_id}")]
pub async fn update(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    id: web::Path<i64>,
    body: JsonBody<ShopPatch>,
) -> AppResult<web::Json<ShopView>> {
    let now = state.clock.now();
    let body = body.checked()?;
    let (id, patch, owner) = (id.into_inner(), body, member.id());
    let row = state
        .write(move |conn, settings| service::update(conn, &settings.shops, owner, id, patch, now))
        .await?;
    Ok(web::Json(ShopView::new(
        row,
        &state.settings.shops.display_name_suffix,
    )))
}

/// Close the shop; its history stays.
#[utoipa::path(
    tag = "shops",
    params(("shop_id" = i64, Path, description = "Shop id")),
    responses((status = 200, description = "Closed", body = ShopView), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["shopkeeper"]))
)]
#[post("/me/shops/{shop_id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    caller: Caller,
    id: web::Path<i64>,
) -> AppResult<web::Json<ShopView>> {
    let (id, owner, actor) = (id.into_inner(), member.id(), caller.actor(member.id()));
    let row = state
        .write(move |conn, _| service::close(conn, &actor, owner, id))
        .await?;
    Ok(web::Json(ShopView::new(
        row,
        &state.settings.shops.display_name_suffix,
    )))
}
