use actix_web::{get, web, HttpResponse};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::ops::metrics::Metrics;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers. Never touches the database.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Alive", body = HealthStatus)),
    security(())
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthStatus> {
    web::Json(HealthStatus { status: "ok" })
}

/// Readiness: the database answers within the checkout timeout.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "Database unreachable; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/readyz")]
pub async fn readyz(db: web::Data<Db>) -> AppResult<web::Json<HealthStatus>> {
    db.read(|conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map_err(|e| AppError::unavailable(format!("readiness probe failed: {e}")))
    })
    .await?;
    Ok(web::Json(HealthStatus { status: "ready" }))
}

/// Prometheus metrics: `xiaopu_http_requests_total` and `xiaopu_http_requests_duration_seconds`
/// by route pattern, method and status; database pool gauges.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(db: web::Data<Db>, metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render(&db))
}
