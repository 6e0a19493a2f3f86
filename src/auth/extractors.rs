//! Who is calling: the role a route needs is the extractor in its handler's signature.
//!
//! - [`AuthMember`]: any signed-in member (every member is a buyer); checks the token only.
//! - [`AdminMember`], [`SupplierMember`] (`WithRole<R>`): check the token, then that the member
//!   still holds the role and is active, so a revoked role takes effect at once.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::tokens::AccessTokens;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::members::model::MemberRow;
use crate::members::{self, MemberId, Role};

/// Any signed-in member.
#[derive(Debug, Clone, Copy)]
pub struct AuthMember(pub MemberId);

impl FromRequest for AuthMember {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).map(AuthMember))
    }
}

/// A role a route may require.
pub trait RequiredRole {
    const ROLE: Role;
}

/// Platform staff.
pub struct Admin;

impl RequiredRole for Admin {
    const ROLE: Role = Role::Admin;
}

/// Members of an approved supplier.
pub struct Supplier;

impl RequiredRole for Supplier {
    const ROLE: Role = Role::Supplier;
}

/// Owners of an open micro-shop.
pub struct Shopkeeper;

impl RequiredRole for Shopkeeper {
    const ROLE: Role = Role::Shopkeeper;
}

/// A signed-in, active member who holds role `R` now.
pub struct WithRole<R: RequiredRole> {
    pub member: MemberRow,
    role: PhantomData<R>,
}

impl<R: RequiredRole> WithRole<R> {
    pub fn id(&self) -> MemberId {
        MemberId(self.member.id)
    }
}

pub type AdminMember = WithRole<Admin>;
pub type SupplierMember = WithRole<Supplier>;
pub type ShopkeeperMember = WithRole<Shopkeeper>;

impl<R: RequiredRole + 'static> FromRequest for WithRole<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, AppResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = authenticate(req);
        let db = app_data::<Db>(req);
        Box::pin(async move {
            let member_id = authenticated?;
            let (member, roles) = db?
                .read(move |conn| {
                    let Some(member) =
                        members::repo::find(conn, member_id)?.filter(MemberRow::is_active)
                    else {
                        return Ok(None);
                    };
                    let roles = crate::auth::accounts::roles(conn, std::slice::from_ref(&member))?
                        .remove(0);
                    Ok(Some((member, roles)))
                })
                .await?
                .ok_or(AppError::Unauthorized {
                    code: "account_disabled",
                })?;
            if !roles.contains(&R::ROLE) {
                return Err(AppError::Forbidden {
                    code: "role_required",
                    detail: format!(
                        "this action needs the {} role",
                        serde_json::to_value(R::ROLE)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    ),
                });
            }
            Ok(Self {
                member,
                role: PhantomData,
            })
        })
    }
}

fn app_data<T: 'static>(req: &HttpRequest) -> AppResult<web::Data<T>> {
    req.app_data::<web::Data<T>>().cloned().ok_or_else(|| {
        AppError::internal(format!(
            "{} is not registered with the app",
            std::any::type_name::<T>()
        ))
    })
}

/// The member a request's bearer token speaks for.
fn authenticate(req: &HttpRequest) -> AppResult<MemberId> {
    let tokens = app_data::<AccessTokens>(req)?;
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .ok_or(AppError::Unauthorized {
            code: "missing_token",
        })?;
    let token = header
        .to_str()
        .ok()
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(token.trim())
        })
        .ok_or(AppError::Unauthorized {
            code: "invalid_token",
        })?;
    tokens.verify(token)
}
