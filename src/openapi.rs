//! What every operation's OpenAPI description shares: the bearer scheme and the reusable error
//! responses. The document's base (info, tags, shared schemas) is the route table's
//! (`crate::app`).
//!
//! Each operation's `security` names the roles that may call it (OpenAPI 3.1 allows role names
//! as the scopes of a bearer scheme): `[]` means any signed-in member, `["admin"]` admins only;
//! an operation with an empty requirement `{}` is public.

use std::collections::BTreeMap;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify};

use crate::error::PROBLEM_CONTENT_TYPE;

pub const BEARER: &str = "bearer";

/// The bearer token scheme every protected operation names.
pub struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from /api/v1/auth/login. Scopes list the roles required.",
                    ))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn problems(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| ((*status).to_owned(), problem(description)))
        .collect()
}

/// Errors any operation with a JSON body or parameters can answer.
pub struct CommonErrors;

impl IntoResponses for CommonErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[
            ("400", "Malformed request (bad JSON, bad parameter)"),
            ("413", "Request body too large"),
            ("415", "Request body is not JSON"),
            ("422", "Invalid fields; `errors` lists each one"),
            ("500", "Internal error (details are logged, never sent)"),
            ("503", "Database unavailable or busy; see Retry-After"),
        ])
    }
}

/// Errors of operations that need a signed-in member.
pub struct AuthErrors;

impl IntoResponses for AuthErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[("401", "Missing, invalid or expired access token")])
    }
}

/// Errors of operations restricted to a role.
pub struct RoleErrors;

impl IntoResponses for RoleErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[
            ("401", "Missing, invalid or expired access token"),
            ("403", "The member lacks the required role"),
        ])
    }
}

/// Errors of rate-limited operations.
pub struct RateLimitErrors;

impl IntoResponses for RateLimitErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[("429", "Too many requests from this client; see Retry-After")])
    }
}

/// Errors of operations on one object that may not exist (or belong to someone else).
pub struct NotFoundErrors;

impl IntoResponses for NotFoundErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        problems(&[("404", "No such object, or not yours")])
    }
}
