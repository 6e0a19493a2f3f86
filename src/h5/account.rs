//! Signing in, registering and signing out from the pages. The same services as the JSON API
//! check passwords and create accounts; the pages' session cookie then carries the member.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;

use super::i18n::Lang;
use super::page::{explain, render, see_other, Chrome, InLang, Meta, PageError};
use super::session::Visitor;
use super::views::{AccountForms, AccountPage};
use crate::error::AppError;
use crate::members::dto::RegisterRequest;
use crate::state::AppState;

/// Where a visitor lands when a form names nowhere (or somewhere off this site).
pub const HOME: &str = "/my/orders";

/// `next` if it is a path on this site; never another origin (no open redirect).
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local {
        next
    } else {
        HOME
    }
}

/// The sign-in and registration forms, leading to `next` afterwards.
pub fn sign_in_page(
    lang: Lang,
    visitor: &Visitor,
    status: StatusCode,
    next: &str,
    login: String,
    errors: Vec<String>,
) -> Result<HttpResponse, PageError> {
    let t = lang.texts();
    let page = AccountPage {
        c: Chrome::new(
            lang,
            Some(visitor),
            Meta {
                title: t.sign_in.to_owned(),
                ..Meta::default()
            },
        ),
        account: AccountForms {
            next: local_path(next).to_owned(),
            login,
            errors,
        },
    };
    render(lang, status, Some(visitor), &page)
}

/// What a visitor who has not signed in sees instead: the sign-in page, leading back.
pub fn sign_in_first(lang: Lang, visitor: &Visitor, next: &str) -> Result<HttpResponse, PageError> {
    sign_in_page(
        lang,
        visitor,
        StatusCode::UNAUTHORIZED,
        next,
        String::new(),
        Vec::new(),
    )
}

/// The forms again, telling what went wrong with the last attempt.
fn refused(
    lang: Lang,
    visitor: &Visitor,
    next: &str,
    login: String,
    error: AppError,
) -> Result<HttpResponse, PageError> {
    let status = actix_web::ResponseError::status_code(&error);
    let message = match &error {
        AppError::Unauthorized { .. } => vec![lang.texts().wrong_credentials.to_owned()],
        AppError::Validation(_) | AppError::Conflict { .. } => explain(lang.texts(), &error).1,
        _ => return Err(PageError::new(lang, error)),
    };
    sign_in_page(lang, visitor, status, next, login, message)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    csrf: String,
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

#[post("/sign-in")]
pub async fn sign_in(
    state: web::Data<AppState>,
    lang: Lang,
    mut visitor: Visitor,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    match crate::auth::service::authenticate(
        &state.db,
        &state.password_workers,
        &form.login,
        form.password,
    )
    .await
    {
        Ok(member) => {
            visitor.switch_to(Some(member));
            Ok(see_other(lang, &visitor, local_path(&form.next)))
        }
        Err(error) => refused(lang, &visitor, &form.next, form.login, error),
    }
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    display_name: String,
    password: String,
    #[serde(default)]
    next: String,
}

fn given(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[post("/register")]
pub async fn register(
    state: web::Data<AppState>,
    lang: Lang,
    mut visitor: Visitor,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    let request = RegisterRequest {
        email: given(form.email),
        phone: given(form.phone),
        password: form.password,
        display_name: form.display_name,
    };
    match crate::auth::accounts::register(&state.db, &state.clock, &state.password_workers, request)
        .await
    {
        Ok(member) => {
            visitor.switch_to(Some(member.id));
            Ok(see_other(lang, &visitor, local_path(&form.next)))
        }
        Err(error) => refused(lang, &visitor, &form.next, String::new(), error),
    }
}

/// A form that only proves it came from this site's page.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

#[post("/sign-out")]
pub async fn sign_out(
    lang: Lang,
    mut visitor: Visitor,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    visitor.check_csrf(&form.csrf).in_lang(lang)?;
    visitor.switch_to(None);
    Ok(see_other(lang, &visitor, HOME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(
            local_path("/shop/123456/item/7/checkout?sku=1&key=a"),
            "/shop/123456/item/7/checkout?sku=1&key=a"
        );
        for outside in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
            "javascript:alert(1)",
            "/a\nb",
        ] {
            assert_eq!(local_path(outside), HOME, "{outside}");
        }
    }
}
