use actix_web::{get, post, web, HttpRequest, HttpResponse};

use crate::auth::{AdminMember, AuthMember};
use crate::error::AppResult;
use crate::openapi::{AuthErrors, CommonErrors, NotFoundErrors, RoleErrors};
use crate::pagination::{PageQuery, Paginated};
use crate::payments::dto::{
    CallbackResult, PayRequest, PaymentEventQuery, PaymentEventView, PaymentView,
};
use crate::payments::sandbox::SandboxEvent;
use crate::payments::service;
use crate::state::AppState;

/// Pay an unpaid order: creates a payment with the configured gateway (or resumes the open
/// one) and returns what the app needs. Paid when the gateway's signed callback arrives. The
/// body (optional) picks how to pay where the gateway offers more than one way.
#[utoipa::path(
    tag = "orders",
    params(("order_id" = i64, Path, description = "Own order id")),
    request_body(content = Option<PayRequest>, description = "How to pay (optional)"),
    responses(
        (status = 200, description = "The payment to complete", body = PaymentView),
        (status = 409, description = "The order is not awaiting payment (`illegal_transition`, with its state)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The gateway did not answer; try again", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, AuthErrors, NotFoundErrors
    ),
    security(("bearer" = []))
)]
#[post("/orders/{order_id}/pay")]
pub async fn pay(
    state: web::Data<AppState>,
    member: AuthMember,
    order_id: web::Path<i64>,
    request: HttpRequest,
    body: web::Bytes,
) -> AppResult<web::Json<PaymentView>> {
    let how: PayRequest = if body.is_empty() {
        PayRequest::default()
    } else {
        crate::http::json::parse(&body)?
    };
    let order_id = order_id.into_inner();
    // Checked before anything is written: a payment always goes through the default gateway
    // (`start` resumes an open one only on it).
    let client_ip = crate::http::client_ip(
        &request.connection_info(),
        state.settings.server.trust_forwarded_for,
    );
    let back = format!(
        "{}/my/orders/{order_id}",
        state.settings.sharing.public_base_url.trim_end_matches('/')
    );
    let gateway = state.gateways.default_gateway().name();
    let channel = service::channel(gateway, how, client_ip, back)?;
    let now = state.clock.now();
    let gateways = state.gateways.clone();
    let (payment, order) = state
        .write(move |conn, _| service::start(conn, &gateways, member.0, order_id, now))
        .await?;
    let checkout =
        service::checkout(&state.gateways, payment.gateway.clone(), order, channel).await?;
    Ok(web::Json(PaymentView {
        payment_no: payment.payment_no,
        order_id: payment.order_id,
        gateway: payment.gateway,
        amount_fen: crate::money::Fen(payment.amount_fen),
        status: payment.status.to_string(),
        checkout,
    }))
}

/// A gateway's notification (`sandbox`, `wechat` or `alipay`), checked as the gateway signs it
/// (sandbox header: `X-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`).
/// A bad signature is 401 and changes nothing; the same event twice is applied once; an amount
/// that differs from the payment is refused (422) and kept for review. WeChat Pay is answered
/// 204 and Alipay the literal `success`, as each expects.
#[utoipa::path(
    tag = "payments",
    params(("gateway" = String, Path, description = "Gateway name: sandbox (not in production), wechat or alipay")),
    request_body = SandboxEvent,
    responses(
        (status = 200, description = "Handled (also for a repeated event)", body = CallbackResult),
        (status = 204, description = "Handled (WeChat Pay)"),
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
) -> AppResult<HttpResponse> {
    let gateway = gateway.into_inner();
    let acknowledgement = state.gateways.get(&gateway)?.acknowledgement();
    let result = match service::verify(&state.gateways, &gateway, request.headers(), &body)? {
        Some(event) => {
            crate::settlement::payment::handle_callback(
                &state.db,
                &state.clock,
                &state.gateways,
                state.settings.jobs.batch_size,
                gateway,
                event,
                body.to_vec(),
            )
            .await?
        }
        None => CallbackResult {
            outcome: "nothing_to_apply".to_owned(),
        },
    };
    Ok(acknowledgement.unwrap_or_else(|| HttpResponse::Ok().json(result)))
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
    crate::settlement::payment::complete_sandbox(
        &state.db,
        &state.clock,
        &state.gateways,
        state.settings.jobs.batch_size,
        member.0,
        payment_no.into_inner(),
        None,
    )
    .await
    .map(web::Json)
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
        .read(move |conn, _| crate::payments::repo::events_page(conn, outcome.as_deref(), page))
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
