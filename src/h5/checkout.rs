//! Checkout: the chosen SKU and quantity, signing in inline, the address, and placing the
//! order through the same idempotent placement as `POST /api/v1/orders`. The checkout's
//! Idempotency-Key is minted once, when the checkout opens, and travels in its URL and form:
//! a double tap, a resubmitted form or a reload places one order.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;

use super::account::sign_in_first;
use super::i18n::Lang;
use super::page::{explain, render, see_other, Chrome, InLang, Meta, PageError};
use super::session::Visitor;
use super::shop_pages::item_detail;
use super::views::{self, AccountForms, AddressForm, CheckoutLine, CheckoutPage, ShopHeader};
use crate::error::AppError;
use crate::idempotency::{IdempotencyKey, Outcome, StoredResponse, HEADER};
use crate::members::MemberId;
use crate::orders::dto::{AddressRequest, OrderLineRequest, OrderView, PlaceOrderRequest};
use crate::state::AppState;
use crate::storefront::dto::{PublicItemDetail, PublicSkuView};

/// How long a second submission waits for the first one of its key before giving up.
const IN_FLIGHT_PATIENCE: Duration = Duration::from_secs(5);
const IN_FLIGHT_POLL: Duration = Duration::from_millis(100);

#[derive(Debug, Default, Deserialize)]
pub struct CheckoutQuery {
    sku: Option<i64>,
    quantity: Option<i32>,
    key: Option<String>,
}

fn new_key() -> String {
    crate::auth::tokens::random_url_safe(18)
}

fn checkout_path(shop_no: &str, item_id: i64) -> String {
    format!("{}/checkout", views::item_path(shop_no, item_id))
}

/// The checkout's own address, with its SKU, quantity and key.
fn checkout_url(shop_no: &str, item_id: i64, sku: i64, quantity: i32, key: &str) -> String {
    let query = serde_urlencoded::to_string([
        ("sku", sku.to_string()),
        ("quantity", quantity.to_string()),
        ("key", key.to_owned()),
    ])
    .unwrap_or_default();
    format!("{}?{query}", checkout_path(shop_no, item_id))
}

fn chosen_sku_id(sku_id: Option<i64>) -> Result<i64, AppError> {
    sku_id.ok_or_else(|| AppError::field("sku", "required", "choose one of the item's options"))
}

fn chosen_sku(detail: &PublicItemDetail, sku_id: Option<i64>) -> Result<&PublicSkuView, AppError> {
    let id = chosen_sku_id(sku_id)?;
    detail
        .skus
        .iter()
        .find(|sku| sku.id == id)
        .ok_or(AppError::NotFound { resource: "SKU" })
}

#[get("/shop/{shop_no}/item/{item_id}/checkout")]
pub async fn open(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    query: web::Query<CheckoutQuery>,
) -> Result<HttpResponse, PageError> {
    let (shop_no, item_id) = path.into_inner();
    let query = query.into_inner();
    let quantity = query.quantity.unwrap_or(1);
    let key = query.key.filter(|key| IdempotencyKey::parse(key).is_ok());
    let Some(key) = key else {
        // Mint the key once and keep it in the address, so a reload keeps it too (for an
        // item that exists: the address is built from the path).
        let detail = item_detail(&state, lang, (shop_no.clone(), item_id)).await?;
        let sku = chosen_sku(&detail, query.sku).in_lang(lang)?;
        let url = checkout_url(&shop_no, item_id, sku.id, quantity, &new_key());
        return Ok(see_other(lang, &visitor, &url));
    };
    // A checkout that already placed its order (a reload, the back button) shows the order.
    if let Some(order) = order_placed_under(&state, lang, &visitor, &key).await? {
        return Ok(see_other(lang, &visitor, &views::order_path(order.id)));
    }
    let detail = item_detail(&state, lang, (shop_no, item_id)).await?;
    let sku = chosen_sku(&detail, query.sku).in_lang(lang)?;
    let form = Checkout {
        detail: &detail,
        sku,
        quantity,
        key,
        address: AddressForm::default(),
    };
    form.page(lang, &visitor, StatusCode::OK, Vec::new())
}

/// What a checkout page shows and posts.
struct Checkout<'a> {
    detail: &'a PublicItemDetail,
    sku: &'a PublicSkuView,
    quantity: i32,
    key: String,
    address: AddressForm,
}

