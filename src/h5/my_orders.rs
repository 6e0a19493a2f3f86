//! The buyer's orders: the list, one order with its status and tracking, and paying it
//! through the gateway (the sandbox's cashier), with the same services as the JSON API.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;

use super::account::{sign_in_first, CsrfForm};
use super::i18n::Lang;
use super::page::{render, see_other, Chrome, InLang, Meta, PageError};
use super::session::Visitor;
use super::views::{self, CashierPage, OrderPage, OrderSummary, OrdersPage};
use crate::error::AppError;
use crate::money::Fen;
use crate::orders::service;
use crate::pagination::PageQuery;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct OrdersQuery {
    page: Option<u32>,
}

#[get("/my/orders")]
pub async fn list(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    query: web::Query<OrdersQuery>,
) -> Result<HttpResponse, PageError> {
    let Some(buyer) = visitor.member() else {
        return sign_in_first(lang, &visitor, "/my/orders");
    };
    let page = PageQuery {
        page: query.page,
        per_page: None,
    }
    .resolve(&state.settings.pagination)
    .in_lang(lang)?;
    let orders = state
        .read(move |conn, _| service::buyer_orders(conn, buyer, None, page))
        .await
        .in_lang(lang)?;
    let link = |number: u32| format!("/my/orders?page={number}");
    let shown = i64::from(page.number) * i64::from(page.size);
    let template = OrdersPage {
        c: Chrome::new(
            lang,
            Some(&visitor),
            Meta {
                title: lang.texts().my_orders.to_owned(),
                ..Meta::default()
            },
        ),
        orders: orders
            .items
            .iter()
            .map(|order| OrderSummary::new(lang, &state.settings, order))
            .collect(),
        previous: (page.number > 1).then(|| link(page.number - 1)),
        next: (orders.total > shown).then(|| link(page.number + 1)),
    };
    render(lang, StatusCode::OK, Some(&visitor), &template)
}

#[get("/my/orders/{order_id}")]
pub async fn order_page(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    order_id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let order_id = order_id.into_inner();
    let Some(buyer) = visitor.member() else {
        return sign_in_first(lang, &visitor, &views::order_path(order_id));
    };
    let order = state
        .read(move |conn, _| {
            let order = service::own_order(conn, buyer, order_id)?;
            service::view(conn, &order)
        })
        .await
        .in_lang(lang)?;
    let meta = Meta {
        title: format!("{} {}", lang.texts().order_no, order.order_no),
        ..Meta::default()
    };
    let template = OrderPage::new(
        Chrome::new(lang, Some(&visitor), meta),
        lang,
        &state.settings,
        &order,
    );
    render(lang, StatusCode::OK, Some(&visitor), &template)
}

/// Starts (or resumes) the order's payment and shows the gateway's cashier.
#[post("/my/orders/{order_id}/pay")]
pub async fn pay(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    order_id: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    let order_id = order_id.into_inner();
    let order_url = views::order_path(order_id);
    let Some(buyer) = visitor.member() else {
        return sign_in_first(lang, &visitor, &order_url);
    };
    // The pages know one cashier: the sandbox's. A production gateway brings its own (and no
    // payment is opened for a cashier that is not there).
    let gateway = state.gateways.default_gateway().name();
    if gateway != crate::payments::sandbox::NAME {
        return Err(PageError::new(
            lang,
            AppError::unavailable(format!("no page cashier for gateway {gateway}")),
        ));
    }
    let gateways = state.gateways.clone();
    let (payment, order_no) = state
        .write(move |conn, _| {
            let (payment, _) =
                crate::payments::service::start(conn, &gateways, buyer, order_id, now)?;
            let order = service::own_order(conn, buyer, order_id)?;
            Ok((payment, order.order_no))
        })
        .await
        .in_lang(lang)?;
    let template = CashierPage {
        c: Chrome::new(
            lang,
            Some(&visitor),
            Meta {
                title: lang.texts().cashier.to_owned(),
                ..Meta::default()
            },
        ),
        order_no,
        amount: Fen(payment.amount_fen).yuan_display(),
        payment_no: payment.payment_no,
        confirm_url: format!("{order_url}/pay/confirm"),
        order_url,
    };
    render(lang, StatusCode::OK, Some(&visitor), &template)
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    payment_no: String,
}

/// The sandbox cashier's "pay": the gateway's signed confirmation, then the order page.
#[post("/my/orders/{order_id}/pay/confirm")]
pub async fn confirm_payment(
    state: web::Data<AppState>,
    lang: Lang,
    visitor: Visitor,
    order_id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    let order_id = order_id.into_inner();
    let order_url = views::order_path(order_id);
    let Some(buyer) = visitor.member() else {
        return sign_in_first(lang, &visitor, &order_url);
    };
    // The payment must be this order's: the page then shows the order that was paid.
    crate::settlement::payment::complete_sandbox(
        &state.db,
        &state.clock,
        &state.gateways,
        state.settings.jobs.batch_size,
        buyer,
        form.payment_no,
        Some(order_id),
    )
    .await
    .in_lang(lang)?;
    Ok(see_other(lang, &visitor, &order_url))
}
