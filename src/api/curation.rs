use actix_web::{delete, patch, post, web, HttpResponse};

use crate::auth::ShopkeeperMember;
use crate::curation::dto::{AddItemRequest, BulkAddRequest, ItemPatch, ShopItemView};
use crate::curation::service;
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::openapi::{CommonErrors, NotFoundErrors, RoleErrors};
use crate::state::AppState;

async fn add(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    caller: Caller,
    shop_id: i64,
    requests: Vec<AddItemRequest>,
    bulk: bool,
) -> AppResult<Vec<ShopItemView>> {
    let (actor, owner) = (caller.actor(member.id()), member.id());
    let rows = state
        .write(move |conn, settings| {
            service::add_items(
                conn,
                &settings.shops,
                &actor,
                owner,
                shop_id,
                requests,
                bulk,
            )
        })
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Add goods to the shop with a recommendation text. Only listed goods of active suppliers,
/// each once per shop, at most `shops.max_items_per_shop` items (409 `shop_full`,
/// `already_in_shop`, `shop_closed`).
#[utoipa::path(
    tag = "curation",
    params(("shop_id" = i64, Path, description = "Own shop id")),
    request_body = AddItemRequest,
    responses(
        (status = 201, description = "Added at the end of the shop", body = ShopItemView),
        (status = 409, description = "The shop is full or closed, or already holds these goods", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[post("/me/shops/{shop_id}/items")]
pub async fn add_item(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    caller: Caller,
    shop_id: web::Path<i64>,
    body: JsonBody<AddItemRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let mut added = add(
        state,
        member,
        caller,
        shop_id.into_inner(),
        vec![body],
        false,
    )
    .await?;
    Ok(HttpResponse::Created().json(added.remove(0)))
}

/// Add up to 100 goods at once: all of them, or (on any problem) none.
#[utoipa::path(
    tag = "curation",
    params(("shop_id" = i64, Path, description = "Own shop id")),
    request_body = BulkAddRequest,
    responses(
        (status = 201, description = "Added at the end of the shop, in request order", body = Vec<ShopItemView>),
        (status = 409, description = "The shop would pass its cap, is closed, or already holds some of these goods", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[post("/me/shops/{shop_id}/items/bulk")]
pub async fn add_items(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    caller: Caller,
    shop_id: web::Path<i64>,
    body: JsonBody<BulkAddRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let added = add(
        state,
        member,
        caller,
        shop_id.into_inner(),
        body.items,
        true,
    )
    .await?;
    Ok(HttpResponse::Created().json(added))
}

/// Change an item's recommendation text, position or pin. Price, title, stock and commission
/// are the supplier's: naming them is refused (422 `unknown_field`).
#[utoipa::path(
    tag = "curation",
    params(
        ("shop_id" = i64, Path, description = "Own shop id"),
        ("item_id" = i64, Path, description = "Shop item id")
    ),
    request_body = ItemPatch,
    responses(
        (status = 200, description = "The item after the change", body = ShopItemView),
        (status = 409, description = "The shop is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[patch("/me/shops/{shop_id}/items/{item_id}")]
pub async fn update_item(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    path: web::Path<(i64, i64)>,
    body: JsonBody<ItemPatch>,
) -> AppResult<web::Json<ShopItemView>> {
    let now = state.clock.now();
    let body = body.into_inner()?;
    let ((shop_id, item_id), patch, owner) = (path.into_inner(), body, member.id());
    let row = state
        .write(move |conn, _| service::update_item(conn, owner, shop_id, item_id, patch, now))
        .await?;
    Ok(web::Json(row.into()))
}

/// Remove an item from the shop; its share codes stop resolving.
#[utoipa::path(
    tag = "curation",
    params(
        ("shop_id" = i64, Path, description = "Own shop id"),
        ("item_id" = i64, Path, description = "Shop item id")
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The shop is closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["shopkeeper"]))
)]
#[delete("/me/shops/{shop_id}/items/{item_id}")]
pub async fn remove_item(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let ((shop_id, item_id), owner, actor) =
        (path.into_inner(), member.id(), caller.actor(member.id()));
    state
        .write(move |conn, _| service::remove_item(conn, &actor, owner, shop_id, item_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
