//! Building the finance views.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime};

use super::dto::{
    AccountTotal, DayEarning, EarningsView, ItemEarning, PlatformFinanceView, SupplierFinanceView,
};
use super::repo;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::ledger::accounts;
use crate::ledger::service::balance;
use crate::members::MemberId;
use crate::money::Fen;
use crate::settlement::figures::share_of;

/// The business day of a stored (UTC) time: Asia/Shanghai, which keeps UTC+8 all year.
fn business_date(at: NaiveDateTime) -> NaiveDate {
    let offset = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    (at.and_utc() + Duration::seconds(i64::from(offset.local_minus_utc()))).date_naive()
}

/// The UTC time at which a business day starts.
fn business_day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).expect("midnight exists") - Duration::hours(8)
}

pub fn check_days(days: Option<u32>) -> AppResult<u32> {
    let days = days.unwrap_or(30);
    if (1..=90).contains(&days) {
        Ok(days)
    } else {
        Err(AppError::field(
            "days",
            "out_of_range",
            "days must be between 1 and 90",
        ))
    }
}

pub fn earnings(
    conn: &mut DbConn,
    member: MemberId,
    days: u32,
    now: chrono::NaiveDateTime,
) -> AppResult<EarningsView> {
    let today = business_date(now);
    let first_day = today - Duration::days(i64::from(days) - 1);
    let month_start = today.with_day(1).expect("every month has a 1st");
    let since = business_day_start(first_day.min(month_start));
    let lines = repo::paid_lines_since(conn, member.0, since)?;

    let mut series: BTreeMap<NaiveDate, (std::collections::BTreeSet<i64>, i64)> = (0..days)
        .map(|d| (first_day + Duration::days(i64::from(d)), Default::default()))
        .collect();
    let mut items: BTreeMap<i64, ItemEarning> = BTreeMap::new();
    let (mut today_fen, mut month_fen) = (0, 0);
    for line in &lines {
        let Some(paid_at) = line.paid_at else {
            continue;
        };
        let day = business_date(paid_at);
        let kept = i64::from(line.quantity - line.refunded_quantity);
        let quantity = i64::from(line.quantity);
        // The same shares the ledger posts.
        let earning = share_of(line.commission_fen, kept, quantity).0
            + share_of(line.tier_bonus_fen, kept, quantity).0;
        if day == today {
            today_fen += earning;
        }
        if day >= month_start {
            month_fen += earning;
        }
        if let Some((orders, total)) = series.get_mut(&day) {
            orders.insert(line.order_id);
            *total += earning;
            let item = items
                .entry(line.shop_item_id)
                .or_insert_with(|| ItemEarning {
                    shop_item_id: line.shop_item_id,
                    title: line.title.clone(),
                    pieces: 0,
                    earning_fen: Fen(0),
                });
            item.pieces += kept;
            item.earning_fen.0 += earning;
        }
    }
    let mut items: Vec<ItemEarning> = items.into_values().collect();
    items.sort_by(|a, b| {
        b.earning_fen
            .cmp(&a.earning_fen)
            .then(a.shop_item_id.cmp(&b.shop_item_id))
    });
    Ok(EarningsView {
        today_fen: Fen(today_fen),
        this_month_fen: Fen(month_fen),
        pending_fen: balance(conn, &accounts::shopkeeper_pending(member.0))?,
        available_fen: balance(conn, &accounts::shopkeeper_available(member.0))?,
        reversed_fen: Fen(repo::reversed(conn, member.0)?),
        items,
        days: series
            .into_iter()
            .map(|(date, (orders, total))| DayEarning {
                date,
                orders: orders.len() as i64,
                earning_fen: Fen(total),
            })
            .collect(),
    })
}

pub fn supplier(
    conn: &mut DbConn,
    supplier_id: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<SupplierFinanceView> {
    let totals = repo::sales_totals(conn, Some(supplier_id))?;
    let since = now - Duration::days(90);
    Ok(SupplierFinanceView {
        sales_fen: Fen(totals.sales_fen),
        refunds_fen: Fen(totals.refunds_fen),
        unsettled_fen: Fen(totals.unsettled_fen),
        payable_fen: balance(conn, &accounts::supplier_payable(supplier_id))?,
        deposit_fen: balance(conn, &accounts::supplier_deposit(supplier_id))?,
        owed_fen: balance(conn, &accounts::supplier_owed(supplier_id))?,
        violations_90d: crate::aftersales::repo::violations_since(conn, supplier_id, since)?,
    })
}

/// Party accounts summed by kind, as the admin view lists them.
const PARTY_ACCOUNT_KINDS: [&str; 5] = [
    "shopkeeper/%/pending",
    "shopkeeper/%/available",
    "supplier/%/payable",
    "supplier/%/deposit",
    "supplier/%/owed",
];

pub fn platform(conn: &mut DbConn) -> AppResult<PlatformFinanceView> {
    let totals = repo::sales_totals(conn, None)?;
    let mut accounts: Vec<AccountTotal> = repo::platform_accounts(conn)?
        .into_iter()
        .map(|row| AccountTotal {
            account: row.code,
            balance_fen: Fen(row.balance_fen),
        })
        .collect();
    for pattern in PARTY_ACCOUNT_KINDS {
        accounts.push(AccountTotal {
            account: pattern.replace('%', "*"),
            balance_fen: Fen(repo::balance_total(conn, pattern)?),
        });
    }
    Ok(PlatformFinanceView {
        gmv_fen: Fen(totals.sales_fen),
        refunds_fen: Fen(totals.refunds_fen),
        accounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_days_run_from_midnight_in_shanghai() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        // 15:59:59 UTC is 23:59:59 in Shanghai; a second later it is the next day there.
        assert_eq!(
            business_date(at("2026-11-30 15:59:59")),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(
            business_date(at("2026-11-30 16:00:00")),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(
            business_day_start(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
            at("2026-11-30 16:00:00")
        );
    }
}
