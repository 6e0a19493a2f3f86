//! The monthly tier engine on the database under test: figures from settled lines in the
//! business time zone's month, threshold edges, blocked rises, falls of one level, idempotent
//! reruns, shards, resuming a killed run, refusing a run held elsewhere.

use diesel::prelude::*;
use serde_json::Value;
use xiaopu::clock::Clock;
use xiaopu::db::schema::{order_lines, tier_history, tier_runs};
use xiaopu::tiers::engine::{self, Outcome, RunOptions, Summary};
use xiaopu::tiers::months::Month;
use xiaopu::tiers::repo::Shard;
use xiaopu::tiers::Tier;

use crate::support::{ago, TestApp};
use crate::worlds::{market_in, settled_order, Market, CALLBACK_SECRET};

/// A market whose tiers are within reach of a few orders: Senior at one ¥29.90 order from one
/// buyer, Elite at two orders from two buyers, Super far away.
async fn tier_market() -> Market {
    tier_market_with(|_| {}).await
}

/// `tier_market` with its settings adjusted after the tier market's own.
async fn tier_market_with(adjust: impl FnOnce(&mut xiaopu::config::Settings) + 'static) -> Market {
    let app = TestApp::builder()
        .with_settings(move |s| {
            s.payments.callback_secret = CALLBACK_SECRET.to_owned();
            s.tiers.senior = xiaopu::tiers::TierThreshold {
                gmv_fen: 2990,
                orders: 1,
                buyers: 1,
            };
            s.tiers.elite = xiaopu::tiers::TierThreshold {
                gmv_fen: 5980,
                orders: 2,
                buyers: 2,
            };
            s.tiers.super_ = xiaopu::tiers::TierThreshold {
                gmv_fen: 1_000_000,
                orders: 100,
                buyers: 50,
            };
            s.tiers.batch_size = 1;
            adjust(s);
        })
        .start()
        .await;
    let mut goods = crate::support::goods_body();
    goods["skus"][0]["per_buyer_limit"] = Value::Null;
    market_in(app, goods).await
}

pub async fn run_tiers(m: &Market, month: &str, shard: Shard, holder: &str) -> Outcome {
    let state = m.app.state.clone();
    let month = Month::parse(month).unwrap();
    // As of the month's end (or now, for a month long past): a month is decided once ended.
    let ended = month.next().start(state.settings.tiers.time_zone);
    let options = RunOptions {
        month,
        shard,
        dry_run: false,
        holder: holder.to_owned(),
        as_of: Clock::system().now().max(ended),
    };
    xiaopu::blocking::off_worker(move || {
        engine::run(&state.db, &state.settings.tiers, &options, &mut |_, _| {})
    })
    .await
    .unwrap()
    .unwrap()
}

fn finished(outcome: Outcome) -> Summary {
    match outcome {
        Outcome::Finished(summary) => summary,
        other => panic!("expected a finished run, got {other:?}"),
    }
}

/// Sets when an order's lines were settled (UTC).
async fn settled_at(m: &Market, order_id: i64, at: &str) {
    let at = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
    m.app
        .db_write(move |conn| {
            diesel::update(order_lines::table.filter(order_lines::order_id.eq(order_id)))
                .set(order_lines::settled_at.eq(at))
                .execute(conn)?;
            Ok(())
        })
        .await;
}

/// The month's rows: (member, tier, previous tier, reason), by member.
async fn history(m: &Market, month: &str) -> Vec<(i64, String, Option<String>, String)> {
    decided(m, month)
        .await
        .into_iter()
        .map(|(member, tier, previous, _, _, _, _, reason)| (member, tier, previous, reason))
        .collect()
}

/// The month's rows, whole, by member (read off the async workers).
async fn decided(m: &Market, month: &str) -> Vec<crate::support::Decision> {
    let (state, month) = (m.app.state.clone(), month.to_owned());
    xiaopu::blocking::off_worker(move || crate::support::decisions(&state.db, &month))
        .await
        .unwrap()
}

