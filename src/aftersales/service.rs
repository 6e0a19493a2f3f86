//! Opening, answering, escalating and deciding after-sales cases; refunds through the gateway.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use super::dto::{
    ApproveRequest, CaseKind, CaseLineRequest, CaseLineView, CaseMessageView, CaseView,
    DecideRequest, Decision, EvidenceRequest, OpenCaseRequest, RejectRequest,
    ReturnShipmentRequest,
};
use super::model::{CaseChanges, CaseLineRow, CaseRow, MessageRow, NewCase, NewMessage};
use super::repo::{self, CasesOf};
use super::rules;
use super::settings::AftersalesSettings;
use crate::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError};
use crate::members::MemberId;
use crate::money::Fen;
use crate::orders::case_state::CaseStatus;
use crate::orders::model::OrderLineRow;
use crate::orders::repo as orders_repo;
use crate::orders::service::{ActorKind, Transition};
use crate::orders::settings::OrderSettings;
use crate::orders::state::OrderStatus;
use crate::pagination::{Page, Paginated};
use crate::settlement::service::{refund_lines, LineRefund};

/// Who speaks on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Buyer,
    Supplier,
    Platform,
    System,
}

impl Party {
    fn as_str(self) -> &'static str {
        match self {
            Self::Buyer => "buyer",
            Self::Supplier => "supplier",
            Self::Platform => "platform",
            Self::System => "system",
        }
    }
}

fn images_json(urls: &[String]) -> String {
    serde_json::Value::from(urls).to_string()
}

fn say(
    conn: &mut DbConn,
    case_id: i64,
    party: Party,
    actor: &Actor,
    action: &str,
    body: &str,
    image_urls: &[String],
) -> AppResult<()> {
    repo::insert_message(
        conn,
        &NewMessage {
            case_id,
            party: party.as_str(),
            member_id: actor.member.map(|m| m.0),
            action,
            body,
            image_urls: images_json(image_urls),
            created_at: actor.at,
        },
    )
}

/// A case number: `AS`, the day and 10 random digits (unique; a clash fails the request, which
/// the buyer retries).
fn new_case_no(now: NaiveDateTime) -> String {
    use rand::Rng;
    format!(
        "AS{}{:010}",
        now.format("%y%m%d"),
        rand::rngs::OsRng.gen_range(0..10_000_000_000_u64)
    )
}

/// The buyer opens a case on a part of their own order.
pub fn open(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    buyer: MemberId,
    order_id: i64,
    request: &OpenCaseRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let mut errors = rules::check_lines("lines", &request.lines);
    errors.extend(rules::check_text("reason", &request.reason));
    errors.extend(rules::check_images(
        settings,
        "image_urls",
        &request.image_urls,
    ));
    rules::join_errors(errors)?;
    let now = actor.at;
    let order = crate::orders::service::own_order(conn, buyer, order_id)?;
    orders_repo::lock_order(conn, order.id)?;
    let part = orders_repo::parts(conn, order.id)?
        .into_iter()
        .find(|part| part.id == request.supplier_order_id)
        .ok_or_else(|| {
            AppError::field(
                "supplier_order_id",
                "not_in_order",
                "the supplier order is not part of this order",
            )
        })?;
    rules::check_open(settings, &part, request.kind, now)?;
    let lines = lines_named(conn, part.id, &request.lines, "lines")?;
    let claimed: BTreeMap<i64, i64> = repo::claimed_pieces(
        conn,
        &lines.iter().map(|(line, _)| line.id).collect::<Vec<_>>(),
        now,
    )?
    .into_iter()
    .collect();
    let mut errors = Vec::new();
    for (i, (line, pieces)) in lines.iter().enumerate() {
        let left = i64::from(line.quantity) - claimed.get(&line.id).copied().unwrap_or(0);
        if i64::from(*pieces) > left {
            errors.push(FieldError::new(
                &format!("lines[{i}].quantity"),
                "exceeds_claimable",
                format!("{left} of this line's pieces may still be claimed"),
            ));
        }
    }
    rules::join_errors(errors)?;
    let refund: i64 = lines
        .iter()
        .map(|(line, pieces)| line.unit_price_fen * i64::from(*pieces))
        .sum();
    let case_no = new_case_no(now);
    let case_id = repo::insert(
        conn,
        &NewCase {
            case_no: &case_no,
            order_id: order.id,
            supplier_order_id: part.id,
            supplier_id: part.supplier_id,
            buyer_member_id: buyer.0,
            kind: request.kind,
            status: CaseStatus::Requested,
            reason: request.reason.trim(),
            image_urls: images_json(&request.image_urls),
            refund_fen: refund,
            restock: settings.restock_returns,
            respond_by: now + Duration::hours(i64::from(settings.supplier_response_hours)),
            created_at: now,
            updated_at: now,
        },
    )?;
    repo::insert_lines(
        conn,
        &lines
            .iter()
            .map(|(line, pieces)| CaseLineRow {
                id: 0,
                case_id,
                order_line_id: line.id,
                quantity: *pieces,
                amount_fen: line.unit_price_fen * i64::from(*pieces),
            })
            .collect::<Vec<_>>(),
    )?;
    say(
        conn,
        case_id,
        Party::Buyer,
        actor,
        "requested",
        request.reason.trim(),
        &request.image_urls,
    )?;
    view_of(conn, case_id)
}

