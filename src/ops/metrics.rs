//! Prometheus metrics: requests by route pattern and status (actix-web-prom), and the pool.

use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{IntGauge, Registry};

use crate::db::Db;

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub http: PrometheusMetrics,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
}

impl Metrics {
    pub fn new(pool_max_size: u32) -> Result<Self, String> {
        let registry = Registry::new();
        let gauge = |name: &str, help: &str| -> Result<IntGauge, String> {
            let gauge = IntGauge::new(name, help).map_err(|e| e.to_string())?;
            registry
                .register(Box::new(gauge.clone()))
                .map_err(|e| e.to_string())?;
            Ok(gauge)
        };
        let pool_connections = gauge(
            "xiaopu_db_pool_connections",
            "Database connections open (idle + in use)",
        )?;
        let pool_idle = gauge("xiaopu_db_pool_idle", "Database connections idle")?;
        let pool_max = gauge("xiaopu_db_pool_max", "Largest pool size configured")?;
        pool_max.set(i64::from(pool_max_size));
        let http = PrometheusMetricsBuilder::new("xiaopu")
            .registry(registry.clone())
            // Unknown paths share one label, so scanners cannot blow up the series count.
            .mask_unmatched_patterns("UNMATCHED")
            .exclude_regex("^/docs")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            registry,
            http,
            pool_connections,
            pool_idle,
        })
    }

    /// The text exposition, with the pool gauges read now.
    pub fn render(&self, db: &Db) -> String {
        let (connections, idle) = db.pool_state();
        self.pool_connections.set(i64::from(connections));
        self.pool_idle.set(i64::from(idle));
        let mut out = String::new();
        if let Err(e) =
            prometheus::TextEncoder::new().encode_utf8(&self.registry.gather(), &mut out)
        {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        out
    }
}