async fn record_tier(m: &Market, member: i64, month: &str, tier: &str) {
    let (month, tier) = (month.to_owned(), tier.to_owned());
    m.app
        .db_write(move |conn| {
            diesel::insert_into(tier_history::table)
                .values((
                    tier_history::member_id.eq(member),
                    tier_history::month.eq(month),
                    tier_history::tier.eq(tier),
                    tier_history::created_at.eq(xiaopu::clock::Clock::system().now()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn a_month_is_its_business_days_and_a_threshold_is_met_exactly() {
    let m = tier_market().await;
    let keeper = m.shopkeeper.member.0;
    let (first, _) = settled_order(&m, "t-1", 1).await;
    let (second, _) = settled_order(&m, "t-2", 1).await;
    // 23:59:59 on 31 October in Shanghai, and a second later (1 November, 00:00:00).
    settled_at(&m, first, "2026-10-31 15:59:59").await;
    settled_at(&m, second, "2026-10-31 16:00:00").await;

    let october = finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    assert_eq!(october.processed, 1);
    assert_eq!(october.promoted, 1);
    let rows = history(&m, "2026-10").await;
    assert_eq!(rows[0].0, keeper);
    // Exactly at Senior's thresholds (¥29.90, one order, one buyer); Elite would need a second.
    assert_eq!(rows[0].1, "senior");
    assert_eq!(rows[0].2.as_deref(), Some("rookie"));
    assert!(rows[0].3.contains("rose to senior"), "{}", rows[0].3);

    // November has the other order only: Senior kept, and it says what Elite needs.
    let november = finished(run_tiers(&m, "2026-11", Shard::WHOLE, "t").await);
    assert_eq!(november.unchanged, 1);
    let rows = history(&m, "2026-11").await;
    assert_eq!(rows[0].1, "senior");
    assert!(rows[0].3.contains("elite needs"), "{}", rows[0].3);

    // The tier applies to orders placed from now on.
    let placed = m.place_one("after-run", 1).await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    let shop_orders = m.shop_orders().await;
    assert_eq!(shop_orders["items"][0]["lines"][0]["tier_bonus_bps"], 500);
    // Orders placed before the run keep the bonus they were placed with.
    let earlier: Vec<&Value> = shop_orders["items"].as_array().unwrap()[1..]
        .iter()
        .collect();
    assert_eq!(earlier.len(), 2);
    for order in earlier {
        assert_eq!(order["lines"][0]["tier_bonus_bps"], 0, "{order}");
    }

    // A rerun changes nothing and adds nothing.
    let again = run_tiers(&m, "2026-10", Shard::WHOLE, "t").await;
    assert!(
        matches!(again, Outcome::AlreadyDone(ref s) if s.processed == 1),
        "{again:?}"
    );
    assert_eq!(history(&m, "2026-10").await.len(), 1);
}

#[actix_web::test]
async fn a_refund_rate_over_the_ceiling_blocks_a_rise() {
    let m = tier_market().await;
    let (order_id, part) = settled_order(&m, "u-1", 2).await;
    settled_at(&m, order_id, "2026-10-10 04:00:00").await;
    // One of the two pieces refunded after settlement: ¥29.90 kept (Senior exactly) with a
    // refund rate of 50%, which blocks the rise.
    let line = m.order(order_id).await["parts"][0]["lines"][0]["id"]
        .as_i64()
        .unwrap();
    let case_id = crate::worlds::open_case(&m, order_id, part, "refund_only", line, 1)
        .await
        .id();
    crate::worlds::supplier_post(&m, case_id, "approve", serde_json::json!({})).await;
    finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    let rows = history(&m, "2026-10").await;
    assert_eq!(rows[0].1, "rookie");
    assert!(
        rows[0].3.contains("refund rate 50.00% above 20.00%"),
        "{}",
        rows[0].3
    );
}

#[actix_web::test]
async fn a_month_without_sales_falls_one_level_at_most() {
    let m = tier_market().await;
    let keeper = m.shopkeeper.member.0;
    record_tier(&m, keeper, "2026-09", "super").await;
    let summary = finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    assert_eq!(
        (
            summary.demoted,
            summary.before[Tier::Super],
            summary.after[Tier::Elite]
        ),
        (1, 1, 1)
    );
    let rows = history(&m, "2026-10").await;
    assert_eq!(rows[0].1, "elite");
    assert!(rows[0].3.contains("at most 1 level"), "{}", rows[0].3);
}

#[actix_web::test]
async fn the_tier_before_a_month_is_the_latest_recorded_even_months_earlier() {
    let m = tier_market().await;
    let keeper = m.shopkeeper.member.0;
    // Not the previous month's row: months without a run in between, and a later month that
    // must not count as "before".
    record_tier(&m, keeper, "2026-06", "elite").await;
    record_tier(&m, keeper, "2026-07", "super").await;
    record_tier(&m, keeper, "2026-11", "rookie").await;
    finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    let rows = history(&m, "2026-10").await;
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2.as_deref()),
        ("elite", Some("super"))
    );
}

/// Several shopkeepers with different histories: (member ids).
async fn several_shopkeepers(m: &Market) -> Vec<i64> {
    let mut members = vec![m.shopkeeper.member.0];
    for (i, tier) in ["super", "elite", "senior", "rookie"].iter().enumerate() {
        let (keeper, _, _) = m
            .app
            .shopkeeper(
                &format!("keeper{i}@example.cn"),
                10 + i as u32,
                &format!("第{i}号小店"),
                &m.supplier.admin,
            )
            .await;
        record_tier(m, keeper.member.0, "2026-09", tier).await;
        members.push(keeper.member.0);
    }
    let (order_id, _) = settled_order(m, "s-1", 1).await;
    settled_at(m, order_id, "2026-10-05 04:00:00").await;
    members
}

#[actix_web::test]
async fn three_shards_decide_exactly_what_one_worker_does() {
    let m = tier_market().await;
    several_shopkeepers(&m).await;
    for k in 1..=3 {
        let shard = Shard { index: k, count: 3 };
        finished(run_tiers(&m, "2026-10", shard, &format!("w{k}")).await);
    }
    let sharded = history(&m, "2026-10").await;
    assert_eq!(sharded.len(), 5);
    // Each shard's run counted exactly the shopkeepers it decided.
    let runs: Vec<(i32, i64, i64)> = m
        .app
        .db_read(|conn| {
            Ok(tier_runs::table
                .order(tier_runs::shard_index)
                .select((
                    tier_runs::shard_index,
                    tier_runs::total,
                    tier_runs::processed,
                ))
                .load(conn)?)
        })
        .await;
    assert_eq!(runs.len(), 3);
    assert!(
        runs.iter().all(|(_, total, processed)| total == processed),
        "{runs:?}"
    );
    assert_eq!(runs.iter().map(|(_, total, _)| total).sum::<i64>(), 5);
    forget_month(&m, "2026-10").await;
    let whole = finished(run_tiers(&m, "2026-10", Shard::WHOLE, "one").await);
    assert_eq!(whole.processed, 5);
    assert_eq!(history(&m, "2026-10").await, sharded);
}

#[actix_web::test]
async fn a_row_already_recorded_for_the_month_is_kept_and_the_others_are_decided() {
    let m = tier_market().await;
    let mut members = several_shopkeepers(&m).await;
    // As an override made before the run leaves it; the run alone would make this Super of
    // September an Elite.
    record_tier(&m, members[1], "2026-10", "rookie").await;
    let recorded = history(&m, "2026-10").await;
    finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    let rows = history(&m, "2026-10").await;
    members.sort();
    assert_eq!(rows.iter().map(|row| row.0).collect::<Vec<_>>(), members);
    assert_eq!(
        rows.iter().find(|row| row.0 == recorded[0].0),
        Some(&recorded[0])
    );
}

/// Deletes the month's decisions and runs, to run it again from scratch.
async fn forget_month(m: &Market, month: &str) {
    let month = month.to_owned();
    m.app
        .db_write(move |conn| {
            diesel::delete(tier_history::table.filter(tier_history::month.eq(month)))
                .execute(conn)?;
            diesel::delete(tier_runs::table).execute(conn)?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn a_killed_run_is_refused_while_alive_and_resumed_after_to_the_uninterrupted_result() {
    let m = tier_market().await;
    several_shopkeepers(&m).await;
    // The uninterrupted result.
    let clean = finished(run_tiers(&m, "2026-10", Shard::WHOLE, "clean").await);
    let uninterrupted = history(&m, "2026-10").await;
    assert_eq!(uninterrupted.len(), 5);
    forget_month(&m, "2026-10").await;

    // A run that dies after its second batch (one shopkeeper a batch): the process is gone
    // right after a commit, as a kill between or inside batches leaves it.
    let state = m.app.state.clone();
    let died = xiaopu::blocking::off_worker(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let options = RunOptions {
                month: Month::parse("2026-10").unwrap(),
                shard: Shard::WHOLE,
                dry_run: false,
                holder: "doomed".to_owned(),
                as_of: Clock::system().now(),
            };
            engine::run(
                &state.db,
                &state.settings.tiers,
                &options,
                &mut |done, _| {
                    assert!(done < 2, "killed");
                },
            )
        }))
        .is_err()
    })
    .await
    .unwrap();
    assert!(died);
    assert_eq!(history(&m, "2026-10").await.len(), 2);

    // While its holder still looks alive, another process is refused, not doubled.
    let refused = run_tiers(&m, "2026-10", Shard::WHOLE, "me").await;
    assert!(
        matches!(refused, Outcome::RunningElsewhere(ref holder) if holder == "doomed"),
        "{refused:?}"
    );
    // Once it has shown no life for five minutes, the rerun finishes the month.
    m.app
        .db_write(|conn| {
            diesel::update(tier_runs::table)
                .set(tier_runs::heartbeat_at.eq(ago(chrono::Duration::minutes(6))))
                .execute(conn)?;
            Ok(())
        })
        .await;
    let resumed = finished(run_tiers(&m, "2026-10", Shard::WHOLE, "me").await);
    // The summary counts the batches of the dead process too (kept with its checkpoints).
    assert_eq!(resumed.processed, 5);
    assert_eq!(
        (
            resumed.before,
            resumed.after,
            resumed.promoted,
            resumed.demoted
        ),
        (clean.before, clean.after, clean.promoted, clean.demoted)
    );
    let after: Vec<_> = history(&m, "2026-10").await;
    assert_eq!(after, uninterrupted);
}

#[actix_web::test]
async fn a_holder_whose_run_was_taken_over_stops_without_writing_its_batch() {
    let m = tier_market().await;
    several_shopkeepers(&m).await;
    let state = m.app.state.clone();
    let outcome = xiaopu::blocking::off_worker(move || {
        let options = RunOptions {
            month: Month::parse("2026-10").unwrap(),
            shard: Shard::WHOLE,
            dry_run: false,
            holder: "slow".to_owned(),
            as_of: Clock::system().now(),
        };
        let db = &state.db;
        engine::run(db, &state.settings.tiers, &options, &mut |done, _| {
            // After the first batch, another process takes the run over (as it may once this
            // one looks dead).
            if done == 1 {
                let mut conn = db.get().unwrap();
                diesel::update(tier_runs::table)
                    .set(tier_runs::holder.eq("thief"))
                    .execute(&mut *conn)
                    .unwrap();
            }
        })
    })
    .await
    .unwrap();
    assert!(
        matches!(
            outcome,
            Err(xiaopu::error::AppError::Conflict {
                code: "run_taken_over",
                ..
            })
        ),
        "{outcome:?}"
    );
    assert_eq!(history(&m, "2026-10").await.len(), 1);
}

#[actix_web::test]
async fn shopkeepers_see_their_tier_and_progress_and_admins_runs_distribution_and_overrides() {
    let m = tier_market().await;
    let keeper = m.shopkeeper.member.0;
    settled_order(&m, "me-1", 1).await;
    let mine = m
        .app
        .get("/api/v1/me/tier", Some(&m.shopkeeper.access))
        .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let view = mine.json();
    assert_eq!(view["tier"], "rookie");
    assert_eq!(view["bonus_bps"], 0);
    assert_eq!(view["this_month_figures"]["gmv_fen"], 2990);
    assert_eq!(view["this_month_figures"]["orders"], 1);
    assert_eq!(view["next_tier"], "senior");
    assert!(view["next_tier_needs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|need| need["missing"] == 0));

    finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    let admin = &m.supplier.admin.access;
    let runs = m
        .app
        .get_json("/api/v1/admin/tiers/runs", Some(admin))
        .await;
    assert_eq!(runs["items"][0]["month"], "2026-10");
    assert_eq!(runs["items"][0]["status"], "done");
    assert_eq!(runs["items"][0]["processed"], 1);
    let duration = runs["items"][0]["duration_seconds"].as_f64().unwrap();
    assert!((0.0..60.0).contains(&duration), "{duration}");

    let overridden = m
        .app
        .post(
            &format!("/api/v1/admin/shopkeepers/{keeper}/tier"),
            &serde_json::json!({"tier": "elite", "reason": "重点合作 key partner"}),
            Some(admin),
        )
        .await;
    assert_eq!(overridden.status, 200, "{}", overridden.text);
    assert_eq!(overridden.json()["source"], "override");
    let view = m
        .app
        .get("/api/v1/me/tier", Some(&m.shopkeeper.access))
        .await
        .json();
    assert_eq!(view["tier"], "elite");
    assert_eq!(view["bonus_bps"], 1000);
    assert_eq!(view["last_decision"]["previous_tier"], "rookie");
    assert_eq!(view["last_decision"]["source"], "override");
    assert!(
        view["last_decision"]["reason"]
            .as_str()
            .unwrap()
            .contains("重点合作 key partner"),
        "{view}"
    );
    // Super is far: exactly what this month's one order still lacks.
    assert_eq!(view["next_tier"], "super");
    assert_eq!(
        view["next_tier_needs"],
        serde_json::json!([
            {"figure": "gmv_fen", "needed": 1_000_000, "have": 2990, "missing": 997_010},
            {"figure": "orders", "needed": 100, "have": 1, "missing": 99},
            {"figure": "buyers", "needed": 50, "have": 1, "missing": 49},
        ])
    );
    let distribution = m
        .app
        .get("/api/v1/admin/tiers/distribution", Some(admin))
        .await
        .json();
    assert_eq!(distribution["elite"], 1);
    assert_eq!(distribution["rookie"], 0);
    let audited: i64 = m
        .app
        .db_read(|conn| {
            use xiaopu::db::schema::audit_events;
            Ok(audit_events::table
                .filter(audit_events::action.eq("tier.overridden"))
                .count()
                .get_result(conn)?)
        })
        .await;
    assert_eq!(audited, 1);
    // Shopkeepers cannot override; a member without a shop is not a shopkeeper.
    let not_admin = m
        .app
        .post(
            &format!("/api/v1/admin/shopkeepers/{keeper}/tier"),
            &serde_json::json!({"tier": "super", "reason": "mine"}),
            Some(&m.shopkeeper.access),
        )
        .await;
    assert_eq!(not_admin.status, 403);
    let buyer = m.buyer.member.0;
    let no_shop = m
        .app
        .post(
            &format!("/api/v1/admin/shopkeepers/{buyer}/tier"),
            &serde_json::json!({"tier": "super", "reason": "no shop"}),
            Some(admin),
        )
        .await;
    assert_eq!(no_shop.status, 404);
}

#[actix_web::test]
async fn a_serious_violation_recorded_by_an_admin_blocks_the_month_s_rise() {
    let m = tier_market().await;
    let keeper = m.shopkeeper.member.0;
    settled_order(&m, "v-1", 1).await;
    let admin = &m.supplier.admin.access;
    let bad = m
        .app
        .post(
            &format!("/api/v1/admin/members/{keeper}/violations"),
            &serde_json::json!({"serious": true, "reason": ""}),
            Some(admin),
        )
        .await;
    assert_eq!(bad.status, 422);
    let recorded = m
        .app
        .post(
            &format!("/api/v1/admin/members/{keeper}/violations"),
            &serde_json::json!({"serious": true, "reason": "刷单 fake orders"}),
            Some(admin),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    let this_month = Month::of(
        xiaopu::clock::Clock::system().now(),
        m.app.state.settings.tiers.time_zone,
    )
    .label();
    finished(run_tiers(&m, &this_month, Shard::WHOLE, "t").await);
    let rows = history(&m, &this_month).await;
    assert_eq!(rows[0].1, "rookie");
    assert!(rows[0].3.contains("1 serious violation"), "{}", rows[0].3);
}

/// A month's rows with their figures: (member, gmv, orders, buyers, refund rate bps).
async fn history_figures(m: &Market, month: &str) -> Vec<(i64, i64, i64, i64, i32)> {
    decided(m, month)
        .await
        .into_iter()
        .map(|(member, _, _, gmv, orders, buyers, refund_rate, _)| {
            (member, gmv, orders, buyers, refund_rate)
        })
        .collect()
}

/// Refunds `quantity` pieces of the order's (only) line after settlement, as its buyer asks.
async fn refund_after_settlement(m: &Market, order_id: i64, part: i64, quantity: i64) {
    let line = m.order(order_id).await["parts"][0]["lines"][0]["id"]
        .as_i64()
        .unwrap();
    let opened = crate::worlds::open_case(m, order_id, part, "refund_only", line, quantity).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let approved =
        crate::worlds::supplier_post(m, opened.id(), "approve", serde_json::json!({})).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
}

#[actix_web::test]
async fn figures_are_net_of_refunds_over_all_the_shopkeeper_s_shops_with_distinct_buyers() {
    let mut m = tier_market().await;
    let keeper = m.shopkeeper.clone();
    let zone = m.app.state.settings.tiers.time_zone;
    let this_month = Month::of(xiaopu::clock::Clock::system().now(), zone);
    // Three Elite months before this one let the shopkeeper open a second shop.
    let mut month = this_month;
    for _ in 0..3 {
        month = month.previous();
        record_tier(&m, keeper.member.0, &month.label(), "elite").await;
    }
    let opened = m.app.open_shop(&keeper, "阿明的第二家店").await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let second_shop = opened.id();
    let second_item = crate::worlds::add_item(&m.app, &keeper, second_shop, m.goods_id).await;
    let first_item = m.item_id;
    let first_buyer = m.buyer.clone();
    let second_buyer = m.app.signed_in("buyer2@example.cn").await;
    let third_buyer = m.app.signed_in("buyer3@example.cn").await;

    // First buyer, first shop: 2 pieces, one refunded after settlement.
    let (a, a_part) = settled_order(&m, "f-a", 2).await;
    refund_after_settlement(&m, a, a_part, 1).await;
    // Second buyer: one piece in each shop.
    m.buyer = second_buyer;
    settled_order(&m, "f-b", 1).await;
    m.item_id = second_item;
    settled_order(&m, "f-c", 1).await;
    // Third buyer, second shop: one piece, refunded whole (no order, no buyer counted).
    m.buyer = third_buyer;
    let (d, d_part) = settled_order(&m, "f-d", 1).await;
    refund_after_settlement(&m, d, d_part, 1).await;
    // The shopkeeper's own purchase counts for nothing.
    m.buyer = keeper.clone();
    settled_order(&m, "f-own", 3).await;
    (m.buyer, m.item_id) = (first_buyer, first_item);

    finished(run_tiers(&m, &this_month.label(), Shard::WHOLE, "t").await);
    // Kept: 1 + 1 + 1 pieces at ¥29.90 in 3 orders from 2 buyers; refunded 2 of 5 pieces.
    assert_eq!(
        history_figures(&m, &this_month.label()).await,
        [(keeper.member.0, 3 * 2990, 3, 2, 4000)]
    );
    let rows = history(&m, &this_month.label()).await;
    // Elite's figures are met and Super's are not: Elite is kept.
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2.as_deref()),
        ("elite", Some("elite"))
    );
}

#[actix_web::test]
async fn one_fen_under_a_threshold_does_not_qualify() {
    // Senior needs one fen more than the ¥29.90 sold.
    let m = tier_market_with(|s| s.tiers.senior.gmv_fen = 2991).await;
    let (order_id, _) = settled_order(&m, "fen-1", 1).await;
    settled_at(&m, order_id, "2026-10-10 04:00:00").await;
    finished(run_tiers(&m, "2026-10", Shard::WHOLE, "t").await);
    let rows = history(&m, "2026-10").await;
    assert_eq!(rows[0].1, "rookie");
    assert!(rows[0].3.contains("senior needs"), "{}", rows[0].3);
    assert_eq!(history_figures(&m, "2026-10").await[0].1, 2990);
}