/// The part's lines the request names, with the pieces asked (422 naming a line not in it).
fn lines_named(
    conn: &mut DbConn,
    part_id: i64,
    requested: &[CaseLineRequest],
    field: &str,
) -> AppResult<Vec<(OrderLineRow, i32)>> {
    let lines = crate::settlement::repo::lines_of_part(conn, part_id)?;
    let mut errors = Vec::new();
    let mut named = Vec::new();
    for (i, wanted) in requested.iter().enumerate() {
        match lines.iter().find(|line| line.id == wanted.order_line_id) {
            Some(line) => named.push((line.clone(), wanted.quantity)),
            None => errors.push(FieldError::new(
                &format!("{field}[{i}].order_line_id"),
                "not_in_supplier_order",
                "this line is not part of the supplier order",
            )),
        }
    }
    rules::join_errors(errors)?;
    Ok(named)
}

/// A case of the buyer's (another's is not found).
fn buyers_case(conn: &mut DbConn, buyer: MemberId, case_id: i64) -> AppResult<CaseRow> {
    repo::find(conn, case_id)?
        .filter(|case| case.buyer_member_id == buyer.0)
        .ok_or(AppError::NotFound {
            resource: "after-sales case",
        })
}

/// A case of the supplier's (another's is not found).
fn suppliers_case(conn: &mut DbConn, supplier_id: i64, case_id: i64) -> AppResult<CaseRow> {
    repo::find(conn, case_id)?
        .filter(|case| case.supplier_id == supplier_id)
        .ok_or(AppError::NotFound {
            resource: "after-sales case",
        })
}

/// Moves the case (409 if another change moved it first) and records who said what.
#[allow(clippy::too_many_arguments)]
fn move_case(
    conn: &mut DbConn,
    case: &CaseRow,
    to: CaseStatus,
    changes: &CaseChanges,
    party: Party,
    actor: &Actor,
    action: &str,
    body: &str,
    image_urls: &[String],
) -> AppResult<()> {
    let from = case.status;
    from.transition(to)?;
    if !repo::move_case(conn, case.id, from, to, actor.at, changes)? {
        let now_status = repo::find(conn, case.id)?.map_or(from, |c| c.status);
        return Err(now_status
            .transition(to)
            .err()
            .unwrap_or(AppError::Conflict {
                code: "illegal_case_transition",
                detail: "the case changed meanwhile".to_owned(),
            }));
    }
    say(conn, case.id, party, actor, action, body, image_urls)
}

/// The supplier (or its silence) approves: a refund-only case is refunded now; a return waits
/// for the goods.
pub fn approve(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    supplier_id: i64,
    case_id: i64,
    request: &ApproveRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let case = suppliers_case(conn, supplier_id, case_id)?;
    rules::join_errors(
        rules::check_optional_text("note", request.note.as_deref())
            .into_iter()
            .collect(),
    )?;
    approve_case(conn, settings, &case, request, Party::Supplier, actor)?;
    view_of(conn, case_id)
}

