use std::collections::BTreeSet;

use diesel::prelude::*;
use xiaopu::db::schema::{app_secrets, audit_events, members, refresh_tokens};
use xiaopu::db::{migrations, Db};

use crate::support::{test_settings, TestDatabase};

fn versions(folder: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!(
        "{}/migrations/{folder}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
    .collect()
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let postgres = versions("postgres");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, versions("sqlite"));
}

#[actix_web::test]
async fn migrations_go_down_and_up_again_and_every_table_round_trips() {
    let database = TestDatabase::new();
    let settings = test_settings(&database.url);
    let db = Db::new(&settings.database).unwrap();
    let mut conn = db.get().unwrap();
    let applied = migrations::run_pending(&mut conn).unwrap();
    assert_eq!(applied.len(), versions("sqlite").len());
    assert!(
        migrations::run_pending(&mut conn).unwrap().is_empty(),
        "second run applies nothing"
    );
    let reverted = migrations::revert_all(&mut conn).unwrap();
    assert_eq!(reverted.len(), applied.len());
    assert!(migrations::applied(&mut conn).unwrap().is_empty());
    assert!(
        members::table
            .count()
            .get_result::<i64>(&mut *conn)
            .is_err(),
        "tables are gone"
    );
    migrations::run_pending(&mut conn).unwrap();
    assert_eq!(migrations::applied(&mut conn).unwrap().len(), applied.len());

    let now = xiaopu::clock::Clock::system().now();
    let member_id: i64 = xiaopu::with_backend!(&mut *conn, c => diesel::insert_into(members::table)
        .values((
            members::email.eq("a@b.cn"),
            members::password_hash.eq("$argon2id$x"),
            members::display_name.eq("名字 😀"),
            members::is_admin.eq(true),
            members::status.eq("active"),
            members::created_at.eq(now),
            members::updated_at.eq(now),
        ))
        .returning(members::id)
        .get_result(c))
    .unwrap();
    let (email, phone, name, admin, created): (
        Option<String>,
        Option<String>,
        String,
        bool,
        chrono::NaiveDateTime,
    ) = members::table
        .find(member_id)
        .select((
            members::email,
            members::phone,
            members::display_name,
            members::is_admin,
            members::created_at,
        ))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(
        (email.as_deref(), phone, name.as_str(), admin),
        (Some("a@b.cn"), None, "名字 😀", true)
    );
    assert_eq!(created, now);

    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::member_id.eq(member_id),
            refresh_tokens::family_id.eq("f"),
            refresh_tokens::token_hash.eq("h"),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now),
        ))
        .execute(&mut *conn)
        .unwrap();
    let used: Option<chrono::NaiveDateTime> = refresh_tokens::table
        .select(refresh_tokens::used_at)
        .first(&mut *conn)
        .unwrap();
    assert_eq!(used, None);

    diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq("k"),
            app_secrets::value.eq("v"),
            app_secrets::created_at.eq(now),
        ))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(
        app_secrets::table
            .select(app_secrets::value)
            .first::<String>(&mut *conn)
            .unwrap(),
        "v"
    );

    diesel::insert_into(audit_events::table)
        .values((
            audit_events::actor_member_id.eq(Some(member_id)),
            audit_events::action.eq("a"),
            audit_events::subject_type.eq("member"),
            audit_events::subject_id.eq("1"),
            audit_events::detail.eq("{}"),
            audit_events::created_at.eq(now),
        ))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(
        audit_events::table
            .count()
            .get_result::<i64>(&mut *conn)
            .unwrap(),
        1
    );

    // Constraints hold on both backends: a member needs a login, foreign keys are enforced.
    let no_login = diesel::insert_into(members::table)
        .values((
            members::password_hash.eq("x"),
            members::display_name.eq("x"),
            members::is_admin.eq(false),
            members::status.eq("active"),
            members::created_at.eq(now),
            members::updated_at.eq(now),
        ))
        .execute(&mut *conn);
    assert!(no_login.is_err());
    let orphan = diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::member_id.eq(member_id + 1000),
            refresh_tokens::family_id.eq("f"),
            refresh_tokens::token_hash.eq("other"),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now),
        ))
        .execute(&mut *conn);
    assert!(orphan.is_err());
}
