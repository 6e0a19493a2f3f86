//! Goods use cases. A supplier only ever sees its own goods: another's id is 404.

use chrono::NaiveDateTime;

use super::dto::{GoodsPatch, GoodsRequest, GoodsStatus, GoodsView, SkuInput};
use super::model::{GoodsChanges, GoodsRow, NewGoods, NewSku, SkuRow};
use super::settings::GoodsSettings;
use super::{repo, rules};
use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::money::Bps;
use crate::pagination::Page;
use crate::suppliers::model::SupplierRow;
use crate::suppliers::settings::CategorySettings;
use crate::suppliers::{self, rules::find_category};

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

fn fail_on(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Rules shared by creation and update: images, SKU count, price parity.
fn check_listing(
    settings: &GoodsSettings,
    image_urls: &[String],
    skus: &[SkuInput],
    reference_price_fen: i64,
    errors: &mut Vec<FieldError>,
) {
    let limits = settings;
    if image_urls.is_empty() || image_urls.len() > limits.max_images_per_goods {
        errors.push(FieldError::new(
            "image_urls",
            "count",
            format!("give 1 to {} images", limits.max_images_per_goods),
        ));
    }
    for (index, url) in image_urls.iter().enumerate() {
        errors.extend(rules::check_image_url(url, &format!("image_urls[{index}]")));
    }
    for (index, sku) in skus.iter().enumerate() {
        errors.extend(rules::check_price(
            sku.price_fen,
            reference_price_fen,
            &format!("skus[{index}].price_fen"),
        ));
    }
}

pub fn create(
    conn: &mut DbConn,
    settings: &GoodsSettings,
    categories: &[CategorySettings],
    supplier: &SupplierRow,
    request: GoodsRequest,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    let mut errors = Vec::new();
    if find_category(categories, &request.category).is_none() {
        errors.push(FieldError::new(
            "category",
            "unknown_category",
            format!("{:?} is not a category", request.category),
        ));
    }
    if request.skus.is_empty() || request.skus.len() > settings.max_skus_per_goods {
        errors.push(FieldError::new(
            "skus",
            "count",
            format!("give 1 to {} SKUs", settings.max_skus_per_goods),
        ));
    }
    if request.skus.iter().any(|s| s.id.is_some()) {
        errors.push(FieldError::new(
            "skus",
            "unexpected_id",
            "new goods have new SKUs: leave id out",
        ));
    }
    check_listing(
        settings,
        &request.image_urls,
        &request.skus,
        request.reference_price_fen,
        &mut errors,
    );
    errors.extend(rules::check_commission(
        settings,
        Bps(request.market_commission_bps),
        Bps(request.commission_bps),
        "commission_bps",
    ));
    match (&request.brand, &request.voucher_reference) {
        (None, None) => errors.push(FieldError::new(
            "brand",
            "required",
            "give an authorised brand or a procurement-voucher reference",
        )),
        (Some(brand), _)
            if !suppliers::repo::has_valid_authorisation(conn, supplier.id, brand, now.date())? =>
        {
            errors.push(FieldError::new(
                "brand",
                "not_authorised",
                "the supplier holds no valid authorisation for this brand",
            ))
        }
        _ => {}
    }
    fail_on(errors)?;
    let id = repo::insert(
        conn,
        &NewGoods {
            supplier_id: supplier.id,
            title: request.title.trim().to_owned(),
            description: request.description,
            category_code: request.category,
            brand: request.brand,
            voucher_reference: request.voucher_reference,
            image_urls: json(&request.image_urls),
            reference_price_fen: request.reference_price_fen,
            market_commission_bps: request.market_commission_bps,
            commission_bps: request.commission_bps,
            status: GoodsStatus::Draft,
            created_at: now,
            updated_at: now,
        },
    )?;
    for sku in &request.skus {
        insert_sku(conn, id, sku, now)?;
    }
    repo::refresh_min_price(conn, id)?;
    view(conn, supplier, id, now)
}

fn insert_sku(
    conn: &mut DbConn,
    goods_id: i64,
    sku: &SkuInput,
    now: NaiveDateTime,
) -> AppResult<()> {
    repo::insert_sku(
        conn,
        &NewSku {
            goods_id,
            attributes: json(&sku.attributes),
            price_fen: sku.price_fen,
            stock: sku.stock,
            per_buyer_limit: sku.per_buyer_limit,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )
}

/// The supplier's own goods, or 404 (also for another supplier's goods).
fn own(conn: &mut DbConn, supplier: &SupplierRow, id: i64) -> AppResult<(GoodsRow, bool)> {
    repo::find(conn, id)?
        .filter(|(goods, _)| goods.supplier_id == supplier.id)
        .ok_or(AppError::NotFound { resource: "goods" })
}

pub fn view(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    let (goods, active) = own(conn, supplier, id)?;
    let skus = repo::skus(conn, &[goods.id])?;
    Ok(GoodsView::new(goods, skus, active, now))
}

pub fn list(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    status: Option<GoodsStatus>,
    page: Page,
    now: chrono::NaiveDateTime,
) -> AppResult<(Vec<GoodsView>, i64)> {
    let (rows, total) = repo::list_of_supplier(conn, supplier.id, status, page)?;
    let ids: Vec<i64> = rows.iter().map(|g| g.id).collect();
    let mut skus = repo::skus(conn, &ids)?;
    let views = rows
        .into_iter()
        .map(|goods| {
            let (mine, rest): (Vec<SkuRow>, Vec<SkuRow>) = std::mem::take(&mut skus)
                .into_iter()
                .partition(|s| s.goods_id == goods.id);
            skus = rest;
            GoodsView::new(goods, mine, supplier.is_active, now)
        })
        .collect();
    Ok((views, total))
}

pub fn update(
    conn: &mut DbConn,
    settings: &GoodsSettings,
    supplier: &SupplierRow,
    id: i64,
    patch: GoodsPatch,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    let (goods, _) = own(conn, supplier, id)?;
    if goods.status == GoodsStatus::TakenDown {
        return Err(taken_down());
    }
    let existing = repo::skus(conn, &[id])?;
    let reference = patch
        .reference_price_fen
        .unwrap_or(goods.reference_price_fen);
    let market = patch
        .market_commission_bps
        .unwrap_or(goods.market_commission_bps);
    let images: Vec<String> = match &patch.image_urls {
        Some(urls) => urls.clone(),
        None => serde_json::from_str(&goods.image_urls).unwrap_or_default(),
    };
    let changes = patch.skus.clone().unwrap_or_default();
    let mut errors = Vec::new();
    // Parity holds for every SKU after the change, named or not.
    let mut all: Vec<SkuInput> = changes.clone();
    all.extend(
        existing
            .iter()
            .filter(|row| !changes.iter().any(|c| c.id == Some(row.id)))
            .map(|row| SkuInput {
                id: Some(row.id),
                attributes: Default::default(),
                price_fen: row.price_fen,
                stock: 0,
                per_buyer_limit: None,
            }),
    );
    check_listing(settings, &images, &all, reference, &mut errors);
    for (index, change) in changes.iter().enumerate() {
        if let Some(sku_id) = change.id {
            if !existing.iter().any(|row| row.id == sku_id) {
                errors.push(FieldError::new(
                    &format!("skus[{index}].id"),
                    "not_found",
                    "no such SKU in these goods",
                ));
            }
        }
    }
    if existing.len() + changes.iter().filter(|c| c.id.is_none()).count()
        > settings.max_skus_per_goods
    {
        errors.push(FieldError::new(
            "skus",
            "count",
            format!("at most {} SKUs", settings.max_skus_per_goods),
        ));
    }
    let (current, _) = rules::commission_at(&goods, now);
    errors.extend(rules::check_commission(
        settings,
        Bps(market),
        current,
        "market_commission_bps",
    ));
    fail_on(errors)?;
    repo::update(
        conn,
        id,
        &GoodsChanges {
            title: patch.title.map(|t| t.trim().to_owned()),
            description: patch.description,
            image_urls: patch.image_urls.as_ref().map(json),
            reference_price_fen: patch.reference_price_fen,
            market_commission_bps: patch.market_commission_bps,
            updated_at: now,
        },
    )?;
    for change in &changes {
        match existing.iter().find(|row| Some(row.id) == change.id) {
            Some(row) => repo::update_sku(
                conn,
                &SkuRow {
                    attributes: json(&change.attributes),
                    price_fen: change.price_fen,
                    per_buyer_limit: change.per_buyer_limit,
                    ..row.clone()
                },
                now,
            )?,
            None => insert_sku(conn, id, change, now)?,
        }
    }
    repo::refresh_min_price(conn, id)?;
    view(conn, supplier, id, now)
}

fn taken_down() -> AppError {
    AppError::Conflict {
        code: "taken_down",
        detail: "the platform took these goods down".to_owned(),
    }
}

/// Puts goods on sale; only an active supplier may.
pub fn list_for_sale(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    let (goods, active) = own(conn, supplier, id)?;
    if goods.status == GoodsStatus::TakenDown {
        return Err(taken_down());
    }
    if !active {
        return Err(AppError::Conflict {
            code: "supplier_inactive",
            detail: "the supplier's deposit is below what it must hold: top it up to list goods"
                .to_owned(),
        });
    }
    repo::set_status(conn, id, GoodsStatus::Listed, None, now)?;
    view(conn, supplier, id, now)
}

pub fn delist(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    let (goods, _) = own(conn, supplier, id)?;
    if goods.status == GoodsStatus::TakenDown {
        return Err(taken_down());
    }
    repo::set_status(conn, id, GoodsStatus::Delisted, None, now)?;
    view(conn, supplier, id, now)
}

/// Changes the goods' commission as `rules::schedule_commission` says; audited.
pub fn change_commission(
    conn: &mut DbConn,
    settings: &GoodsSettings,
    actor: &Actor,
    supplier: &SupplierRow,
    id: i64,
    rate: Bps,
) -> AppResult<GoodsView> {
    let (goods, _) = own(conn, supplier, id)?;
    fail_on(
        rules::check_commission(
            settings,
            Bps(goods.market_commission_bps),
            rate,
            "commission_bps",
        )
        .into_iter()
        .collect(),
    )?;
    let now = actor.at;
    let (current, upcoming) = rules::commission_at(&goods, now);
    let (new_current, pending) = rules::schedule_commission(settings, current, rate, now);
    repo::set_commission(
        conn,
        id,
        new_current.0,
        pending.map(|(bps, at)| (bps.0, at)),
        now,
    )?;
    audit::record(
        conn,
        actor,
        "goods.commission_changed",
        "goods",
        &id.to_string(),
        serde_json::json!({
            "before": {"commission_bps": current, "upcoming": upcoming.map(|(bps, at)| serde_json::json!({"commission_bps": bps, "effective_at": at}))},
            "after": {"commission_bps": new_current, "upcoming": pending.map(|(bps, at)| serde_json::json!({"commission_bps": bps, "effective_at": at}))},
        }),
    )?;
    view(conn, supplier, id, now)
}

/// The SKU of the supplier's own goods, or 404.
fn own_sku(conn: &mut DbConn, supplier: &SupplierRow, goods_id: i64, sku_id: i64) -> AppResult<()> {
    own(conn, supplier, goods_id)?;
    if repo::skus(conn, &[goods_id])?
        .iter()
        .any(|s| s.id == sku_id)
    {
        Ok(())
    } else {
        Err(AppError::NotFound { resource: "SKU" })
    }
}

pub fn set_stock(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    goods_id: i64,
    sku_id: i64,
    stock: i64,
    version: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    own_sku(conn, supplier, goods_id, sku_id)?;
    if !repo::set_stock(conn, sku_id, stock, version, now)? {
        return Err(AppError::Conflict {
            code: "stale_version",
            detail: "the stock changed since it was read: read it again".to_owned(),
        });
    }
    view(conn, supplier, goods_id, now)
}

pub fn adjust_stock(
    conn: &mut DbConn,
    supplier: &SupplierRow,
    goods_id: i64,
    sku_id: i64,
    delta: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<GoodsView> {
    own_sku(conn, supplier, goods_id, sku_id)?;
    if !repo::adjust_stock(conn, sku_id, delta, now)? {
        return Err(AppError::Conflict {
            code: "insufficient_stock",
            detail: "stock cannot go below zero".to_owned(),
        });
    }
    view(conn, supplier, goods_id, now)
}

/// The platform takes goods down for a violation; the supplier cannot list them again.
pub fn take_down(conn: &mut DbConn, actor: &Actor, id: i64, reason: &str) -> AppResult<GoodsView> {
    let (goods, _) = repo::find(conn, id)?.ok_or(AppError::NotFound { resource: "goods" })?;
    repo::set_status(conn, id, GoodsStatus::TakenDown, Some(reason), actor.at)?;
    audit::record(
        conn,
        actor,
        "goods.taken_down",
        "goods",
        &id.to_string(),
        serde_json::json!({"before": {"status": goods.status}, "after": {"status": GoodsStatus::TakenDown}, "reason": reason}),
    )?;
    let supplier = suppliers::service::supplier(conn, goods.supplier_id)?;
    view(conn, &supplier, id, actor.at)
}