fn approve_case(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    case: &CaseRow,
    request: &ApproveRequest,
    party: Party,
    actor: &Actor,
) -> AppResult<()> {
    orders_repo::lock_order(conn, case.order_id)?;
    let action = if party == Party::System {
        "approved_automatically"
    } else {
        "approved"
    };
    let note = request.note.as_deref().unwrap_or("");
    match case.kind {
        CaseKind::RefundOnly => {
            move_case(
                conn,
                case,
                CaseStatus::Refunded,
                &CaseChanges {
                    supplier_note: request.note.as_deref(),
                    ..Default::default()
                },
                party,
                actor,
                action,
                note,
                &[],
            )?;
            let lines = repo::lines_of_cases(conn, &[case.id])?
                .into_iter()
                .map(|line| (line.order_line_id, line.quantity))
                .collect();
            refund_case(conn, case, lines, false, actor)
        }
        CaseKind::ReturnRefund => move_case(
            conn,
            case,
            CaseStatus::AwaitingReturn,
            &CaseChanges {
                supplier_note: request.note.as_deref(),
                restock: request.restock,
                respond_by: Some(actor.at + Duration::days(i64::from(settings.buyer_return_days))),
                ..Default::default()
            },
            party,
            actor,
            action,
            note,
            &[],
        ),
    }
}

/// Refunds `pieces` (order line id → pieces) of the case's lines: commission reversed, the
/// buyer owed through the gateway, stock returned when the goods are back (or never left), and
/// a part refunded whole before shipping cancelled.
fn refund_case(
    conn: &mut DbConn,
    case: &CaseRow,
    pieces: Vec<(i64, i32)>,
    returned: bool,
    actor: &Actor,
) -> AppResult<()> {
    let now = actor.at;
    let part = orders_repo::parts(conn, case.order_id)?
        .into_iter()
        .find(|part| part.id == case.supplier_order_id)
        .ok_or_else(|| AppError::internal("a case's supplier order is gone"))?;
    let lines = crate::settlement::repo::lines_of_part(conn, part.id)?;
    let pieces: Vec<(OrderLineRow, i32)> = pieces
        .into_iter()
        .filter_map(|(line_id, n)| {
            lines
                .iter()
                .find(|line| line.id == line_id)
                .map(|line| (line.clone(), n))
        })
        .collect();
    let not_shipped = part.status == OrderStatus::Paid;
    let mut stock_back: BTreeMap<i64, i64> = BTreeMap::new();
    if not_shipped || returned {
        for (line, n) in &pieces {
            *stock_back.entry(line.sku_id).or_default() += i64::from(*n);
        }
    }
    let reason = format!("after-sales case {}", case.case_no);
    let refunded = refund_lines(
        conn,
        actor,
        LineRefund {
            order_id: case.order_id,
            refund_no: &format!("R{}", case.case_no),
            reason: &reason,
            aftersales_case_id: Some(case.id),
            pieces,
        },
    )?;
    repo::set_refunded_amount(conn, case.id, refunded)?;
    for (sku_id, quantity) in stock_back {
        orders_repo::return_stock(conn, sku_id, quantity, now)?;
    }
    let all_refunded = crate::settlement::repo::lines_of_part(conn, part.id)?
        .iter()
        .all(|line| line.refunded_quantity == line.quantity);
    if not_shipped
        && all_refunded
        && orders_repo::move_part(
            conn,
            part.id,
            OrderStatus::Paid,
            OrderStatus::Cancelled,
            now,
        )?
    {
        Transition {
            order_id: case.order_id,
            part_id: Some(part.id),
            from: OrderStatus::Paid,
            to: OrderStatus::Cancelled,
            by: ActorKind::System,
            actor,
            note: Some(&reason),
            at: now,
        }
        .record(conn)?;
        crate::orders::service::refresh_order_status(conn, case.order_id, now)?;
    }
    Ok(())
}

