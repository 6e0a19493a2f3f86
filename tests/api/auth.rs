use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use xiaopu::clock::Clock;
use xiaopu::db::schema::{audit_events, members, refresh_tokens};
use xiaopu::state::AppState;

use crate::support::{
    migrated_db, test_settings, TestApp, TestDatabase, PASSWORD, TEST_JWT_SECRET,
};

#[actix_web::test]
async fn register_login_and_me_round_trip_by_email_and_phone() {
    let app = TestApp::start().await;
    let registered = app.register("Lin@Example.cn").await;
    assert_eq!(registered.status, 201, "{}", registered.text);
    let body = registered.json();
    assert_eq!(body["email"], "lin@example.cn");
    assert_eq!(body["roles"], json!(["buyer"]));
    assert!(body.get("password_hash").is_none());

    let login = app.login(" LIN@example.CN ", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let tokens = login.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me = app
        .get_json("/api/v1/me", tokens["access_token"].as_str())
        .await;
    assert_eq!(me["id"], body["id"]);

    let by_phone = app
        .post(
            "/api/v1/auth/register",
            &json!({"phone": "+86 138-0013-8000", "password": PASSWORD, "display_name": "Wang"}),
            None,
        )
        .await;
    assert_eq!(by_phone.status, 201, "{}", by_phone.text);
    assert_eq!(app.login("+8613800138000", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn registration_rules_are_reported_per_field() {
    let app = TestApp::start().await;
    let reply = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "nope", "password": "aaaaaaaa", "display_name": ""}),
            None,
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let fields: Vec<(String, String)> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("display_name".into(), "length".into()),
            ("email".into(), "invalid_format".into()),
            ("password".into(), "too_simple".into())
        ]
    );
    for (password, code) in [
        ("Ab1", "too_short"),
        (&"Ab1".repeat(43)[..], "too_long"),
        ("12345678", "too_simple"),
    ] {
        let reply = app
            .post(
                "/api/v1/auth/register",
                &json!({"email": "a@b.cn", "password": password, "display_name": "A"}),
                None,
            )
            .await;
        assert_eq!(reply.status, 422);
        assert_eq!(reply.json()["errors"][0]["code"], code);
    }
    let unknown = app
        .post(
            "/api/v1/auth/register",
            &json!({"email": "a@b.cn", "password": PASSWORD, "display_name": "A", "role": "admin"}),
            None,
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.json()["errors"][0]["field"], "role");
    assert_eq!(unknown.json()["errors"][0]["code"], "unknown_field");

    assert_eq!(app.register("dup@b.cn").await.status, 201);
    let duplicate = app.register("DUP@b.cn").await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.code(), "account_exists");
}

#[actix_web::test]
async fn concurrent_registrations_all_succeed() {
    // Writers queue on SQLite (immediate transactions + busy timeout) instead of failing busy.
    let app = TestApp::start().await;
    let emails: Vec<String> = (0..12).map(|i| format!("member{i}@b.cn")).collect();
    let replies = futures_util::future::join_all(emails.iter().map(|e| app.register(e))).await;
    for reply in &replies {
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let twice = futures_util::future::join_all((0..4).map(|_| app.register("same@b.cn"))).await;
    let mut statuses: Vec<u16> = twice.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409]);
}

#[actix_web::test]
async fn wrong_password_and_unknown_account_look_the_same() {
    let app = TestApp::start().await;
    app.register("a@b.cn").await;
    let wrong = app.login("a@b.cn", "Wrong-pass1").await;
    let unknown = app.login("nobody@b.cn", "Wrong-pass1").await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.code(), "invalid_credentials");
    assert_eq!(wrong.json(), unknown.json());
}

fn forge(claims: serde_json::Value, algorithm: Algorithm, key: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(key),
    )
    .unwrap()
}

