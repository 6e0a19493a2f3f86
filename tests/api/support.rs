//! The test harness: a fresh database per test (SQLite file, or a new PostgreSQL database when
//! TEST_DATABASE_URL names a server), and the real HTTP server on a free loopback port.

use std::collections::HashMap;
use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{json, Value};
use xiaopu::app as server;
use xiaopu::auth::accounts as service;
use xiaopu::config::Settings;
use xiaopu::db::{migrations, Db};
use xiaopu::members::{dto::RegisterRequest, rules, MemberId};
use xiaopu::state::AppState;

pub const TEST_JWT_SECRET: &str = "test-signing-key-0123456789abcdef0123456789";
pub const PASSWORD: &str = "Passw0rd!";

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if base.starts_with("postgres") => Self::postgres(&base),
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("xiaopu-test.db");
                Self {
                    url: format!("sqlite://{}", path.display()),
                    admin_url: None,
                    name: String::new(),
                    _dir: Some(dir),
                }
            }
        }
    }

    fn postgres(base: &str) -> Self {
        // Loopback, and libpq's TLS (OpenSSL) crashed this test process now and then at exit
        // (SIGSEGV after every test had passed, about one run in three): the tests need no TLS.
        let base = &if base.contains('?') {
            base.to_owned()
        } else {
            format!("{base}?sslmode=disable")
        };
        let query = base.split_once('?').map_or("", |(_, query)| query);
        let name = format!(
            "xiaopu_test_{}",
            xiaopu::auth::tokens::random_url_safe(9)
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
        let mut admin = PgConnection::establish(base).expect("TEST_DATABASE_URL reachable");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let (prefix, _) = base
            .split('?')
            .next()
            .and_then(|u| u.rsplit_once('/'))
            .expect("URL with a database name");
        Self {
            url: format!("{prefix}/{name}?{query}"),
            admin_url: Some(base.to_owned()),
            name,
            _dir: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin_url.is_some()
    }

    /// Closes every connection to this database from outside (a database restart, as seen by
    /// the pool).
    pub fn terminate_connections(&self) {
        let admin_url = self.admin_url.as_ref().expect("PostgreSQL only");
        let mut admin = PgConnection::establish(admin_url).expect("admin connection");
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        ))
        .execute(&mut admin)
        .expect("terminate connections");
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(admin_url) = &self.admin_url {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&mut admin);
            }
        }
    }
}

