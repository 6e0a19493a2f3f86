//! `sqlite-loop DB SECONDS BUYER_ID`: one order placement after another for SECONDS, each in
//! its own `BEGIN IMMEDIATE` transaction, with the statements the server sends (its SQL,
//! captured from the integration tests), prepared once, as the server's connections keep them.
//! Prints `tps=<placements per second>`.
//! One connection: SQLite runs one writer at a time, so more would only wait on each other.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;
use std::time::{Duration, Instant};

use libsqlite3_sys as ffi;

struct Db(*mut ffi::sqlite3);

struct Stmt(*mut ffi::sqlite3_stmt);

enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Null,
}

impl Db {
    fn open(path: &str) -> Db {
        let path = CString::new(path).unwrap();
        let mut db = ptr::null_mut();
        let rc = unsafe {
            ffi::sqlite3_open_v2(
                path.as_ptr(),
                &mut db,
                ffi::SQLITE_OPEN_READWRITE,
                ptr::null(),
            )
        };
        assert_eq!(rc, ffi::SQLITE_OK, "cannot open the database");
        let db = Db(db);
        // As the server's pool opens its connections.
        db.exec("PRAGMA busy_timeout = 1500; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        db
    }

    fn error(&self) -> String {
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }
            .to_string_lossy()
            .into_owned()
    }

    fn exec(&self, sql: &str) {
        let sql = CString::new(sql).unwrap();
        let rc = unsafe { ffi::sqlite3_exec(self.0, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut()) };
        assert_eq!(rc, ffi::SQLITE_OK, "{}", self.error());
    }

