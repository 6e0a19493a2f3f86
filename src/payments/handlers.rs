use actix_web::{get, post, web, HttpRequest};

use super::dto::{CallbackResult, PaymentEventQuery, PaymentEventView, PaymentView};
use super::model::CallbackOutcome;
use super::sandbox::SandboxEvent;
use super::service;
use crate::auth::{AdminMember, AuthMember};
use crate::error::{AppError, AppResult};
use crate::members::MemberId;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::state::AppState;

/// Pay an unpaid order: creates a payment with the configured gateway (or resumes the open
/// one) and returns what the app needs. Paid when the gateway's signed callback arrives.
#[utoipa::path(
    tag = "orders",
    params(("order_id" = i64, Path, description = "Own order id")),
    responses(
        (status = 200, description = "The payment to complete", body = PaymentView),
        (status = 409, description = "The order is not awaiting payment (`illegal_transition`, with its state)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders/{order_id}/pay")]
pub async fn pay(
    state: web::Data<AppState>,
    member: AuthMember,
    order_id: web::Path<i64>,
) -> AppResult<web::Json<PaymentView>> {
    let now = state.clock.now();
    let gateways = state.gateways.clone();
    let order_id = order_id.into_inner();
    let (payment, checkout) = state
        .db
        .write(move |conn| service::start(conn, &gateways, member.0, order_id, now))
        .await?;
    Ok(web::Json(PaymentView {
        payment_no: payment.payment_no,
        order_id: payment.order_id,
        gateway: payment.gateway,
        amount_fen: crate::money::Fen(payment.amount_fen),
        status: payment.status.to_string(),
        checkout,
    }))
}

/// A gateway's payment notification, signed with the configured secret (sandbox header:
/// `X-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`). A bad signature is
/// 401 and changes nothing; the same event twice is applied once; an amount that differs from
/// the payment is refused (422) and kept for review.
#[utoipa::path(
    tag = "payments",
    params(("gateway" = String, Path, description = "Gateway name, e.g. sandbox")),
    request_body = SandboxEvent,
    responses(
        (status = 200, description = "Handled (also for a repeated event)", body = CallbackResult),
        (status = 401, description = "Missing, bad or stale signature", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The amount differs from the payment's (`amount_mismatch`); kept for review", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, NotFoundErrors
    ),
    security(())
)]
#[post("/payments/{gateway}/callback")]
pub async fn callback(
    state: web::Data<AppState>,
    gateway: web::Path<String>,
    request: HttpRequest,
    body: web::Bytes,
) -> AppResult<web::Json<CallbackResult>> {
    let gateway = gateway.into_inner();
    let event = service::verify(&state.gateways, &gateway, request.headers(), &body)?;
    apply(&state, gateway, event, body.to_vec()).await
}

/// Sandbox only: pay the buyer's open sandbox payment. Sends a signed callback through the
/// same verification and handling as a gateway's.
#[utoipa::path(
    tag = "payments",
    params(("payment_no" = String, Path, description = "The payment's number from /pay")),
    responses(
        (status = 200, description = "The callback's result", body = CallbackResult),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/payments/sandbox/{payment_no}/complete")]
pub async fn sandbox_complete(
    state: web::Data<AppState>,
    member: AuthMember,
    payment_no: web::Path<String>,
) -> AppResult<web::Json<CallbackResult>> {
    complete_sandbox(&state, member.0, payment_no.into_inner(), None)
        .await
        .map(web::Json)
}

/// Pays the buyer's open sandbox payment: what the JSON API and the H5 cashier both call.
/// `of_order`: the order the payment must be for (404 otherwise), when the caller names one.
pub async fn complete_sandbox(
    state: &AppState,
    buyer: MemberId,
    payment_no: String,
    of_order: Option<i64>,
) -> AppResult<CallbackResult> {
    let gateways = state.gateways.clone();
    let (headers, body) = state
        .db
        .read(move |conn| {
            service::sandbox_completion(conn, &gateways, buyer, &payment_no, of_order)
        })
        .await?;
    let gateway = super::sandbox::NAME.to_owned();
    let event = service::verify(&state.gateways, &gateway, &headers, &body)?;
    apply(state, gateway, event, body).await.map(|json| json.0)
}

async fn apply(
    state: &AppState,
    gateway: String,
    event: super::gateway::CallbackEvent,
    body: Vec<u8>,
) -> AppResult<web::Json<CallbackResult>> {
    let now = state.clock.now();
    let payload = String::from_utf8_lossy(&body).into_owned();
    let outcome = state
        .db
        .write(move |conn| service::apply(conn, &gateway, &event, &payload, now))
        .await?;
    if outcome == CallbackOutcome::Refunded {
        send_refunds_now(state, None).await;
    }
    match outcome {
        CallbackOutcome::AmountMismatch => Err(AppError::field(
            "amount_fen",
            "amount_mismatch",
            "the amount differs from the payment's; the event is kept for review",
        )),
        CallbackOutcome::UnknownPayment => Err(AppError::NotFound {
            resource: "payment",
        }),
        outcome => Ok(web::Json(CallbackResult {
            outcome: outcome.as_str().to_owned(),
        })),
    }
}

/// Sends refunds that a request just decided, after its transaction committed. Best effort:
/// what fails here is sent by the `send-refunds` job.
pub async fn send_refunds_now(state: &AppState, order_id: Option<i64>) {
    let now = state.clock.now();
    let gateways = state.gateways.clone();
    let batch = state.settings.jobs.batch_size;
    let sent = state
        .db
        .read(move |conn| service::send_refunds(conn, &gateways, order_id, batch, now))
        .await;
    if let Err(error) = sent {
        tracing::warn!(%error, "refunds not sent now; the send-refunds job retries");
    }
}

/// Gateway callbacks as received, newest first: `?outcome=amount_mismatch` lists those kept for
/// review (admins only).
#[utoipa::path(
    tag = "admin",
    params(PaymentEventQuery),
    responses(
        (status = 200, description = "A page of callbacks", body = Paginated<PaymentEventView>),
        CommonErrors, RoleErrors
    ),
    security(("bearer" = ["admin"]))
)]
#[get("/payments/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    _admin: AdminMember,
    query: web::Query<PaymentEventQuery>,
) -> AppResult<web::Json<Paginated<PaymentEventView>>> {
    let query = query.into_inner();
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve(&state.settings.pagination)?;
    let outcome = query.outcome;
    let (rows, total) = state
        .db
        .read(move |conn| super::repo::events_page(conn, outcome.as_deref(), page))
        .await?;
    Ok(web::Json(Paginated::new(
        rows.into_iter()
            .map(|row| PaymentEventView {
                id: row.id,
                gateway: row.gateway,
                event_id: row.event_id,
                payment_no: row.payment_no,
                amount_fen: crate::money::Fen(row.amount_fen),
                outcome: row.outcome.to_string(),
                payload: row.payload,
                received_at: row.created_at.and_utc(),
            })
            .collect(),
        page,
        total,
    )))
}
