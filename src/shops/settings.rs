//! Shop settings: the credit check, the curation cap, how many shops a member may open, names.

use serde::Deserialize;

use crate::settings::{http_url, positive, Checked};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CreditProviderKind {
    Recorded,
    Http,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopSettings {
    pub credit_provider: CreditProviderKind,
    pub credit_http_url: String,
    pub credit_http_timeout_ms: u64,
    pub min_credit_score: i32,
    pub max_items_per_shop: i32,
    pub max_shops_per_member: i64,
    pub multi_shop_tier_months: u32,
    pub display_name_suffix: String,
    pub forbidden_name_words: Vec<String>,
}

impl ShopSettings {
    pub fn validate(&self) -> Checked {
        if self.credit_provider == CreditProviderKind::Http {
            http_url("shops.credit_http_url", &self.credit_http_url)?;
        }
        positive(&[(
            "shops.max_items_per_shop",
            i64::from(self.max_items_per_shop),
        )])?;
        positive(&[("shops.max_shops_per_member", self.max_shops_per_member)])
    }
}
