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

use crate::auth::rate_limit::auth_rate_limiter;
use crate::config::{RunEnvironment, Settings};
use crate::error::AppError;
use crate::error::{FieldError, Problem};
use crate::http::middleware::{
    cors, refuse_nul_characters, response_headers, security_headers, RetryAfter,
};
use crate::openapi::BearerScheme;
use crate::ops::metrics::Metrics;
use crate::sharing::rate_limit::share_lookup_limiter;
use crate::state::AppState;
use crate::{
    aftersales, auth, catalogue, curation, finance, fulfilment, goods, h5, jobs, members, ops,
    orders, payments, plans, sharing, shops, storefront, suppliers, tiers, withdrawals,
};

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
    cfg.service(ops::handlers::healthz)
        .service(ops::handlers::readyz)
        .service(ops::handlers::metrics)
        .service(
            scope::scope("/api/v1/auth")
                .wrap(auth_rate_limiter(rate_limits.clone(), settings))
                .service(members::handlers::register)
                .service(auth::handlers::login)
                .service(auth::handlers::refresh)
                .service(auth::handlers::logout),
        )
        .service(
            scope::scope("/api/v1/admin")
                .configure(|cfg| admin_clock(cfg, settings))
                .service(members::handlers::list_members)
                .service(suppliers::handlers::list_applications)
                .service(suppliers::handlers::list_suppliers)
                .service(shops::handlers::set_credit_score)
                .service(shops::handlers::list_verifications)
                .service(shops::handlers::approve_verification)
                .service(shops::handlers::reject_verification)
                .service(suppliers::handlers::approve)
                .service(suppliers::handlers::reject)
                .service(suppliers::handlers::record_payment)
                .service(suppliers::handlers::deduct)
                .service(goods::handlers::take_down)
                .service(payments::handlers::list_events)
                .service(aftersales::handlers::disputes)
                .service(aftersales::handlers::decide)
                .service(finance::handlers::platform_finance)
                .service(tiers::handlers::runs)
                .service(jobs::handlers::run_tiers)
                .service(jobs::handlers::run_now)
                .service(tiers::handlers::distribution)
                .service(tiers::handlers::override_tier)
                .service(tiers::handlers::record_violation),
        )
        .service(
            scope::scope("/api/v1/supplier")
                .service(suppliers::handlers::apply)
                .service(suppliers::handlers::my_applications)
                .service(suppliers::handlers::deposit)
                .service(suppliers::handlers::exit)
                .service(goods::handlers::create)
                .service(goods::handlers::list)
                .service(goods::handlers::get)
                .service(goods::handlers::update)
                .service(goods::handlers::list_for_sale)
                .service(goods::handlers::delist)
                .service(goods::handlers::change_commission)
                .service(goods::handlers::set_stock)
                .service(goods::handlers::adjust_stock)
                .service(fulfilment::handlers::list)
                .service(fulfilment::handlers::export)
                .service(fulfilment::handlers::ship_bulk)
                .service(fulfilment::handlers::ship)
                .service(aftersales::handlers::supplier_cases)
                .service(aftersales::handlers::supplier_case)
                .service(aftersales::handlers::approve)
                .service(aftersales::handlers::reject)
                .service(aftersales::handlers::receive_return)
                .service(aftersales::handlers::supplier_evidence)
                .service(withdrawals::handlers::supplier_withdraw)
                .service(withdrawals::handlers::supplier_withdrawals)
                .service(plans::handlers::shopkeepers)
                .service(plans::handlers::create)
                .service(plans::handlers::list)
                .service(plans::handlers::suspend)
                .service(finance::handlers::supplier_finance),
        )
        .service(
            scope::scope("/api/v1/share")
                .wrap(share_lookup_limiter(rate_limits, settings))
                .service(sharing::handlers::open)
                .service(sharing::handlers::poster),
        )
        // Last: a scope answers 404 for what it does not hold, so the widest prefix goes last.
        .service(
            scope::scope("/api/v1")
                .service(members::handlers::me)
                .service(shops::handlers::submit_verification)
                .service(shops::handlers::my_verification)
                .service(shops::handlers::open)
                .service(shops::handlers::my_shops)
                .service(shops::handlers::update)
                .service(shops::handlers::close)
                .service(catalogue::handlers::browse)
                .service(curation::handlers::add_item)
                .service(curation::handlers::add_items)
                .service(curation::handlers::update_item)
                .service(curation::handlers::remove_item)
                .service(sharing::handlers::share)
                .service(sharing::handlers::revoke)
                .service(storefront::handlers::get_shop)
                .service(storefront::handlers::list_items)
                .service(storefront::handlers::get_item)
                .service(orders::handlers::place)
                .service(orders::handlers::list)
                .service(orders::handlers::get)
                .service(orders::handlers::cancel)
                .service(orders::handlers::confirm_receipt)
                .service(orders::handlers::shop_orders)
                .service(payments::handlers::pay)
                .service(payments::handlers::callback)
                .service(payments::handlers::sandbox_complete)
                .service(aftersales::handlers::open)
                .service(aftersales::handlers::my_cases)
                .service(aftersales::handlers::get)
                .service(aftersales::handlers::ship_return)
                .service(aftersales::handlers::escalate)
                .service(aftersales::handlers::buyer_evidence)
                .service(aftersales::handlers::withdraw)
                .service(withdrawals::handlers::shopkeeper_withdraw)
                .service(withdrawals::handlers::shopkeeper_withdrawals)
                .service(finance::handlers::earnings)
                .service(tiers::handlers::my_tier),
        );
}

/// The routes that set business time, outside production only: there the clock is the
/// system's and these routes do not exist (404).
fn admin_clock(cfg: &mut ServiceConfig, settings: &Settings) {
    if settings.environment == RunEnvironment::Production {
        return;
    }
    cfg.service(ops::clock::get_clock)
        .service(ops::clock::set_clock)
        .service(ops::clock::advance_clock);
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
            .wrap(security_headers(&settings))
            .wrap(cors(&settings))
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
