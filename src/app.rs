//! The composition root's web half: the route table, the OpenAPI document built from it, and
//! the HTTP server with the app data handlers extract.

use std::net::TcpListener;

use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_web::middleware::from_fn;
use actix_web::{dev::Server, web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, service_config::ServiceConfig, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::error::AppError;
use crate::error::{FieldError, Problem};
use crate::http::middleware::{
    cors, refuse_nul_characters, response_headers, security_headers, RetryAfter,
};
use crate::http::rate_limit::per_client;
use crate::openapi::BearerScheme;
use crate::ops::metrics::Metrics;
use crate::state::AppState;
use crate::{api, h5};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "xiaopu",
        description = "Open backend for S2B2C social-commerce micro-shops: suppliers list goods, \
                       shopkeepers curate and share them, buyers order through the shop.",
        license(name = "MIT OR Apache-2.0")
    ),
    // Schemas only query parameters name: the derive collects those of bodies by itself.
    components(schemas(
        Problem,
        FieldError,
        crate::suppliers::dto::ApplicationStatus,
        crate::goods::dto::GoodsStatus
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "members", description = "The signed-in member"),
        (name = "admin", description = "Platform administration"),
        (name = "suppliers", description = "The supplier admin API: application, deposit, exit"),
        (name = "goods", description = "The supplier admin API: goods, SKUs, stock, commission"),
        (name = "shops", description = "The mobile app API: verification, opening and running a micro-shop"),
        (name = "orders", description = "The mobile app API: placing, paying and following orders"),
        (name = "fulfilment", description = "The supplier admin API: the supplier's orders, shipping"),
        (name = "aftersales", description = "Refunds and returns: the buyer's requests, the supplier's answers, disputes the platform decides"),
        (name = "money", description = "Earnings, balances, withdrawals and finance views"),
        (name = "tiers", description = "Shopkeeper tiers: the shopkeeper's view, the monthly engine's runs, overrides"),
        (name = "payments", description = "Payment gateway callbacks and the sandbox"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct BaseDoc;

/// Every route of the API. Routes registered here land in the OpenAPI document.
fn routes(cfg: &mut ServiceConfig, settings: &Settings, rate_limits: InMemoryBackend) {
    cfg.service(api::ops::healthz)
        .service(api::ops::readyz)
        .service(api::ops::metrics)
        .service(
            scope::scope("/api/v1/auth")
                .wrap(per_client(
                    rate_limits.clone(),
                    settings.server.trust_forwarded_for,
                    settings.rate_limit.sign_in(),
                ))
                .service(api::members::register)
                .service(api::auth::login)
                .service(api::auth::refresh)
                .service(api::auth::logout),
        )
        .service(
            scope::scope("/api/v1/admin")
                .configure(|cfg| admin_clock(cfg, settings))
                .service(api::members::list_members)
                .service(api::suppliers::list_applications)
                .service(api::suppliers::list_suppliers)
                .service(api::shops::set_credit_score)
                .service(api::shops::list_verifications)
                .service(api::shops::approve_verification)
                .service(api::shops::reject_verification)
                .service(api::suppliers::approve)
                .service(api::suppliers::reject)
                .service(api::suppliers::record_payment)
                .service(api::suppliers::deduct)
                .service(api::goods::take_down)
                .service(api::payments::list_events)
                .service(api::aftersales::disputes)
                .service(api::aftersales::decide)
                .service(api::finance::platform_finance)
                .service(api::tiers::runs)
                .service(api::jobs::run_tiers)
                .service(api::jobs::run_now)
                .service(api::tiers::distribution)
                .service(api::tiers::override_tier)
                .service(api::tiers::record_violation),
        )
        .service(
            scope::scope("/api/v1/supplier")
                .service(api::suppliers::apply)
                .service(api::suppliers::my_applications)
                .service(api::suppliers::deposit)
                .service(api::suppliers::exit)
                .service(api::goods::create)
                .service(api::goods::list)
                .service(api::goods::get)
                .service(api::goods::update)
                .service(api::goods::list_for_sale)
                .service(api::goods::delist)
                .service(api::goods::change_commission)
                .service(api::goods::set_stock)
                .service(api::goods::adjust_stock)
                .service(api::fulfilment::list)
                .service(api::fulfilment::export)
                .service(api::fulfilment::ship_bulk)
                .service(api::fulfilment::ship)
                .service(api::aftersales::supplier_cases)
                .service(api::aftersales::supplier_case)
                .service(api::aftersales::approve)
                .service(api::aftersales::reject)
                .service(api::aftersales::receive_return)
                .service(api::aftersales::supplier_evidence)
                .service(api::withdrawals::supplier_withdraw)
                .service(api::withdrawals::supplier_withdrawals)
                .service(api::plans::shopkeepers)
                .service(api::plans::create)
                .service(api::plans::list)
                .service(api::plans::suspend)
                .service(api::finance::supplier_finance),
        )
        .service(
            scope::scope("/api/v1/share")
                .wrap(per_client(
                    rate_limits,
                    settings.server.trust_forwarded_for,
                    settings.rate_limit.share_lookup_misses(),
                ))
                .service(api::sharing::open)
                .service(api::sharing::poster),
        )
        // Last: a scope answers 404 for what it does not hold, so the widest prefix goes last.
        .service(
            scope::scope("/api/v1")
                .service(api::members::me)
                .service(api::shops::submit_verification)
                .service(api::shops::my_verification)
                .service(api::shops::open)
                .service(api::shops::my_shops)
                .service(api::shops::update)
                .service(api::shops::close)
                .service(api::catalogue::browse)
                .service(api::curation::add_item)
                .service(api::curation::add_items)
                .service(api::curation::update_item)
                .service(api::curation::remove_item)
                .service(api::sharing::share)
                .service(api::sharing::revoke)
                .service(api::storefront::get_shop)
                .service(api::storefront::list_items)
                .service(api::storefront::get_item)
                .service(api::orders::place)
                .service(api::orders::list)
                .service(api::orders::get)
                .service(api::orders::cancel)
                .service(api::orders::confirm_receipt)
                .service(api::orders::shop_orders)
                .service(api::payments::pay)
                .service(api::payments::callback)
                .configure(|cfg| sandbox_cashier(cfg, settings))
                .service(api::aftersales::open)
                .service(api::aftersales::my_cases)
                .service(api::aftersales::get)
                .service(api::aftersales::ship_return)
                .service(api::aftersales::escalate)
                .service(api::aftersales::buyer_evidence)
                .service(api::aftersales::withdraw)
                .service(api::withdrawals::shopkeeper_withdraw)
                .service(api::withdrawals::shopkeeper_withdrawals)
                .service(api::finance::earnings)
                .service(api::tiers::my_tier),
        );
}

/// The sandbox's "pay", outside production only: there is no test money in production.
fn sandbox_cashier(cfg: &mut ServiceConfig, settings: &Settings) {
    if !settings.environment.is_production() {
        cfg.service(api::payments::sandbox_complete);
    }
}

/// The routes that set business time, outside production only: there the clock is the
/// system's and these routes do not exist (404).
fn admin_clock(cfg: &mut ServiceConfig, settings: &Settings) {
    if settings.environment.is_production() {
        return;
    }
    cfg.service(api::clock::get_clock)
        .service(api::clock::set_clock)
        .service(api::clock::advance_clock);
}

/// The OpenAPI document, as served at `/openapi.json` and printed by `xiaopu openapi`.
pub fn openapi_document(settings: &Settings) -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .configure(|cfg| {
            routes(
                cfg,
                settings,
                InMemoryBackend::builder().with_gc_interval(None).build(),
            )
        })
        .split_for_parts();
    crate::pagination::document_bounds(&mut document, &settings.pagination);
    document
}

/// Starts serving on `listener`; the returned server runs until stopped.
pub fn start(state: web::Data<AppState>, listener: TcpListener) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let metrics = Metrics::new(settings.database.pool_max_size).map_err(std::io::Error::other)?;
    // Shared by all workers, so a client's count does not depend on which worker answers.
    let rate_limits = InMemoryBackend::builder().build();
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let body_limit = settings.server.body_limit_bytes;
    let server = HttpServer::new(move || {
        let (app, mut document) = App::new()
            .into_utoipa_app()
            .openapi(BaseDoc::openapi())
            .app_data(state.clone())
            // What handlers below the composition root take instead of the whole state.
            .app_data(web::Data::new(state.clock.clone()))
            .app_data(web::Data::new(state.db.clone()))
            .app_data(web::Data::from(state.tokens.clone()))
            .app_data(web::Data::new(RetryAfter(
                settings.database.retry_after_seconds,
            )))
            .app_data(web::Data::new(metrics.clone()))
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::BadRequest {
                    code: "invalid_query",
                    detail: error.to_string(),
                }
                .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|_, _| {
                AppError::NotFound {
                    resource: "resource",
                }
                .into()
            }))
            .configure(|cfg| routes(cfg, &settings, rate_limits.clone()))
            .split_for_parts();
        crate::pagination::document_bounds(&mut document, &settings.pagination);
        app.service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", document))
            .service(web::redirect("/docs", "/docs/"))
            // HTML pages, not API: outside the OpenAPI document. Last: their scope matches
            // every path.
            .configure(|cfg| h5::routes(cfg, &settings, rate_limits.clone()))
            .default_service(web::to(unknown_route))
            .wrap(security_headers(settings.environment))
            .wrap(cors(&settings.server.cors_allowed_origins))
            .wrap(metrics.http.clone())
            .wrap(from_fn(refuse_nul_characters))
            .wrap(from_fn(response_headers))
            .wrap(TracingLogger::default())
    })
    .workers(workers)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

async fn unknown_route() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound { resource: "route" })
}