/// A late party may no longer act against the other: the deadline job acts for it (a supplier
/// may still approve late, which is what the job would do).
fn check_deadline(case: &CaseRow, now: chrono::NaiveDateTime) -> AppResult<()> {
    if now > case.respond_by {
        return Err(AppError::Conflict {
            code: "deadline_passed",
            detail: format!(
                "the case had to be answered by {}",
                case.respond_by.format("%Y-%m-%d %H:%M UTC")
            ),
        });
    }
    Ok(())
}

/// The supplier rejects, saying why; the buyer may escalate within the window.
pub fn reject(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    supplier_id: i64,
    case_id: i64,
    request: &RejectRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    rules::join_errors(
        rules::check_text("note", &request.note)
            .into_iter()
            .collect(),
    )?;
    let case = suppliers_case(conn, supplier_id, case_id)?;
    check_deadline(&case, actor.at)?;
    let escalate_by = actor.at + Duration::days(i64::from(settings.escalation_window_days));
    move_case(
        conn,
        &case,
        CaseStatus::Rejected,
        &CaseChanges {
            supplier_note: Some(request.note.trim()),
            escalate_by: Some(escalate_by),
            ..Default::default()
        },
        Party::Supplier,
        actor,
        "rejected",
        request.note.trim(),
        &[],
    )?;
    view_of(conn, case_id)
}

/// The buyer sends the goods back and says how.
pub fn ship_return(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    orders: &OrderSettings,
    buyer: MemberId,
    case_id: i64,
    request: &ReturnShipmentRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let (carrier, tracking) = (request.carrier.trim(), request.tracking_no.trim());
    rules::join_errors(crate::fulfilment::rules::check_shipment(
        orders, carrier, tracking,
    ))?;
    let case = buyers_case(conn, buyer, case_id)?;
    check_deadline(&case, actor.at)?;
    move_case(
        conn,
        &case,
        CaseStatus::ReturnShipped,
        &CaseChanges {
            return_carrier: Some(carrier),
            return_tracking_no: Some(tracking),
            respond_by: Some(actor.at + Duration::days(i64::from(settings.supplier_receipt_days))),
            ..Default::default()
        },
        Party::Buyer,
        actor,
        "return_shipped",
        &format!("{carrier} {tracking}"),
        &[],
    )?;
    view_of(conn, case_id)
}

/// The supplier has the goods back: the buyer is refunded (and the stock returned if the case
/// says so).
pub fn receive_return(
    conn: &mut DbConn,
    supplier_id: i64,
    case_id: i64,
    actor: &Actor,
) -> AppResult<CaseView> {
    let case = suppliers_case(conn, supplier_id, case_id)?;
    refund_return(
        conn,
        &case,
        Party::Supplier,
        actor,
        "received_return",
        case.restock,
    )?;
    view_of(conn, case_id)
}

/// A return that came back (or that the supplier did not confirm in time: then nothing is
/// restocked, as nobody saw the goods arrive) is refunded.
fn refund_return(
    conn: &mut DbConn,
    case: &CaseRow,
    party: Party,
    actor: &Actor,
    action: &str,
    restock: bool,
) -> AppResult<()> {
    orders_repo::lock_order(conn, case.order_id)?;
    move_case(
        conn,
        case,
        CaseStatus::Refunded,
        &CaseChanges::default(),
        party,
        actor,
        action,
        "",
        &[],
    )?;
    let lines = repo::lines_of_cases(conn, &[case.id])?
        .into_iter()
        .map(|line| (line.order_line_id, line.quantity))
        .collect();
    refund_case(conn, case, lines, restock, actor)
}

/// The buyer escalates a rejected case to the platform, in time, with their evidence.
pub fn escalate(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    buyer: MemberId,
    case_id: i64,
    request: &EvidenceRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    check_evidence(settings, request)?;
    let case = buyers_case(conn, buyer, case_id)?;
    if case.escalate_by.is_some_and(|by| actor.at > by) {
        return Err(AppError::Conflict {
            code: "escalation_window_closed",
            detail: "the time to escalate this case has passed".to_owned(),
        });
    }
    move_case(
        conn,
        &case,
        CaseStatus::Disputed,
        &CaseChanges::default(),
        Party::Buyer,
        actor,
        "escalated",
        request.text.trim(),
        &request.image_urls,
    )?;
    view_of(conn, case_id)
}

