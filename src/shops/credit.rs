//! Where credit scores come from: the `CreditProvider` chosen in configuration.

use std::time::Duration;

use serde::Deserialize;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::members::{self, MemberId};
use crate::shops::settings::{CreditProviderKind, ShopSettings};

/// The credit bureau behind the shop gate (Sesame Credit in the original).
#[derive(Debug, Clone)]
pub enum CreditProvider {
    /// Scores stored on the member: set by an admin or imported from CSV.
    Recorded,
    /// `GET {url}?member_id=N` answering `{"score": 712}` within the timeout.
    Http { url: String, timeout: Duration },
}

#[derive(Deserialize)]
struct HttpScore {
    score: i32,
}

impl CreditProvider {
    pub fn from_settings(settings: &ShopSettings) -> Self {
        match settings.credit_provider {
            CreditProviderKind::Recorded => Self::Recorded,
            CreditProviderKind::Http => Self::Http {
                url: settings.credit_http_url.clone(),
                timeout: Duration::from_millis(settings.credit_http_timeout_ms),
            },
        }
    }

    /// The member's score; None when the provider has none. A provider that fails or answers
    /// nonsense is an error (503), never a pass.
    pub async fn score(&self, db: &Db, member: MemberId) -> AppResult<Option<i32>> {
        match self {
            Self::Recorded => {
                let row = db
                    .read(move |conn| members::service::get(conn, member))
                    .await?;
                Ok(row.credit_score)
            }
            Self::Http { url, timeout } => {
                let unavailable =
                    |why: String| AppError::unavailable(format!("credit provider: {why}"));
                let client = awc::Client::builder().timeout(*timeout).finish();
                let mut response = client
                    .get(format!("{url}?member_id={}", member.0))
                    .send()
                    .await
                    .map_err(|e| unavailable(e.to_string()))?;
                if response.status().as_u16() == 404 {
                    return Ok(None);
                }
                if !response.status().is_success() {
                    return Err(unavailable(format!("answered {}", response.status())));
                }
                let body: HttpScore = response
                    .json()
                    .await
                    .map_err(|e| unavailable(e.to_string()))?;
                if !(0..=1000).contains(&body.score) {
                    return Err(unavailable(format!("score {} out of range", body.score)));
                }
                Ok(Some(body.score))
            }
        }
    }
}
