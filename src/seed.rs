//! `xiaopu seed`: a reproducible dataset for the tier engine's benchmark, written by the
//! database itself (`INSERT … SELECT` over a generated series), so a million shopkeepers with
//! ten million settled orders take minutes, not hours. Every value derives from the row number
//! and the seed, so the same arguments give the same data on either backend.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::goods::dto::GoodsStatus;
use crate::members::model::MemberStatus;
use crate::orders::state::OrderStatus;
use crate::shops::model::ShopStatus;
use crate::suppliers::dto::ApplicationStatus;
use crate::suppliers::model::SupplierStatus;
use crate::tiers::months::Month;
use crate::tiers::Tier;

#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub shopkeepers: i64,
    pub orders_per_shopkeeper: i64,
    /// The month the orders are settled in.
    pub month: Month,
    pub seed: i64,
    /// Share of lines with one piece refunded, in percent.
    pub refund_percent: i64,
    /// The business time zone the month is in.
    pub zone: chrono_tz::Tz,
}

/// Suppliers and goods the orders spread over.
const SUPPLIERS: i64 = 10;
const GOODS_PER_SUPPLIER: i64 = 10;

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub members: i64,
    pub shops: i64,
    pub orders: i64,
}

/// A deterministic pseudo-random number in `0..modulus` from a row number and the seed (a
/// linear congruential step; small enough never to overflow 64 bits on either backend).
fn hash(column: &str, seed: i64, salt: i64, modulus: i64) -> String {
    format!(
        "((CAST({column} AS BIGINT) * 1103515245 + {}) % 2147483648 % {modulus})",
        seed * 7919 + salt
    )
}

struct Sql {
    postgres: bool,
}

impl Sql {
    /// Rows numbered 1..=n as column `i`.
    fn series(&self, n: i64) -> String {
        if self.postgres {
            format!("(SELECT generate_series(1, {n}) AS i) g")
        } else {
            format!(
                "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
                 SELECT i FROM s) g"
            )
        }
    }

    /// `base` plus `seconds` (an SQL expression), as a stored timestamp.
    fn at(&self, base: NaiveDateTime, seconds: &str) -> String {
        let base = base.format("%Y-%m-%d %H:%M:%S");
        if self.postgres {
            format!("(TIMESTAMP '{base}' + ({seconds}) * INTERVAL '1 second')")
        } else {
            format!("datetime('{base}', '+' || ({seconds}) || ' seconds')")
        }
    }

    fn text(&self, expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }
}

/// The tables the seed writes ids into (their sequences are moved past them afterwards).
const SEEDED_TABLES: [&str; 10] = [
    "members",
    "supplier_applications",
    "suppliers",
    "goods",
    "goods_skus",
    "shops",
    "shop_items",
    "orders",
    "supplier_orders",
    "order_lines",
];

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    drop: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    create: String,
}

/// PostgreSQL: runs `load` with the seeded tables' foreign keys and secondary indexes set
/// aside, then builds each index in one sort and checks each foreign key in one join, in the
/// same transaction (as `pg_restore` does). Kept in place, ten million orders cost a check
/// per reference and a random index insert per row: an hour instead of minutes.
fn bulk_load(conn: &mut DbConn, load: impl FnOnce(&mut DbConn) -> AppResult<()>) -> AppResult<()> {
    let tables = SEEDED_TABLES.map(|t| format!("'{t}'")).join(", ");
    let foreign_keys: Vec<Definition> = diesel::sql_query(format!(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop, \
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, \
             pg_get_constraintdef(oid)) AS create \
         FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ({tables})"
    ))
    .load(conn)?;
    // Indexes that back no constraint (a primary or unique key stays: the seed's ids and
    // numbers come in order, and the keys guard them).
    let indexes: Vec<Definition> = diesel::sql_query(format!(
        "SELECT format('DROP INDEX %I.%I', schemaname, indexname) AS drop, indexdef AS create \
         FROM pg_indexes i WHERE schemaname = current_schema() AND tablename IN ({tables}) \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname \
             AND c.contype IN ('p', 'u', 'x'))"
    ))
    .load(conn)?;
    for definition in foreign_keys.iter().chain(&indexes) {
        diesel::sql_query(&definition.drop).execute(conn)?;
    }
    load(conn)?;
    for definition in indexes.iter().chain(&foreign_keys) {
        diesel::sql_query(&definition.create).execute(conn)?;
    }
    Ok(())
}

