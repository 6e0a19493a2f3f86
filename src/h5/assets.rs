//! The pages' stylesheet and script, compiled into the binary (no build step, no CDN).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{get, HttpResponse};

const STYLESHEET: &str = include_str!("static/app.css");
const SCRIPT: &str = include_str!("static/app.js");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        // The pages name them with the release as `?v=`: a new release is a new address.
        .insert_header((CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}

#[get("/h5/app.css")]
pub async fn stylesheet() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

#[get("/h5/app.js")]
pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}
