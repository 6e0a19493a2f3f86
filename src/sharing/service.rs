//! Creating, resolving and drawing shares.

use super::dto::{ShareResolution, ShareView};
use super::settings::SharingSettings;
use super::{poster, repo, rules};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::money::Fen;
use crate::shops::settings::ShopSettings;
use crate::storefront::dto::PublicItemDetail;

const NOT_FOUND: AppError = AppError::NotFound {
    resource: "share link",
};

/// The item's share (made on first use, the same one afterwards); true when newly made.
pub fn share(
    conn: &mut DbConn,
    links: &SharingSettings,
    shops: &ShopSettings,
    member: MemberId,
    shop_id: i64,
    item_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<(ShareView, bool)> {
    let shop = crate::shops::service::open_own_shop(conn, member, shop_id)?;
    let item = crate::curation::service::live_item(conn, shop.id, item_id)?;
    let (code, created) = code_for(conn, item.id, now)?;
    let detail = crate::storefront::service::item_detail(conn, shops, shop, item.id)?;
    Ok((view(links, code, &detail), created))
}

/// The item's code in use, made if there is none; true when made by this call.
fn code_for(
    conn: &mut DbConn,
    item_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<(String, bool)> {
    for _ in 0..10 {
        if let Some(code) = repo::active_code(conn, item_id)? {
            return Ok((code, false));
        }
        // Not stored when the code is taken or a simultaneous share made the item's code
        // meanwhile; the next round tells which.
        let code = rules::random_code();
        if repo::insert(conn, &code, item_id, now)? {
            return Ok((code, true));
        }
    }
    Err(AppError::unavailable("no free share code found; retry"))
}

/// Stops the item's share code from resolving; a later share makes a new one.
pub fn revoke(
    conn: &mut DbConn,
    member: MemberId,
    shop_id: i64,
    item_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    let shop = crate::shops::service::open_own_shop(conn, member, shop_id)?;
    let item = crate::curation::service::live_item(conn, shop.id, item_id)?;
    repo::revoke_for_item(conn, item.id, now)
}

/// The item a code opens, counting the visit. Unknown, revoked, removed-item and closed-shop
/// codes are not found.
pub fn open(
    conn: &mut DbConn,
    links: &SharingSettings,
    shops: &ShopSettings,
    code: &str,
) -> AppResult<ShareResolution> {
    let (detail, visits) = resolve(conn, shops, code)?;
    repo::count_visit(conn, code)?;
    Ok(ShareResolution {
        code: code.to_owned(),
        url: rules::share_url(&links.public_base_url, code),
        visits: visits + 1,
        item: detail,
    })
}

/// The poster of a share, as SVG (not counted as a visit).
pub fn poster_svg(
    conn: &mut DbConn,
    links: &SharingSettings,
    shops: &ShopSettings,
    code: &str,
) -> AppResult<String> {
    let (detail, _) = resolve(conn, shops, code)?;
    let url = rules::share_url(&links.public_base_url, code);
    Ok(poster::render(&poster::Poster {
        title: &detail.item.title,
        price: Fen(detail.item.price_fen),
        recommendation: &detail.item.recommendation,
        shop_name: &detail.shop.display_name,
        url: &url,
    }))
}

fn resolve(
    conn: &mut DbConn,
    shops: &ShopSettings,
    code: &str,
) -> AppResult<(PublicItemDetail, i64)> {
    if !rules::looks_like_code(code) {
        return Err(NOT_FOUND);
    }
    let (shop_no, item_id, visits) = repo::resolve(conn, code)?.ok_or(NOT_FOUND)?;
    let shop = crate::storefront::service::open_shop(conn, &shop_no)?;
    let detail = crate::storefront::service::item_detail(conn, shops, shop, item_id)?;
    Ok((detail, visits))
}

fn view(links: &SharingSettings, code: String, detail: &PublicItemDetail) -> ShareView {
    let url = rules::share_url(&links.public_base_url, &code);
    ShareView {
        copy_text: format!(
            "{} {}\n{}\n—— {}\n{url}",
            detail.item.title,
            Fen(detail.item.price_fen).yuan_display(),
            detail.item.recommendation,
            detail.shop.display_name,
        ),
        poster_url: format!("/api/v1/share/{code}/poster.svg"),
        url,
        code,
    }
}