#[actix_web::test]
async fn bad_access_tokens_get_401() {
    let app = TestApp::start().await;
    let session = app.signed_in("a@b.cn").await;
    let now = chrono::Utc::now().timestamp();
    let sub = session.member.0.to_string();
    let claims = |aud: &str, exp: i64, typ: &str| json!({"iss": "xiaopu", "aud": aud, "sub": sub, "iat": now, "exp": exp, "typ": typ});
    let key = TEST_JWT_SECRET.as_bytes();
    // A correctly forged token proves the forgery helper itself is right.
    let good = forge(
        claims("xiaopu-api", now + 300, "access"),
        Algorithm::HS256,
        key,
    );
    assert_eq!(app.get("/api/v1/me", Some(&good)).await.status, 200);

    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    let alg_none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&claims("xiaopu-api", now + 300, "access").to_string())
    );
    let cases = [
        ("no token", None, "missing_token"),
        ("alg none", Some(alg_none), "invalid_token"),
        (
            "other algorithm",
            Some(forge(
                claims("xiaopu-api", now + 300, "access"),
                Algorithm::HS512,
                key,
            )),
            "invalid_token",
        ),
        (
            "other audience",
            Some(forge(
                claims("elsewhere", now + 300, "access"),
                Algorithm::HS256,
                key,
            )),
            "invalid_token",
        ),
        (
            "expired",
            Some(forge(
                claims("xiaopu-api", now - 600, "access"),
                Algorithm::HS256,
                key,
            )),
            "token_expired",
        ),
        (
            "other key",
            Some(forge(
                claims("xiaopu-api", now + 300, "access"),
                Algorithm::HS256,
                b"a-different-key-a-different-key!!",
            )),
            "invalid_token",
        ),
        (
            "refresh token as access token",
            Some(session.refresh.clone()),
            "invalid_token",
        ),
        (
            "no sub",
            Some(forge(
                json!({"iss": "xiaopu", "aud": "xiaopu-api", "exp": now + 300, "typ": "access"}),
                Algorithm::HS256,
                key,
            )),
            "invalid_token",
        ),
    ];
    for (case, token, code) in cases {
        let reply = app.get("/api/v1/me", token.as_deref()).await;
        assert_eq!(reply.status, 401, "{case}: {}", reply.text);
        assert_eq!(reply.code(), code, "{case}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{case}");
    }
    let not_bearer = app
        .send(
            app.client
                .get(app.url("/api/v1/me"))
                .insert_header(("authorization", format!("Basic {}", session.access))),
            None,
        )
        .await;
    assert_eq!(not_bearer.status, 401);
}

#[actix_web::test]
async fn access_tokens_live_at_most_fifteen_minutes() {
    let app = TestApp::start().await;
    let session = app.signed_in("a@b.cn").await;
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.set_audience(&["xiaopu-api"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(
        &session.access,
        &jsonwebtoken::DecodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        &validation,
    )
    .unwrap()
    .claims;
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert!(lifetime > 0 && lifetime <= 900, "{lifetime}");
    assert_eq!(claims["iss"], "xiaopu");
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::start().await;
    let session = app.signed_in("a@b.cn").await;
    let first = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": session.refresh}),
            None,
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let rotated = first.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated, session.refresh);
    assert_eq!(
        app.get("/api/v1/me", first.json()["access_token"].as_str())
            .await
            .status,
        200
    );

    // The old token again: theft is assumed, the whole family dies.
    let replay = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": session.refresh}),
            None,
        )
        .await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.code(), "refresh_token_reused");
    let after = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": rotated}),
            None,
        )
        .await;
    assert_eq!(after.status, 401);
    assert_eq!(after.code(), "refresh_token_invalid");

    // Another login is another family, unaffected.
    let other = app.login("a@b.cn", PASSWORD).await.json();
    let ok = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": other["refresh_token"]}),
            None,
        )
        .await;
    assert_eq!(ok.status, 200);

    let member = session.member.0;
    let reuse_events: i64 = app
        .db_read(move |conn| {
            Ok(audit_events::table
                .filter(audit_events::actor_member_id.eq(member))
                .filter(audit_events::action.eq("session.refresh_token_reused"))
                .count()
                .get_result(conn)?)
        })
        .await;
    assert_eq!(reuse_events, 1);
    // Only digests are stored.
    let stored: Vec<String> = app
        .db_read(|conn| {
            Ok(refresh_tokens::table
                .select(refresh_tokens::token_hash)
                .load(conn)?)
        })
        .await;
    assert!(!stored.contains(&session.refresh));
    assert!(stored.iter().all(|h| h.len() == 64));
}

#[actix_web::test]
async fn concurrent_refreshes_of_one_token_let_at_most_one_through() {
    let app = TestApp::start().await;
    let session = app.signed_in("a@b.cn").await;
    let body = json!({"refresh_token": session.refresh});
    let attempts = (0..4).map(|_| app.post("/api/v1/auth/refresh", &body, None));
    let replies = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().filter(|s| **s == 200).count() <= 1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
    // A second use happened, so the family is revoked: even the winner's new token is dead.
    for reply in replies.iter().filter(|r| r.status == 200) {
        let again = app
            .post(
                "/api/v1/auth/refresh",
                &json!({"refresh_token": reply.json()["refresh_token"]}),
                None,
            )
            .await;
        assert_eq!(again.status, 401);
    }
}

