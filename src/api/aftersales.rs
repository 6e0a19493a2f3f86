//! After-sales over HTTP: the buyer's (mobile app API), the supplier's (supplier admin API) and
//! the platform's (admin API) sides of a case.

use actix_web::{get, post, web};

use crate::aftersales::dto::{
    ApproveRequest, CaseQuery, CaseView, DecideRequest, EvidenceRequest, OpenCaseRequest,
    RejectRequest, ReturnShipmentRequest,
};
use crate::aftersales::repo::CasesOf;
use crate::aftersales::service;
use crate::api::goods::as_supplier;
use crate::auth::{AdminMember, AuthMember, SupplierMember};
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;

fn checked_query(
    state: &AppState,
    query: CaseQuery,
) -> AppResult<(
    Option<crate::orders::case_state::CaseStatus>,
    crate::pagination::Page,
)> {
    let status = service::parse_status(query.status.as_deref())?;
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve(&state.settings.pagination)?;
    Ok((status, page))
}

/// Sends the refunds a change decided, after its transaction committed.
async fn send_refunds_of(state: &AppState, case: &CaseView) {
    crate::payments::service::send_refunds_now(
        &state.db,
        &state.clock,
        &state.gateways,
        state.settings.jobs.batch_size,
        Some(case.order_id),
    )
    .await;
}

/// Ask for a refund (only, before shipping or for a parcel that never came) or a return and
/// refund (after shipping) of pieces of one supplier order's lines, with reason and photos.
#[utoipa::path(
    tag = "aftersales",
    params(("order_id" = i64, Path, description = "Own order id")),
    request_body = OpenCaseRequest,
    responses(
        (status = 201, description = "Case opened; the supplier answers by `respond_by`", body = CaseView),
        (status = 409, description = "Not possible in the order's state, or the after-sales window has closed", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders/{order_id}/aftersales")]
pub async fn open(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    order_id: web::Path<i64>,
    body: JsonBody<OpenCaseRequest>,
) -> AppResult<(web::Json<CaseView>, actix_web::http::StatusCode)> {
    let (actor, order_id, body) = (
        caller.actor(member.0),
        order_id.into_inner(),
        body.into_inner()?,
    );
    let case = state
        .write(move |conn, settings| {
            service::open(
                conn,
                &settings.aftersales,
                member.0,
                order_id,
                &body,
                &actor,
            )
        })
        .await?;
    Ok((web::Json(case), actix_web::http::StatusCode::CREATED))
}

/// The signed-in member's cases as a buyer, newest first.
#[utoipa::path(
    tag = "aftersales",
    params(CaseQuery),
    responses((status = 200, description = "A page of cases", body = Paginated<CaseView>), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/me/aftersales")]
pub async fn my_cases(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<CaseQuery>,
) -> AppResult<web::Json<Paginated<CaseView>>> {
    let (status, page) = checked_query(&state, query.into_inner())?;
    state
        .read_json(move |conn, _| service::list(conn, CasesOf::Buyer(member.0 .0), status, page))
        .await
}

/// One of the buyer's cases, with its lines and everything said.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "Own case id")),
    responses((status = 200, description = "The case", body = CaseView), CommonErrors, AuthErrors, NotFoundErrors),
    security(("bearer" = []))
)]
#[get("/aftersales/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    member: AuthMember,
    id: web::Path<i64>,
) -> AppResult<web::Json<CaseView>> {
    let id = id.into_inner();
    state
        .read_json(move |conn, _| service::buyer_case(conn, member.0, id))
        .await
}

/// The buyer sends the goods back (an approved return) and gives the carrier and tracking number.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "Own case id")),
    request_body = ReturnShipmentRequest,
    responses(
        (status = 200, description = "Return on its way", body = CaseView),
        (status = 409, description = "The case is not awaiting a return (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/aftersales/{id}/return")]
pub async fn ship_return(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ReturnShipmentRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (caller.actor(member.0), id.into_inner(), body.into_inner()?);
    state
        .write_json(move |conn, settings| {
            service::ship_return(
                conn,
                &settings.aftersales,
                &settings.orders,
                member.0,
                id,
                &body,
                &actor,
            )
        })
        .await
}

/// Escalate a rejected case to a dispute the platform decides (within
/// `aftersales.escalation_window_days` of the rejection), with the buyer's evidence.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "Own case id")),
    request_body = EvidenceRequest,
    responses(
        (status = 200, description = "Disputed", body = CaseView),
        (status = 409, description = "Not rejected, or too late (`escalation_window_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/aftersales/{id}/escalate")]
pub async fn escalate(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<EvidenceRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (caller.actor(member.0), id.into_inner(), body.into_inner()?);
    state
        .write_json(move |conn, settings| {
            service::escalate(conn, &settings.aftersales, member.0, id, &body, &actor)
        })
        .await
}

/// The buyer adds evidence to a dispute.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "Own case id")),
    request_body = EvidenceRequest,
    responses(
        (status = 200, description = "Added", body = CaseView),
        (status = 409, description = "The case is not disputed (`not_disputed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/aftersales/{id}/evidence")]