fn check_evidence(settings: &AftersalesSettings, request: &EvidenceRequest) -> AppResult<()> {
    let mut errors: Vec<FieldError> = rules::check_text("text", &request.text)
        .into_iter()
        .collect();
    errors.extend(rules::check_images(
        settings,
        "image_urls",
        &request.image_urls,
    ));
    rules::join_errors(errors)
}

/// Either side adds evidence to a dispute.
pub fn add_evidence(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    party: Party,
    case: &CaseRow,
    request: &EvidenceRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    check_evidence(settings, request)?;
    if case.status != CaseStatus::Disputed {
        return Err(AppError::Conflict {
            code: "not_disputed",
            detail: format!(
                "the case is {}; evidence is added to disputes",
                case.status.as_str()
            ),
        });
    }
    say(
        conn,
        case.id,
        party,
        actor,
        "evidence",
        request.text.trim(),
        &request.image_urls,
    )?;
    view_of(conn, case.id)
}

pub fn buyer_evidence(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    buyer: MemberId,
    case_id: i64,
    request: &EvidenceRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let case = buyers_case(conn, buyer, case_id)?;
    add_evidence(conn, settings, Party::Buyer, &case, request, actor)
}

pub fn supplier_evidence(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    supplier_id: i64,
    case_id: i64,
    request: &EvidenceRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let case = suppliers_case(conn, supplier_id, case_id)?;
    add_evidence(conn, settings, Party::Supplier, &case, request, actor)
}

/// The buyer withdraws a case the supplier has not refunded or rejected.
pub fn withdraw(
    conn: &mut DbConn,
    buyer: MemberId,
    case_id: i64,
    actor: &Actor,
) -> AppResult<CaseView> {
    let case = buyers_case(conn, buyer, case_id)?;
    move_case(
        conn,
        &case,
        CaseStatus::Closed,
        &CaseChanges::default(),
        Party::Buyer,
        actor,
        "withdrawn",
        "",
        &[],
    )?;
    view_of(conn, case_id)
}

/// The platform decides a dispute: a refund (of all the case asks, or part of it) or the
/// rejection upheld, and optionally compensation from the supplier's deposit. A decision for
/// the buyer records a violation against the supplier. Audited.
pub fn decide(
    conn: &mut DbConn,
    case_id: i64,
    request: &DecideRequest,
    actor: &Actor,
) -> AppResult<CaseView> {
    let mut errors: Vec<FieldError> = rules::check_text("note", &request.note)
        .into_iter()
        .collect();
    if let Some(lines) = &request.lines {
        errors.extend(rules::check_lines("lines", lines));
    }
    let compensation = request.compensation_fen.unwrap_or_default();
    if compensation.0 < 0 {
        errors.push(FieldError::new(
            "compensation_fen",
            "out_of_range",
            "compensation must not be negative",
        ));
    }
    if compensation.0 > 0 && request.decision == Decision::Reject {
        errors.push(FieldError::new(
            "compensation_fen",
            "not_with_reject",
            "compensation goes with a decision for the buyer",
        ));
    }
    rules::join_errors(errors)?;
    let case = repo::find(conn, case_id)?.ok_or(AppError::NotFound {
        resource: "after-sales case",
    })?;
    orders_repo::lock_order(conn, case.order_id)?;
    let asked = repo::lines_of_cases(conn, &[case.id])?;
    let pieces: Vec<(i64, i32)> = match &request.lines {
        None => asked
            .iter()
            .map(|line| (line.order_line_id, line.quantity))
            .collect(),
        Some(lines) => {
            let mut errors = Vec::new();
            for (i, wanted) in lines.iter().enumerate() {
                let within = asked.iter().any(|line| {
                    line.order_line_id == wanted.order_line_id && wanted.quantity <= line.quantity
                });
                if !within {
                    errors.push(FieldError::new(
                        &format!("lines[{i}]"),
                        "not_in_case",
                        "a decision refunds at most the pieces the case asks for",
                    ));
                }
            }
            rules::join_errors(errors)?;
            lines
                .iter()
                .map(|line| (line.order_line_id, line.quantity))
                .collect()
        }
    };
    let (to, action) = match request.decision {
        Decision::Refund => (CaseStatus::Refunded, "decided_refund"),
        Decision::Reject => (CaseStatus::Closed, "decided_reject"),
    };
    move_case(
        conn,
        &case,
        to,
        &CaseChanges {
            decision_note: Some(request.note.trim()),
            decided_by_member_id: actor.member.map(|m| m.0),
            compensation_fen: Some(compensation.0),
            ..Default::default()
        },
        Party::Platform,
        actor,
        action,
        request.note.trim(),
        &[],
    )?;
    if request.decision == Decision::Refund {
        refund_case(conn, &case, pieces.clone(), false, actor)?;
        repo::record_violation(
            conn,
            case.supplier_id,
            case.id,
            "aftersales_dispute_lost",
            actor.at,
        )?;
    }
    if compensation.0 > 0 {
        crate::suppliers::service::deduct(
            conn,
            actor,
            case.supplier_id,
            compensation,
            crate::suppliers::dto::DeductionKind::AftersalesCompensation,
            request.note.trim(),
            &case.case_no,
        )?;
        pay_compensation(conn, &case, compensation, actor)?;
    }
    crate::audit::record(
        conn,
        actor,
        "aftersales.decided",
        "aftersales_case",
        &case.id.to_string(),
        serde_json::json!({
            "case_no": case.case_no,
            "decision": request.decision,
            "lines": pieces,
            "compensation_fen": compensation,
            "note": request.note.trim(),
        }),
    )?;
    view_of(conn, case_id)
}

