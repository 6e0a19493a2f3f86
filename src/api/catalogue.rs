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
    let (settings, query, id) = (state.settings.clone(), query.into_inner(), member.id());
    let page = state
        .db
        .read(move |conn| service::browse(conn, &settings, id, query, now))
        .await?;
    Ok(web::Json(page))
}
