//! Shop use cases: credit scores, verification, opening, editing, closing.

use sha2::{Digest, Sha256};

use super::dto::{OpenShopRequest, ShopPatch, VerificationRequest};
use super::model::{NewShop, NewVerification, ShopChanges, ShopRow, ShopStatus, VerificationRow};
use super::repo;
use super::rules;
use super::settings::ShopSettings;
use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::goods::rules::check_image_url;
use crate::members::MemberId;
use crate::suppliers::dto::ApplicationStatus;

pub fn set_credit_score(
    conn: &mut DbConn,
    actor: &Actor,
    member: MemberId,
    score: i32,
) -> AppResult<()> {
    let before = crate::members::service::get(conn, member)?.credit_score;
    repo::set_credit_score(conn, member, score, actor.at)?;
    audit::record(
        conn,
        actor,
        "member.credit_score_set",
        "member",
        &member.0.to_string(),
        serde_json::json!({"before": {"credit_score": before}, "after": {"credit_score": score}}),
    )
}

/// The digest that lets two verifications of one ID number be told apart without keeping it.
fn id_digest(id_number: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "xiaopu-id-number:{}",
        id_number.to_ascii_uppercase()
    )))
}

pub fn submit_verification(
    conn: &mut DbConn,
    member: MemberId,
    request: VerificationRequest,
    now: chrono::NaiveDateTime,
) -> AppResult<VerificationRow> {
    let id_number = request.id_number.trim().to_ascii_uppercase();
    if !rules::id_number_is_valid(&id_number) {
        return Err(AppError::field(
            "id_number",
            "invalid_format",
            "not a valid 18-character resident ID number (format or check character)",
        ));
    }
    let digest = id_digest(&id_number);
    if repo::id_number_used_by_other(conn, member, &digest)? {
        return Err(AppError::Conflict {
            code: "id_number_in_use",
            detail: "this ID number is verified for another account".to_owned(),
        });
    }
    let id = repo::insert_verification(
        conn,
        &NewVerification {
            member_id: member.0,
            legal_name: request.legal_name.trim().to_owned(),
            id_number_masked: rules::mask_id_number(&id_number),
            id_number_digest: digest,
            status: ApplicationStatus::Pending,
            created_at: now,
        },
    )?;
    verification(conn, id)
}

pub fn verification(conn: &mut DbConn, id: i64) -> AppResult<VerificationRow> {
    repo::find_verification(conn, id)?.ok_or(AppError::NotFound {
        resource: "verification",
    })
}

pub fn decide_verification(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    approve: bool,
    reason: Option<&str>,
) -> AppResult<VerificationRow> {
    let row = verification(conn, id)?;
    let admin = actor
        .member
        .ok_or_else(|| AppError::internal("a decision needs an admin"))?;
    let status = if approve {
        ApplicationStatus::Approved
    } else {
        ApplicationStatus::Rejected
    };
    if !repo::decide_verification(conn, id, status, reason, admin, actor.at)? {
        return Err(AppError::Conflict {
            code: "already_decided",
            detail: format!("this verification is already {}", row.status),
        });
    }
    audit::record(
        conn,
        actor,
        &format!("verification.{status}"),
        "verification",
        &id.to_string(),
        serde_json::json!({"before": {"status": row.status}, "after": {"status": status}, "reason": reason}),
    )?;
    verification(conn, id)
}

/// The checked name (or whatever the caller has instead), or 422 naming every field at fault:
/// the name's problem and the logo's.
fn with_logo<T>(name: Result<T, FieldError>, logo_url: Option<&str>) -> AppResult<T> {
    let logo = logo_url.and_then(|url| check_image_url(url, "logo_url"));
    match (name, logo) {
        (Ok(name), None) => Ok(name),
        (name, logo) => Err(AppError::Validation(
            name.err().into_iter().chain(logo).collect(),
        )),
    }
}

