//! Who is calling, through which request, and when: what a handler hands its use case as the
//! [`Actor`]. The member comes from the route's role extractor; the time from the app's clock.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::NaiveDateTime;
use tracing_actix_web::RequestId;

use crate::audit::Actor;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::members::MemberId;

/// The request's id and the business time it arrived at.
#[derive(Debug, Clone)]
pub struct Caller {
    request_id: Option<String>,
    now: NaiveDateTime,
}

impl Caller {
    /// The business time of this request: one reading for the whole use case.
    pub fn now(&self) -> NaiveDateTime {
        self.now
    }

    /// `member` acting through this request.
    pub fn actor(&self, member: MemberId) -> Actor {
        Actor::member(member, self.request_id.clone(), self.now)
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req))
    }
}

fn caller(req: &HttpRequest) -> AppResult<Caller> {
    let clock = req
        .app_data::<web::Data<Clock>>()
        .ok_or_else(|| AppError::internal("the app has no clock"))?;
    Ok(Caller {
        request_id: req.extensions().get::<RequestId>().map(ToString::to_string),
        now: clock.now(),
    })
}
