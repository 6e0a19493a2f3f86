use std::collections::HashSet;

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::json;

use crate::support::{ago, id_number, TestApp};

#[actix_web::test]
async fn each_eligibility_condition_is_named_when_it_fails() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let member = app.signed_in("m@b.cn").await;
    let open = || app.open_shop(&member, "阿明的零食铺");
    assert_eq!(open().await.code(), "credit_score_missing");

    let set_score = |score: i64| app.set_credit_score(&admin, &member, score);
    assert_eq!(set_score(699).await.status, 204);
    let low = open().await;
    assert_eq!(
        (low.status, low.code()),
        (403, "credit_score_too_low".to_owned())
    );
    assert_eq!(set_score(700).await.status, 204);
    assert_eq!(open().await.code(), "verification_required");
    assert_eq!(set_score(1001).await.status, 422);

    let bad = app
        .submit_verification(&member, "林", "110105199001010011")
        .await;
    assert_eq!(bad.json()["errors"][0]["field"], "id_number");
    let submitted = app
        .submit_verification(&member, "林小明", &id_number(1))
        .await;
    assert_eq!(submitted.status, 201);
    let masked = submitted.json()["id_number"].as_str().unwrap().to_owned();
    assert!(
        masked.contains("*******") && !masked.contains(&id_number(1)[3..14]),
        "{masked}"
    );
    assert_eq!(
        open().await.code(),
        "verification_required",
        "pending is not approved"
    );
    let id = submitted.id();
    let rejected = app
        .post(
            &format!("/api/v1/admin/verifications/{id}/reject"),
            &json!({"reason": "blurry"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(open().await.code(), "verification_required");

    let again = app
        .submit_verification(&member, "林小明", &id_number(1))
        .await;
    let id = again.id();
    app.post(
        &format!("/api/v1/admin/verifications/{id}/approve"),
        &json!({}),
        Some(&admin.access),
    )
    .await;
    let opened = open().await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    assert_eq!(opened.json()["display_name"], "阿明的零食铺的小铺");
    let me = app.get("/api/v1/me", Some(&member.access)).await.json();
    assert_eq!(me["roles"], json!(["buyer", "shopkeeper"]));
    // The full ID number is in no response.
    let mine = app
        .get("/api/v1/me/verification", Some(&member.access))
        .await;
    assert!(!mine.text.contains(&id_number(1)));

    // Another account cannot reuse the ID number.
    let other = app.signed_in("o@b.cn").await;
    let reuse = app
        .submit_verification(&other, "林小明", &id_number(1))
        .await;
    assert_eq!(reuse.code(), "id_number_in_use");

    // One shop per member until the tier engine says otherwise.
    let second = app.open_shop(&member, "第二家店").await;
    assert_eq!(
        (second.status, second.code()),
        (403, "shop_limit_reached".to_owned())
    );

    // Elite or Super for three recorded months in a row opens the door to a second shop.
    let record_tiers = |tiers: &[(&'static str, &'static str)]| {
        let (member_id, tiers) = (member.member.0, tiers.to_vec());
        app.state.db.write(move |conn| {
            use diesel::prelude::*;
            use xiaopu::db::schema::tier_history;
            for (month, tier) in tiers {
                diesel::insert_into(tier_history::table)
                    .values((
                        tier_history::member_id.eq(member_id),
                        tier_history::month.eq(month),
                        tier_history::tier.eq(tier),
                        tier_history::created_at.eq(xiaopu::clock::Clock::system().now()),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
    };
    // The months just ended, newest first.
    let zone = app.state.settings.tiers.time_zone;
    let mut month = xiaopu::tiers::months::Month::of(xiaopu::clock::Clock::system().now(), zone);
    let [last, second_last, third_last, fourth_last] = [(); 4].map(|_| {
        month = month.previous();
        &*month.label().leak()
    });
    let open_second = || app.open_shop(&member, "第二家店");
    // Elite long ago, and in the months just ended with a gap: not sustained.
    record_tiers(&[
        ("2024-01", "super"),
        ("2024-02", "super"),
        ("2024-03", "super"),
    ])
    .await
    .unwrap();
    record_tiers(&[(second_last, "elite"), (fourth_last, "super")])
        .await
        .unwrap();
    assert_eq!(
        open_second().await.code(),
        "shop_limit_reached",
        "a month missing among the last three"
    );
    record_tiers(&[(last, "elite"), (third_last, "senior")])
        .await
        .unwrap();
    assert_eq!(
        open_second().await.code(),
        "shop_limit_reached",
        "a Senior month among the three"
    );
    app.db_write(move |conn| {
        use diesel::prelude::*;
        use xiaopu::db::schema::tier_history;
        diesel::update(tier_history::table.filter(tier_history::month.eq(third_last)))
            .set(tier_history::tier.eq("super"))
            .execute(conn)?;
        Ok(())
    })
    .await;
    // A violation in the last 90 days keeps the door shut; after that it no longer counts.
    let violation = app
        .post(
            &format!("/api/v1/admin/members/{}/violations", member.member.0),
            &json!({"serious": false, "reason": "夸大宣传 overstated claims"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(violation.status, 201, "{}", violation.text);
    assert_eq!(open_second().await.code(), "shop_limit_reached");
    app.db_write(|conn| {
        use diesel::prelude::*;
        use xiaopu::db::schema::member_violations;
        diesel::update(member_violations::table)
            .set(member_violations::created_at.eq(ago(chrono::Duration::days(91))))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let opened = open_second().await;
    assert_eq!(opened.status, 201, "{}", opened.text);
}

#[actix_web::test]
async fn names_are_checked_folded_and_unique() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let member = app.eligible_member("m@b.cn", 1, &admin).await;
    for name in [
        "小米官·方店",
        "Apple O.F.F.I.C.I.A.L",
        "Nike  flag ship store",
        "华为 授-权 店",
    ] {
        let reply = app.open_shop(&member, name).await;
        assert_eq!(reply.status, 422, "{name}: {}", reply.text);
        assert_eq!(
            reply.json()["errors"][0]["code"],
            "forbidden_word",
            "{name}"
        );
    }
    for name in ["a", &"长".repeat(31)] {
        let reply = app.open_shop(&member, name).await;
        assert_eq!(reply.json()["errors"][0]["code"], "length", "{name}");
    }
    assert_eq!(app.open_shop(&member, "  Lin's Snacks  ").await.status, 201);
    let other = app.eligible_member("o@b.cn", 2, &admin).await;
    let taken = app.open_shop(&other, "lin s snacks").await;
    assert_eq!(
        (taken.status, taken.json()["errors"][0]["code"].as_str()),
        (422, Some("taken"))
    );
}

#[actix_web::test]
async fn shop_numbers_are_six_digits_and_unique_over_many_openings() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let mut numbers = HashSet::new();
    for i in 0..25 {
        let (_, _, shop_no) = app
            .shopkeeper(&format!("k{i}@b.cn"), i, &format!("小铺{i}"), &admin)
            .await;
        assert!(
            shop_no.len() == 6 && shop_no.chars().all(|c| c.is_ascii_digit()),
            "{shop_no}"
        );
        assert!(numbers.insert(shop_no), "shop numbers must not repeat");
    }

    // A number already taken (as by an opening at the same moment) is skipped for the next.
    let taken: Vec<String> = numbers.into_iter().take(2).collect();
    let member = app.signed_in("collision@b.cn").await.member.0;
    let candidates = [taken[0].clone(), taken[1].clone(), "000042".to_owned()];
    let new_shop = move |name: &str| xiaopu::shops::model::NewShop {
        owner_member_id: member,
        shop_no: String::new(),
        name: name.to_owned(),
        name_key: name.to_owned(),
        logo_url: None,
        description: String::new(),
        status: xiaopu::shops::model::ShopStatus::Open,
        item_count: 0,
        created_at: xiaopu::clock::Clock::system().now(),
        updated_at: xiaopu::clock::Clock::system().now(),
    };
    let (first, second) = (new_shop("撞号小铺"), new_shop("再撞号小铺"));
    let opened = app
        .db_write(move |conn| {
            let id = xiaopu::shops::service::insert_with_free_shop_no(conn, first, candidates)?;
            // Every candidate taken: a clear 503-class refusal, nothing written.
            let none_left =
                xiaopu::shops::service::insert_with_free_shop_no(conn, second, taken.clone());
            Ok((
                xiaopu::shops::service::shop(conn, id)?.shop_no,
                none_left.is_err(),
            ))
        })
        .await;
    assert_eq!(opened, ("000042".to_owned(), true));
}

#[actix_web::test]
async fn owners_edit_and_close_their_shop_and_nobody_else_can() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await;
    let (owner, shop, _) = app.shopkeeper("k@b.cn", 1, "阿明的零食铺", &admin).await;
    let (other, _, _) = app.shopkeeper("o@b.cn", 2, "别家小店", &admin).await;
    let patch = |token: &str, body: serde_json::Value| {
        let (app, token) = (&app, token.to_owned());
        async move {
            app.patch(&format!("/api/v1/me/shops/{shop}"), &body, Some(&token))
                .await
        }
    };
    let ok = patch(
        &owner.access,
        json!({"description": "每天新鲜", "logo_url": "https://img.example.cn/logo.png"}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["description"], "每天新鲜");
    assert_eq!(
        patch(
            &owner.access,
            json!({"logo_url": "http://img.example.cn/logo.png"})
        )
        .await
        .status,
        422
    );
    assert_eq!(
        patch(&other.access, json!({"description": "hijack"}))
            .await
            .status,
        404
    );
    let buyer = app.signed_in("b@b.cn").await;
    assert_eq!(
        patch(&buyer.access, json!({"description": "x"}))
            .await
            .status,
        403
    );

    let closed = app
        .post(
            &format!("/api/v1/me/shops/{shop}/close"),
            &json!({}),
            Some(&owner.access),
        )
        .await;
    assert_eq!(closed.json()["status"], "closed");
    let mine = app
        .get("/api/v1/me/shops", Some(&owner.access))
        .await
        .json();
    assert_eq!(
        mine[0]["status"], "closed",
        "closing keeps the shop's history"
    );
}

#[actix_web::test]
async fn an_http_credit_provider_is_asked_and_its_failures_never_pass() {
    // A stand-in credit bureau on a free loopback port.
    let bureau = HttpServer::new(|| {
        App::new().route(
            "/score",
            web::get().to(
                |query: web::Query<std::collections::HashMap<String, String>>| async move {
                    match query.get("member_id").map(String::as_str) {
                        Some("2") => HttpResponse::Ok().json(json!({"score": 760})),
                        Some("3") => HttpResponse::Ok().body("not json"),
                        Some("4") => {
                            actix_web::rt::time::sleep(std::time::Duration::from_secs(3)).await;
                            HttpResponse::Ok().json(json!({"score": 800}))
                        }
                        _ => HttpResponse::NotFound().finish(),
                    }
                },
            ),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = bureau.addrs()[0];
    let bureau = bureau.run();
    let bureau_handle = bureau.handle();
    actix_web::rt::spawn(bureau);

    let app = TestApp::builder()
        .with_settings(move |s| {
            s.shops.credit_provider = xiaopu::shops::settings::CreditProviderKind::Http;
            s.shops.credit_http_url = format!("http://{address}/score");
            s.shops.credit_http_timeout_ms = 500;
        })
        .start()
        .await;
    let admin = app.signed_in_admin("root@xiaopu.cn").await; // member 1
    let mut codes = Vec::new();
    for seq in 2..=5 {
        let member = app
            .eligible_member(&format!("m{seq}@b.cn"), seq, &admin)
            .await;
        assert_eq!(member.member.0, i64::from(seq));
        let reply = app.open_shop(&member, &format!("小铺{seq}")).await;
        codes.push((reply.status, reply.code()));
    }
    assert_eq!(codes[0].0, 201, "the bureau's 760 passes");
    assert_eq!(
        codes[1],
        (503, "service_unavailable".to_owned()),
        "a bad answer never passes"
    );
    assert_eq!(
        codes[2],
        (503, "service_unavailable".to_owned()),
        "a timeout never passes"
    );
    assert_eq!(
        codes[3],
        (403, "credit_score_missing".to_owned()),
        "an unknown member has no score"
    );
    bureau_handle.stop(false).await;
}
