//! `xiaopu seed --demo`: the small fixed dataset behind the README's "First ten minutes": an
//! admin, an active supplier with listed goods, a shopkeeper whose open shop curates them, and
//! a buyer. It is written through the services the API calls, so it obeys every rule a client
//! would meet (deposit, commission parity, credit score, real-name verification, the item cap).
//!
//! Demo accounts have a published password, so they only ever go into an empty database: one
//! holding other members is refused, one holding the demo already is left as it is.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use validator::Validate;

use crate::audit::Actor;
use crate::config::Settings;
use crate::curation::dto::AddItemRequest;
use crate::db::backend::write_transaction;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::goods::dto::{GoodsRequest, SkuInput};
use crate::members::dto::RegisterRequest;
use crate::members::{self, MemberId};
use crate::money::Fen;
use crate::passwords::Passwords;
use crate::settings::RunEnvironment;
use crate::shops::dto::{OpenShopRequest, VerificationRequest};
use crate::suppliers::dto::{ApplicationRequest, BrandAuthorisationInput, Contact};

/// The password of every demo account.
pub const PASSWORD: &str = "Demo-Passw0rd";
pub const ADMIN_EMAIL: &str = "admin@demo.xiaopu.cn";
pub const SUPPLIER_EMAIL: &str = "supplier@demo.xiaopu.cn";
pub const SHOPKEEPER_EMAIL: &str = "shopkeeper@demo.xiaopu.cn";
pub const BUYER_EMAIL: &str = "buyer@demo.xiaopu.cn";

const SHOP_NAME: &str = "阿明的零食铺";
const BRAND: &str = "FarmJoy";
/// A credit score above the default minimum (700) for opening a shop; a higher configured
/// minimum is used instead.
const CREDIT_SCORE: i32 = 720;
/// A published example ID number with a valid check character (a real one must never be here).
const ID_NUMBER: &str = "11010519491231002X";

/// One of the demo's goods, with the shopkeeper's recommendation of it.
struct DemoGoods {
    title: &'static str,
    /// Each SKU's specification, price in fen and stock.
    skus: &'static [(&'static str, i64, i64)],
    commission_bps: i32,
    recommendation: &'static str,
}

const GOODS: [DemoGoods; 3] = [
    DemoGoods {
        title: "FarmJoy 芒果干 dried mango",
        skus: &[("500g", 2990, 100), ("1kg", 4990, 50)],
        commission_bps: 2000,
        recommendation: "孩子每天都要吃的芒果干，酸甜刚好，独立小包装带去学校很方便。",
    },
    DemoGoods {
        title: "FarmJoy 每日坚果 daily nuts",
        skus: &[("30 bags", 8900, 40)],
        commission_bps: 1800,
        recommendation: "一天一包，办公室抽屉常备，回购第三次了。",
    },
    DemoGoods {
        title: "FarmJoy 冻干草莓 freeze-dried strawberries",
        skus: &[("100g", 1990, 80)],
        commission_bps: 2500,
        recommendation: "酥脆不粘牙，泡酸奶也好吃。",
    },
];

/// Every demo goods is cheaper here than elsewhere, and pays at least the market's rate.
const REFERENCE_PRICE_FEN: i64 = 9900;
const MARKET_COMMISSION_BPS: i32 = 1500;

/// What `load` did, and the shop the walkthrough opens.
#[derive(Debug)]
pub enum Outcome {
    Loaded { shop_no: String },
    AlreadyLoaded { shop_no: String },
}

/// Loads the demo into an empty database, or leaves a database that holds it unchanged.
/// Refused in production, and on a database with members that are not the demo's.
pub fn load(conn: &mut DbConn, settings: &Settings, now: NaiveDateTime) -> AppResult<Outcome> {
    if settings.environment == RunEnvironment::Production {
        return Err(refusal(
            "demo accounts have a published password: not in production",
        ));
    }
    let passwords = Passwords::new(settings.auth.password_cost())?;
    // One transaction: a failed load leaves the database as it was.
    write_transaction(conn, |conn| {
        if let Some(shop_no) = loaded_shop_no(conn)? {
            return Ok(Outcome::AlreadyLoaded { shop_no });
        }
        let members: i64 = crate::db::schema::members::table.count().get_result(conn)?;
        if members > 0 {
            return Err(refusal(
                "the database has members that are not the demo's: seed --demo fills only an empty database",
            ));
        }
        let shop_no = write(conn, settings, &passwords, now)?;
        Ok(Outcome::Loaded { shop_no })
    })
}

/// The demo shop's number when the demo is in the database.
fn loaded_shop_no(conn: &mut DbConn) -> AppResult<Option<String>> {
    let Some(keeper) = members::repo::find_by_login(conn, SHOPKEEPER_EMAIL)? else {
        return Ok(None);
    };
    let shops = crate::shops::repo::shops_of(conn, MemberId(keeper.id))?;
    Ok(shops.into_iter().next().map(|shop| shop.shop_no))
}

fn refusal(detail: &str) -> AppError {
    AppError::Conflict {
        code: "demo_refused",
        detail: detail.to_owned(),
    }
}

fn write(
    conn: &mut DbConn,
    settings: &Settings,
    passwords: &Passwords,
    now: NaiveDateTime,
) -> AppResult<String> {
    let admin = member(conn, passwords, ADMIN_EMAIL, "Demo admin", true, now)?;
    let admin = Actor::member(admin, None, now);
    let goods = supplier_with_goods(conn, settings, passwords, &admin)?;
    let shop_no = shop(conn, settings, passwords, &admin, &goods)?;
    member(conn, passwords, BUYER_EMAIL, "小王", false, now)?;
    Ok(shop_no)
}