/// Opens a shop: the credit rule on the score the caller fetched (it may need an outside
/// provider), an approved verification, the one-shop rule, the name and the shop number.
pub fn open(
    conn: &mut DbConn,
    settings: &ShopSettings,
    months_zone: chrono_tz::Tz,
    member: MemberId,
    score: Option<i32>,
    request: OpenShopRequest,
    now: chrono::NaiveDateTime,
) -> AppResult<ShopRow> {
    let verified = repo::latest_verification(conn, member)?
        .is_some_and(|v| v.status == ApplicationStatus::Approved);
    rules::check_credit(score, settings)?;
    if !verified {
        return Err(forbidden(
            "verification_required",
            "real-name verification must be approved first",
        ));
    }
    let open_shops = repo::shops_of(conn, member)?
        .into_iter()
        .filter(|s| s.status == ShopStatus::Open)
        .count() as i64;
    if open_shops >= 1 && !may_open_another(conn, settings, months_zone, member, open_shops, now)? {
        return Err(forbidden(
            "shop_limit_reached",
            "one shop per member; more need Elite or Super tier for consecutive months",
        ));
    }
    let name = with_logo(
        rules::shop_name(&request.name, settings),
        request.logo_url.as_deref(),
    )?;
    let new = NewShop {
        owner_member_id: member.0,
        shop_no: String::new(),
        name: name.name,
        name_key: name.key,
        logo_url: request.logo_url,
        description: request.description,
        status: ShopStatus::Open,
        item_count: 0,
        created_at: now,
        updated_at: now,
    };
    let id = insert_with_free_shop_no(
        conn,
        new,
        std::iter::repeat_with(rules::random_shop_no).take(SHOP_NO_ATTEMPTS),
    )?;
    shop(conn, id)
}

/// Random numbers tried before a shop opening gives up (with 900,000 numbers, 50 taken in a
/// row means the space is nearly full).
const SHOP_NO_ATTEMPTS: usize = 50;

/// Inserts the shop with the first of `candidates` that no shop has ever had (numbers are
/// never reissued: shops are never deleted). A number taken, also by an opening at the same
/// moment, is skipped by the insert itself, so the next one is tried.
pub fn insert_with_free_shop_no(
    conn: &mut DbConn,
    mut new: NewShop,
    candidates: impl IntoIterator<Item = String>,
) -> AppResult<i64> {
    for candidate in candidates {
        new.shop_no = candidate;
        if let Some(id) = repo::insert_shop(conn, &new)? {
            return Ok(id);
        }
    }
    Err(AppError::unavailable("no free shop number found; retry"))
}

