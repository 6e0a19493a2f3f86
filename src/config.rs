//! Settings: `config/default.toml` → `config/{environment}.toml` → `--config FILE` →
//! `DATABASE_URL` → `XIAOPU__SECTION__KEY` environment variables.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

/// The documented defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

const ENV_PREFIX: &str = "XIAOPU";

/// OWASP's minimum argon2id cost; configuration may raise it, never lower it.
pub const ARGON2_MIN_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_MIN_ITERATIONS: u32 = 2;
/// RFC 8725 advises short-lived access tokens; the issue caps them at 15 minutes.
pub const ACCESS_TOKEN_MAX_TTL_SECONDS: u64 = 900;
pub const JWT_SECRET_MIN_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub environment: RunEnvironment,
    pub clock: ClockSettings,
    pub server: ServerSettings,
    pub log: LogSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub rate_limit: RateLimitSettings,
    pub pagination: PaginationSettings,
    pub suppliers: SupplierSettings,
    pub goods: GoodsSettings,
    pub categories: Vec<CategorySettings>,
    pub shops: ShopSettings,
    pub sharing: SharingSettings,
    pub tiers: TierSettings,
    pub orders: OrderSettings,
    pub idempotency: IdempotencySettings,
    pub payments: PaymentSettings,
    pub jobs: JobSettings,
    pub money: MoneySettings,
    pub aftersales: AftersalesSettings,
    pub plans: PlanSettings,
    pub h5: H5Settings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunEnvironment {
    Development,
    Test,
    Production,
}

/// Business time (development and test only: production runs on the system clock).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSettings {
    /// RFC 3339; empty for the system time.
    pub now: String,
}

impl ClockSettings {
    /// The clock these settings describe: settable outside production, starting at `now` when
    /// given. Validation has already refused a fixed time in production and a malformed one.
    pub fn clock(&self, environment: RunEnvironment) -> crate::clock::Clock {
        if environment == RunEnvironment::Production {
            return crate::clock::Clock::system();
        }
        crate::clock::Clock::settable(self.start())
    }

    fn start(&self) -> Option<chrono::NaiveDateTime> {
        (!self.now.trim().is_empty())
            .then(|| crate::clock::parse_rfc3339(&self.now).ok())
            .flatten()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    pub body_limit_bytes: usize,
    pub cors_allowed_origins: Vec<String>,
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub json: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_max_size: u32,
    pub checkout_timeout_ms: u64,
    pub sqlite_busy_timeout_ms: u64,
    pub postgres_lock_timeout_ms: u64,
    pub postgres_plan_cache_mode: PlanCacheMode,
    pub retry_after_seconds: u32,
}

/// PostgreSQL's `plan_cache_mode` for the pool's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanCacheMode {
    Auto,
    ForceCustomPlan,
    ForceGenericPlan,
}

