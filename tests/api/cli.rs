use std::io::Write;
use std::process::{Command, Stdio};
use xiaopu::clock::Clock;

use diesel::prelude::*;
use xiaopu::db::schema::members;

use crate::support::{ago, decisions, test_settings, TestDatabase};

pub fn xiaopu() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xiaopu"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (key, _) in
        std::env::vars().filter(|(k, _)| k.starts_with("XIAOPU__") || k == "DATABASE_URL")
    {
        command.env_remove(key);
    }
    command
}

#[test]
fn help_is_everywhere() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["admin", "create", "--help"],
        &["openapi", "--help"],
    ] {
        let output = xiaopu().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn an_invalid_configuration_stops_start_up_naming_the_key() {
    let output = xiaopu()
        .arg("migrate")
        .env("XIAOPU__SERVER__PORT", "eighty")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("server.port"), "{stderr}");

    let output = xiaopu()
        .arg("serve")
        .env("XIAOPU__ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("auth.jwt_secret"));
}

#[test]
fn openapi_prints_the_document() {
    let output = xiaopu().arg("openapi").output().unwrap();
    assert!(output.status.success());
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["info"]["title"], "xiaopu");
}

#[test]
fn migrate_then_admin_create_bootstraps_an_admin() {
    let database = TestDatabase::new();
    let migrate = xiaopu()
        .arg("migrate")
        .env("DATABASE_URL", &database.url)
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );

    let create = |password: &str| {
        let mut child = xiaopu()
            .args([
                "admin",
                "create",
                "--email",
                "Root@Xiaopu.cn",
                "--password-stdin",
            ])
            .env("DATABASE_URL", &database.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = create("password");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));

    let created = create("Sup3r-secret");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = create("Sup3r-secret");
    assert!(
        !again.status.success(),
        "a second admin with the same email is refused"
    );

    let settings = test_settings(&database.url);
    let db = xiaopu::db::Db::new(&settings.database).unwrap();
    let admins: Vec<(String, bool)> = members::table
        .select((members::email.assume_not_null(), members::is_admin))
        .load(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(admins, [("root@xiaopu.cn".to_owned(), true)]);
}

#[test]
fn ledger_check_passes_on_a_sound_ledger_and_names_the_first_violation() {
    let database = TestDatabase::new();
    let check = || {
        xiaopu()
            .args(["ledger", "check"])
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap()
    };
    let sound = check();
    assert!(
        sound.status.success(),
        "{}",
        String::from_utf8_lossy(&sound.stderr)
    );
    assert!(String::from_utf8_lossy(&sound.stdout).contains("ledger ok"));

    // An account whose cached balance no entry explains.
    let settings = test_settings(&database.url);
    let db = xiaopu::db::Db::new(&settings.database).unwrap();
    diesel::sql_query(
        "INSERT INTO ledger_accounts (code, normal_side, allow_negative, balance_fen, created_at) \
         VALUES ('supplier/1/deposit', 'credit', FALSE, 500, '2026-01-01 00:00:00')",
    )
    .execute(&mut *db.get().unwrap())
    .unwrap();
    let broken = check();
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("supplier/1/deposit") && stderr.contains("cached balance"),
        "{stderr}"
    );
}

