//! The pages' templates and what they show, built from the services' own views. Every value
//! reaches the HTML through askama's escaping (user text included: shop names, recommendation
//! texts, titles); nothing here is marked safe.

use askama::Template;
use chrono::{DateTime, Utc};

use super::i18n::{self, Lang};
use super::page::Chrome;
use crate::config::Settings;
use crate::money::Fen;
use crate::orders::dto::{OrderView, SupplierOrderView};
use crate::orders::state::OrderStatus;
use crate::storefront::dto::{
    Availability, PublicItemDetail, PublicItemView, PublicShopView, PublicSkuView,
};

pub fn shop_path(shop_no: &str) -> String {
    format!("/shop/{shop_no}")
}

pub fn item_path(shop_no: &str, item_id: i64) -> String {
    format!("/shop/{shop_no}/item/{item_id}")
}

pub fn order_path(order_id: i64) -> String {
    format!("/my/orders/{order_id}")
}

/// An absolute address under the public base (for Open Graph and canonical links).
pub fn absolute(settings: &Settings, path: &str) -> String {
    format!(
        "{}{path}",
        settings.sharing.public_base_url.trim_end_matches('/')
    )
}

/// Time in the business time zone, to the minute.
pub fn local_time(settings: &Settings, at: DateTime<Utc>) -> String {
    at.with_timezone(&settings.tiers.time_zone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// At most `max` characters (the description of a link card).
pub fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let cut: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// A shop's head: name with suffix, logo, tier badge, description.
pub struct ShopHeader {
    pub url: String,
    pub display_name: String,
    pub logo: Option<String>,
    pub tier: &'static str,
    pub tier_class: &'static str,
    pub description: String,
    pub item_count: i32,
}

impl ShopHeader {
    pub fn new(lang: Lang, shop: &PublicShopView) -> Self {
        Self {
            url: shop_path(&shop.shop_no),
            display_name: shop.display_name.clone(),
            logo: shop.logo_url.clone(),
            tier: i18n::tier(lang, shop.tier),
            tier_class: shop.tier.as_str(),
            description: shop.description.clone(),
            item_count: shop.item_count,
        }
    }
}

/// An item in the shop's list.
pub struct ItemCard {
    pub url: String,
    pub title: String,
    pub image: Option<String>,
    pub price: String,
    pub availability: &'static str,
    pub orderable: bool,
    pub recommendation: String,
}

impl ItemCard {
    pub fn new(lang: Lang, shop_no: &str, item: &PublicItemView) -> Self {
        Self {
            url: item_path(shop_no, item.id),
            title: item.title.clone(),
            image: item.main_image_url.clone(),
            price: Fen(item.price_fen).yuan_display(),
            availability: i18n::availability(lang, item.availability),
            orderable: item.availability == Availability::Available,
            recommendation: item.recommendation.clone(),
        }
    }
}

pub struct CategoryOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The top-level categories, the chosen one marked.
pub fn category_options(settings: &Settings, chosen: Option<&str>) -> Vec<CategoryOption> {
    settings
        .categories
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| CategoryOption {
            code: c.code.clone(),
            name: c.name.clone(),
            selected: chosen == Some(c.code.as_str()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "shop.html")]
pub struct ShopPage {
    pub c: Chrome,
    pub shop: ShopHeader,
    pub items: Vec<ItemCard>,
    pub categories: Vec<CategoryOption>,
    pub q: String,
    pub more_url: Option<String>,
}

/// A SKU to choose: its attributes, price and stock.
pub struct SkuChoice {
    pub id: i64,
    pub label: String,
    pub price: String,
    pub in_stock: bool,
    pub stock: &'static str,
    pub limit: Option<i32>,
    pub checked: bool,
}

/// `{"size": "500g"}` → `500g`; several attributes are joined.
pub fn sku_label(attributes: &serde_json::Value) -> String {
    attributes
        .as_object()
        .map(|map| {
            map.values()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default()
}

fn sku_choices(lang: Lang, skus: &[PublicSkuView]) -> Vec<SkuChoice> {
    let first_in_stock = skus.iter().position(|sku| sku.in_stock);
    skus.iter()
        .enumerate()
        .map(|(index, sku)| SkuChoice {
            id: sku.id,
            label: sku_label(&sku.attributes),
            price: Fen(sku.price_fen).yuan_display(),
            in_stock: sku.in_stock,
            stock: i18n::availability(
                lang,
                if sku.in_stock {
                    Availability::Available
                } else {
                    Availability::SoldOut
                },
            ),
            limit: sku.per_buyer_limit,
            checked: Some(index) == first_in_stock,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "item.html")]
pub struct ItemPage {
    pub c: Chrome,
    pub shop: ShopHeader,
    pub item: ItemCard,
    pub description: String,
    pub images: Vec<String>,
    pub skus: Vec<SkuChoice>,
    pub checkout_url: String,
    pub availability_class: &'static str,
}

impl ItemPage {
    pub fn new(c: Chrome, lang: Lang, detail: &PublicItemDetail) -> Self {
        let shop_no = &detail.shop.shop_no;
        Self {
            c,
            shop: ShopHeader::new(lang, &detail.shop),
            item: ItemCard::new(lang, shop_no, &detail.item),
            description: detail.description.clone(),
            images: detail.image_urls.clone(),
            skus: sku_choices(lang, &detail.skus),
            checkout_url: format!("{}/checkout", item_path(shop_no, detail.item.id)),
            availability_class: match detail.item.availability {
                Availability::Available => "available",
                Availability::SoldOut => "sold-out",
                Availability::Unavailable => "unavailable",
            },
        }
    }
}

/// The sign-in and registration forms, leading back to `next`.
pub struct AccountForms {
    pub next: String,
    pub login: String,
    pub errors: Vec<String>,
}

/// The address fields as last typed (kept when the form comes back with an error).
#[derive(Debug, Default, Clone)]
pub struct AddressForm {
    pub name: String,
    pub phone: String,
    pub region: String,
    pub detail: String,
    pub note: String,
}

/// The line being bought.
pub struct CheckoutLine {
    pub item_url: String,
    pub title: String,
    pub image: Option<String>,
    pub sku_id: i64,
    pub sku_label: String,
    pub unit_price: String,
    pub limit: Option<i32>,
}

impl CheckoutLine {
    pub fn new(detail: &PublicItemDetail, sku: &PublicSkuView) -> Self {
        Self {
            item_url: item_path(&detail.shop.shop_no, detail.item.id),
            title: detail.item.title.clone(),
            image: detail.item.main_image_url.clone(),
            sku_id: sku.id,
            sku_label: sku_label(&sku.attributes),
            unit_price: Fen(sku.price_fen).yuan_display(),
            limit: sku.per_buyer_limit,
        }
    }
}

#[derive(Template)]
#[template(path = "checkout.html")]
pub struct CheckoutPage {
    pub c: Chrome,
    pub shop: ShopHeader,
    pub line: CheckoutLine,
    pub quantity: i32,
    /// The Idempotency-Key of this checkout.
    pub key: String,
    pub action: String,
    pub address: AddressForm,
    pub errors: Vec<String>,
    /// Shown instead of the address form to a visitor who has not signed in.
    pub account: Option<AccountForms>,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub c: Chrome,
    pub account: AccountForms,
}

pub struct StatusBadge {
    pub label: &'static str,
    pub class: &'static str,
}

impl StatusBadge {
    fn new(lang: Lang, status: OrderStatus) -> Self {
        Self {
            label: i18n::order_status(lang, status),
            class: status.as_str(),
        }
    }
}

/// An order in the buyer's list.
pub struct OrderSummary {
    pub url: String,
    pub order_no: String,
    pub status: StatusBadge,
    pub total: String,
    pub created: String,
    pub titles: String,
}

impl OrderSummary {
    pub fn new(lang: Lang, settings: &Settings, order: &OrderView) -> Self {
        Self {
            url: order_path(order.id),
            order_no: order.order_no.clone(),
            status: StatusBadge::new(lang, order.status),
            total: order.total_fen.yuan_display(),
            created: local_time(settings, order.created_at),
            titles: order
                .parts
                .iter()
                .flat_map(|part| &part.lines)
                .map(|line| line.title.as_str())
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
pub struct OrdersPage {
    pub c: Chrome,
    pub orders: Vec<OrderSummary>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

pub struct LineRow {
    pub title: String,
    pub sku: String,
    pub quantity: i32,
    pub amount: String,
}

/// One supplier's part: its status, tracking and lines.
pub struct PartView {
    pub status: StatusBadge,
    pub tracking: Option<String>,
    pub lines: Vec<LineRow>,
}

impl PartView {
    fn new(lang: Lang, part: &SupplierOrderView) -> Self {
        Self {
            status: StatusBadge::new(lang, part.status),
            tracking: match (&part.carrier, &part.tracking_no) {
                (Some(carrier), Some(number)) => Some(format!("{carrier} {number}")),
                _ => None,
            },
            lines: part
                .lines
                .iter()
                .map(|line| LineRow {
                    title: line.title.clone(),
                    sku: sku_label(&line.sku_attributes),
                    quantity: line.quantity,
                    amount: line.amount_fen.yuan_display(),
                })
                .collect(),
        }
    }
}

pub struct TimelineRow {
    pub at: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "order.html")]
pub struct OrderPage {
    pub c: Chrome,
    pub order_no: String,
    pub status: StatusBadge,
    pub total: String,
    pub created: String,
    pub paid: Option<String>,
    /// When payment is still awaited: the deadline, and where "pay" posts.
    pub pay: Option<(String, String)>,
    pub recipient: String,
    pub address: String,
    pub parts: Vec<PartView>,
    pub timeline: Vec<TimelineRow>,
}

impl OrderPage {
    pub fn new(c: Chrome, lang: Lang, settings: &Settings, order: &OrderView) -> Self {
        let time = |at| local_time(settings, at);
        Self {
            c,
            order_no: order.order_no.clone(),
            status: StatusBadge::new(lang, order.status),
            total: order.total_fen.yuan_display(),
            created: time(order.created_at),
            paid: order.paid_at.map(time),
            pay: (order.status == OrderStatus::PendingPayment).then(|| {
                (
                    time(order.payment_due_at),
                    format!("{}/pay", order_path(order.id)),
                )
            }),
            recipient: format!("{} {}", order.address.name, order.address.phone),
            address: format!("{} {}", order.address.region, order.address.detail),
            parts: order
                .parts
                .iter()
                .map(|part| PartView::new(lang, part))
                .collect(),
            timeline: order
                .timeline
                .iter()
                .map(|entry| TimelineRow {
                    at: time(entry.at),
                    status: i18n::order_status(lang, entry.to),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "cashier.html")]
pub struct CashierPage {
    pub c: Chrome,
    pub order_no: String,
    pub amount: String,
    pub payment_no: String,
    pub confirm_url: String,
    pub order_url: String,
}
