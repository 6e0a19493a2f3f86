use actix_web::{get, web};

use crate::error::AppResult;
use crate::openapi::{CommonErrors, NotFoundErrors};
use crate::state::AppState;
use crate::storefront::dto::{ItemListQuery, ItemPage, PublicItemDetail, PublicShopView};
use crate::storefront::service;

/// A shop by its six-digit number (public). Closed shops are not found.
#[utoipa::path(
    tag = "storefront",
    params(("shop_no" = String, Path, description = "Six-digit shop number")),
    responses((status = 200, description = "The shop", body = PublicShopView), CommonErrors, NotFoundErrors),
    security(())
)]
#[get("/shops/{shop_no}")]
pub async fn get_shop(
    state: web::Data<AppState>,
    shop_no: web::Path<String>,
) -> AppResult<web::Json<PublicShopView>> {
    let view = state
        .read(move |conn, settings| {
            let shop = service::open_shop(conn, &shop_no)?;
            service::shop_view(conn, &settings.shops, shop)
        })
        .await?;
    Ok(web::Json(view))
}

/// The shop's items (public): pinned first, then in the shopkeeper's order; cursor pages stay
/// free of duplicates and gaps while items are added. No commission figures.
#[utoipa::path(
    tag = "storefront",
    params(("shop_no" = String, Path, description = "Six-digit shop number"), ItemListQuery),
    responses((status = 200, description = "A page of items", body = ItemPage), CommonErrors, NotFoundErrors),
    security(())
)]
#[get("/shops/{shop_no}/items")]
pub async fn list_items(
    state: web::Data<AppState>,
    shop_no: web::Path<String>,
    query: web::Query<ItemListQuery>,
) -> AppResult<web::Json<ItemPage>> {
    let query = query.into_inner();
    let page = state
        .read(move |conn, settings| service::items(conn, &settings.pagination, &shop_no, query))
        .await?;
    Ok(web::Json(page))
}

/// An item page (public): the goods with its SKUs and stock status, and the recommendation.
#[utoipa::path(
    tag = "storefront",
    params(
        ("shop_no" = String, Path, description = "Six-digit shop number"),
        ("item_id" = i64, Path, description = "Shop item id")
    ),
    responses((status = 200, description = "The item", body = PublicItemDetail), CommonErrors, NotFoundErrors),
    security(())
)]
#[get("/shops/{shop_no}/items/{item_id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> AppResult<web::Json<PublicItemDetail>> {
    let ((shop_no, item_id), _) = (path.into_inner(), state.settings.clone());
    let detail = state
        .read(move |conn, settings| {
            let shop = service::open_shop(conn, &shop_no)?;
            service::item_detail(conn, &settings.shops, shop, item_id)
        })
        .await?;
    Ok(web::Json(detail))
}