    fn prepare(&self, sql: &str) -> Stmt {
        let sql = CString::new(sql).unwrap();
        let mut stmt = ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_prepare_v2(self.0, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
        assert_eq!(rc, ffi::SQLITE_OK, "{}", self.error());
        Stmt(stmt)
    }

    /// Binds `values`, steps to the end, and returns the first column of the first row.
    fn run(&self, stmt: &Stmt, values: &[Value]) -> Option<i64> {
        unsafe {
            ffi::sqlite3_reset(stmt.0);
            for (i, value) in values.iter().enumerate() {
                let index = (i + 1) as c_int;
                let rc = match value {
                    Value::Int(n) => ffi::sqlite3_bind_int64(stmt.0, index, *n),
                    Value::Null => ffi::sqlite3_bind_null(stmt.0, index),
                    Value::Text(text) => ffi::sqlite3_bind_text(
                        stmt.0,
                        index,
                        text.as_ptr() as *const c_char,
                        text.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                };
                assert_eq!(rc, ffi::SQLITE_OK, "{}", self.error());
            }
            let mut first = None;
            loop {
                match ffi::sqlite3_step(stmt.0) {
                    ffi::SQLITE_ROW => {
                        if first.is_none() {
                            first = Some(ffi::sqlite3_column_int64(stmt.0, 0));
                        }
                    }
                    ffi::SQLITE_DONE => return first,
                    _ => panic!("{}", self.error()),
                }
            }
        }
    }
}

const LOOKUP: &str = "SELECT `idempotency_keys`.`request_hash`, `idempotency_keys`.`response_status`, `idempotency_keys`.`response_body` FROM `idempotency_keys` WHERE (((`idempotency_keys`.`member_id` = ?) AND (`idempotency_keys`.`scope` = ?)) AND (`idempotency_keys`.`idempotency_key` = ?)) LIMIT ?";
const ORDERABLE: &str = "SELECT `shop_items`.`id`, `shop_items`.`removed_at`, `shops`.`id`, `shops`.`status`, `shops`.`owner_member_id`, `goods`.`id`, `goods`.`title`, `goods`.`status`, `goods`.`commission_bps`, `goods`.`pending_commission_bps`, `goods`.`pending_commission_at`, `suppliers`.`id`, `suppliers`.`is_active`, `goods_skus`.`id`, `goods_skus`.`attributes`, `goods_skus`.`price_fen`, `goods_skus`.`per_buyer_limit`, (SELECT th.tier FROM tier_history th WHERE th.member_id = shops.owner_member_id ORDER BY th.month DESC LIMIT 1) FROM ((`shop_items` INNER JOIN `shops` ON (`shop_items`.`shop_id` = `shops`.`id`)) INNER JOIN ((`goods` INNER JOIN `suppliers` ON (`goods`.`supplier_id` = `suppliers`.`id`)) INNER JOIN `goods_skus` ON (`goods_skus`.`goods_id` = `goods`.`id`)) ON (`shop_items`.`goods_id` = `goods`.`id`)) WHERE ((`shop_items`.`id` = ?) AND (`goods_skus`.`id` = ?))";
const TAKE_STOCK: &str = "UPDATE goods_skus SET stock = stock - ?, version = version + 1, updated_at = ? WHERE id = ? AND stock >= ?";
const PLANS: &str = "SELECT `commission_plan_targets`.`goods_id`, `commission_plans`.`id`, `commission_plans`.`commission_bps` FROM (`commission_plan_targets` INNER JOIN `commission_plans` ON (`commission_plan_targets`.`plan_id` = `commission_plans`.`id`)) WHERE (((((`commission_plan_targets`.`shop_id` = ?) AND (`commission_plan_targets`.`goods_id` = ?)) AND (`commission_plans`.`starts_at` <= ?)) AND (`commission_plans`.`ends_at` > ?)) AND ((`commission_plans`.`suspended_until` IS NULL) OR (`commission_plans`.`suspended_until` <= ?)))";
const ORDER: &str = "INSERT INTO orders (order_no, buyer_member_id, shop_id, status, total_fen, recipient_name, recipient_phone, region, address_detail, buyer_note, payment_due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_no) DO NOTHING RETURNING id";
const PART: &str = "INSERT INTO supplier_orders (order_id, supplier_id, status, total_fen, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
const LINE: &str = "INSERT INTO order_lines (order_id, supplier_order_id, shop_item_id, goods_id, sku_id, supplier_id, shop_id, shopkeeper_member_id, title, sku_attributes, unit_price_fen, quantity, amount_fen, commission_bps, tier, tier_bonus_bps, commission_fen, tier_bonus_fen, no_commission_reason, created_at, platform_fee_bps, commission_plan_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
const KEY: &str = "INSERT INTO idempotency_keys (member_id, scope, idempotency_key, request_hash, response_status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, seconds, buyer] = &args[..] else {
        eprintln!("usage: sqlite-loop DB SECONDS BUYER_ID");
        std::process::exit(2);
    };
    let seconds: u64 = seconds.parse().expect("SECONDS");
    let buyer: i64 = buyer.parse().expect("BUYER_ID");
    let db = Db::open(path);
    let [lookup, orderable, take_stock, plans, order, part, line, key] =
        [LOOKUP, ORDERABLE, TAKE_STOCK, PLANS, ORDER, PART, LINE, KEY].map(|sql| db.prepare(sql));
    let [begin, commit] = ["BEGIN IMMEDIATE", "COMMIT"].map(|sql| db.prepare(sql));
    let now = "2026-11-26 09:00:00.000000";
    let body = "x".repeat(900);
    let started = Instant::now();
    let mut placed: u64 = 0;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    while started.elapsed() < Duration::from_secs(seconds) {
        // xorshift: a random item of shop 42 (items 100k, their SKU 1 + 97k mod 100000).
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let k = (seed % 1000 + 1) as i64;
        let (item, sku) = (100 * k, 1 + (k * 97) % 100_000);
        let unique = format!("loop-{}-{placed}", std::process::id());
        db.run(&begin, &[]);
        db.run(&lookup, &[Value::Int(buyer), Value::Text("orders.place"), Value::Text(&unique), Value::Int(1)]);
        db.run(&orderable, &[Value::Int(item), Value::Int(sku)]).expect("the item exists");
        db.run(&take_stock, &[Value::Int(1), Value::Text(now), Value::Int(sku), Value::Int(1)]);
        let order_id = db
            .run(&order, &[
                Value::Text(&unique), Value::Int(buyer), Value::Int(42), Value::Text("pending_payment"),
                Value::Int(1000), Value::Text("王小明"), Value::Text("13812345678"),
                Value::Text("浙江省 杭州市"), Value::Text("文三路 100 号"), Value::Null, Value::Text(now),
                Value::Text(now), Value::Text(now),
            ])
            .expect("a new order number");
        let supplier = 1 + (1 + (k * 97) % 100_000) % 100;
        let part_id = db
            .run(&part, &[
                Value::Int(order_id), Value::Int(supplier), Value::Text("pending_payment"),
                Value::Int(1000), Value::Text(now), Value::Text(now),
            ])
            .expect("a part id");
        db.run(&plans, &[Value::Int(42), Value::Int(sku), Value::Text(now), Value::Text(now), Value::Text(now)]);
        db.run(&line, &[
            Value::Int(order_id), Value::Int(part_id), Value::Int(item), Value::Int(sku),
            Value::Int(sku), Value::Int(supplier), Value::Int(42), Value::Int(42),
            Value::Text("Goods 商品"), Value::Text("{\"size\":\"M\"}"), Value::Int(1000),
            Value::Int(1), Value::Int(1000), Value::Int(1500), Value::Text("rookie"),
            Value::Int(0), Value::Int(150), Value::Int(0), Value::Null, Value::Text(now),
            Value::Int(500), Value::Null,
        ]);
        db.run(&key, &[
            Value::Int(buyer), Value::Text("orders.place"), Value::Text(&unique),
            Value::Text("0000000000000000000000000000000000000000000000000000000000000000"),
            Value::Int(201), Value::Text(&body), Value::Text(now),
        ]);
        db.run(&commit, &[]);
        placed += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("tps={:.0} placements={placed} seconds={elapsed:.1}", placed as f64 / elapsed);
}