#[test]
fn every_job_runs_once_from_the_command_line() {
    let database = TestDatabase::new();
    for job in [
        "supplier-exits",
        "cancel-unpaid",
        "auto-receive",
        "purge-keys",
        "send-refunds",
        "settle",
        "aftersales-deadlines",
        "send-payouts",
    ] {
        let output = xiaopu()
            .args(["jobs", "run", job])
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{job}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(&format!("{job}: 0 handled")),
            "{job}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

#[test]
fn import_credit_imports_good_rows_and_names_bad_lines() {
    let database = TestDatabase::new();
    let settings = test_settings(&database.url);
    let db = crate::support::migrated_db(&settings);
    let now = xiaopu::clock::Clock::system().now();
    for email in ["a@b.cn", "c@d.cn"] {
        diesel::insert_into(members::table)
            .values((
                members::email.eq(email),
                members::password_hash.eq("x"),
                members::display_name.eq("x"),
                members::is_admin.eq(false),
                members::status.eq("active"),
                members::created_at.eq(now),
                members::updated_at.eq(now),
            ))
            .execute(&mut *db.get().unwrap())
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scores.csv");
    std::fs::write(
        &file,
        "member,score\n1,712\nC@D.cn,650\nnobody@x.cn,700\n2,abc\n1,1200\njunk\n",
    )
    .unwrap();
    let output = xiaopu()
        .args(["admin", "import-credit"])
        .arg(&file)
        .env("DATABASE_URL", &database.url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in ["line 4:", "line 5:", "line 6:", "line 7:"] {
        assert!(stderr.contains(line), "{line} missing in {stderr}");
    }
    assert!(String::from_utf8_lossy(&output.stdout).contains("imported 2"));
    let scores: Vec<Option<i32>> = members::table
        .order(members::id)
        .select(members::credit_score)
        .load(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(scores, [Some(712), Some(650)]);
}

#[test]
fn the_tier_engine_runs_a_month_once_from_the_command_line() {
    let database = TestDatabase::new();
    let run = |args: &[&str]| {
        let output = xiaopu()
            .args(["tiers", "run"])
            .args(args)
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, stderr) = run(&["--month", "2026-13"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("month must be YYYY-MM"), "{stderr}");
    let (code, _, stderr) = run(&["--shard", "4/3"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("shard must be K/N"), "{stderr}");
    // The command line decides only a month that has ended, as the admin route does.
    let (code, _, stderr) = run(&["--month", "2099-01"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("has not ended"), "{stderr}");
    let (code, stdout, _) = run(&["--month", "2026-10", "--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    let (code, stdout, _) = run(&["--month", "2026-10", "--shard", "1/2"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("tiers 2026-10 shard 1/2"), "{stdout}");
    let (code, stdout, _) = run(&["--month", "2026-10", "--shard", "1/2"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("done before: nothing changed"), "{stdout}");
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Definition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

/// PostgreSQL: every index and constraint of the database, as their definitions.
fn schema_objects(database: &TestDatabase) -> Vec<Definition> {
    let db = crate::support::migrated_db(&test_settings(&database.url));
    diesel::sql_query(
        "SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() \
         UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY 1",
    )
    .load(&mut *db.get().unwrap())
    .unwrap()
}

#[test]
fn a_seeded_month_is_reproducible_and_the_engine_decides_every_shopkeeper() {
    let run = |database: &TestDatabase, args: &[&str]| {
        let output = xiaopu()
            .args(args)
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let seed_args = [
        "seed",
        "--shopkeepers",
        "60",
        "--orders-per-shopkeeper",
        "30",
        "--month",
        "2026-10",
        "--seed",
        "7",
    ];
    let figures = |database: &TestDatabase| -> Vec<(i64, i64, i32)> {
        let settings = test_settings(&database.url);
        let db = crate::support::migrated_db(&settings);
        let mut conn = db.get().unwrap();
        use xiaopu::db::schema::order_lines;
        order_lines::table
            .order(order_lines::id)
            .select((
                order_lines::shopkeeper_member_id,
                order_lines::amount_fen,
                order_lines::refunded_quantity,
            ))
            .load(&mut conn)
            .unwrap()
    };
    let first = TestDatabase::new();
    let second = TestDatabase::new();
    assert!(run(&first, &seed_args).contains("1800 settled orders"));
    run(&second, &seed_args);
    let lines = figures(&first);
    assert_eq!(lines.len(), 1800);
    assert_eq!(lines, figures(&second), "the same seed gives the same data");
    if first.is_postgres() {
        // The seed loads with indexes and foreign keys set aside: all are back, as migrated.
        let fresh = TestDatabase::new();
        crate::support::migrated_db(&test_settings(&fresh.url));
        assert_eq!(schema_objects(&first), schema_objects(&fresh));
    }
    // A second seed into a filled database is refused.
    let again = xiaopu()
        .args(seed_args)
        .env("DATABASE_URL", &first.url)
        .output()
        .unwrap();
    assert!(!again.status.success());

    // A dry run decides the same and writes nothing.
    let dry = run(&first, &["tiers", "run", "--month", "2026-10", "--dry-run"]);
    assert!(dry.contains("dry run: nothing written"), "{dry}");
    let db = crate::support::migrated_db(&test_settings(&first.url));
    assert!(decisions(&db, "2026-10").is_empty());
    let runs: i64 = xiaopu::db::schema::tier_runs::table
        .count()
        .get_result(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(runs, 0);
    let summary = run(&first, &["tiers", "run", "--month", "2026-10"]);
    assert!(summary.contains("shopkeepers: 60"), "{summary}");
    let decided = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| {
                line.contains("before:") || line.contains("after:") || line.contains("promoted")
            })
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(decided(&dry), decided(&summary));
    assert_eq!(decisions(&db, "2026-10").len(), 60);
    let check = run(&first, &["ledger", "check"]);
    assert!(!check.is_empty());
}

#[actix_web::test]
async fn seed_demo_fills_an_empty_database_once_and_refuses_one_with_other_members() {
    use xiaopu::demo;
    let app = crate::support::TestApp::start().await;
    let seed = |url: &str| {
        xiaopu()
            .args(["seed", "--demo"])
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    };
    let first = seed(&app.database.url);
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.starts_with("demo data loaded\n"), "{stdout}");
    assert!(stdout.contains(demo::PASSWORD), "{stdout}");

    // What the README's walkthrough relies on, through the API: every account signs in with
    // the printed password, the shopkeeper's open shop sells the supplier's goods.
    let token = |email: &'static str| {
        let app = &app;
        async move {
            let login = app.login(email, demo::PASSWORD).await;
            assert_eq!(login.status, 200, "{email}: {}", login.text);
            login.json()["access_token"].as_str().unwrap().to_owned()
        }
    };
    let admin = token(demo::ADMIN_EMAIL).await;
    assert_eq!(
        app.get("/api/v1/admin/members", Some(&admin)).await.status,
        200
    );
    token(demo::BUYER_EMAIL).await;
    let supplier = token(demo::SUPPLIER_EMAIL).await;
    let deposit = app.get("/api/v1/supplier/deposit", Some(&supplier)).await;
    assert_eq!(
        deposit.json()["supplier"]["active"],
        true,
        "{}",
        deposit.text
    );
    let keeper = token(demo::SHOPKEEPER_EMAIL).await;
    let shops = app.get("/api/v1/me/shops", Some(&keeper)).await.json();
    let shop_no = shops[0]["shop_no"].as_str().unwrap().to_owned();
    assert!(stdout.contains(&format!("(shop {shop_no})")), "{stdout}");
    let items = app
        .get(&format!("/api/v1/shops/{shop_no}/items"), None)
        .await
        .json();
    let items = items["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items
        .iter()
        .all(|item| item["availability"] == "available" && item["recommendation"] != ""));

    // Again: nothing changes.
    let members = || async {
        app.db_read(|conn| Ok(members::table.count().get_result::<i64>(conn)?))
            .await
    };
    assert_eq!(members().await, 4);
    let second = seed(&app.database.url);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(
        stdout.starts_with("demo data already loaded: nothing changed\n")
            && stdout.contains(&format!("(shop {shop_no})")),
        "{stdout}"
    );
    assert_eq!(members().await, 4);

    // A database with members of its own: refused, nothing written.
    let other = TestDatabase::new();
    let db = crate::support::migrated_db(&test_settings(&other.url));
    let registration =
        xiaopu::members::rules::check_registration(xiaopu::members::dto::RegisterRequest {
            email: Some("lin@example.cn".to_owned()),
            phone: None,
            password: crate::support::PASSWORD.to_owned(),
            display_name: "Lin".to_owned(),
        })
        .unwrap();
    xiaopu::auth::accounts::create_member(
        &mut db.get().unwrap(),
        &registration,
        "!".to_owned(),
        false,
        Clock::system().now(),
    )
    .unwrap();
    let refused = seed(&other.url);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("members that are not the demo's"),
        "{stderr}"
    );
    let count: i64 = members::table
        .count()
        .get_result(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_tier_run_killed_with_sigkill_mid_month_resumes_to_the_uninterrupted_result() {
    const SHOPKEEPERS: i64 = 1500;
    let seed = |database: &TestDatabase| {
        let output = xiaopu()
            .args(["seed", "--shopkeepers", &SHOPKEEPERS.to_string()])
            .args([
                "--orders-per-shopkeeper",
                "3",
                "--month",
                "2026-10",
                "--seed",
                "11",
            ])
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        crate::support::migrated_db(&test_settings(&database.url))
    };
    // One shopkeeper a batch: a commit each, so the kill lands between or inside batches.
    let tiers_run = |database: &TestDatabase| {
        let mut command = xiaopu();
        command
            .args(["tiers", "run", "--month", "2026-10"])
            .env("DATABASE_URL", &database.url)
            .env("XIAOPU__TIERS__BATCH_SIZE", "1");
        command
    };

    let clean = TestDatabase::new();
    let clean_db = seed(&clean);
    let output = tiers_run(&clean).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let clean_summary = String::from_utf8_lossy(&output.stdout).into_owned();
    // Not a terminal: the progress goes to the log.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("tier run progress"),
        "no progress in the log"
    );
    let uninterrupted = decisions(&clean_db, "2026-10");
    assert_eq!(uninterrupted.len() as i64, SHOPKEEPERS);

    let killed = TestDatabase::new();
    let killed_db = seed(&killed);
    let mut child = tiers_run(&killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let written = || decisions(&killed_db, "2026-10").len() as i64;
    let started = std::time::Instant::now();
    while written() < SHOPKEEPERS / 10 {
        assert!(started.elapsed().as_secs() < 60, "the run made no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // A COMMIT the process sent just before it died may still land on PostgreSQL (the server
    // finishes what it received): count once the figure has stood still for half a second.
    let mut at_kill = written();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let now = written();
        if now == at_kill {
            break;
        }
        at_kill = now;
    }
    assert!(
        at_kill < SHOPKEEPERS,
        "killed too late to prove anything ({at_kill} written)"
    );

    // The dead holder's run looks alive for a while: the rerun is refused, not doubled.
    let refused = tiers_run(&killed).output().unwrap();
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(written(), at_kill);
    // Once it has shown no life for five minutes, a rerun finishes the month.
    {
        use xiaopu::db::schema::tier_runs;
        let mut conn = killed_db.get().unwrap();
        let stale = ago(chrono::Duration::minutes(6));
        diesel::update(tier_runs::table)
            .set(tier_runs::heartbeat_at.eq(stale))
            .execute(&mut *conn)
            .unwrap();
    }
    let resumed = tiers_run(&killed).output().unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert_eq!(decisions(&killed_db, "2026-10"), uninterrupted);
    // The summary of the resumed run counts what the dead process did too.
    let counts = |summary: &str| -> Vec<String> {
        summary
            .lines()
            .filter(|line| !line.contains("duration") && !line.starts_with("tiers "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        counts(&String::from_utf8_lossy(&resumed.stdout)),
        counts(&clean_summary)
    );
}
