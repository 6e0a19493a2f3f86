use actix_web::{post, web, HttpResponse};

use crate::auth::dto::{LoginRequest, RefreshRequest, TokenPair};
use crate::auth::service::{self, IssuedTokens};
use crate::error::AppResult;
use crate::http::json::JsonBody;
use crate::openapi::{CommonErrors, RateLimitErrors};
use crate::state::AppState;

impl From<IssuedTokens> for TokenPair {
    fn from(issued: IssuedTokens) -> Self {
        Self {
            token_type: "Bearer",
            access_token: issued.access_token,
            expires_in: issued.expires_in,
            refresh_token: issued.refresh_token,
            refresh_expires_in: issued.refresh_expires_in,
        }
    }
}

/// Sign in with an email or phone number and a password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong login or password (`invalid_credentials`), or account disabled", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RateLimitErrors
    ),
    security(())
)]
#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest>,
) -> AppResult<web::Json<TokenPair>> {
    let body = body.checked()?;
    let LoginRequest { login, password } = body;
    let issued = service::login(
        &state.db,
        &state.password_workers,
        &state.tokens,
        &state.settings.auth,
        &login,
        password,
    )
    .await?;
    Ok(web::Json(issued.into()))
}

/// Trade a refresh token for a new pair. Each refresh token works once: presenting a used one
/// revokes the whole session (`refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the presented refresh token is now used", body = TokenPair),
        (status = 401, description = "`refresh_token_invalid` or `refresh_token_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        CommonErrors, RateLimitErrors
    ),
    security(())
)]
#[post("/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> AppResult<web::Json<TokenPair>> {
    let body = body.checked()?;
    let issued = service::refresh(
        &state.db,
        &state.tokens,
        &state.settings.auth,
        body.refresh_token,
    )
    .await?;
    Ok(web::Json(issued.into()))
}

/// End the session of a refresh token (every token of its family stops working).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was unknown)"),
        CommonErrors, RateLimitErrors
    ),
    security(())
)]
#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> AppResult<HttpResponse> {
    let body = body.checked()?;
    service::logout(&state.db, body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