/// Closes the cases still open on an order cancelled (and refunded in full) before shipping.
pub fn close_cases_of_cancelled_order(
    conn: &mut DbConn,
    order_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    for case in repo::cases_of_order(conn, order_id)? {
        let from = case.status;
        if from.can_become(CaseStatus::Closed) || from == CaseStatus::Rejected {
            repo::close(conn, case.id, actor.at)?;
            say(
                conn,
                case.id,
                Party::System,
                actor,
                "closed",
                "the order was cancelled and refunded in full",
                &[],
            )?;
        }
    }
    Ok(())
}

/// Compensation taken from the supplier's deposit goes on to the buyer, as a refund through
/// the order's payment (sent after commit with the case's refund).
fn pay_compensation(
    conn: &mut DbConn,
    case: &CaseRow,
    amount: Fen,
    actor: &Actor,
) -> AppResult<()> {
    let payment = crate::payments::repo::succeeded_for_order(conn, case.order_id)?
        .ok_or_else(|| AppError::internal(format!("order {} has no payment", case.order_id)))?;
    let refund_no = format!("C{}", case.case_no);
    crate::ledger::service::post(
        conn,
        actor,
        crate::ledger::PostingRequest {
            business_key: format!("compensation:{refund_no}"),
            kind: "aftersales_compensation",
            memo: format!("compensation for case {} paid to the buyer", case.case_no),
            legs: vec![
                crate::ledger::Leg::debit(
                    crate::ledger::accounts::platform_deposit_deductions(),
                    amount,
                ),
                crate::ledger::Leg::credit(crate::ledger::accounts::refunds_due(), amount),
            ],
        },
    )?;
    crate::settlement::refunds::owe_refund(
        conn,
        &payment,
        &refund_no,
        amount,
        &format!("compensation for case {}", case.case_no),
        Some(case.id),
        actor.at,
    )
}

/// Acts for whoever let a case's deadline pass (the aftersales-deadlines job), one per call:
/// a supplier's silence approves, a buyer's unsent return closes the case, a supplier's
/// unconfirmed return refunds it.
pub fn act_on_overdue(
    conn: &mut DbConn,
    settings: &AftersalesSettings,
    case_id: i64,
    actor: &Actor,
) -> AppResult<bool> {
    let Some(case) = repo::find(conn, case_id)? else {
        return Ok(false);
    };
    if case.respond_by > actor.at {
        return Ok(false);
    }
    match case.status {
        CaseStatus::Requested => approve_case(
            conn,
            settings,
            &case,
            &ApproveRequest {
                restock: None,
                note: Some("the supplier did not answer in time".to_owned()),
            },
            Party::System,
            actor,
        )?,
        CaseStatus::AwaitingReturn => move_case(
            conn,
            &case,
            CaseStatus::Closed,
            &CaseChanges::default(),
            Party::System,
            actor,
            "closed_return_not_sent",
            "the goods were not sent back in time",
            &[],
        )?,
        CaseStatus::ReturnShipped => refund_return(
            conn,
            &case,
            Party::System,
            actor,
            "refunded_return_unconfirmed",
            false,
        )?,
        _ => return Ok(false),
    }
    Ok(true)
}

