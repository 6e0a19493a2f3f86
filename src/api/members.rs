use actix_web::{get, post, web, HttpResponse};

use crate::auth::accounts as service;
use crate::auth::{AdminMember, AuthMember};
use crate::error::AppResult;
use crate::http::json::JsonBody;
use crate::members::dto::{MemberView, RegisterRequest};
use crate::openapi::{AuthErrors, CommonErrors, RateLimitErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;

/// Create an account. Every member can buy; other roles come with a shop or a supplier.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MemberView),
        (status = 409, description = "The email or phone already has an account (`account_exists`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RateLimitErrors
    ),
    security(())
)]
#[post("/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: JsonBody<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let member = service::register(&state.db, &state.clock, &state.password_workers, body).await?;
    Ok(HttpResponse::Created().json(member))
}

/// The signed-in member, with their roles.
#[utoipa::path(
    tag = "members",
    responses(
        (status = 200, description = "The signed-in member", body = MemberView),
        (status = 404, description = "The account no longer exists", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    member: AuthMember,
) -> AppResult<web::Json<MemberView>> {
    let view = state
        .read(move |conn, _| service::view(conn, member.0))
        .await?;
    Ok(web::Json(view))
}

/// All members, newest first (admins only).
#[utoipa::path(
    tag = "admin",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of members", body = Paginated<MemberView>),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[get("/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<MemberView>>> {
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    let (views, total) = state.read(move |conn, _| service::list(conn, page)).await?;
    Ok(web::Json(Paginated::new(views, page, total)))
}
