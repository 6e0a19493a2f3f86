//! Settings: `config/default.toml` → `config/{environment}.toml` → `--config FILE` →
//! `DATABASE_URL` → `XIAOPU__SECTION__KEY` environment variables.

use std::collections::HashMap;
use std::path::Path;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

use crate::aftersales::settings::AftersalesSettings;
use crate::auth::AuthSettings;
pub use crate::clock::ClockSettings;
use crate::db::DatabaseSettings;
use crate::goods::settings::GoodsSettings;
use crate::http::rate_limit::RateLimitSettings;
use crate::idempotency::IdempotencySettings;
use crate::money::MoneySettings;
use crate::orders::settings::{OrderSettings, PlacementTerms};
use crate::pagination::PaginationSettings;
use crate::payments::settings::PaymentSettings;
use crate::plans::settings::PlanSettings;
use crate::settings::{positive, within, Checked, DEFAULT_TOML};
pub use crate::settings::{ConfigError, RunEnvironment};
use crate::sharing::settings::SharingSettings;
use crate::shops::settings::ShopSettings;
use crate::suppliers::settings::{validate_categories, CategorySettings, SupplierSettings};
use crate::tiers::TierSettings;

const ENV_PREFIX: &str = "XIAOPU";

/// Every module's settings, one section each (`[auth]`, `[shops]`…), checked on load.
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