pub fn buyer_case(conn: &mut DbConn, buyer: MemberId, case_id: i64) -> AppResult<CaseView> {
    buyers_case(conn, buyer, case_id)?;
    view_of(conn, case_id)
}

pub fn supplier_case(conn: &mut DbConn, supplier_id: i64, case_id: i64) -> AppResult<CaseView> {
    suppliers_case(conn, supplier_id, case_id)?;
    view_of(conn, case_id)
}

pub fn list(
    conn: &mut DbConn,
    of: CasesOf,
    status: Option<CaseStatus>,
    page: Page,
) -> AppResult<Paginated<CaseView>> {
    let (cases, total) = repo::page(conn, of, status, page)?;
    Ok(Paginated::new(views(conn, cases)?, page, total))
}

/// A `status` filter: absent, or one of the case states (422 naming `status`).
pub fn parse_status(text: Option<&str>) -> AppResult<Option<CaseStatus>> {
    text.map(|text| {
        CaseStatus::parse(text).map_err(|_| {
            AppError::field(
                "status",
                "invalid",
                format!("status must be one of {}", CaseStatus::names()),
            )
        })
    })
    .transpose()
}

fn view_of(conn: &mut DbConn, case_id: i64) -> AppResult<CaseView> {
    let case = repo::find(conn, case_id)?.ok_or(AppError::NotFound {
        resource: "after-sales case",
    })?;
    Ok(views(conn, vec![case])?.remove(0))
}

/// Views of several cases with two more queries for all of them (lines, messages).
fn views(conn: &mut DbConn, cases: Vec<CaseRow>) -> AppResult<Vec<CaseView>> {
    let ids: Vec<i64> = cases.iter().map(|case| case.id).collect();
    let lines = repo::lines_of_cases(conn, &ids)?;
    let messages = repo::messages_of_cases(conn, &ids)?;
    Ok(cases
        .into_iter()
        .map(|case| view(case, &lines, &messages))
        .collect())
}

fn parse_images(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn view(case: CaseRow, lines: &[CaseLineRow], messages: &[MessageRow]) -> CaseView {
    CaseView {
        id: case.id,
        kind: case.kind,
        status: case.status,
        image_urls: parse_images(&case.image_urls),
        refund_fen: Fen(case.refund_fen),
        compensation_fen: Fen(case.compensation_fen),
        lines: lines
            .iter()
            .filter(|line| line.case_id == case.id)
            .map(|line| CaseLineView {
                order_line_id: line.order_line_id,
                quantity: line.quantity,
                amount_fen: Fen(line.amount_fen),
            })
            .collect(),
        messages: messages
            .iter()
            .filter(|message| message.case_id == case.id)
            .map(|message| CaseMessageView {
                party: message.party.clone(),
                action: message.action.clone(),
                body: message.body.clone(),
                image_urls: parse_images(&message.image_urls),
                at: message.created_at.and_utc(),
            })
            .collect(),
        case_no: case.case_no,
        order_id: case.order_id,
        supplier_order_id: case.supplier_order_id,
        supplier_id: case.supplier_id,
        reason: case.reason,
        restock: case.restock,
        return_carrier: case.return_carrier,
        return_tracking_no: case.return_tracking_no,
        supplier_note: case.supplier_note,
        respond_by: case.respond_by.and_utc(),
        escalate_by: case.escalate_by.map(|at| at.and_utc()),
        decision_note: case.decision_note,
        created_at: case.created_at.and_utc(),
        updated_at: case.updated_at.and_utc(),
    }
}
