use actix_web::{delete, get, post, web, HttpResponse};

use crate::auth::ShopkeeperMember;
use crate::error::AppResult;
use crate::openapi::{CommonErrors, NotFoundErrors, RateLimitErrors, RoleErrors};
use crate::sharing::dto::{ShareResolution, ShareView};
use crate::sharing::service;
use crate::state::AppState;

/// Share an item: its share code (the same one until revoked), link, copy text and poster.
#[utoipa::path(
    tag = "sharing",
    params(
        ("shop_id" = i64, Path, description = "Own shop id"),
        ("item_id" = i64, Path, description = "Shop item id")
    ),
    responses(
        (status = 201, description = "A new share code", body = ShareView),
        (status = 200, description = "The item's share code in use", body = ShareView),
        (status = 409, description = "The shop is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[post("/me/shops/{shop_id}/items/{item_id}/share")]
pub async fn share(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let ((shop_id, item_id), _, owner, now) = (
        path.into_inner(),
        state.settings.clone(),
        member.id(),
        state.clock.now(),
    );
    let (view, created) = state
        .write(move |conn, settings| {
            service::share(
                conn,
                &settings.sharing,
                &settings.shops,
                owner,
                shop_id,
                item_id,
                now,
            )
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Revoke the item's share code: its link and poster stop working.
#[utoipa::path(
    tag = "sharing",
    params(
        ("shop_id" = i64, Path, description = "Own shop id"),
        ("item_id" = i64, Path, description = "Shop item id")
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 409, description = "The shop is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[delete("/me/shops/{shop_id}/items/{item_id}/share")]
pub async fn revoke(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let ((shop_id, item_id), owner) = (path.into_inner(), member.id());
    state
        .write(move |conn, _| service::revoke(conn, owner, shop_id, item_id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Open a share code (public): the item inside its shop; counts the visit. An unknown or
/// revoked code, a removed item or a closed shop → 404 `not_found` ("share link not found").
/// A client with `rate_limit.share_lookup_max_misses` such 404s in the window gets 429.
#[utoipa::path(
    tag = "sharing",
    params(("code" = String, Path, description = "Share code")),
    responses((status = 200, description = "The shared item", body = ShareResolution), CommonErrors, NotFoundErrors, RateLimitErrors),
    security(())
)]
#[get("/{code}")]
pub async fn open(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> AppResult<web::Json<ShareResolution>> {
    let resolution = state
        .write(move |conn, settings| service::open(conn, &settings.sharing, &settings.shops, &code))
        .await?;
    Ok(web::Json(resolution))
}

/// The share poster (public): title, price, recommendation, shop name and a QR code of the link.
/// Its 404s count towards the same limit as opening codes.
#[utoipa::path(
    tag = "sharing",
    params(("code" = String, Path, description = "Share code")),
    responses(
        (status = 200, description = "The poster", body = String, content_type = "image/svg+xml"),
        CommonErrors, NotFoundErrors, RateLimitErrors
    ),
    security(())
)]
#[get("/{code}/poster.svg")]
pub async fn poster(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let svg = state
        .read(move |conn, settings| {
            service::poster_svg(conn, &settings.sharing, &settings.shops, &code)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(svg))
}
