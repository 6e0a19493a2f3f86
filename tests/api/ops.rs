use crate::support::TestApp;

#[actix_web::test]
async fn health_readiness_and_security_headers() {
    let app = TestApp::start().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    for header in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
    ] {
        assert!(health.header(header).is_some(), "{header} missing");
    }
    let request_id = health.header("x-request-id").expect("request id");
    assert_eq!(request_id.len(), 36);
    assert_ne!(
        app.get("/healthz", None).await.header("x-request-id"),
        Some(request_id)
    );

    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    // Errors carry the headers too.
    assert!(app
        .get("/missing", None)
        .await
        .header("x-content-type-options")
        .is_some());
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = TestApp::start().await;
    app.get("/healthz", None).await;
    app.get("/api/v1/me", None).await;
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text;
    assert!(
        text.lines()
            .any(|l| l.starts_with("xiaopu_http_requests_total")
                && l.contains("endpoint=\"/healthz\"")
                && l.contains("status=\"200\"")),
        "{text}"
    );
    assert!(text
        .lines()
        .any(|l| l.contains("endpoint=\"/api/v1/me\"") && l.contains("status=\"401\"")));
    assert!(text.contains("xiaopu_http_requests_duration_seconds_bucket"));
    assert!(text.contains("xiaopu_db_pool_connections"));
    assert!(text.contains("xiaopu_db_pool_max 4"));
}

#[actix_web::test]
async fn docs_are_served_without_any_other_host() {
    let app = TestApp::start().await;
    let redirect = app.get("/docs", None).await;
    assert!((300..400).contains(&redirect.status), "{}", redirect.status);
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger"), "{}", page.text);
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        assert_eq!(app.get(asset, None).await.status, 200, "{asset}");
    }
    assert!(
        !page.text.contains("https://"),
        "the docs page must not load anything from elsewhere"
    );
    let document = app.get("/openapi.json", None).await.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(document["paths"]["/api/v1/auth/login"]["post"].is_object());
}

#[actix_web::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::builder()
        .with_settings(|s| s.server.cors_allowed_origins = vec!["https://shop.example".into()])
        .start()
        .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(actix_web::http::Method::OPTIONS, app.url("/api/v1/me"))
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "GET"))
    };
    let allowed = app.send(preflight("https://shop.example"), None).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    let refused = app.send(preflight("https://evil.example"), None).await;
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert!(refused.status >= 400);
}
