use actix_web::{get, web};

use crate::auth::ShopkeeperMember;
use crate::catalogue::dto::{CataloguePage, CatalogueQuery};
use crate::catalogue::service;
use crate::error::AppResult;
use crate::openapi::{CommonErrors, RoleErrors};
use crate::state::AppState;

/// Browse the goods a shop can add: listed goods of active suppliers, with what the shopkeeper
/// earns per sale (their tier bonus included) and any scheduled commission change.
#[utoipa::path(
    tag = "curation",
    params(CatalogueQuery),
    responses((status = 200, description = "A page of goods", body = CataloguePage), CommonErrors, RoleErrors),
    security(("bearer" = ["shopkeeper"]))
)]
#[get("/catalogue/goods")]
pub async fn browse(
    state: web::Data<AppState>,
    member: ShopkeeperMember,
    query: web::Query<CatalogueQuery>,
) -> AppResult<web::Json<CataloguePage>> {
    let now = state.clock.now();
    let (query, id) = (query.into_inner(), member.id());
    let page = state
        .read(move |conn, settings| {
            service::browse(
                conn,
                &settings.pagination,
                &settings.tiers.bonus_bps,
                id,
                query,
                now,
            )
        })
        .await?;
    Ok(web::Json(page))
}
