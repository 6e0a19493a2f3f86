//! What every page response shares: the frame around the content (language, session, the
//! meta tags a pasted link's card is drawn from), the security headers, and the error page.

use std::fmt;

use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_SECURITY_POLICY, LOCATION, VARY,
};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use askama::Template;

use super::i18n::{Lang, Texts};
use super::session::Visitor;
use crate::error::AppError;

/// Only this origin's files run or style the pages: user text can never become a script.
/// Product images may come from any https host.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; img-src 'self' data: https:; \
     script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Changes whenever the static files may have: they are cached for a day under it.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The meta tags of a page (title, and the Open Graph card of a pasted link).
#[derive(Debug, Default)]
pub struct Meta {
    pub title: String,
    pub description: String,
    pub image: Option<String>,
    /// The canonical absolute address.
    pub url: Option<String>,
    /// `og:type`: product or website.
    pub kind: &'static str,
}

/// The frame of every page.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: &'static str,
    pub csrf: String,
    pub signed_in: bool,
    pub meta: Meta,
    pub asset_version: &'static str,
}

impl Chrome {
    pub fn new(lang: Lang, visitor: Option<&Visitor>, meta: Meta) -> Self {
        Self {
            t: lang.texts(),
            lang: lang.code(),
            csrf: visitor.map(|v| v.csrf().to_owned()).unwrap_or_default(),
            signed_in: visitor.and_then(Visitor::member).is_some(),
            meta: Meta {
                kind: if meta.kind.is_empty() {
                    "website"
                } else {
                    meta.kind
                },
                ..meta
            },
            asset_version: ASSET_VERSION,
        }
    }
}

/// A page as an HTML response with the pages' headers (and the session cookie if it changed).
pub fn render(
    lang: Lang,
    status: StatusCode,
    visitor: Option<&Visitor>,
    template: &impl Template,
) -> Result<HttpResponse, PageError> {
    let html = template
        .render()
        .map_err(|e| PageError::new(lang, AppError::internal(format!("template: {e}"))))?;
    let mut response = builder(lang, status);
    if let Some(visitor) = visitor {
        visitor.write_cookie(&mut response);
    }
    Ok(response.content_type("text/html; charset=utf-8").body(html))
}

/// 303 See Other: where a form post leads (reloading that page never posts again).
pub fn see_other(lang: Lang, visitor: &Visitor, location: &str) -> HttpResponse {
    let mut response = builder(lang, StatusCode::SEE_OTHER);
    visitor.write_cookie(&mut response);
    response.insert_header((LOCATION, location)).finish()
}

fn builder(lang: Lang, status: StatusCode) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_VALUE))
        .insert_header((CONTENT_LANGUAGE, lang.code()))
        .insert_header((VARY, "Accept-Language, Cookie"))
        // Stock, prices and sessions change: a phone may keep the page but must revalidate.
        .insert_header((CACHE_CONTROL, "private, no-cache"));
    response
}

/// A failure shown as a page in the visitor's language, with the error's status.
#[derive(Debug)]
pub struct PageError {
    lang: Lang,
    error: AppError,
}

impl PageError {
    pub fn new(lang: Lang, error: AppError) -> Self {
        Self { lang, error }
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

/// `AppResult` → a result whose error renders as a page.
pub trait InLang<T> {
    fn in_lang(self, lang: Lang) -> Result<T, PageError>;
}

impl<T> InLang<T> for Result<T, AppError> {
    fn in_lang(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|error| PageError::new(lang, error))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    heading: &'static str,
    messages: Vec<String>,
}

/// What a buyer is told: our own words for the common cases, the service's detail otherwise.
pub fn explain(t: &Texts, error: &AppError) -> (&'static str, Vec<String>) {
    match error {
        AppError::NotFound {
            resource: "share link",
        } => (t.error_title, vec![t.share_gone.to_owned()]),
        AppError::NotFound { .. } => (t.error_title, vec![t.not_found.to_owned()]),
        AppError::Validation(fields) => (
            t.check_input,
            fields.iter().map(|f| f.message.clone()).collect(),
        ),
        AppError::Forbidden {
            code: "csrf_failed",
            ..
        } => (t.error_title, vec![t.form_expired.to_owned()]),
        AppError::Unauthorized { .. } => (t.please_sign_in, Vec::new()),
        AppError::Unavailable { .. } | AppError::TooManyRequests { .. } => {
            (t.error_title, vec![t.busy.to_owned()])
        }
        AppError::Internal(_) => (t.error_title, Vec::new()),
        AppError::Conflict { detail, .. }
        | AppError::Forbidden { detail, .. }
        | AppError::BadRequest { detail, .. } => (t.could_not_complete, vec![detail.clone()]),
        AppError::PayloadTooLarge | AppError::UnsupportedMediaType => {
            (t.could_not_complete, Vec::new())
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.error.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(message) = &self.error {
            tracing::error!(error = %message, "internal error on a page");
        }
        let t = self.lang.texts();
        let (heading, messages) = explain(t, &self.error);
        let page = ErrorPage {
            c: Chrome::new(
                self.lang,
                None,
                Meta {
                    title: heading.to_owned(),
                    ..Meta::default()
                },
            ),
            heading,
            messages,
        };
        let html = page.render().unwrap_or_else(|_| heading.to_owned());
        builder(self.lang, self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(html)
    }
}