impl PlanCacheMode {
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::ForceCustomPlan => "force_custom_plan",
            Self::ForceGenericPlan => "force_generic_plan",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub jwt_secret: String,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl_seconds: u64,
    pub leeway_seconds: u64,
    pub refresh_token_ttl_days: u32,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub auth_max_requests: u64,
    pub auth_window_seconds: u64,
    pub share_lookup_max_misses: u64,
    pub share_lookup_window_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    pub default_page_size: u32,
    pub max_page_size: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierSettings {
    pub min_registered_capital_fen: i64,
    pub max_authorisation_chain: usize,
    pub base_deposit_fen: i64,
    pub exit_clearance_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsSettings {
    pub commission_floor_bps: i32,
    pub commission_ceiling_bps: i32,
    pub commission_fall_notice_days: u32,
    pub max_skus_per_goods: usize,
    pub max_images_per_goods: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySettings {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub extra_deposit_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CreditProviderKind {
    Recorded,
    Http,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopSettings {
    pub credit_provider: CreditProviderKind,
    pub credit_http_url: String,
    pub credit_http_timeout_ms: u64,
    pub min_credit_score: i32,
    pub max_items_per_shop: i32,
    pub max_shops_per_member: i64,
    pub multi_shop_tier_months: u32,
    pub display_name_suffix: String,
    pub forbidden_name_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingSettings {
    pub public_base_url: String,
}

/// The buyer's H5 pages (`src/h5/`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct H5Settings {
    /// How long a page session (and a sign-in through the pages) lasts.
    pub session_ttl_hours: u32,
    /// Mark the session cookie `Secure` on every response, not only on requests seen as https.
    pub secure_cookies: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierSettings {
    pub bonus_bps: TierBonus,
    pub time_zone: chrono_tz::Tz,
    pub refund_rate_ceiling_bps: i32,
    pub max_fall_levels: u32,
    pub senior: TierThreshold,
    pub elite: TierThreshold,
    #[serde(rename = "super")]
    pub super_: TierThreshold,
    /// Day of the month and local time (HH:MM) the scheduler runs the month just ended.
    pub run_day: u32,
    pub run_at: String,
    pub batch_size: i64,
}

/// What a month's figures must reach for a tier.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierThreshold {
    pub gmv_fen: i64,
    pub orders: i64,
    pub buyers: i64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBonus {
    pub rookie: i32,
    pub senior: i32,
    pub elite: i32,
    #[serde(rename = "super")]
    pub super_: i32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    pub payment_timeout_minutes: u32,
    pub auto_receive_days: u32,
    pub carriers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySettings {
    pub retention_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    pub gateway: String,
    pub callback_secret: String,
    pub callback_tolerance_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub scheduler_enabled: bool,
    pub cancel_unpaid_every_seconds: u64,
    pub auto_receive_every_seconds: u64,
    pub purge_keys_every_seconds: u64,
    pub send_refunds_every_seconds: u64,
    pub settle_every_seconds: u64,
    pub aftersales_deadlines_every_seconds: u64,
    pub send_payouts_every_seconds: u64,
    pub batch_size: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneySettings {
    pub settlement_window_days: u32,
    pub platform_fee_bps: i32,
    pub min_withdrawal_fen: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    pub suspend_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AftersalesSettings {
    pub claim_window_days: u32,
    pub supplier_response_hours: u32,
    pub buyer_return_days: u32,
    pub supplier_receipt_days: u32,
    pub escalation_window_days: u32,
    pub restock_returns: bool,
    pub max_images: usize,
}

/// A database URL, parsed once; its scheme picks the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                Err("sqlite:// needs a file path, e.g. sqlite://data/xiaopu.db".to_owned())
            } else {
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
        } else {
            Err("must start with sqlite:// or postgres://".to_owned())
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// The payment gateways built in; others plug into `payments::gateway::PaymentGateway`.
pub const PAYMENT_GATEWAYS: [&str; 1] = ["sandbox"];
/// The shortest callback secret accepted.
pub const CALLBACK_SECRET_MIN_LEN: usize = 32;

/// A configuration problem, always naming the key at fault.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

impl Settings {
    /// Loads the layers from the process environment and the working directory.
    pub fn load(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::load_from(config_file, &vars)
    }

    /// Loads the layers with `vars` standing for the environment (tests pass their own).
    pub fn load_from(
        config_file: Option<&Path>,
        vars: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let environment = vars
            .get("XIAOPU__ENVIRONMENT")
            .cloned()
            .unwrap_or_else(|| "development".to_owned());
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .add_source(File::with_name(&format!("config/{environment}")).required(false));
        if let Some(path) = config_file {
            if !path.exists() {
                return Err(ConfigError::new(
                    "--config",
                    format!("file {} does not exist", path.display()),
                ));
            }
            builder = builder.add_source(File::from(path));
        }
        // DATABASE_URL sits below the XIAOPU__ variables; an override would beat them.
        let database_url = vars
            .get("DATABASE_URL")
            .filter(|_| !vars.contains_key("XIAOPU__DATABASE__URL"));
        if let Some(url) = database_url {
            builder = builder
                .set_override("database.url", url.as_str())
                .map_err(|e| ConfigError::new("database.url", e.to_string()))?;
        }
        let prefixed: HashMap<String, String> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("XIAOPU__"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder.add_source(
            Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("__")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("server.cors_allowed_origins")
                .with_list_parse_key("orders.carriers")
                .try_parsing(true)
                .source(Some(prefixed)),
        );
        let raw = builder.build().map_err(describe_config_error)?;
        let settings: Settings = raw.try_deserialize().map_err(describe_config_error)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Rules a type alone cannot say.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_clock()?;
        if self.server.host.trim().is_empty() {
            return Err(ConfigError::new("server.host", "must not be empty"));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::new(
                "server.body_limit_bytes",
                "must be at least 1024",
            ));
        }
        if let Some(origin) = self
            .server
            .cors_allowed_origins
            .iter()
            .find(|o| !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(ConfigError::new(
                "server.cors_allowed_origins",
                format!("{origin:?} is not an http(s) origin"),
            ));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(ConfigError::new("log.level", "is not a valid log filter"));
        }
        DatabaseUrl::parse(&self.database.url)
            .map_err(|message| ConfigError::new("database.url", message))?;
        if self.database.pool_max_size == 0 {
            return Err(ConfigError::new(
                "database.pool_max_size",
                "must be at least 1",
            ));
        }
        if self.database.checkout_timeout_ms == 0 {
            return Err(ConfigError::new(
                "database.checkout_timeout_ms",
                "must be at least 1",
            ));
        }
        if self.database.postgres_lock_timeout_ms == 0 {
            // 0 is PostgreSQL's "wait forever": the hang this setting exists to prevent.
            return Err(ConfigError::new(
                "database.postgres_lock_timeout_ms",
                "must be at least 1",
            ));
        }
        if self.database.retry_after_seconds == 0 {
            return Err(ConfigError::new(
                "database.retry_after_seconds",
                "must be at least 1",
            ));
        }
        let auth = &self.auth;
        if auth.jwt_secret.is_empty() {
            if self.environment == RunEnvironment::Production {
                return Err(ConfigError::new(
                    "auth.jwt_secret",
                    "must be set when environment = \"production\"",
                ));
            }
        } else if auth.jwt_secret.len() < JWT_SECRET_MIN_LEN {
            return Err(ConfigError::new(
                "auth.jwt_secret",
                format!("must be at least {JWT_SECRET_MIN_LEN} characters"),
            ));
        }
        if auth.issuer.is_empty() {
            return Err(ConfigError::new("auth.issuer", "must not be empty"));
        }
        if auth.audience.is_empty() {
            return Err(ConfigError::new("auth.audience", "must not be empty"));
        }
        if auth.access_token_ttl_seconds == 0
            || auth.access_token_ttl_seconds > ACCESS_TOKEN_MAX_TTL_SECONDS
        {
            return Err(ConfigError::new(
                "auth.access_token_ttl_seconds",
                format!("must be between 1 and {ACCESS_TOKEN_MAX_TTL_SECONDS}"),
            ));
        }
        if auth.leeway_seconds > 120 {
            return Err(ConfigError::new(
                "auth.leeway_seconds",
                "must be at most 120",
            ));
        }
        if auth.refresh_token_ttl_days == 0 {
            return Err(ConfigError::new(
                "auth.refresh_token_ttl_days",
                "must be at least 1",
            ));
        }
        if auth.argon2_memory_kib < ARGON2_MIN_MEMORY_KIB {
            return Err(ConfigError::new(
                "auth.argon2_memory_kib",
                format!("must be at least {ARGON2_MIN_MEMORY_KIB} (OWASP minimum)"),
            ));
        }
        if auth.argon2_iterations < ARGON2_MIN_ITERATIONS {
            return Err(ConfigError::new(
                "auth.argon2_iterations",
                format!("must be at least {ARGON2_MIN_ITERATIONS} (OWASP minimum)"),
            ));
        }
        if auth.argon2_parallelism == 0 {
            return Err(ConfigError::new(
                "auth.argon2_parallelism",
                "must be at least 1",
            ));
        }
        for (key, value) in [
            (
                "rate_limit.auth_max_requests",
                self.rate_limit.auth_max_requests,
            ),
            (
                "rate_limit.auth_window_seconds",
                self.rate_limit.auth_window_seconds,
            ),
            (
                "rate_limit.share_lookup_max_misses",
                self.rate_limit.share_lookup_max_misses,
            ),
            (
                "rate_limit.share_lookup_window_seconds",
                self.rate_limit.share_lookup_window_seconds,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        self.validate_marketplace()?;
        self.validate_orders()?;
        let pages = &self.pagination;
        if pages.max_page_size == 0 {
            return Err(ConfigError::new(
                "pagination.max_page_size",
                "must be at least 1",
            ));
        }
        if pages.default_page_size == 0 || pages.default_page_size > pages.max_page_size {
            return Err(ConfigError::new(
                "pagination.default_page_size",
                "must be between 1 and pagination.max_page_size",
            ));
        }
        if self.h5.session_ttl_hours == 0 {
            return Err(ConfigError::new(
                "h5.session_ttl_hours",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

impl Settings {
    fn validate_orders(&self) -> Result<(), ConfigError> {
        let orders = &self.orders;
        if orders.payment_timeout_minutes == 0 {
            return Err(ConfigError::new(
                "orders.payment_timeout_minutes",
                "must be at least 1",
            ));
        }
        if orders.auto_receive_days == 0 {
            return Err(ConfigError::new(
                "orders.auto_receive_days",
                "must be at least 1",
            ));
        }
        if orders.carriers.is_empty() || orders.carriers.iter().any(|c| c.trim().is_empty()) {
            return Err(ConfigError::new(
                "orders.carriers",
                "must list at least one carrier code, none empty",
            ));
        }
        if self.idempotency.retention_hours < 24 {
            return Err(ConfigError::new(
                "idempotency.retention_hours",
                "must be at least 24 (clients retry for up to a day)",
            ));
        }
        let payments = &self.payments;
        if !PAYMENT_GATEWAYS.contains(&payments.gateway.as_str()) {
            return Err(ConfigError::new(
                "payments.gateway",
                format!("must be one of {PAYMENT_GATEWAYS:?}"),
            ));
        }
        if !payments.callback_secret.is_empty()
            && payments.callback_secret.len() < CALLBACK_SECRET_MIN_LEN
        {
            return Err(ConfigError::new(
                "payments.callback_secret",
                format!("must be empty or at least {CALLBACK_SECRET_MIN_LEN} characters"),
            ));
        }
        if self.environment == RunEnvironment::Production && payments.callback_secret.is_empty() {
            return Err(ConfigError::new(
                "payments.callback_secret",
                "must be set when environment = \"production\"",
            ));
        }
        let jobs = &self.jobs;
        for (key, seconds) in [
            (
                "jobs.cancel_unpaid_every_seconds",
                jobs.cancel_unpaid_every_seconds,
            ),
            (
                "jobs.auto_receive_every_seconds",
                jobs.auto_receive_every_seconds,
            ),
            (
                "jobs.purge_keys_every_seconds",
                jobs.purge_keys_every_seconds,
            ),
            (
                "jobs.send_refunds_every_seconds",
                jobs.send_refunds_every_seconds,
            ),
            ("jobs.settle_every_seconds", jobs.settle_every_seconds),
            (
                "jobs.aftersales_deadlines_every_seconds",
                jobs.aftersales_deadlines_every_seconds,
            ),
            (
                "jobs.send_payouts_every_seconds",
                jobs.send_payouts_every_seconds,
            ),
        ] {
            if seconds == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        if !(1..=10_000).contains(&jobs.batch_size) {
            return Err(ConfigError::new(
                "jobs.batch_size",
                "must be between 1 and 10000",
            ));
        }
        self.validate_money()
    }

    /// Tier rules must rise with the tier: each threshold above the one below, each bonus at
    /// least the one below.
    fn validate_tiers(&self) -> Result<(), ConfigError> {
        use crate::tiers::Tier;
        let tiers = &self.tiers;
        let with_thresholds: Vec<(Tier, &TierThreshold)> = Tier::ALL
            .iter()
            .filter_map(|tier| Some((*tier, tier.threshold(tiers)?)))
            .collect();
        for pair in with_thresholds.windows(2) {
            let ((lower_tier, lower), (tier, higher)) = (pair[0], pair[1]);
            for (figure, low, high) in [
                ("gmv_fen", lower.gmv_fen, higher.gmv_fen),
                ("orders", lower.orders, higher.orders),
                ("buyers", lower.buyers, higher.buyers),
            ] {
                if high <= low {
                    return Err(ConfigError::new(
                        &format!("tiers.{tier}.{figure}"),
                        format!("must be above tiers.{lower_tier}.{figure} ({low}): tiers rise"),
                    ));
                }
            }
        }
        if let Some((lowest, _)) = with_thresholds
            .iter()
            .find(|(_, t)| t.gmv_fen < 1 || t.orders < 1 || t.buyers < 1)
        {
            return Err(ConfigError::new(
                &format!("tiers.{lowest}"),
                "every threshold must be at least 1",
            ));
        }
        let bonuses: Vec<i32> = Tier::ALL
            .iter()
            .map(|tier| tier.bonus(&tiers.bonus_bps).0)
            .collect();
        if !(bonuses.windows(2).all(|pair| pair[0] <= pair[1])
            && bonuses.iter().all(|bonus| (0..=10_000).contains(bonus)))
        {
            return Err(ConfigError::new(
                "tiers.bonus_bps",
                "must not fall from rookie to super, and stay within 0..=10000",
            ));
        }
        if !(0..=10_000).contains(&tiers.refund_rate_ceiling_bps) {
            return Err(ConfigError::new(
                "tiers.refund_rate_ceiling_bps",
                "must be between 0 and 10000",
            ));
        }
        if !(1..=3).contains(&tiers.max_fall_levels) {
            return Err(ConfigError::new(
                "tiers.max_fall_levels",
                "must be between 1 and 3",
            ));
        }
        if !(1..=28).contains(&tiers.run_day) {
            return Err(ConfigError::new(
                "tiers.run_day",
                "must be between 1 and 28",
            ));
        }
        if chrono::NaiveTime::parse_from_str(&tiers.run_at, "%H:%M").is_err() {
            return Err(ConfigError::new("tiers.run_at", "must be a time HH:MM"));
        }
        if !(1..=100_000).contains(&tiers.batch_size) {
            return Err(ConfigError::new(
                "tiers.batch_size",
                "must be between 1 and 100000",
            ));
        }
        Ok(())
    }

    fn validate_clock(&self) -> Result<(), ConfigError> {
        if self.clock.now.trim().is_empty() {
            return Ok(());
        }
        if self.environment == RunEnvironment::Production {
            return Err(ConfigError::new(
                "clock.now",
                "must be empty when environment = \"production\": business time is the system's",
            ));
        }
        crate::clock::parse_rfc3339(&self.clock.now)
            .map(|_| ())
            .map_err(|message| ConfigError::new("clock.now", message))
    }

    fn validate_money(&self) -> Result<(), ConfigError> {
        self.validate_tiers()?;
        if self.money.settlement_window_days == 0 {
            return Err(ConfigError::new(
                "money.settlement_window_days",
                "must be at least 1",
            ));
        }
        if self.money.min_withdrawal_fen < 1 {
            return Err(ConfigError::new(
                "money.min_withdrawal_fen",
                "must be at least 1",
            ));
        }
        if !(0..=10_000).contains(&self.money.platform_fee_bps) {
            return Err(ConfigError::new(
                "money.platform_fee_bps",
                "must be between 0 and 10000",
            ));
        }
        let aftersales = &self.aftersales;
        if aftersales.claim_window_days < self.money.settlement_window_days {
            return Err(ConfigError::new(
                "aftersales.claim_window_days",
                "must be at least money.settlement_window_days",
            ));
        }
        if self.goods.commission_ceiling_bps + self.money.platform_fee_bps > 10_000 {
            return Err(ConfigError::new(
                "money.platform_fee_bps",
                "with goods.commission_ceiling_bps must not pass 10000 (a sale cannot give away more than it brought in)",
            ));
        }
        if !(1..=365).contains(&self.plans.suspend_days) {
            return Err(ConfigError::new(
                "plans.suspend_days",
                "must be between 1 and 365",
            ));
        }
        if aftersales.supplier_response_hours == 0 {
            return Err(ConfigError::new(
                "aftersales.supplier_response_hours",
                "must be at least 1",
            ));
        }
        if aftersales.buyer_return_days == 0 || aftersales.supplier_receipt_days == 0 {
            return Err(ConfigError::new(
                if aftersales.buyer_return_days == 0 {
                    "aftersales.buyer_return_days"
                } else {
                    "aftersales.supplier_receipt_days"
                },
                "must be at least 1",
            ));
        }
        if aftersales.escalation_window_days == 0 {
            return Err(ConfigError::new(
                "aftersales.escalation_window_days",
                "must be at least 1",
            ));
        }
        if !(1..=20).contains(&aftersales.max_images) {
            return Err(ConfigError::new(
                "aftersales.max_images",
                "must be between 1 and 20",
            ));
        }
        Ok(())
    }

    fn validate_marketplace(&self) -> Result<(), ConfigError> {
        let suppliers = &self.suppliers;
        if suppliers.min_registered_capital_fen < 0 {
            return Err(ConfigError::new(
                "suppliers.min_registered_capital_fen",
                "must not be negative",
            ));
        }
        if suppliers.max_authorisation_chain == 0 {
            return Err(ConfigError::new(
                "suppliers.max_authorisation_chain",
                "must be at least 1",
            ));
        }
        if suppliers.base_deposit_fen < 0 {
            return Err(ConfigError::new(
                "suppliers.base_deposit_fen",
                "must not be negative",
            ));
        }
        let goods = &self.goods;
        if !(0..=10_000).contains(&goods.commission_floor_bps) {
            return Err(ConfigError::new(
                "goods.commission_floor_bps",
                "must be between 0 and 10000",
            ));
        }
        if goods.commission_ceiling_bps < goods.commission_floor_bps
            || goods.commission_ceiling_bps > 10_000
        {
            return Err(ConfigError::new(
                "goods.commission_ceiling_bps",
                "must be between goods.commission_floor_bps and 10000",
            ));
        }
        if goods.max_skus_per_goods == 0 {
            return Err(ConfigError::new(
                "goods.max_skus_per_goods",
                "must be at least 1",
            ));
        }
        let shops = &self.shops;
        if shops.credit_provider == CreditProviderKind::Http
            && !(shops.credit_http_url.starts_with("http://")
                || shops.credit_http_url.starts_with("https://"))
        {
            return Err(ConfigError::new(
                "shops.credit_http_url",
                "must be an http(s) URL when shops.credit_provider = \"http\"",
            ));
        }
        if shops.max_items_per_shop < 1 {
            return Err(ConfigError::new(
                "shops.max_items_per_shop",
                "must be at least 1",
            ));
        }
        if shops.max_shops_per_member < 1 {
            return Err(ConfigError::new(
                "shops.max_shops_per_member",
                "must be at least 1",
            ));
        }
        if !(self.sharing.public_base_url.starts_with("http://")
            || self.sharing.public_base_url.starts_with("https://"))
        {
            return Err(ConfigError::new(
                "sharing.public_base_url",
                "must be an http(s) URL",
            ));
        }
        if self.categories.is_empty() {
            return Err(ConfigError::new(
                "categories",
                "at least one category is needed",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (index, category) in self.categories.iter().enumerate() {
            let key = |field: &str| format!("categories[{index}].{field}");
            let valid_code = !category.code.is_empty()
                && category
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !valid_code {
                return Err(ConfigError::new(
                    &key("code"),
                    "must be lower-case letters, digits, '-' and '.'",
                ));
            }
            if !seen.insert(category.code.as_str()) {
                return Err(ConfigError::new(
                    &key("code"),
                    format!("{:?} appears twice", category.code),
                ));
            }
            if category.extra_deposit_fen < 0 {
                return Err(ConfigError::new(
                    &key("extra_deposit_fen"),
                    "must not be negative",
                ));
            }
            // Parents come first, so the tree has no cycles.
            if let Some(parent) = &category.parent {
                if !self.categories[..index].iter().any(|c| &c.code == parent) {
                    return Err(ConfigError::new(
                        &key("parent"),
                        format!("{parent:?} is not a category listed before it"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Turns the `config` crate's error into one that names the key.
fn describe_config_error(error: config::ConfigError) -> ConfigError {
    match &error {
        config::ConfigError::Type { key: Some(key), .. } => {
            ConfigError::new(key, error.to_string())
        }
        config::ConfigError::NotFound(key) => ConfigError::new(key, "is missing"),
        config::ConfigError::At {
            key: Some(key),
            error: inner,
            ..
        } => ConfigError::new(key, inner.to_string()),
        _ => {
            let text = error.to_string();
            // serde's "unknown field `x`" and "missing field `x`" name the key in backticks.
            let key = text
                .split('`')
                .nth(1)
                .map(str::to_owned)
                .unwrap_or_else(|| "configuration".to_owned());
            ConfigError { key, message: text }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load_from(None, &vars)
    }

    #[test]
    fn defaults_load_and_listen_on_loopback_8080() {
        let settings = load(&[]).expect("defaults are valid");
        assert_eq!(settings.server.host, "127.0.0.1");
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.database.url, "sqlite://data/xiaopu.db");
        assert_eq!(settings.database.checkout_timeout_ms, 2000);
    }

    #[test]
    fn environment_variables_override_with_double_underscores() {
        let settings = load(&[
            ("XIAOPU__SERVER__PORT", "9123"),
            ("XIAOPU__SERVER__HOST", "0.0.0.0"),
            (
                "XIAOPU__SERVER__CORS_ALLOWED_ORIGINS",
                "https://a.example,https://b.example",
            ),
        ])
        .unwrap();
        assert_eq!(settings.server.port, 9123);
        assert_eq!(settings.server.host, "0.0.0.0");
        assert_eq!(
            settings.server.cors_allowed_origins,
            vec!["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn tier_rules_that_do_not_rise_or_an_unknown_time_zone_stop_start_up() {
        let error = load(&[("XIAOPU__TIERS__ELITE__ORDERS", "20")]).unwrap_err();
        assert_eq!(error.key, "tiers.elite.orders");
        let error = load(&[("XIAOPU__TIERS__SUPER__GMV_FEN", "5000000")]).unwrap_err();
        assert_eq!(error.key, "tiers.super.gmv_fen");
        let error = load(&[("XIAOPU__TIERS__TIME_ZONE", "Mars/Olympus")]).unwrap_err();
        assert!(error.key.contains("tiers.time_zone"), "{error}");
        let settings = load(&[("XIAOPU__TIERS__TIME_ZONE", "Europe/Berlin")]).unwrap();
        assert_eq!(settings.tiers.time_zone, chrono_tz::Europe::Berlin);
    }

    #[test]
    fn database_url_is_honoured_and_xiaopu_variable_wins() {
        let settings = load(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(settings.database.url, "postgres://u@h/db");
        let settings = load(&[
            ("DATABASE_URL", "postgres://u@h/db"),
            ("XIAOPU__DATABASE__URL", "sqlite://other.db"),
        ])
        .unwrap();
        assert_eq!(settings.database.url, "sqlite://other.db");
    }

    #[test]
    fn invalid_values_name_their_key() {
        let cases: &[(&str, &str, &str)] = &[
            ("XIAOPU__SERVER__PORT", "eighty", "server.port"),
            ("XIAOPU__DATABASE__URL", "mysql://x", "database.url"),
            (
                "XIAOPU__DATABASE__POOL_MAX_SIZE",
                "0",
                "database.pool_max_size",
            ),
            (
                "XIAOPU__AUTH__ARGON2_MEMORY_KIB",
                "1024",
                "auth.argon2_memory_kib",
            ),
            (
                "XIAOPU__AUTH__ACCESS_TOKEN_TTL_SECONDS",
                "3600",
                "auth.access_token_ttl_seconds",
            ),
            ("XIAOPU__AUTH__JWT_SECRET", "short", "auth.jwt_secret"),
            ("XIAOPU__ENVIRONMENT", "staging", "environment"),
            (
                "XIAOPU__DATABASE__POSTGRES_PLAN_CACHE_MODE",
                "sometimes",
                "database.postgres_plan_cache_mode",
            ),
            ("XIAOPU__LOG__LEVEL", "[[[", "log.level"),
        ];
        for (var, value, key) in cases {
            let error = load(&[(var, value)]).expect_err(var);
            assert_eq!(&error.key, key, "{var}={value}: {error}");
            assert!(error.to_string().contains(key), "{error}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let error = load(&[("XIAOPU__SERVER__PROT", "1")]).unwrap_err();
        assert!(error.to_string().contains("prot"), "{error}");
    }

    #[test]
    fn a_config_file_layers_over_the_defaults_and_under_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(&path, "[server]\nport = 7000\nworkers = 3\n").unwrap();
        let vars = [("XIAOPU__SERVER__PORT".to_owned(), "7100".to_owned())].into();
        let settings = Settings::load_from(Some(&path), &vars).unwrap();
        assert_eq!((settings.server.port, settings.server.workers), (7100, 3));
        let missing = Settings::load_from(Some(&dir.path().join("nope.toml")), &HashMap::new());
        assert_eq!(missing.unwrap_err().key, "--config");
    }

    #[test]
    fn production_requires_configured_secrets() {
        let error = load(&[("XIAOPU__ENVIRONMENT", "production")]).unwrap_err();
        assert_eq!(error.key, "auth.jwt_secret");
        let jwt = "k".repeat(40);
        let error = load(&[
            ("XIAOPU__ENVIRONMENT", "production"),
            ("XIAOPU__AUTH__JWT_SECRET", &jwt),
        ])
        .unwrap_err();
        assert_eq!(error.key, "payments.callback_secret");
        let short = load(&[("XIAOPU__PAYMENTS__CALLBACK_SECRET", "short")]).unwrap_err();
        assert_eq!(short.key, "payments.callback_secret");
        let settings = load(&[
            ("XIAOPU__ENVIRONMENT", "production"),
            ("XIAOPU__AUTH__JWT_SECRET", &jwt),
            ("XIAOPU__PAYMENTS__CALLBACK_SECRET", &"c".repeat(40)),
        ])
        .unwrap();
        assert_eq!(settings.environment, RunEnvironment::Production);
    }
}