#[actix_web::test]
async fn logout_revokes_the_session() {
    let app = TestApp::start().await;
    let session = app.signed_in("a@b.cn").await;
    let out = app
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": session.refresh}),
            None,
        )
        .await;
    assert_eq!(out.status, 204);
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": session.refresh}),
            None,
        )
        .await;
    assert_eq!(refresh.status, 401);
    // Unknown tokens log out quietly.
    assert_eq!(
        app.post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": "unknown"}),
            None
        )
        .await
        .status,
        204
    );
}

#[actix_web::test]
async fn login_rehashes_a_password_stored_with_weaker_parameters() {
    let app = TestApp::start().await;
    app.register("a@b.cn").await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
    .unwrap()
    .to_string();
    let stored_weak = weak.clone();
    app.db_write(move |conn| {
        diesel::update(members::table)
            .set(members::password_hash.eq(&stored_weak))
            .execute(conn)?;
        Ok(())
    })
    .await;
    assert_eq!(app.login("a@b.cn", PASSWORD).await.status, 200);
    let stored: String = app
        .db_read(|conn| Ok(members::table.select(members::password_hash).first(conn)?))
        .await;
    assert_ne!(stored, weak);
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert_eq!(app.login("a@b.cn", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn a_generated_signing_key_is_kept_with_the_data() {
    let database = TestDatabase::new();
    let mut settings = test_settings(&database.url);
    settings.auth.jwt_secret = String::new();
    let first = AppState::new(settings.clone(), migrated_db(&settings), Clock::system()).unwrap();
    let second = AppState::new(settings.clone(), migrated_db(&settings), Clock::system()).unwrap();
    let token = first.tokens.issue(xiaopu::members::MemberId(5)).unwrap();
    assert_eq!(second.tokens.verify(&token).unwrap().0, 5);
    // Never the configured test key nor any built-in default.
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.set_audience(&["xiaopu-api"]);
    assert!(jsonwebtoken::decode::<serde_json::Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        &validation
    )
    .is_err());
    // A new database gets a new key.
    let other_database = TestDatabase::new();
    let mut other_settings = test_settings(&other_database.url);
    other_settings.auth.jwt_secret = String::new();
    let other = AppState::new(
        other_settings.clone(),
        migrated_db(&other_settings),
        Clock::system(),
    )
    .unwrap();
    assert!(other.tokens.verify(&token).is_err());
}

#[actix_web::test]
async fn sign_in_endpoints_are_rate_limited_per_client() {
    let app = TestApp::builder()
        .with_settings(|s| {
            s.rate_limit.auth_max_requests = 3;
            s.rate_limit.auth_window_seconds = 60;
        })
        .start()
        .await;
    for _ in 0..3 {
        assert_eq!(app.login("a@b.cn", "Wrong-pass1").await.status, 401);
    }
    let limited = app.login("a@b.cn", "Wrong-pass1").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.code(), "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    // Register counts separately, and other routes are not limited.
    assert_eq!(app.register("a@b.cn").await.status, 201);
    for _ in 0..5 {
        assert_eq!(app.get("/healthz", None).await.status, 200);
    }
}

#[actix_web::test]
async fn admin_routes_need_the_admin_role_and_pages_are_capped() {
    let app = TestApp::start().await;
    let buyer = app.signed_in("buyer@b.cn").await;
    let forbidden = app.get("/api/v1/admin/members", Some(&buyer.access)).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.code(), "role_required");
    assert_eq!(app.get("/api/v1/admin/members", None).await.status, 401);

    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let me = app.get("/api/v1/me", Some(&admin.access)).await.json();
    assert_eq!(me["roles"], json!(["buyer", "admin"]));
    let page = app
        .get_json("/api/v1/admin/members?per_page=1", Some(&admin.access))
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["email"], "root@xiaopu.cn");
    let second = app
        .get(
            "/api/v1/admin/members?per_page=1&page=2",
            Some(&admin.access),
        )
        .await
        .json();
    assert_eq!(second["items"][0]["email"], "buyer@b.cn");

    let too_big = app
        .get("/api/v1/admin/members?per_page=1000", Some(&admin.access))
        .await;
    assert_eq!(too_big.status, 422);
    assert_eq!(too_big.json()["errors"][0]["field"], "per_page");
    let not_a_number = app
        .get("/api/v1/admin/members?page=abc", Some(&admin.access))
        .await;
    assert_eq!(not_a_number.status, 400);

    // A disabled admin loses access at once, token or not.
    let admin_id = admin.member.0;
    app.db_write(move |conn| {
        diesel::update(members::table.find(admin_id))
            .set(members::status.eq("disabled"))
            .execute(conn)?;
        Ok(())
    })
    .await;
    assert_eq!(
        app.get("/api/v1/admin/members", Some(&admin.access))
            .await
            .status,
        401
    );
    assert_eq!(
        app.login("root@xiaopu.cn", PASSWORD).await.code(),
        "account_disabled"
    );
}
