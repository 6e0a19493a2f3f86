use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn every_failure_is_a_problem_document() {
    let app = TestApp::start().await;
    let unknown = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.header("content-type"),
        Some("application/problem+json")
    );
    let body = unknown.json();
    assert_eq!(body["type"], "urn:xiaopu:problem:not_found");
    assert_eq!(body["status"], 404);
    assert!(body["title"].is_string());

    let malformed = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .insert_header(("content-type", "application/json")),
            Some(b"{\"login\": "),
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.code(), "malformed_json");

    let not_json = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .insert_header(("content-type", "text/plain")),
            Some(b"login=a"),
        )
        .await;
    assert_eq!(not_json.status, 415);
    assert_eq!(not_json.code(), "unsupported_media_type");

    let wrong_type = app
        .post(
            "/api/v1/auth/login",
            &json!({"login": 5, "password": "x"}),
            None,
        )
        .await;
    assert_eq!(wrong_type.status, 422);
    assert_eq!(wrong_type.json()["errors"][0]["field"], "login");
    assert_eq!(wrong_type.json()["errors"][0]["code"], "invalid_type");

    let missing = app
        .post("/api/v1/auth/login", &json!({"login": "a@b.cn"}), None)
        .await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.json()["errors"][0]["field"], "password");
    assert_eq!(missing.json()["errors"][0]["code"], "required");
}

#[actix_web::test]
async fn bodies_over_the_limit_get_413_and_deep_nesting_400() {
    let app = TestApp::builder()
        .with_settings(|s| s.server.body_limit_bytes = 2048)
        .start()
        .await;
    let huge = json!({"login": "a".repeat(4096), "password": "x"});
    let reply = app.post("/api/v1/auth/login", &huge, None).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.code(), "payload_too_large");

    // Rejected without recursing into it, and the server lives on.
    let deep = format!("{{\"login\": {}{}}}", "[".repeat(600), "]".repeat(600));
    let reply = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .insert_header(("content-type", "application/json")),
            Some(deep.as_bytes()),
        )
        .await;
    assert!((400..500).contains(&reply.status), "{}", reply.text);
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[actix_web::test]
async fn no_internal_text_reaches_the_client() {
    let app = TestApp::start().await;
    let replies = [
        app.register("a@b.cn").await,
        app.register("a@b.cn").await,
        app.post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": "' OR 1=1 --"}),
            None,
        )
        .await,
        app.get("/api/v1/me", Some("garbage")).await,
    ];
    for reply in &replies[1..] {
        let text = reply.text.to_lowercase();
        for leak in [
            "select",
            "insert",
            "constraint",
            "sqlite",
            "postgres",
            "panicked",
            "diesel",
        ] {
            assert!(!text.contains(leak), "{leak} in {}", reply.text);
        }
    }
}