/// Seeds an empty database (refused if it has members: seeding uses fixed ids).
pub fn seed(conn: &mut DbConn, options: SeedOptions) -> AppResult<Seeded> {
    use crate::db::schema::members;
    if options.shopkeepers < 1 || options.orders_per_shopkeeper < 1 {
        return Err(AppError::field(
            "shopkeepers",
            "out_of_range",
            "seed at least one shopkeeper with at least one order",
        ));
    }
    let existing: i64 = members::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(AppError::Conflict {
            code: "database_not_empty",
            detail: "seed writes fixed ids: use an empty database".to_owned(),
        });
    }
    let sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
    };
    let n = options.shopkeepers;
    let buyers = n;
    let orders = n * options.orders_per_shopkeeper;
    let goods = SUPPLIERS * GOODS_PER_SUPPLIER;
    let supplier_member = n + buyers + 1;
    let (start, end) = options.month.bounds(options.zone);
    let month_seconds = (end - start).num_seconds();
    let created = sql.at(start, "0");
    let seed = options.seed;
    let statements = vec![
        // Shopkeepers 1..=n, buyers n+1..=2n, the suppliers' member last.
        format!(
            "INSERT INTO members (id, email, password_hash, display_name, is_admin, status, created_at, updated_at) \
             SELECT i, 'seed-' || {} || '@seed.invalid', '!', 'seed', FALSE, '{active}', {created}, {created} \
             FROM {}",
            sql.text("i"),
            sql.series(supplier_member),
            active = MemberStatus::Active,
        ),
        format!(
            "INSERT INTO supplier_applications (id, applicant_member_id, company_name, credit_code, \
               registered_capital_fen, general_taxpayer, contact_name, contact_phone, categories, \
               brand_authorisations, procurement_vouchers, status, created_at) \
             SELECT i, {supplier_member}, 'Seed supplier ' || {t}, 'SEED' || {t}, 100000000, TRUE, 'seed', \
               '13800000000', '[\"food-health.snacks\"]', '[]', '[]', '{approved}', {created} FROM {}",
            sql.series(SUPPLIERS),
            t = sql.text("i"),
            approved = ApplicationStatus::Approved,
        ),
        format!(
            "INSERT INTO suppliers (id, application_id, company_name, credit_code, categories, \
               required_deposit_fen, status, is_active, created_at, updated_at) \
             SELECT i, i, 'Seed supplier ' || {t}, 'SEED' || {t}, '[\"food-health.snacks\"]', 0, \
               '{approved}', TRUE, {created}, {created} FROM {}",
            sql.series(SUPPLIERS),
            t = sql.text("i"),
            approved = SupplierStatus::Approved,
        ),
        format!(
            "INSERT INTO goods (id, supplier_id, title, description, category_code, brand, image_urls, \
               reference_price_fen, market_commission_bps, commission_bps, status, created_at, updated_at) \
             SELECT i, (i - 1) % {SUPPLIERS} + 1, 'Seed goods ' || {}, 'seed', 'food-health.snacks', 'seed', \
               '[]', 100000, 1000, 1000 + {} , '{listed}', {created}, {created} FROM {}",
            sql.text("i"),
            hash("i", seed, 1, 2000),
            sql.series(goods),
            listed = GoodsStatus::Listed,
        ),
        format!(
            "INSERT INTO goods_skus (id, goods_id, attributes, price_fen, stock, version, created_at, updated_at) \
             SELECT i, i, '{{}}', 990 + {}, 1000000, 1, {created}, {created} FROM {}",
            hash("i", seed, 2, 30000),
            sql.series(goods)
        ),
        format!(
            "INSERT INTO shops (id, owner_member_id, shop_no, name, name_key, description, status, \
               item_count, created_at, updated_at) \
             SELECT i, i, 'S' || {t}, 'Seed shop ' || {t}, 'seed' || {t}, '', '{open}', 1, {created}, {created} \
             FROM {}",
            sql.series(n),
            t = sql.text("i"),
            open = ShopStatus::Open,
        ),
        format!(
            "INSERT INTO shop_items (id, shop_id, goods_id, recommendation, position, pinned, created_at, updated_at) \
             SELECT i, i, {} + 1, 'seed', 1, FALSE, {created}, {created} FROM {}",
            hash("i", seed, 3, goods),
            sql.series(n)
        ),
        // Orders skewed over the shops as sales are (shop h²/n + 1 for a uniform h: the
        // first shops sell thousands of orders, most a few, some none), bought by
        // pseudo-random buyers, settled at pseudo-random moments of the month.
        format!(
            "INSERT INTO orders (id, order_no, buyer_member_id, shop_id, status, total_fen, recipient_name, \
               recipient_phone, region, address_detail, payment_due_at, paid_at, created_at, updated_at) \
             SELECT g.i, 'SEED' || {}, {n} + {} + 1, g.shop, '{completed}', \
               k.price_fen * ({} + 1), 'seed', '13800000000', 'seed', 'seed', {at}, {at}, {at}, {at} \
             FROM (SELECT i, {h} * {h} / {n} + 1 AS shop FROM {}) g \
             JOIN shop_items si ON si.id = g.shop \
             JOIN goods_skus k ON k.id = si.goods_id",
            sql.text("g.i"),
            hash("g.i", seed, 4, buyers),
            hash("g.i", seed, 5, 3),
            sql.series(orders),
            h = hash("i", seed, 9, n),
            at = sql.at(start, &hash("g.i", seed, 6, month_seconds)),
            completed = OrderStatus::Completed,
        ),
        format!(
            "INSERT INTO supplier_orders (id, order_id, supplier_id, status, total_fen, received_at, \
               created_at, updated_at) \
             SELECT o.id, o.id, g.supplier_id, '{}', o.total_fen, o.paid_at, o.created_at, o.updated_at \
             FROM orders o JOIN shop_items si ON si.id = o.shop_id JOIN goods g ON g.id = si.goods_id",
            OrderStatus::Completed
        ),
        format!(
            "INSERT INTO order_lines (id, order_id, supplier_order_id, shop_item_id, goods_id, sku_id, \
               supplier_id, shop_id, shopkeeper_member_id, title, sku_attributes, unit_price_fen, quantity, \
               amount_fen, commission_bps, tier, tier_bonus_bps, commission_fen, tier_bonus_fen, created_at, \
               platform_fee_bps, refunded_quantity, settled_at) \
             SELECT o.id, o.id, o.id, si.id, g.id, g.id, g.supplier_id, o.shop_id, o.shop_id, g.title, '{{}}', \
               k.price_fen, CAST(o.total_fen / k.price_fen AS INTEGER), o.total_fen, g.commission_bps, '{rookie}', 0, \
               o.total_fen * g.commission_bps / 10000, 0, o.created_at, 0, \
               CASE WHEN {} < {} THEN 1 ELSE 0 END, o.paid_at \
             FROM orders o JOIN shop_items si ON si.id = o.shop_id JOIN goods g ON g.id = si.goods_id \
             JOIN goods_skus k ON k.id = g.id",
            hash("o.id", seed, 7, 100),
            options.refund_percent,
            rookie = Tier::Rookie,
        ),
        // Last month's tiers: most Rookie, some higher, so the run has rises and falls.
        format!(
            "INSERT INTO tier_history (member_id, month, tier, created_at) \
             SELECT i, '{}', CASE WHEN {h} < 80 THEN '{}' WHEN {h} < 93 THEN '{}' \
               WHEN {h} < 99 THEN '{}' ELSE '{}' END, {created} FROM {}",
            options.month.previous().label(),
            Tier::Rookie,
            Tier::Senior,
            Tier::Elite,
            Tier::Super,
            sql.series(n),
            h = hash("i", seed, 8, 100),
        ),
    ];
    // All or nothing: a failed seed leaves the database empty for another try.
    crate::db::backend::write_transaction(conn, |conn| -> AppResult<()> {
        let load = |conn: &mut DbConn| -> AppResult<()> {
            for statement in &statements {
                diesel::sql_query(statement).execute(conn)?;
            }
            Ok(())
        };
        if sql.postgres {
            bulk_load(conn, load)
        } else {
            load(conn)
        }
    })?;
    if sql.postgres {
        for table in SEEDED_TABLES {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(conn)?;
        }
        // As autovacuum would leave the tables before a month's run: statistics, and the
        // visibility map that lets an index-only scan skip the table.
        diesel::sql_query("VACUUM ANALYZE").execute(conn)?;
    }
    Ok(Seeded {
        members: supplier_member,
        shops: n,
        orders,
    })
}
