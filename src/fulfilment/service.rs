//! Listing, exporting and shipping a supplier's parts of orders.

use base64::Engine as _;
use chrono::NaiveDate;

use super::dto::{
    BulkShipReport, BulkShipRow, FulfilmentPage, FulfilmentView, ShipRequest, SupplierOrderQuery,
};
use super::repo::{self, PartFilter};
use super::rules;
use crate::audit::Actor;
use crate::db::{backend, DbConn};
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::orders::dto::AddressView;
use crate::orders::model::{OrderLineRow, OrderRow, SupplierOrderRow};
use crate::orders::service::{ActorKind, Transition};
use crate::orders::settings::OrderSettings;
use crate::orders::state::{self, OrderStatus};
use crate::pagination::PaginationSettings;

/// A checked list request: the filter, where the page starts, its size.
pub struct PartQuery {
    pub filter: PartFilter,
    pub before: Option<i64>,
    pub limit: i64,
}

pub fn check_query(pages: &PaginationSettings, query: SupplierOrderQuery) -> AppResult<PartQuery> {
    let status = state::parse_filter(query.status.as_deref())?;
    let limit = crate::pagination::cursor_limit(query.limit, pages)?;
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(AppError::field(
                "to",
                "before_from",
                "to must not be before from",
            ));
        }
    }
    let start_of = |day: NaiveDate| day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(PartQuery {
        filter: PartFilter {
            status,
            from: query.from.map(start_of),
            until: query.to.and_then(|day| day.succ_opt()).map(start_of),
        },
        before: query.cursor.as_deref().map(decode_cursor).transpose()?,
        limit: i64::from(limit),
    })
}

pub fn list(conn: &mut DbConn, supplier_id: i64, query: &PartQuery) -> AppResult<FulfilmentPage> {
    let mut rows = repo::page(
        conn,
        supplier_id,
        &query.filter,
        query.before,
        query.limit + 1,
    )?;
    let next_cursor = (rows.len() as i64 > query.limit).then(|| {
        rows.truncate(query.limit as usize);
        encode_cursor(rows.last().expect("a full page has a last row").0.id)
    });
    Ok(FulfilmentPage {
        items: views(conn, rows)?,
        next_cursor,
    })
}

fn views(
    conn: &mut DbConn,
    rows: Vec<(SupplierOrderRow, OrderRow)>,
) -> AppResult<Vec<FulfilmentView>> {
    let order_ids: Vec<i64> = rows.iter().map(|(_, order)| order.id).collect();
    let lines = crate::orders::repo::lines_of_orders(conn, &order_ids)?;
    Ok(rows
        .into_iter()
        .map(|(part, order)| view(part, order, &lines))
        .collect())
}

fn view(part: SupplierOrderRow, order: OrderRow, lines: &[OrderLineRow]) -> FulfilmentView {
    FulfilmentView {
        id: part.id,
        order_no: order.order_no,
        status: part.status,
        total_fen: Fen(part.total_fen),
        address: AddressView {
            name: order.recipient_name,
            phone: order.recipient_phone,
            region: order.region,
            detail: order.address_detail,
        },
        note: order.buyer_note,
        placed_at: order.created_at.and_utc(),
        paid_at: order.paid_at.map(|at| at.and_utc()),
        carrier: part.carrier,
        tracking_no: part.tracking_no,
        shipped_at: part.shipped_at.map(|at| at.and_utc()),
        lines: lines
            .iter()
            .filter(|line| line.supplier_order_id == part.id)
            .map(crate::orders::views::line_view)
            .collect(),
    }
}

