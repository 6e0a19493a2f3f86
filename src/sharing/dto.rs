use serde::Serialize;
use utoipa::ToSchema;

use crate::storefront::dto::PublicItemDetail;

/// A share of a shop item: what the shopkeeper posts off-site.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    /// Eight characters of an unambiguous alphabet.
    #[schema(example = "K7QX2MPA")]
    pub code: String,
    /// `{public_base_url}/s/{code}`
    pub url: String,
    /// Ready-to-paste text: title, price, recommendation, shop and link.
    pub copy_text: String,
    /// The poster (SVG) with a QR code of `url`.
    pub poster_url: String,
}

/// What a share code opens: the item inside its shop.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareResolution {
    pub code: String,
    pub url: String,
    /// Visits so far, this one included.
    pub visits: i64,
    pub item: PublicItemDetail,
}
