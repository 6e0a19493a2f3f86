use actix_web::{get, post, web, HttpResponse};

use crate::auth::{AdminMember, AuthMember, SupplierMember};
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::money::Fen;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;
use crate::suppliers::dto::{
    ApplicationFilter, ApplicationRequest, ApplicationView, DeductionRequest, DeductionView,
    DepositPaymentRequest, DepositView, ReasonRequest, SupplierFilter, SupplierView,
};
use crate::suppliers::service;

/// Apply to become a supplier. Entry rules are checked at once (422 naming each field);
/// an admin reviews the rest.
#[utoipa::path(
    tag = "suppliers",
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "Application filed, pending review", body = ApplicationView),
        (status = 409, description = "A pending application exists (`application_pending`) or the member already belongs to a supplier", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[post("/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    body: JsonBody<ApplicationRequest>,
) -> AppResult<HttpResponse> {
    let body = body.checked()?;
    let (request, now) = (body, caller.now());
    let view = state
        .write(move |conn, settings| {
            service::apply(
                conn,
                &settings.suppliers,
                &settings.categories,
                member.0,
                request,
                now,
            )
            .map(ApplicationView::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The signed-in member's own applications, newest first.
#[utoipa::path(
    tag = "suppliers",
    params(PageQuery),
    responses((status = 200, description = "Own applications", body = Paginated<ApplicationView>), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/applications")]
pub async fn my_applications(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<ApplicationView>>> {
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    let (rows, total) = state
        .read(move |conn, _| {
            crate::suppliers::repo::list_applications(conn, None, Some(member.0), page)
        })
        .await?;
    Ok(web::Json(Paginated::new(
        rows.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Applications for review (admins), filtered by status.
#[utoipa::path(
    tag = "admin",
    params(ApplicationFilter),
    responses((status = 200, description = "Applications, newest first", body = Paginated<ApplicationView>), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/supplier-applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<ApplicationFilter>,
) -> AppResult<web::Json<Paginated<ApplicationView>>> {
    let filter = query.into_inner();
    let page = PageQuery {
        page: filter.page,
        per_page: filter.per_page,
    }
    .resolve(&state.settings.pagination)?;
    let status = filter.status;
    let (rows, total) = state
        .read(move |conn, _| crate::suppliers::repo::list_applications(conn, status, None, page))
        .await?;
    Ok(web::Json(Paginated::new(
        rows.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Suppliers with their standing (admins), newest first.
#[utoipa::path(
    tag = "admin",
    params(SupplierFilter),
    responses((status = 200, description = "One page of suppliers", body = Paginated<SupplierView>), CommonErrors, RoleErrors),
    security(("bearer" = ["admin"]))
)]
#[get("/suppliers")]
pub async fn list_suppliers(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<SupplierFilter>,
) -> AppResult<web::Json<Paginated<SupplierView>>> {
    let filter = query.into_inner();
    let page = PageQuery {
        page: filter.page,
        per_page: filter.per_page,
    }
    .resolve(&state.settings.pagination)?;
    let (rows, total) = state
        .read(move |conn, _| crate::suppliers::repo::list(conn, filter.active, page))
        .await?;
    Ok(web::Json(Paginated::new(
        rows.into_iter().map(Into::into).collect(),
        page,
        total,
    )))
}

/// Approve an application: creates the supplier (inactive until its deposit is paid in).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Application id")),
    responses(
        (status = 200, description = "The new supplier", body = SupplierView),
        (status = 409, description = "Already decided, or the credit code or applicant is taken", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/supplier-applications/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
) -> AppResult<web::Json<SupplierView>> {
    let actor = caller.actor(admin.id());
    let id = id.into_inner();
    let supplier = state
        .write(move |conn, settings| {
            service::approve(conn, &settings.suppliers, &settings.categories, &actor, id)
        })
        .await?;
    Ok(web::Json(supplier.into()))
}

/// Reject an application, with the reason the applicant will see.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Application id")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The rejected application", body = ApplicationView),
        (status = 409, description = "Already decided", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/supplier-applications/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ReasonRequest>,
) -> AppResult<web::Json<ApplicationView>> {
    let body = body.checked()?;
    let actor = caller.actor(admin.id());
    let id = id.into_inner();
    let reason = body.reason;
    let row = state
        .write(move |conn, _| service::reject(conn, &actor, id, &reason))
        .await?;
    Ok(web::Json(row.into()))
}

/// The supplier's deposit: balance, required, shortfall, its movements, and while exiting what
/// holds the refund back.
#[utoipa::path(
    tag = "suppliers",
    params(PageQuery),
    responses((status = 200, description = "The deposit; while exiting, `exit_held_by` counts the open business the refund waits for", body = DepositView), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/deposit")]
pub async fn deposit(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<DepositView>> {
    let now = state.clock.now();
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    let member = member.id();
    let view = state
        .read(move |conn, settings| {
            let supplier = service::supplier_of(conn, member)?;
            let held = exit_held_by(conn, settings, &supplier, now)?;
            service::deposit_view(conn, &supplier, page, held)
        })
        .await?;
    Ok(web::Json(view))
}

/// Leave the platform: the deposit, net of what the supplier owes, is refunded after the
/// clearance period, once no order, after-sales case or dispute of the supplier is open.
#[utoipa::path(
    tag = "suppliers",
    responses(
        (status = 200, description = "Exit started; `exit_due_at` says when the clearance period ends (the deposit's `exit_held_by` shows what the refund still waits for)", body = SupplierView),
        (status = 409, description = "An exit is already in progress", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/exit")]
pub async fn exit(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
) -> AppResult<web::Json<SupplierView>> {
    let actor = caller.actor(member.id());
    let member = member.id();
    let row = state
        .write(move |conn, settings| {
            let supplier = service::supplier_of(conn, member)?;
            service::request_exit(conn, &settings.suppliers, &actor, &supplier)
        })
        .await?;
    Ok(web::Json(row.into()))
}

/// Record an offline transfer into a supplier's deposit (the same reference twice records once).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Supplier id")),
    request_body = DepositPaymentRequest,
    responses(
        (status = 200, description = "The deposit after the payment", body = DepositView),
        (status = 409, description = "The reference was recorded with another amount, or the supplier has exited", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/suppliers/{id}/deposit/payments")]
pub async fn record_payment(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<DepositPaymentRequest>,
) -> AppResult<web::Json<DepositView>> {
    let now = caller.now();
    let request = body.checked()?;
    let actor = caller.actor(admin.id());
    let id = id.into_inner();
    let page = PageQuery::default().resolve(&state.settings.pagination)?;
    let view = state
        .write(move |conn, settings| {
            let supplier = service::record_payment(
                conn,
                &actor,
                id,
                Fen(request.amount_fen),
                &request.reference,
            )?;
            let held = exit_held_by(conn, settings, &supplier, now)?;
            service::deposit_view(conn, &supplier, page, held)
        })
        .await?;
    Ok(web::Json(view))
}

/// Deduct a penalty or after-sales compensation from a supplier's deposit (one per case).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "Supplier id")),
    request_body = DeductionRequest,
    responses(
        (status = 200, description = "What was deducted, what is now owed, and the deposit", body = DeductionView),
        (status = 409, description = "The case was deducted before with another amount", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors, NotFoundErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[post("/suppliers/{id}/deposit/deductions")]
pub async fn deduct(
    state: web::Data<AppState>,
    admin: AdminMember,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<DeductionRequest>,
) -> AppResult<web::Json<DeductionView>> {
    let request = body.checked()?;
    let actor = caller.actor(admin.id());
    let id = id.into_inner();
    let page = PageQuery::default().resolve(&state.settings.pagination)?;
    let view = state
        .write(move |conn, settings| {
            let (taken, owed) = service::deduct(
                conn,
                &actor,
                id,
                Fen(request.amount_fen),
                request.kind,
                &request.reason,
                &request.case_reference,
            )?;
            let supplier = service::supplier(conn, id)?;
            let held = exit_held_by(conn, settings, &supplier, actor.at)?;
            service::deduction_view(conn, &supplier, taken, owed, page, held)
        })
        .await?;
    Ok(web::Json(view))
}

/// What holds the supplier's exit back, by the after-sales claim window in force.
fn exit_held_by(
    conn: &mut crate::db::DbConn,
    settings: &crate::config::Settings,
    supplier: &crate::suppliers::model::SupplierRow,
    now: chrono::NaiveDateTime,
) -> AppResult<Option<crate::suppliers::model::OpenBusiness>> {
    crate::settlement::exits::held_by(conn, settings.aftersales.claim_window(), supplier, now)
}
