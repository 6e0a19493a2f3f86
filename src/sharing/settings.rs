//! Where share links point.

use serde::Deserialize;

use crate::settings::{http_url, Checked};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingSettings {
    pub public_base_url: String,
}

impl SharingSettings {
    pub fn validate(&self) -> Checked {
        http_url("sharing.public_base_url", &self.public_base_url)
    }
}