pub async fn buyer_evidence(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<EvidenceRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (caller.actor(member.0), id.into_inner(), body.into_inner()?);
    state
        .write_json(move |conn, settings| {
            service::buyer_evidence(conn, &settings.aftersales, member.0, id, &body, &actor)
        })
        .await
}

/// The buyer withdraws a case not yet refunded or rejected.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "Own case id")),
    responses(
        (status = 200, description = "Closed", body = CaseView),
        (status = 409, description = "Too late to withdraw (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/aftersales/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    id: web::Path<i64>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id) = (caller.actor(member.0), id.into_inner());
    state
        .write_json(move |conn, _| service::withdraw(conn, member.0, id, &actor))
        .await
}

/// The supplier's cases, newest first; filter by status.
#[utoipa::path(
    tag = "aftersales",
    params(CaseQuery),
    responses((status = 200, description = "A page of cases", body = Paginated<CaseView>), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/aftersales")]
pub async fn supplier_cases(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<CaseQuery>,
) -> AppResult<web::Json<Paginated<CaseView>>> {
    let (status, page) = checked_query(&state, query.into_inner())?;
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::list(conn, CasesOf::Supplier(supplier.id), status, page)
        })
        .await?,
    ))
}

/// One of the supplier's cases.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    responses((status = 200, description = "The case", body = CaseView), CommonErrors, RoleErrors, NotFoundErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/aftersales/{id}")]
pub async fn supplier_case(
    state: web::Data<AppState>,
    member: SupplierMember,
    id: web::Path<i64>,
) -> AppResult<web::Json<CaseView>> {
    let id = id.into_inner();
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::supplier_case(conn, supplier.id, id)
        })
        .await?,
    ))
}

/// Approve: a refund-only case is refunded at once (through the gateway); a return waits for
/// the goods (`restock` says whether they go back into stock).
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    request_body = ApproveRequest,
    responses(
        (status = 200, description = "Approved", body = CaseView),
        (status = 409, description = "Answered already (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/aftersales/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ApproveRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (
        caller.actor(member.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    let case = as_supplier(&state, &member, move |conn, settings, supplier| {
        service::approve(conn, &settings.aftersales, supplier.id, id, &body, &actor)
    })
    .await?;
    send_refunds_of(&state, &case).await;
    Ok(web::Json(case))
}

/// Reject, saying why; the buyer may escalate to a dispute.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "Rejected", body = CaseView),
        (status = 409, description = "Answered already (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/aftersales/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<RejectRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (
        caller.actor(member.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::reject(conn, &settings.aftersales, supplier.id, id, &body, &actor)
        })
        .await?,
    ))
}

/// The returned goods arrived: the buyer is refunded.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    responses(
        (status = 200, description = "Refunded", body = CaseView),
        (status = 409, description = "No return on its way (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/aftersales/{id}/receive-return")]
pub async fn receive_return(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id) = (caller.actor(member.id()), id.into_inner());
    let case = as_supplier(&state, &member, move |conn, _, supplier| {
        service::receive_return(conn, supplier.id, id, &actor)
    })
    .await?;
    send_refunds_of(&state, &case).await;
    Ok(web::Json(case))
}

/// The supplier adds evidence to a dispute.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    request_body = EvidenceRequest,
    responses(
        (status = 200, description = "Added", body = CaseView),
        (status = 409, description = "The case is not disputed (`not_disputed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/aftersales/{id}/evidence")]
pub async fn supplier_evidence(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<EvidenceRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (
        caller.actor(member.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, settings, supplier| {
            service::supplier_evidence(conn, &settings.aftersales, supplier.id, id, &body, &actor)
        })
        .await?,
    ))
}

/// The platform's queue of cases (disputes by default), newest first.
#[utoipa::path(
    tag = "aftersales",
    params(CaseQuery),
    responses((status = 200, description = "A page of cases", body = Paginated<CaseView>), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/disputes")]
pub async fn disputes(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<CaseQuery>,
) -> AppResult<web::Json<Paginated<CaseView>>> {
    let (status, page) = checked_query(&state, query.into_inner())?;
    let status = status.or(Some(crate::orders::case_state::CaseStatus::Disputed));
    state
        .read_json(move |conn, _| service::list(conn, CasesOf::Platform, status, page))
        .await
}

/// Decide a dispute: refund (all the case asks, or the `lines` given) or uphold the rejection;
/// optionally compensation from the supplier's deposit. A refund decision counts as a violation
/// of the supplier. Audited.
#[utoipa::path(
    tag = "aftersales",
    params(("id" = i64, Path, description = "The case id")),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "Decided", body = CaseView),
        (status = 409, description = "Not disputed (`illegal_case_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/disputes/{id}/decide")]
pub async fn decide(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<DecideRequest>,
) -> AppResult<web::Json<CaseView>> {
    let (actor, id, body) = (
        caller.actor(admin.id()),
        id.into_inner(),
        body.into_inner()?,
    );
    let case = state
        .write(move |conn, _| service::decide(conn, id, &body, &actor))
        .await?;
    send_refunds_of(&state, &case).await;
    Ok(web::Json(case))
}