/// Every matching part as CSV (newest first, at most `rules::EXPORT_MAX_ROWS`), one row per line.
pub fn export_csv(conn: &mut DbConn, supplier_id: i64, filter: &PartFilter) -> AppResult<String> {
    let rows = repo::page(conn, supplier_id, filter, None, rules::EXPORT_MAX_ROWS)?;
    let parts = views(conn, rows)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| AppError::internal(e.to_string());
    writer
        .write_record([
            "supplier_order_id",
            "order_no",
            "status",
            "placed_at",
            "paid_at",
            "recipient",
            "phone",
            "region",
            "address",
            "note",
            "title",
            "sku",
            "quantity",
            "amount_fen",
            "carrier",
            "tracking_no",
        ])
        .map_err(csv_error)?;
    for part in &parts {
        for line in &part.lines {
            writer
                .write_record([
                    part.id.to_string(),
                    part.order_no.clone(),
                    part.status.as_str().to_owned(),
                    part.placed_at.to_string(),
                    part.paid_at.map(|t| t.to_string()).unwrap_or_default(),
                    part.address.name.clone(),
                    part.address.phone.clone(),
                    part.address.region.clone(),
                    part.address.detail.clone(),
                    part.note.clone().unwrap_or_default(),
                    line.title.clone(),
                    line.sku_attributes.to_string(),
                    line.quantity.to_string(),
                    line.amount_fen.0.to_string(),
                    part.carrier.clone().unwrap_or_default(),
                    part.tracking_no.clone().unwrap_or_default(),
                ])
                .map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}

/// Ships a paid part of the supplier's (inside the caller's transaction).
pub fn ship(
    conn: &mut DbConn,
    settings: &OrderSettings,
    supplier_id: i64,
    part_id: i64,
    request: &ShipRequest,
    actor: &Actor,
) -> AppResult<FulfilmentView> {
    let carrier = request.carrier.trim();
    let tracking_no = request.tracking_no.trim();
    let errors = rules::check_shipment(settings, carrier, tracking_no);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (part, _) = repo::find(conn, supplier_id, part_id)?.ok_or(AppError::NotFound {
        resource: "supplier order",
    })?;
    crate::orders::repo::lock_order(conn, part.order_id)?;
    let (part, _) = repo::find(conn, supplier_id, part_id)?.ok_or(AppError::NotFound {
        resource: "supplier order",
    })?;
    let from = part.status;
    from.transition(OrderStatus::Shipped)?;
    let now = actor.at;
    if !crate::orders::repo::ship_part(conn, part.id, carrier, tracking_no, now)? {
        return Err(state::illegal(from, OrderStatus::Shipped));
    }
    Transition {
        order_id: part.order_id,
        part_id: Some(part.id),
        from,
        to: OrderStatus::Shipped,
        by: ActorKind::Supplier,
        actor,
        note: Some(&format!("{carrier} {tracking_no}")),
        at: now,
    }
    .record(conn)?;
    crate::orders::service::refresh_order_status(conn, part.order_id, now)?;
    let (part, order) = repo::find(conn, supplier_id, part_id)?.ok_or(AppError::NotFound {
        resource: "supplier order",
    })?;
    let lines = crate::orders::repo::lines_of_orders(conn, &[order.id])?;
    Ok(view(part, order, &lines))
}

/// Ships every row of a CSV file (`supplier_order_id,carrier,tracking_no`, an optional header
/// line), each row in a transaction of its own; the report says what happened to each.
pub fn bulk_ship(
    conn: &mut DbConn,
    settings: &OrderSettings,
    supplier_id: i64,
    file: &[u8],
    actor: &Actor,
) -> AppResult<BulkShipReport> {
    // The whole file is read and checked before anything ships.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(file);
    let mut parsed: Vec<Result<(usize, i64, ShipRequest), BulkShipRow>> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                parsed.push(Err(failed(line, None, "invalid_row", &error.to_string())));
                continue;
            }
        };
        let fields: Vec<&str> = record.iter().collect();
        if line == 1 && fields.first() == Some(&"supplier_order_id") {
            continue;
        }
        parsed.push(match fields[..] {
            [id, carrier, tracking_no] => match id.parse::<i64>() {
                Ok(part_id) => Ok((
                    line,
                    part_id,
                    ShipRequest {
                        carrier: carrier.to_owned(),
                        tracking_no: tracking_no.to_owned(),
                    },
                )),
                Err(_) => Err(failed(
                    line,
                    None,
                    "invalid_row",
                    "supplier_order_id is not a number",
                )),
            },
            _ => Err(failed(
                line,
                None,
                "invalid_row",
                "expected supplier_order_id,carrier,tracking_no",
            )),
        });
        if parsed.len() > rules::BULK_MAX_ROWS {
            return Err(AppError::field(
                "file",
                "too_many_rows",
                format!("a file has at most {} rows", rules::BULK_MAX_ROWS),
            ));
        }
    }
    let mut rows = Vec::with_capacity(parsed.len());
    for row in parsed {
        let (line, part_id, request) = match row {
            Ok(row) => row,
            Err(report) => {
                rows.push(report);
                continue;
            }
        };
        let shipped = backend::write_transaction(conn, |conn| {
            ship(conn, settings, supplier_id, part_id, &request, actor)
        });
        // Every row gets its line in the report, whatever happened to it: the rows before
        // it have shipped for good.
        rows.push(match shipped {
            Ok(_) => BulkShipRow {
                line,
                supplier_order_id: Some(part_id),
                outcome: "shipped".to_owned(),
                code: None,
                message: None,
            },
            Err(error) => {
                let problem = error.problem();
                let (code, message) = match problem.errors.first() {
                    Some(field) => (field.code.clone(), field.message.clone()),
                    None => (problem.code, problem.detail.unwrap_or(problem.title)),
                };
                failed(line, Some(part_id), &code, &message)
            }
        });
    }
    if rows.is_empty() {
        return Err(AppError::field("file", "empty", "the file has no rows"));
    }
    let shipped = rows.iter().filter(|row| row.outcome == "shipped").count();
    Ok(BulkShipReport {
        shipped,
        failed: rows.len() - shipped,
        rows,
    })
}

fn failed(line: usize, supplier_order_id: Option<i64>, code: &str, message: &str) -> BulkShipRow {
    BulkShipRow {
        line,
        supplier_order_id,
        outcome: "error".to_owned(),
        code: Some(code.to_owned()),
        message: Some(message.to_owned()),
    }
}

fn encode_cursor(id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.to_string())
}

fn decode_cursor(text: &str) -> AppResult<i64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| AppError::field("cursor", "invalid", "not a cursor this API gave out"))
}