impl ServerSettings {
    fn validate(&self) -> Checked {
        if self.host.trim().is_empty() {
            return Err(ConfigError::new("server.host", "must not be empty"));
        }
        if self.body_limit_bytes < 1024 {
            return Err(ConfigError::new(
                "server.body_limit_bytes",
                "must be at least 1024",
            ));
        }
        if let Some(origin) = self
            .cors_allowed_origins
            .iter()
            .find(|origin| !crate::settings::is_http_url(origin))
        {
            return Err(ConfigError::new(
                "server.cors_allowed_origins",
                format!("{origin:?} is not an http(s) origin"),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub json: bool,
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

impl H5Settings {
    pub fn validate(&self) -> Checked {
        positive(&[("h5.session_ttl_hours", self.session_ttl_hours)])
    }
}

/// When the scheduler runs each job (`src/jobs/`), and how much one round takes on.
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

impl JobSettings {
    pub fn validate(&self) -> Checked {
        positive(&[
            (
                "jobs.cancel_unpaid_every_seconds",
                self.cancel_unpaid_every_seconds,
            ),
            (
                "jobs.auto_receive_every_seconds",
                self.auto_receive_every_seconds,
            ),
            (
                "jobs.purge_keys_every_seconds",
                self.purge_keys_every_seconds,
            ),
            (
                "jobs.send_refunds_every_seconds",
                self.send_refunds_every_seconds,
            ),
            ("jobs.settle_every_seconds", self.settle_every_seconds),
            (
                "jobs.aftersales_deadlines_every_seconds",
                self.aftersales_deadlines_every_seconds,
            ),
            (
                "jobs.send_payouts_every_seconds",
                self.send_payouts_every_seconds,
            ),
        ])?;
        within("jobs.batch_size", self.batch_size, 1..=10_000)
    }
}

impl Settings {
    /// What order placement needs, from the orders, tiers and money sections.
    pub fn placement_terms(&self) -> PlacementTerms {
        PlacementTerms {
            payment_timeout_minutes: self.orders.payment_timeout_minutes,
            tier_bonus: self.tiers.bonus_bps,
            platform_fee: crate::money::Bps(self.money.platform_fee_bps),
        }
    }

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

    /// Each module checks its own section; what spans sections is checked here.
    pub fn validate(&self) -> Checked {
        let environment = self.environment;
        self.clock.validate(environment)?;
        self.server.validate()?;
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(ConfigError::new("log.level", "is not a valid log filter"));
        }
        self.database.validate()?;
        self.auth.validate(environment)?;
        self.rate_limit.validate()?;
        self.suppliers.validate()?;
        self.goods.validate()?;
        self.shops.validate()?;
        self.sharing.validate()?;
        validate_categories(&self.categories)?;
        self.orders.validate()?;
        self.idempotency.validate()?;
        self.payments.validate(environment)?;
        self.jobs.validate()?;
        self.tiers.validate()?;
        self.money.validate()?;
        if self.aftersales.claim_window_days < self.money.settlement_window_days {
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
        self.plans.validate()?;
        self.aftersales.validate()?;
        self.pagination.validate()?;
        self.h5.validate()
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

    /// Test keys (tests/fixtures/rails), and a WeChat Pay merchant configured with them.
    fn wechat_vars(jwt: &str) -> Vec<(String, String)> {
        let fixture =
            |name: &str| format!("{}/tests/fixtures/rails/{name}", env!("CARGO_MANIFEST_DIR"));
        [
            ("XIAOPU__ENVIRONMENT", "production".to_owned()),
            ("XIAOPU__AUTH__JWT_SECRET", jwt.to_owned()),
            ("XIAOPU__PAYMENTS__GATEWAY", "wechat".to_owned()),
            ("XIAOPU__PAYMENTS__WECHAT__MCH_ID", "1900000001".to_owned()),
            (
                "XIAOPU__PAYMENTS__WECHAT__APP_ID",
                "wx0000000000000001".to_owned(),
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__MERCHANT_SERIAL_NO",
                "5157F09EFDC096DE15EBE81A47057A72".to_owned(),
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__MERCHANT_PRIVATE_KEY_PATH",
                fixture("merchant_private.pem"),
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__PLATFORM_PUBLIC_KEY_PATH",
                fixture("wechat_platform_public.pem"),
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__PLATFORM_SERIAL",
                "PUB_KEY_ID_0000000000000001".to_owned(),
            ),
            ("XIAOPU__PAYMENTS__WECHAT__API_V3_KEY", "k".repeat(32)),
            (
                "XIAOPU__PAYMENTS__WECHAT__NOTIFY_URL",
                "https://shop.example.cn/api/v1/payments/wechat/callback".to_owned(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn load_owned(vars: &[(String, String)]) -> Result<Settings, ConfigError> {
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        load(&pairs)
    }

    #[test]
    fn production_requires_secrets_and_a_real_gateway() {
        let error = load(&[("XIAOPU__ENVIRONMENT", "production")]).unwrap_err();
        assert_eq!(error.key, "auth.jwt_secret");
        let jwt = "k".repeat(40);
        let sandbox = load(&[
            ("XIAOPU__ENVIRONMENT", "production"),
            ("XIAOPU__AUTH__JWT_SECRET", &jwt),
        ])
        .unwrap_err();
        assert_eq!(sandbox.key, "payments.gateway", "{sandbox}");
        assert!(sandbox.message.contains("test money"), "{sandbox}");
        let short = load(&[("XIAOPU__PAYMENTS__CALLBACK_SECRET", "short")]).unwrap_err();
        assert_eq!(short.key, "payments.callback_secret");
        let settings = load_owned(&wechat_vars(&jwt)).unwrap();
        assert_eq!(settings.environment, RunEnvironment::Production);
        assert_eq!(settings.payments.gateway, "wechat");
    }

    #[test]
    fn a_rail_without_its_section_or_with_a_key_missing_names_the_key() {
        let jwt = "k".repeat(40);
        let unconfigured = load(&[
            ("XIAOPU__ENVIRONMENT", "production"),
            ("XIAOPU__AUTH__JWT_SECRET", &jwt),
            ("XIAOPU__PAYMENTS__GATEWAY", "alipay"),
        ])
        .unwrap_err();
        assert_eq!(unconfigured.key, "payments.alipay");
        for (var, key) in [
            (
                "XIAOPU__PAYMENTS__WECHAT__MERCHANT_PRIVATE_KEY_PATH",
                "payments.wechat.merchant_private_key_path",
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__PLATFORM_PUBLIC_KEY_PATH",
                "payments.wechat.platform_public_key_path",
            ),
            (
                "XIAOPU__PAYMENTS__WECHAT__API_V3_KEY",
                "payments.wechat.api_v3_key",
            ),
        ] {
            let mut vars = wechat_vars(&jwt);
            for (name, value) in vars.iter_mut() {
                if name == var {
                    *value = "/nonexistent/secret-key.pem".to_owned();
                }
            }
            let error = load_owned(&vars).unwrap_err();
            assert_eq!(error.key, key, "{error}");
            assert!(
                !error.to_string().contains("BEGIN"),
                "no key material: {error}"
            );
        }
    }
}