/// The multi-shop rule: Elite or Super for the last N months in a row, no violation in the last
/// 90 days, and below the cap.
fn may_open_another(
    conn: &mut DbConn,
    settings: &ShopSettings,
    months_zone: chrono_tz::Tz,
    member: MemberId,
    open_shops: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<bool> {
    if open_shops >= settings.max_shops_per_member {
        return Ok(false);
    }
    let since = now - chrono::Duration::days(rules::MULTI_SHOP_CLEAN_DAYS);
    if crate::tiers::repo::violations_since(conn, member, since)? > 0 {
        return Ok(false);
    }
    // The months just ended, in a row: an Elite year long past is not sustained operation.
    let mut month = crate::tiers::months::Month::of(now, months_zone);
    let months: Vec<String> = (0..settings.multi_shop_tier_months)
        .map(|_| {
            month = month.previous();
            month.label()
        })
        .collect();
    let tiers = crate::tiers::of_months(conn, member, &months)?;
    Ok(tiers.len() == months.len() && tiers.iter().all(|tier| *tier >= rules::MULTI_SHOP_MIN_TIER))
}

fn forbidden(code: &'static str, detail: &str) -> AppError {
    AppError::Forbidden {
        code,
        detail: detail.to_owned(),
    }
}

pub fn shop(conn: &mut DbConn, id: i64) -> AppResult<ShopRow> {
    repo::find_shop(conn, id)?.ok_or(AppError::NotFound { resource: "shop" })
}

/// The member's own shop, or 404 (also for another member's shop).
pub fn own_shop(conn: &mut DbConn, member: MemberId, id: i64) -> AppResult<ShopRow> {
    repo::find_shop(conn, id)?
        .filter(|s| s.owner_member_id == member.0)
        .ok_or(AppError::NotFound { resource: "shop" })
}

/// The member's own shop (404 for another's), refusing changes to a closed one.
pub fn open_own_shop(conn: &mut DbConn, member: MemberId, id: i64) -> AppResult<ShopRow> {
    let shop = own_shop(conn, member, id)?;
    if shop.status != ShopStatus::Open {
        return Err(AppError::Conflict {
            code: "shop_closed",
            detail: "this shop is closed".to_owned(),
        });
    }
    Ok(shop)
}

pub fn update(
    conn: &mut DbConn,
    settings: &ShopSettings,
    member: MemberId,
    id: i64,
    patch: ShopPatch,
    now: chrono::NaiveDateTime,
) -> AppResult<ShopRow> {
    open_own_shop(conn, member, id)?;
    let name = patch
        .name
        .as_deref()
        .map(|raw| rules::shop_name(raw, settings))
        .transpose();
    let (name, name_key) = with_logo(name, patch.logo_url.as_deref())?
        .map(|name| (name.name, name.key))
        .unzip();
    repo::update_shop(
        conn,
        id,
        &ShopChanges {
            name,
            name_key,
            logo_url: patch.logo_url.map(Some),
            description: patch.description,
            updated_at: now,
        },
    )?;
    shop(conn, id)
}

/// Closes a shop; its rows (items, share codes, later orders) stay for the record.
pub fn close(conn: &mut DbConn, actor: &Actor, member: MemberId, id: i64) -> AppResult<ShopRow> {
    let current = own_shop(conn, member, id)?;
    if current.status == ShopStatus::Open {
        repo::close_shop(conn, id, actor.at)?;
        audit::record(
            conn,
            actor,
            "shop.closed",
            "shop",
            &id.to_string(),
            serde_json::json!({"before": {"status": ShopStatus::Open.as_str()}, "after": {"status": ShopStatus::Closed.as_str()}}),
        )?;
    }
    shop(conn, id)
}

/// One CSV line that could not be imported.
#[derive(Debug, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: usize,
    pub reason: String,
}

/// Imports `member,score` lines (member id, email or phone; an optional header line), setting
/// each good row's score and reporting each bad one by its line number.
pub fn import_credit(
    conn: &mut DbConn,
    actor: &Actor,
    csv: &str,
) -> AppResult<(usize, Vec<RejectedRow>)> {
    let mut imported = 0;
    let mut rejected = Vec::new();
    for (index, raw) in csv.lines().enumerate() {
        let line = index + 1;
        let text = raw.trim();
        if text.is_empty() || (line == 1 && text.to_ascii_lowercase().starts_with("member")) {
            continue;
        }
        let mut reject = |reason: String| rejected.push(RejectedRow { line, reason });
        let Some((who, score)) = text.split_once(',') else {
            reject("expected two fields: member,score".to_owned());
            continue;
        };
        let Ok(score) = score.trim().parse::<i32>() else {
            reject(format!("score {:?} is not a whole number", score.trim()));
            continue;
        };
        if !(rules::CREDIT_SCORE_MIN..=rules::CREDIT_SCORE_MAX).contains(&score) {
            reject(format!(
                "score {score} is outside {}..={}",
                rules::CREDIT_SCORE_MIN,
                rules::CREDIT_SCORE_MAX
            ));
            continue;
        }
        let who = who.trim();
        let member = match who.parse::<i64>() {
            Ok(id) => crate::members::repo::find(conn, MemberId(id))?,
            Err(_) => crate::members::repo::find_by_login(
                conn,
                &crate::members::rules::normalize_login(who),
            )?,
        };
        let Some(member) = member else {
            reject(format!("no member {who:?}"));
            continue;
        };
        set_credit_score(conn, actor, MemberId(member.id), score)?;
        imported += 1;
    }
    Ok((imported, rejected))
}