/// An account with the demo password, created as `register` (or `admin create`) does.
fn member(
    conn: &mut DbConn,
    passwords: &Passwords,
    email: &str,
    display_name: &str,
    is_admin: bool,
    now: NaiveDateTime,
) -> AppResult<MemberId> {
    let registration = members::rules::check_registration(RegisterRequest {
        email: Some(email.to_owned()),
        phone: None,
        password: PASSWORD.to_owned(),
        display_name: display_name.to_owned(),
    })?;
    let hash = passwords.hash(&registration.password)?;
    let row = crate::auth::accounts::create_member(conn, &registration, hash, is_admin, now)?;
    Ok(MemberId(row.id))
}

/// An approved supplier with its deposit paid in full (active), and its goods listed.
fn supplier_with_goods(
    conn: &mut DbConn,
    settings: &Settings,
    passwords: &Passwords,
    admin: &Actor,
) -> AppResult<Vec<i64>> {
    use crate::suppliers::service as suppliers;
    let member = member(conn, passwords, SUPPLIER_EMAIL, "鲜果农场", false, admin.at)?;
    let application = ApplicationRequest {
        company_name: "鲜果农场 Fresh Farm Co".to_owned(),
        credit_code: "91350100M000100Y43".to_owned(),
        registered_capital_fen: 500_000_000,
        general_taxpayer: true,
        contact: Contact {
            name: "林经理".to_owned(),
            phone: "+8613800138000".to_owned(),
        },
        categories: vec!["food-health.snacks".to_owned()],
        brand_authorisations: vec![BrandAuthorisationInput {
            brand: BRAND.to_owned(),
            chain: vec!["FarmJoy Ltd".to_owned()],
            valid_from: date(2020, 1, 1),
            valid_until: date(2099, 12, 31),
        }],
        procurement_vouchers: Vec::new(),
    };
    application.validate()?;
    let application = suppliers::apply(
        conn,
        &settings.suppliers,
        &settings.categories,
        member,
        application,
        admin.at,
    )?;
    let supplier = suppliers::approve(
        conn,
        &settings.suppliers,
        &settings.categories,
        admin,
        application.id,
    )?;
    let supplier = suppliers::record_payment(
        conn,
        admin,
        supplier.id,
        Fen(supplier.required_deposit_fen),
        "DEMO-DEPOSIT",
    )?;
    let mut listed = Vec::new();
    for demo_goods in &GOODS {
        let request = GoodsRequest {
            title: demo_goods.title.to_owned(),
            description: "阳光晒制，无添加糖。Sun-dried, no sugar added.".to_owned(),
            category: "food-health.snacks".to_owned(),
            brand: Some(BRAND.to_owned()),
            voucher_reference: None,
            // A reserved name that never resolves: the pages show the goods without a picture.
            image_urls: vec!["https://images.demo.invalid/goods.jpg".to_owned()],
            skus: demo_goods
                .skus
                .iter()
                .map(|&(attribute, price_fen, stock)| SkuInput {
                    id: None,
                    attributes: BTreeMap::from([("spec".to_owned(), attribute.to_owned())]),
                    price_fen,
                    stock,
                    per_buyer_limit: None,
                })
                .collect(),
            reference_price_fen: REFERENCE_PRICE_FEN,
            market_commission_bps: MARKET_COMMISSION_BPS,
            commission_bps: demo_goods.commission_bps,
        };
        request.validate()?;
        let goods = crate::goods::service::create(
            conn,
            &settings.goods,
            &settings.categories,
            &supplier,
            request,
            admin.at,
        )?;
        crate::goods::service::list_for_sale(conn, &supplier, goods.id, admin.at)?;
        listed.push(goods.id);
    }
    Ok(listed)
}

/// A verified shopkeeper with a credit score, whose open shop curates `goods`.
fn shop(
    conn: &mut DbConn,
    settings: &Settings,
    passwords: &Passwords,
    admin: &Actor,
    goods: &[i64],
) -> AppResult<String> {
    use crate::shops::service as shops;
    let keeper = member(conn, passwords, SHOPKEEPER_EMAIL, "阿明", false, admin.at)?;
    let score = CREDIT_SCORE.max(settings.shops.min_credit_score);
    shops::set_credit_score(conn, admin, keeper, score)?;
    let verification = shops::submit_verification(
        conn,
        keeper,
        VerificationRequest {
            legal_name: "林小明".to_owned(),
            id_number: ID_NUMBER.to_owned(),
        },
        admin.at,
    )?;
    shops::decide_verification(conn, admin, verification.id, true, None)?;
    let request = OpenShopRequest {
        name: SHOP_NAME.to_owned(),
        logo_url: None,
        description: "只卖自己家里吃过的零食。Snacks we eat at home.".to_owned(),
    };
    request.validate()?;
    let shop = shops::open(
        conn,
        &settings.shops,
        settings.tiers.time_zone,
        keeper,
        Some(score),
        request,
        admin.at,
    )?;
    let items = goods
        .iter()
        .zip(&GOODS)
        .map(|(&goods_id, demo_goods)| AddItemRequest {
            goods_id,
            recommendation: demo_goods.recommendation.to_owned(),
        })
        .collect();
    crate::curation::service::add_items(
        conn,
        &settings.shops,
        &Actor::member(keeper, None, admin.at),
        keeper,
        shop.id,
        items,
        true,
    )?;
    Ok(shop.shop_no)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a calendar date")
}