/// Settings for a test: the defaults, with this test's database and room for many sign-ins
/// and share-code misses.
pub fn test_settings(database_url: &str) -> Settings {
    let vars: HashMap<String, String> = [("XIAOPU__ENVIRONMENT", "test")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut settings = Settings::load_from(None, &vars).expect("default settings");
    settings.database.url = database_url.to_owned();
    settings.database.pool_max_size = 4;
    settings.server.workers = 1;
    settings.auth.jwt_secret = TEST_JWT_SECRET.to_owned();
    settings.rate_limit.auth_max_requests = 10_000;
    settings.rate_limit.share_lookup_max_misses = 10_000;
    settings
}

/// Applies the migrations of a fresh database and returns its pool.
pub fn migrated_db(settings: &Settings) -> Db {
    let db = Db::new(&settings.database).expect("pool");
    migrations::run_pending(&mut db.get().expect("connection")).expect("migrations");
    db
}

pub struct TestApp {
    pub address: String,
    pub state: web::Data<AppState>,
    pub client: awc::Client,
    handle: ServerHandle,
    // Dropped last: the server's connections must close before the database is dropped.
    pub database: TestDatabase,
}

type SettingsAdjustment = Box<dyn FnOnce(&mut Settings)>;

pub struct TestAppBuilder {
    adjust: Vec<SettingsAdjustment>,
}

impl TestAppBuilder {
    pub fn with_settings(mut self, adjust: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    pub async fn start(self) -> TestApp {
        let database = TestDatabase::new();
        let mut settings = test_settings(&database.url);
        for adjust in self.adjust {
            adjust(&mut settings);
        }
        let db = migrated_db(&settings);
        let clock = settings.clock.clock(settings.environment);
        let state = web::Data::new(AppState::new(settings, db, clock).expect("state"));
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let server = server::start(state.clone(), listener).expect("server starts");
        let handle = server.handle();
        actix_web::rt::spawn(server);
        TestApp {
            address,
            state,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            handle,
            database,
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: actix_web::http::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }

    /// The `id` of what the body describes (the object created, found or changed).
    pub fn id(&self) -> i64 {
        self.json()["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id: {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The machine code of a problem response.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Asserts that the request was refused as invalid (422), with `code` for `field` among the
/// errors.
pub fn assert_refused_by_field(reply: &Reply, field: &str, code: &str) {
    assert_eq!(reply.status, 422, "{field}: {}", reply.text);
    let errors = reply.json()["errors"].clone();
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == field && e["code"] == code),
        "{field}: {errors}"
    );
}

/// The tokens of a signed-in test member.
#[derive(Debug, Clone)]
pub struct Session {
    pub member: MemberId,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder { adjust: Vec::new() }
    }

    pub async fn start() -> Self {
        Self::builder().start().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn send(&self, request: awc::ClientRequest, body: Option<&[u8]>) -> Reply {
        let sent = match body {
            Some(bytes) => request.send_body(bytes.to_vec()).await,
            None => request.send().await,
        };
        let mut response = sent.expect("request sent");
        let bytes = response.body().limit(16 * 1024 * 1024).await.expect("body");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request, None).await
    }

    /// A GET that must succeed (200): its JSON body.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let reply = self.get(path, token).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> Reply {
        self.send_json(self.client.post(self.url(path)), body, token)
            .await
    }

    /// A POST carrying an `Idempotency-Key`, as the endpoints that move money want.
    pub async fn post_with_key(&self, path: &str, key: &str, body: &Value, token: &str) -> Reply {
        self.send_json(
            self.client
                .post(self.url(path))
                .insert_header(("Idempotency-Key", key)),
            body,
            Some(token),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: &Value, token: Option<&str>) -> Reply {
        self.send_json(self.client.put(self.url(path)), body, token)
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value, token: Option<&str>) -> Reply {
        self.send_json(self.client.patch(self.url(path)), body, token)
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = self.client.delete(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request, None).await
    }

    async fn send_json(
        &self,
        request: awc::ClientRequest,
        body: &Value,
        token: Option<&str>,
    ) -> Reply {
        let mut request = request.insert_header(("content-type", "application/json"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request, Some(body.to_string().as_bytes())).await
    }

    pub async fn register(&self, email: &str) -> Reply {
        self.post(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "display_name": "Tester"}),
            None,
        )
        .await
    }

    pub async fn login(&self, login: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            &json!({"login": login, "password": password}),
            None,
        )
        .await
    }

    /// Registers a member and signs them in.
    pub async fn signed_in(&self, email: &str) -> Session {
        let registered = self.register(email).await;
        assert_eq!(registered.status, 201, "{}", registered.text);
        self.session_of(email, MemberId(registered.id())).await
    }

    async fn session_of(&self, email: &str, member: MemberId) -> Session {
        let login = self.login(email, PASSWORD).await;
        assert_eq!(login.status, 200, "{}", login.text);
        let body = login.json();
        Session {
            member,
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates a platform admin the way `xiaopu admin create` does, and signs them in.
    pub async fn signed_in_admin(&self, email: &str) -> Session {
        let registration = rules::check_registration(RegisterRequest {
            email: Some(email.to_owned()),
            phone: None,
            password: PASSWORD.to_owned(),
            display_name: "Admin".to_owned(),
        })
        .unwrap();
        let hash = self.state.hash_password(PASSWORD.to_owned()).await.unwrap();
        let now = self.state.clock.now();
        let member = self
            .db_write(move |conn| service::create_member(conn, &registration, hash, true, now))
            .await;
        self.session_of(email, MemberId(member.id)).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command now; the workers close their connections as they exit.
        drop(self.handle.stop(false));
    }
}

/// A valid supplier application; tests change what they test.
pub fn application_body(credit_code: &str) -> Value {
    json!({
        "company_name": "Fresh Farm Co",
        "credit_code": credit_code,
        "registered_capital_fen": 500_000_000,
        "general_taxpayer": true,
        "contact": {"name": "Lin", "phone": "+8613800138000"},
        "categories": ["food-health.snacks"],
        "brand_authorisations": [{
            "brand": "FarmJoy",
            "chain": ["FarmJoy Ltd", "East Distributor"],
            "valid_from": "2026-01-01",
            "valid_until": "2099-12-31"
        }],
        "procurement_vouchers": ["PV-2026-001"]
    })
}

/// Valid credit codes (check characters computed per GB 32100-2015).
pub const CREDIT_CODES: [&str; 3] = [
    "91350100M000100Y43",
    "91110000802100433B",
    "91310000MA1FL4AB1T",
];

/// Base ¥10,000 + food & health ¥5,000 (snacks add nothing).
pub const FOOD_SNACKS_DEPOSIT: i64 = 1_500_000;

/// An approved supplier: its member's session, its id, and the admin who approved it.
pub struct SupplierFixture {
    pub member: Session,
    pub supplier_id: i64,
    pub admin: Session,
}

impl TestApp {
    /// The member's supplier application (the valid one of `application_body`).
    pub async fn apply_as_supplier(&self, member: &Session, credit_code: &str) -> Reply {
        self.post(
            "/api/v1/supplier/applications",
            &application_body(credit_code),
            Some(&member.access),
        )
        .await
    }

    /// An admin's decision on a supplier application: `approve`, or `reject` with a reason.
    pub async fn decide_application(
        &self,
        admin: &Session,
        application_id: i64,
        decision: &str,
        body: &Value,
    ) -> Reply {
        self.post(
            &format!("/api/v1/admin/supplier-applications/{application_id}/{decision}"),
            body,
            Some(&admin.access),
        )
        .await
    }

    pub async fn approved_supplier(
        &self,
        email: &str,
        credit_code: &str,
        admin: Option<Session>,
    ) -> SupplierFixture {
        let member = self.signed_in(email).await;
        let applied = self.apply_as_supplier(&member, credit_code).await;
        assert_eq!(applied.status, 201, "{}", applied.text);
        let admin = match admin {
            Some(admin) => admin,
            None => self.signed_in_admin(&format!("admin-{email}")).await,
        };
        let id = applied.id();
        let approved = self
            .decide_application(&admin, id, "approve", &json!({}))
            .await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        SupplierFixture {
            member,
            supplier_id: approved.id(),
            admin,
        }
    }

    /// Records an offline deposit payment as the fixture's admin.
    pub async fn pay_deposit(
        &self,
        supplier: &SupplierFixture,
        amount: i64,
        reference: &str,
    ) -> Reply {
        self.post(
            &format!(
                "/api/v1/admin/suppliers/{}/deposit/payments",
                supplier.supplier_id
            ),
            &json!({"amount_fen": amount, "reference": reference}),
            Some(&supplier.admin.access),
        )
        .await
    }

    /// An approved supplier whose deposit is paid in full: active.
    pub async fn active_supplier(&self, email: &str, credit_code: &str) -> SupplierFixture {
        let supplier = self.approved_supplier(email, credit_code, None).await;
        let paid = self
            .pay_deposit(&supplier, FOOD_SNACKS_DEPOSIT, &format!("BANK-{email}"))
            .await;
        assert_eq!(paid.status, 200, "{}", paid.text);
        assert_eq!(paid.json()["supplier"]["active"], true);
        supplier
    }

    /// The supplier's request to leave the platform (its deposit comes back after clearance).
    pub async fn request_exit(&self, supplier: &SupplierFixture) -> Reply {
        self.post(
            "/api/v1/supplier/exit",
            &json!({}),
            Some(&supplier.member.access),
        )
        .await
    }

    /// Deducts a penalty from the supplier's deposit (as an admin), so far below what its
    /// categories need that it becomes inactive.
    pub async fn deactivate_supplier(&self, supplier: &SupplierFixture, case_reference: &str) {
        let deducted = self
            .post(
                &format!("/api/v1/admin/suppliers/{}/deposit/deductions", supplier.supplier_id),
                &json!({"amount_fen": 600_000, "kind": "penalty", "reason": "fake tracking number", "case_reference": case_reference}),
                Some(&supplier.admin.access),
            )
            .await;
        assert_eq!(
            deducted.json()["deposit"]["supplier"]["active"],
            false,
            "{}",
            deducted.text
        );
    }

    /// Reads this test's database directly: what the API does not show.
    pub async fn db_read<T, F>(&self, work: F) -> T
    where
        F: FnOnce(&mut xiaopu::db::DbConn) -> xiaopu::error::AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.state.db.read(work).await.unwrap()
    }

    /// Changes this test's database directly, in one transaction: what the API cannot arrange
    /// (time gone by, volume, a broken row).
    pub async fn db_write<T, F>(&self, work: F) -> T
    where
        F: FnOnce(&mut xiaopu::db::DbConn) -> xiaopu::error::AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.state.db.write(work).await.unwrap()
    }

    /// `xiaopu ledger check` on this test's database.
    pub async fn ledger_check(&self) -> Result<xiaopu::ledger::check::LedgerSummary, String> {
        self.db_read(xiaopu::ledger::check::check).await
    }
}

/// The moment `elapsed` before now, as the server's clock reads it: for backdating a row.
pub fn ago(elapsed: chrono::Duration) -> chrono::NaiveDateTime {
    xiaopu::clock::Clock::system().now() - elapsed
}

/// A valid resident ID number (GB 11643 check character) distinct for each `seq`.
pub fn id_number(seq: u32) -> String {
    let body = format!("11010519900101{:03}", seq % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

impl TestApp {
    /// An admin records the member's credit score.
    pub async fn set_credit_score(&self, admin: &Session, member: &Session, score: i64) -> Reply {
        self.put(
            &format!("/api/v1/admin/members/{}/credit-score", member.member.0),
            &json!({"score": score}),
            Some(&admin.access),
        )
        .await
    }

    /// The member's real-name verification request.
    pub async fn submit_verification(
        &self,
        member: &Session,
        legal_name: &str,
        id_number: &str,
    ) -> Reply {
        self.post(
            "/api/v1/me/verification",
            &json!({"legal_name": legal_name, "id_number": id_number}),
            Some(&member.access),
        )
        .await
    }

    /// A member with a credit score of 720 and an approved verification, ready to open a shop.
    pub async fn eligible_member(&self, email: &str, seq: u32, admin: &Session) -> Session {
        let member = self.signed_in(email).await;
        let scored = self.set_credit_score(admin, &member, 720).await;
        assert_eq!(scored.status, 204, "{}", scored.text);
        let submitted = self
            .submit_verification(&member, "林小明", &id_number(seq))
            .await;
        assert_eq!(submitted.status, 201, "{}", submitted.text);
        let id = submitted.id();
        let approved = self
            .post(
                &format!("/api/v1/admin/verifications/{id}/approve"),
                &json!({}),
                Some(&admin.access),
            )
            .await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        member
    }

    /// The member's request to open a shop of that name.
    pub async fn open_shop(&self, member: &Session, name: &str) -> Reply {
        self.post(
            "/api/v1/shops",
            &json!({"name": name}),
            Some(&member.access),
        )
        .await
    }

    /// An eligible member with an open shop: (session, shop id, shop number).
    pub async fn shopkeeper(
        &self,
        email: &str,
        seq: u32,
        shop_name: &str,
        admin: &Session,
    ) -> (Session, i64, String) {
        let member = self.eligible_member(email, seq, admin).await;
        let opened = self.open_shop(&member, shop_name).await;
        assert_eq!(opened.status, 201, "{}", opened.text);
        let shop = opened.json();
        (
            member,
            shop["id"].as_i64().unwrap(),
            shop["shop_no"].as_str().unwrap().to_owned(),
        )
    }
}

/// A goods body the supplier admin API accepts (food & health snacks, one SKU at ¥29.90, 20%).
pub fn goods_body() -> Value {
    json!({
        "title": "FarmJoy dried mango",
        "description": "Sun-dried, no sugar added.",
        "category": "food-health.snacks",
        "brand": "FarmJoy",
        "image_urls": ["https://img.example.cn/mango.jpg"],
        "skus": [{"attributes": {"size": "500g"}, "price_fen": 2990, "stock": 100, "per_buyer_limit": 5}],
        "reference_price_fen": 3290,
        "market_commission_bps": 1500,
        "commission_bps": 2000
    })
}

impl TestApp {
    /// Creates goods from `body` for the supplier and lists it; its id.
    pub async fn listed_goods(&self, supplier: &SupplierFixture, body: &Value) -> i64 {
        let token = Some(supplier.member.access.as_str());
        let created = self.post("/api/v1/supplier/goods", body, token).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.id();
        let listed = self
            .post(
                &format!("/api/v1/supplier/goods/{id}/list"),
                &json!({}),
                token,
            )
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        id
    }

    /// Inserts `count` listed goods (one SKU each) for the supplier straight into the
    /// database: volume the API would take minutes to build.
    pub async fn seed_goods(&self, supplier_id: i64, count: usize) -> Vec<i64> {
        use diesel::prelude::*;
        use xiaopu::db::schema::{goods, goods_skus};
        self.db_write(move |conn| {
            let now = xiaopu::clock::Clock::system().now();
            let mut ids = Vec::with_capacity(count);
            for n in 0..count {
                let price = 1_000 + n as i64;
                let id: i64 = xiaopu::with_backend!(conn, c => diesel::insert_into(goods::table)
                        .values((
                            goods::supplier_id.eq(supplier_id),
                            goods::title.eq(format!("Seeded goods {n}")),
                            goods::description.eq("seeded"),
                            goods::category_code.eq("food-health.snacks"),
                            goods::brand.eq("FarmJoy"),
                            goods::image_urls.eq(r#"["https://img.example.cn/seed.jpg"]"#),
                            goods::reference_price_fen.eq(price),
                            goods::market_commission_bps.eq(1000),
                            goods::commission_bps.eq(1500),
                            goods::status.eq("listed"),
                            goods::min_price_fen.eq(price),
                            goods::created_at.eq(now),
                            goods::updated_at.eq(now),
                        ))
                        .returning(goods::id)
                        .get_result(c))?;
                diesel::insert_into(goods_skus::table)
                    .values((
                        goods_skus::goods_id.eq(id),
                        goods_skus::attributes.eq("{}"),
                        goods_skus::price_fen.eq(price),
                        goods_skus::stock.eq(10_i64),
                        goods_skus::version.eq(1_i64),
                        goods_skus::created_at.eq(now),
                        goods_skus::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                ids.push(id);
            }
            Ok(ids)
        })
        .await
    }

    /// Puts goods into a shop straight in the database, in order, as curation would.
    pub async fn seed_items(&self, shop_id: i64, goods_ids: Vec<i64>) {
        use diesel::prelude::*;
        use xiaopu::db::schema::{shop_items, shops};
        self.db_write(move |conn| {
            let now = xiaopu::clock::Clock::system().now();
            let first: Option<i64> = shop_items::table
                .filter(shop_items::shop_id.eq(shop_id))
                .select(diesel::dsl::max(shop_items::position))
                .first(conn)?;
            let first = first.map_or(0, |p| p + 1);
            for (goods_id, position) in goods_ids.iter().zip(first..) {
                diesel::insert_into(shop_items::table)
                    .values((
                        shop_items::shop_id.eq(shop_id),
                        shop_items::goods_id.eq(goods_id),
                        shop_items::recommendation.eq("seeded"),
                        shop_items::position.eq(position),
                        shop_items::pinned.eq(false),
                        shop_items::created_at.eq(now),
                        shop_items::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            diesel::update(shops::table.find(shop_id))
                .set(shops::item_count.eq(shops::item_count + goods_ids.len() as i32))
                .execute(conn)?;
            Ok(())
        })
        .await
    }
}

/// What a month's run decided, without when: (member, tier, previous tier, gmv, orders,
/// buyers, refund rate, reason).
pub type Decision = (i64, String, Option<String>, i64, i64, i64, i32, String);

pub fn decisions(db: &xiaopu::db::Db, month: &str) -> Vec<Decision> {
    use diesel::prelude::*;
    use xiaopu::db::schema::tier_history as h;
    h::table
        .filter(h::month.eq(month))
        .order(h::member_id)
        .select((
            h::member_id,
            h::tier,
            h::previous_tier,
            h::gmv_fen,
            h::orders,
            h::buyers,
            h::refund_rate_bps,
            h::reason,
        ))
        .load(&mut *db.get().unwrap())
        .unwrap()
}

/// WeChat Pay with the test keys (tests/fixtures/rails): `[payments.wechat]`, key by key.
fn test_wechat_merchant() -> Vec<(&'static str, String)> {
    let fixture =
        |name: &str| format!("{}/tests/fixtures/rails/{name}", env!("CARGO_MANIFEST_DIR"));
    vec![
        ("mch_id", "1900000001".to_owned()),
        ("app_id", "wx0000000000000001".to_owned()),
        (
            "merchant_serial_no",
            "5157F09EFDC096DE15EBE81A47057A72".to_owned(),
        ),
        ("merchant_private_key_path", fixture("merchant_private.pem")),
        (
            "platform_public_key_path",
            fixture("wechat_platform_public.pem"),
        ),
        ("platform_serial", "PUB_KEY_ID_0000000000000001".to_owned()),
        ("api_v3_key", "k".repeat(32)),
        (
            "notify_url",
            "https://shop.example.cn/api/v1/payments/wechat/callback".to_owned(),
        ),
    ]
}

/// Production settings: WeChat Pay in place of the sandbox, which production does not have.
pub fn production(settings: &mut xiaopu::config::Settings) {
    let merchant: serde_json::Map<String, serde_json::Value> = test_wechat_merchant()
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.into()))
        .collect();
    settings.environment = xiaopu::settings::RunEnvironment::Production;
    settings.payments.gateway = "wechat".to_owned();
    settings.payments.wechat =
        Some(serde_json::from_value(merchant.into()).expect("WeChat Pay test settings"));
}

/// The same production, as the environment variables a command reads.
pub fn production_env() -> Vec<(String, String)> {
    let mut vars = vec![
        ("XIAOPU__ENVIRONMENT".to_owned(), "production".to_owned()),
        (
            "XIAOPU__AUTH__JWT_SECRET".to_owned(),
            TEST_JWT_SECRET.to_owned(),
        ),
        ("XIAOPU__PAYMENTS__GATEWAY".to_owned(), "wechat".to_owned()),
    ];
    vars.extend(test_wechat_merchant().into_iter().map(|(key, value)| {
        (
            format!("XIAOPU__PAYMENTS__WECHAT__{}", key.to_uppercase()),
            value,
        )
    }));
    vars
}
