//! Listing settings: the commission band, the notice a commission fall needs, listing limits.

use serde::Deserialize;

use crate::settings::{positive, within, Checked};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsSettings {
    pub commission_floor_bps: i32,
    pub commission_ceiling_bps: i32,
    pub commission_fall_notice_days: u32,
    pub max_skus_per_goods: usize,
    pub max_images_per_goods: usize,
}

impl GoodsSettings {
    pub fn validate(&self) -> Checked {
        within(
            "goods.commission_floor_bps",
            self.commission_floor_bps,
            0..=10_000,
        )?;
        within(
            "goods.commission_ceiling_bps",
            self.commission_ceiling_bps,
            self.commission_floor_bps..=10_000,
        )?;
        positive(&[("goods.max_skus_per_goods", self.max_skus_per_goods)])
    }
}
