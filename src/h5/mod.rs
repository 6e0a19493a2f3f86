//! The buyer's H5 pages: what a shared link or a poster's QR code opens in a chat app's
//! browser. Server-rendered HTML (askama templates compiled into the binary), Chinese by
//! default and English by `Accept-Language`, a little script that only enhances.
//!
//! - `/s/{code}`: the shared item inside its shop (the visit is counted)
//! - `/shop/{shop_no}`: the shop and its items (search, category, more)
//! - `/shop/{shop_no}/item/{item_id}`: the item, its SKUs, "buy"
//! - `/shop/{shop_no}/item/{item_id}/checkout`: sign in or register, address, place the order
//! - `/my/orders`, `/my/orders/{id}`: the buyer's orders, one order, paying it
//!
//! The pages hold no rules of their own: they call the services the JSON API calls. They are
//! HTML, not API, so they are not in the OpenAPI document. Every form carries the session's
//! CSRF token; every response carries a Content-Security-Policy without inline scripts.

pub mod account;
pub mod assets;
pub mod checkout;
pub mod i18n;
pub mod my_orders;
pub mod page;
pub mod session;
pub mod shop_pages;
pub mod views;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_web::{web, HttpRequest};

use crate::config::Settings;
use crate::error::AppError;
use crate::http::rate_limit::per_client;
use i18n::Lang;
use page::PageError;

/// Largest form a page posts (a checkout with its address is well under 2 KiB).
const FORM_LIMIT_BYTES: usize = 16 * 1024;

fn page_error(req: &HttpRequest, error: AppError) -> actix_web::Error {
    PageError::new(Lang::of(req), error).into()
}

/// The pages' routes. Extractor failures answer as pages too; the account forms share the
/// sign-in endpoints' rate limit, and share links the API's limit on share-code misses. The
/// scope has no prefix (the pages live at `/s`, `/shop`, `/my`…) and so matches every path: it
/// must be registered after every other service.
pub fn routes(cfg: &mut web::ServiceConfig, settings: &Settings, rate_limits: InMemoryBackend) {
    cfg.service(
        web::scope("")
            .app_data(
                web::PathConfig::default().error_handler(|_, req| {
                    page_error(req, AppError::NotFound { resource: "page" })
                }),
            )
            .app_data(web::QueryConfig::default().error_handler(|error, req| {
                page_error(
                    req,
                    AppError::BadRequest {
                        code: "invalid_query",
                        detail: error.to_string(),
                    },
                )
            }))
            .app_data(
                web::FormConfig::default()
                    .limit(FORM_LIMIT_BYTES)
                    .error_handler(|error, req| {
                        page_error(
                            req,
                            AppError::BadRequest {
                                code: "invalid_form",
                                detail: error.to_string(),
                            },
                        )
                    }),
            )
            .service(assets::stylesheet)
            .service(assets::script)
            .service(
                web::scope("/s")
                    .wrap(per_client(
                        rate_limits.clone(),
                        settings.server.trust_forwarded_for,
                        settings.rate_limit.share_lookup_misses(),
                    ))
                    .service(shop_pages::share),
            )
            .service(shop_pages::shop_page)
            .service(shop_pages::item_page)
            .service(checkout::open)
            .service(checkout::place)
            .service(my_orders::list)
            .service(my_orders::order_page)
            .service(my_orders::pay)
            .configure(|cfg| {
                // The sandbox cashier's "pay": no test money in production.
                if !settings.environment.is_production() {
                    cfg.service(my_orders::confirm_payment);
                }
            })
            // `/account/sign-in`, `/account/register`, `/account/sign-out`.
            .service(
                web::scope("/account")
                    .wrap(per_client(
                        rate_limits,
                        settings.server.trust_forwarded_for,
                        settings.rate_limit.sign_in(),
                    ))
                    .service(account::sign_in)
                    .service(account::register)
                    .service(account::sign_out),
            ),
    );
}
