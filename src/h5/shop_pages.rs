//! The pages a shared link opens: the share code, the shop, the item. They call the public
//! storefront's and sharing's services, as the JSON API does.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;

use super::i18n::Lang;
use super::page::{render, Chrome, InLang, Meta, PageError};
use super::session::Visitor;
use super::views::{self, category_options, ItemCard, ItemPage, ShopHeader, ShopPage};
use crate::state::AppState;
use crate::storefront::dto::{ItemListQuery, PublicItemDetail};
use crate::storefront::service;

/// Length of a link card's description.
const CARD_TEXT_CHARS: usize = 120;

/// A share link (`/s/{code}`): counts the visit and shows the item inside its shop. An unknown
/// or revoked code is a page saying so, with status 404 (never a detour to some other page).
#[get("/{code}")]
pub async fn share(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let resolution = state
        .write(move |conn, settings| {
            crate::sharing::service::open(conn, &settings.sharing, &settings.shops, &code)
        })
        .await
        .in_lang(lang)?;
    render_item(lang, &visitor, &resolution.item, resolution.url)
}

/// Chat apps append their own parameters (`?from=singlemessage`): any query is accepted.
#[derive(Debug, Default, Deserialize)]
pub struct ShopQuery {
    cursor: Option<String>,
    category: Option<String>,
    q: Option<String>,
}

/// The shop and a page of its items, with search, a category filter and "more" (which the
/// script turns into infinite scrolling).
#[get("/shop/{shop_no}")]
pub async fn shop_page(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    shop_no: web::Path<String>,
    query: web::Query<ShopQuery>,
) -> Result<HttpResponse, PageError> {
    let ShopQuery {
        cursor,
        category,
        q,
    } = query.into_inner();
    let list_query = ItemListQuery {
        cursor,
        limit: None,
        category: category.clone(),
        q: q.clone(),
    };
    let shop_no = shop_no.into_inner();
    let (shop, page) = state
        .read(move |conn, settings| {
            let shop = service::open_shop(conn, &shop_no)?;
            let shop = service::shop_view(conn, &settings.shops, shop)?;
            let page = service::items(conn, &settings.pagination, &shop.shop_no, list_query)?;
            Ok((shop, page))
        })
        .await
        .in_lang(lang)?;
    let settings = &state.settings;
    let path = views::shop_path(&shop.shop_no);
    let more_url = page.next_cursor.as_deref().map(|next| {
        let params = [
            ("cursor", Some(next)),
            ("category", category.as_deref()),
            ("q", q.as_deref()),
        ];
        let present: Vec<(&str, &str)> = params
            .iter()
            .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| (*name, v)))
            .collect();
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(present).unwrap_or_default()
        )
    });
    let meta = Meta {
        title: shop.display_name.clone(),
        description: if shop.description.is_empty() {
            format!("{} {}", shop.item_count, lang.texts().items)
        } else {
            views::excerpt(&shop.description, CARD_TEXT_CHARS)
        },
        image: shop.logo_url.clone(),
        url: Some(views::absolute(settings, &path)),
        kind: "website",
    };
    let template = ShopPage {
        c: Chrome::new(lang, Some(&visitor), meta),
        shop: ShopHeader::new(lang, &shop),
        items: page
            .items
            .iter()
            .map(|item| ItemCard::new(lang, &shop.shop_no, item))
            .collect(),
        categories: category_options(settings, category.as_deref()),
        q: q.unwrap_or_default(),
        more_url,
    };
    render(lang, StatusCode::OK, Some(&visitor), &template)
}

/// An item of the shop: goods, SKUs with price and stock, the recommendation, "buy".
#[get("/shop/{shop_no}/item/{item_id}")]
pub async fn item_page(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, PageError> {
    let detail = item_detail(&state, lang, path.into_inner()).await?;
    let url = views::absolute(
        &state.settings,
        &views::item_path(&detail.shop.shop_no, detail.item.id),
    );
    render_item(lang, &visitor, &detail, url)
}

/// The item behind a page's path (404 page for a closed shop or a removed item).
pub async fn item_detail(
    state: &AppState,
    lang: Lang,
    (shop_no, item_id): (String, i64),
) -> Result<PublicItemDetail, PageError> {
    state
        .read(move |conn, settings| {
            let shop = service::open_shop(conn, &shop_no)?;
            service::item_detail(conn, &settings.shops, shop, item_id)
        })
        .await
        .in_lang(lang)
}

fn render_item(
    lang: Lang,
    visitor: &Visitor,
    detail: &PublicItemDetail,
    url: String,
) -> Result<HttpResponse, PageError> {
    let meta = Meta {
        title: format!("{} · {}", detail.item.title, detail.shop.display_name),
        description: views::excerpt(&detail.item.recommendation, CARD_TEXT_CHARS),
        image: detail.item.main_image_url.clone(),
        url: Some(url),
        kind: "product",
    };
    let template = ItemPage::new(Chrome::new(lang, Some(visitor), meta), lang, detail);
    render(lang, StatusCode::OK, Some(visitor), &template)
}