impl Checkout<'_> {
    fn page(
        self,
        lang: Lang,
        visitor: &Visitor,
        status: StatusCode,
        errors: Vec<String>,
    ) -> Result<HttpResponse, PageError> {
        let (shop_no, item_id) = (&self.detail.shop.shop_no, self.detail.item.id);
        let url = checkout_url(shop_no, item_id, self.sku.id, self.quantity, &self.key);
        let template = CheckoutPage {
            c: Chrome::new(
                lang,
                Some(visitor),
                Meta {
                    title: format!("{} · {}", lang.texts().checkout, self.detail.item.title),
                    ..Meta::default()
                },
            ),
            shop: ShopHeader::new(lang, &self.detail.shop),
            line: CheckoutLine::new(self.detail, self.sku),
            quantity: self.quantity,
            action: checkout_path(shop_no, item_id),
            account: visitor.member().is_none().then(|| AccountForms {
                next: url,
                login: String::new(),
                errors: Vec::new(),
            }),
            key: self.key,
            address: self.address,
            errors,
        };
        render(lang, status, Some(visitor), &template)
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckoutForm {
    csrf: String,
    key: String,
    sku_id: i64,
    quantity: i32,
    name: String,
    phone: String,
    region: String,
    detail: String,
    #[serde(default)]
    note: String,
}

#[post("/shop/{shop_no}/item/{item_id}/checkout")]
pub async fn place(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    form: web::Form<CheckoutForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    let (shop_no, item_id) = path.into_inner();
    let Some(buyer) = visitor.member() else {
        let next = checkout_url(&shop_no, item_id, form.sku_id, form.quantity, &form.key);
        return sign_in_first(lang, &visitor, &next);
    };
    let detail = item_detail(&state, lang, (shop_no, item_id)).await?;
    let sku = chosen_sku(&detail, Some(form.sku_id)).in_lang(lang)?;
    let key = IdempotencyKey::parse(&form.key).in_lang(lang)?;
    let request = PlaceOrderRequest {
        lines: vec![OrderLineRequest {
            shop_item_id: item_id,
            sku_id: sku.id,
            quantity: form.quantity,
        }],
        address: AddressRequest {
            name: form.name.clone(),
            phone: form.phone.clone(),
            region: form.region.clone(),
            detail: form.detail.clone(),
        },
        note: Some(form.note.clone()).filter(|note| !note.trim().is_empty()),
    };
    let mut checkout = Checkout {
        detail: &detail,
        sku,
        quantity: form.quantity,
        key: form.key,
        address: AddressForm {
            name: form.name,
            phone: form.phone,
            region: form.region,
            detail: form.detail,
            note: form.note,
        },
    };
    let t = lang.texts();
    match place_patiently(&state, buyer, key, request).await {
        Ok(outcome) => match placed_order(outcome.stored()) {
            Ok(order) => Ok(see_other(lang, &visitor, &views::order_path(order.id))),
            // A final refusal (sold out, unavailable, a limit) is stored under the key: the
            // next attempt needs a new one.
            Err((status, messages)) => {
                checkout.key = new_key();
                checkout.page(lang, &visitor, status, messages)
            }
        },
        Err(AppError::Validation(fields)) if fields.iter().any(|f| f.field == HEADER) => {
            // The checkout's key placed an order with other details (a form typed again
            // after going back): that order stands, so show it rather than order twice.
            if let Some(order) = order_placed_under(&state, lang, &visitor, &checkout.key).await? {
                return Ok(see_other(lang, &visitor, &views::order_path(order.id)));
            }
            checkout.key = new_key();
            checkout.page(
                lang,
                &visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![t.checkout_used.to_owned()],
            )
        }
        Err(error @ AppError::Validation(_)) => {
            let (_, messages) = explain(t, &error);
            checkout.page(lang, &visitor, StatusCode::UNPROCESSABLE_ENTITY, messages)
        }
        Err(error) => Err(PageError::new(lang, error)),
    }
}

/// Places the order; a second submission of the same checkout arriving while the first is
/// still running waits for it and gets its answer (a browser shows the last response, so
/// the second must lead to the order too).
async fn place_patiently(
    state: &AppState,
    buyer: MemberId,
    key: IdempotencyKey,
    request: PlaceOrderRequest,
) -> Result<Outcome, AppError> {
    let mut waited = Duration::ZERO;
    loop {
        let attempt = crate::orders::placement::place_once(
            &state.db,
            &state.clock,
            &state.in_flight,
            state.settings.placement_terms(),
            buyer,
            key.clone(),
            request.clone(),
        )
        .await;
        match attempt {
            Err(AppError::Conflict {
                code: "idempotency_key_in_use",
                ..
            }) if waited < IN_FLIGHT_PATIENCE => {
                actix_web::rt::time::sleep(IN_FLIGHT_POLL).await;
                waited += IN_FLIGHT_POLL;
            }
            other => return other,
        }
    }
}

/// The order the signed-in buyer placed with the checkout key `key`, if any.
async fn order_placed_under(
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    key: &str,
) -> Result<Option<OrderView>, PageError> {
    let (Some(buyer), Ok(key)) = (visitor.member(), IdempotencyKey::parse(key)) else {
        return Ok(None);
    };
    let stored = state
        .read(move |conn, _| {
            crate::idempotency::stored_under(
                conn,
                buyer,
                crate::orders::placement::PLACE_SCOPE,
                &key,
            )
        })
        .await
        .in_lang(lang)?;
    Ok(stored.and_then(|stored| placed_order(&stored).ok()))
}

/// The order a stored placement response holds, or its status and what to tell the buyer.
fn placed_order(stored: &StoredResponse) -> Result<OrderView, (StatusCode, Vec<String>)> {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::CONFLICT);
    if status.is_success() {
        return serde_json::from_str(&stored.body)
            .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, Vec::new()));
    }
    let problem: serde_json::Value = serde_json::from_str(&stored.body).unwrap_or_default();
    let detail = problem["detail"]
        .as_str()
        .or_else(|| problem["title"].as_str())
        .unwrap_or_default()
        .to_owned();
    Err((status, vec![detail]))
}
