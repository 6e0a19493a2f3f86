use std::time::{Duration, Instant};

use crate::support::TestApp;

#[actix_web::test]
async fn an_exhausted_pool_answers_503_quickly_and_recovers() {
    let app = TestApp::builder()
        .with_settings(|s| {
            s.database.pool_max_size = 1;
            s.database.checkout_timeout_ms = 400;
            s.database.retry_after_seconds = 3;
        })
        .start()
        .await;
    let session = app.signed_in("a@b.cn").await;
    let held = app.state.db.get().expect("the only connection");

    let started = Instant::now();
    let reply = app.get("/api/v1/me", Some(&session.access)).await;
    let waited = started.elapsed();
    assert_eq!(reply.status, 503, "{}", reply.text);
    assert_eq!(reply.code(), "service_unavailable");
    assert_eq!(reply.header("retry-after"), Some("3"));
    assert!(waited >= Duration::from_millis(350), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(app.get("/readyz", None).await.status, 503);
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz", None).await.status, 200);

    drop(held);
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access)).await.status,
        200
    );
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

#[actix_web::test]
async fn service_resumes_after_the_database_drops_every_connection() {
    let app = TestApp::start().await;
    if !app.database.is_postgres() {
        // SQLite has no server to lose; the PostgreSQL run covers this.
        return;
    }
    let session = app.signed_in("a@b.cn").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access)).await.status,
        200
    );
    app.database.terminate_connections();
    // The pool notices the dead connections on checkout and opens new ones: no restart.
    let reply = app.get("/api/v1/me", Some(&session.access)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

#[actix_web::test]
async fn an_unreachable_database_gives_503_within_the_timeout() {
    // Nothing listens on port 1: every connection attempt fails.
    let unreachable = xiaopu::db::Db::new(&xiaopu::db::DatabaseSettings {
        url: "postgres://nobody@127.0.0.1:1/none".into(),
        pool_max_size: 2,
        checkout_timeout_ms: 500,
        sqlite_busy_timeout_ms: 100,
        postgres_lock_timeout_ms: 100,
        postgres_plan_cache_mode: xiaopu::db::PlanCacheMode::Auto,
        retry_after_seconds: 1,
    })
    .unwrap();
    let started = Instant::now();
    let result = unreachable.read(|_| Ok(())).await;
    assert!(matches!(
        result,
        Err(xiaopu::error::AppError::Unavailable { .. })
    ));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

/// A lock held by someone else (an operator's open transaction, another process's writer)
/// turns into 503 with Retry-After once the configured wait is over, never a hung request, and
/// nothing is written.
#[actix_web::test]
async fn a_lock_held_elsewhere_gives_503_after_the_lock_timeout() {
    let app = TestApp::builder()
        .with_settings(|s| {
            s.database.sqlite_busy_timeout_ms = 300;
            s.database.postgres_lock_timeout_ms = 300;
            s.database.retry_after_seconds = 2;
        })
        .start()
        .await;
    let mut holder = app.state.db.get().expect("a connection");
    let lock = if app.database.is_postgres() {
        "BEGIN; LOCK TABLE members IN ACCESS EXCLUSIVE MODE"
    } else {
        "BEGIN IMMEDIATE"
    };
    diesel::connection::SimpleConnection::batch_execute(&mut *holder, lock).unwrap();

    let late =
        serde_json::json!({"email": "late@b.cn", "password": "Passw0rd!x", "display_name": "Late"});
    let started = Instant::now();
    let reply = app.post("/api/v1/auth/register", &late, None).await;
    let waited = started.elapsed();
    assert_eq!(reply.status, 503, "{}", reply.text);
    assert_eq!(reply.code(), "service_unavailable");
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert!(
        !reply.text.contains("lock"),
        "no database text: {}",
        reply.text
    );
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");

    diesel::connection::SimpleConnection::batch_execute(&mut *holder, "ROLLBACK").unwrap();
    drop(holder);
    let retried = app.post("/api/v1/auth/register", &late, None).await;
    assert_eq!(
        retried.status, 201,
        "the first attempt wrote nothing: {}",
        retried.text
    );
}

/// PostgreSQL connections run with the configured plan_cache_mode (and lock_timeout).
#[actix_web::test]
async fn postgres_connections_take_the_configured_session_settings() {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        value: String,
    }
    let app = TestApp::builder()
        .with_settings(|s| {
            s.database.postgres_plan_cache_mode = xiaopu::db::PlanCacheMode::ForceGenericPlan;
            s.database.postgres_lock_timeout_ms = 1234;
        })
        .start()
        .await;
    if !app.database.is_postgres() {
        return;
    }
    let mut conn = app.state.db.get().expect("a connection");
    let show = |conn: &mut xiaopu::db::DbConn, name: &str| {
        diesel::sql_query(format!("SELECT current_setting('{name}') AS value"))
            .get_result::<Setting>(conn)
            .unwrap()
            .value
    };
    assert_eq!(show(&mut conn, "plan_cache_mode"), "force_generic_plan");
    assert_eq!(show(&mut conn, "lock_timeout"), "1234ms");
}
