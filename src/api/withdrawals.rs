//! Withdrawals over HTTP: shopkeepers (mobile app API) and suppliers (supplier admin API).

use std::sync::{Arc, OnceLock};

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};

use crate::api::goods::as_supplier;
use crate::auth::{AuthMember, SupplierMember};
use crate::error::AppResult;
use crate::http::caller::Caller;
use crate::http::json::JsonBody;
use crate::idempotency::{request_hash, IdempotencyKey, Idempotent};
use crate::members::MemberId;
use crate::openapi::{AuthErrors, CommonErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;
use crate::withdrawals::dto::{WithdrawalRequest, WithdrawalView};
use crate::withdrawals::service::{self, Payer};

const SHOPKEEPER_SCOPE: &str = "withdrawals.shopkeeper";
const SUPPLIER_SCOPE: &str = "withdrawals.supplier";

/// Sets the money aside once per Idempotency-Key, then pays it out at once (the send-payouts job
/// retries a payout that could not be sent).
async fn withdraw(
    state: &AppState,
    member: MemberId,
    scope: &'static str,
    key: IdempotencyKey,
    body: WithdrawalRequest,
    actor: crate::audit::Actor,
    payer_of: impl FnOnce(&mut crate::db::DbConn) -> AppResult<Payer> + Send + 'static,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let idempotent = Idempotent {
        member,
        scope,
        key,
        request_hash: request_hash(scope, &body),
        status: StatusCode::CREATED,
    };
    let gateway = state.gateways.default_gateway().name();
    let money = state.settings.money.clone();
    let created = Arc::new(OnceLock::new());
    let created_here = Arc::clone(&created);
    let response = idempotent
        .run(&state.db, &state.clock, &state.in_flight, move |conn| {
            let payer = payer_of(conn)?;
            let view = service::request(conn, &money, gateway, payer, &body, &actor)?;
            let _ = created_here.set(view.id);
            Ok(view)
        })
        .await?;
    if let Some(id) = created.get().copied() {
        let gateways = state.gateways.clone();
        let sent = state
            .read(move |conn, _| service::send_payouts(conn, &gateways, Some(id), 1, now))
            .await;
        if let Err(error) = sent {
            tracing::warn!(%error, "payout not sent now; the send-payouts job retries");
        }
    }
    Ok(response)
}

/// Withdraw available commission (at least `money.min_withdrawal_fen`; refused while the
/// balance is negative or smaller than the amount). Needs an `Idempotency-Key` header: a retry
/// with the same key answers the first response and withdraws nothing more.
#[utoipa::path(
    tag = "money",
    request_body = WithdrawalRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per withdrawal, e.g. a UUID; 1–255 visible ASCII characters")),
    responses(
        (status = 201, description = "Requested (the payout follows; see the list for its outcome)", body = WithdrawalView),
        (status = 409, description = "`negative_balance` or `insufficient_balance`", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors
    ),
    security(("bearer" = []))
)]
#[post("/me/withdrawals")]
pub async fn shopkeeper_withdraw(
    state: web::Data<AppState>,
    member: AuthMember,
    caller: Caller,
    request: HttpRequest,
    body: JsonBody<WithdrawalRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let key = IdempotencyKey::from_request(&request)?;
    let payer = Payer::Shopkeeper(member.0);
    withdraw(
        &state,
        member.0,
        SHOPKEEPER_SCOPE,
        key,
        body,
        caller.actor(member.0),
        move |_| Ok(payer),
    )
    .await
}

/// The signed-in member's withdrawals of commission, newest first.
#[utoipa::path(
    tag = "money",
    params(PageQuery),
    responses((status = 200, description = "A page of withdrawals", body = Paginated<WithdrawalView>), CommonErrors, AuthErrors),
    security(("bearer" = []))
)]
#[get("/me/withdrawals")]
pub async fn shopkeeper_withdrawals(
    state: web::Data<AppState>,
    member: AuthMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<WithdrawalView>>> {
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    state
        .read_json(move |conn, _| service::list(conn, Payer::Shopkeeper(member.0), page))
        .await
}

/// Withdraw the supplier's payable for settled sales, on the same terms as shopkeepers.
#[utoipa::path(
    tag = "money",
    request_body = WithdrawalRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per withdrawal, e.g. a UUID; 1–255 visible ASCII characters")),
    responses(
        (status = 201, description = "Requested (the payout follows)", body = WithdrawalView),
        (status = 409, description = "`negative_balance` or `insufficient_balance`", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["supplier"]))
)]
#[post("/withdrawals")]
pub async fn supplier_withdraw(
    state: web::Data<AppState>,
    member: SupplierMember,
    caller: Caller,
    request: HttpRequest,
    body: JsonBody<WithdrawalRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner()?;
    let key = IdempotencyKey::from_request(&request)?;
    let id = member.id();
    withdraw(
        &state,
        id,
        SUPPLIER_SCOPE,
        key,
        body,
        caller.actor(id),
        move |conn| {
            let supplier = crate::suppliers::service::supplier_of(conn, id)?;
            Ok(Payer::Supplier(supplier.id))
        },
    )
    .await
}

/// The supplier's withdrawals, newest first.
#[utoipa::path(
    tag = "money",
    params(PageQuery),
    responses((status = 200, description = "A page of withdrawals", body = Paginated<WithdrawalView>), CommonErrors, RoleErrors),
    security(("bearer" = ["supplier"]))
)]
#[get("/withdrawals")]
pub async fn supplier_withdrawals(
    state: web::Data<AppState>,
    member: SupplierMember,
    query: web::Query<PageQuery>,
) -> AppResult<web::Json<Paginated<WithdrawalView>>> {
    let page = query.into_inner().resolve(&state.settings.pagination)?;
    Ok(web::Json(
        as_supplier(&state, &member, move |conn, _, supplier| {
            service::list(conn, Payer::Supplier(supplier.id), page)
        })
        .await?,
    ))
}
