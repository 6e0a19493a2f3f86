use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::state::OrderStatus;
use crate::db::schema::{order_events, order_lines, orders, supplier_orders};
use crate::goods::dto::GoodsStatus;
use crate::tiers::Tier;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub buyer_member_id: i64,
    pub shop_id: i64,
    pub status: OrderStatus,
    pub total_fen: i64,
    pub recipient_name: String,
    pub recipient_phone: String,
    pub region: String,
    pub address_detail: String,
    pub buyer_note: Option<String>,
    pub payment_due_at: NaiveDateTime,
    pub paid_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An order to insert (`repo::insert_order`).
#[derive(Debug)]
pub struct NewOrder<'a> {
    pub order_no: &'a str,
    pub buyer_member_id: i64,
    pub shop_id: i64,
    pub status: OrderStatus,
    pub total_fen: i64,
    pub recipient_name: &'a str,
    pub recipient_phone: &'a str,
    pub region: &'a str,
    pub address_detail: &'a str,
    pub buyer_note: Option<&'a str>,
    pub payment_due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supplier_orders)]
pub struct SupplierOrderRow {
    pub id: i64,
    pub order_id: i64,
    pub supplier_id: i64,
    pub status: OrderStatus,
    pub total_fen: i64,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug)]
pub struct NewSupplierOrder {
    pub order_id: i64,
    pub supplier_id: i64,
    pub status: OrderStatus,
    pub total_fen: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_lines)]
pub struct OrderLineRow {
    pub id: i64,
    pub order_id: i64,
    pub supplier_order_id: i64,
    pub shop_item_id: i64,
    pub goods_id: i64,
    pub sku_id: i64,
    pub supplier_id: i64,
    pub shop_id: i64,
    pub shopkeeper_member_id: i64,
    pub title: String,
    pub sku_attributes: String,
    pub unit_price_fen: i64,
    pub quantity: i32,
    pub amount_fen: i64,
    pub commission_bps: i32,
    pub tier: Tier,
    pub tier_bonus_bps: i32,
    pub commission_fen: i64,
    pub tier_bonus_fen: i64,
    pub no_commission_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub platform_fee_bps: i32,
    pub refunded_quantity: i32,
    pub settled_at: Option<NaiveDateTime>,
    pub commission_plan_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewOrderLine {
    pub order_id: i64,
    pub supplier_order_id: i64,
    pub shop_item_id: i64,
    pub goods_id: i64,
    pub sku_id: i64,
    pub supplier_id: i64,
    pub shop_id: i64,
    pub shopkeeper_member_id: i64,
    pub title: String,
    pub sku_attributes: String,
    pub unit_price_fen: i64,
    pub quantity: i32,
    pub amount_fen: i64,
    pub commission_bps: i32,
    pub tier: Tier,
    pub tier_bonus_bps: i32,
    pub commission_fen: i64,
    pub tier_bonus_fen: i64,
    pub no_commission_reason: Option<String>,
    pub created_at: NaiveDateTime,
    /// The platform's fee on the supplier's sale, snapshotted like the commission.
    pub platform_fee_bps: i32,
    /// The targeted plan whose rate the line got, if any.
    pub commission_plan_id: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_events)]
pub struct OrderEventRow {
    pub id: i64,
    pub order_id: i64,
    pub supplier_order_id: Option<i64>,
    pub from_status: OrderStatus,
    pub to_status: OrderStatus,
    pub actor_kind: String,
    pub actor_member_id: Option<i64>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_events)]
pub struct NewOrderEvent<'a> {
    pub order_id: i64,
    pub supplier_order_id: Option<i64>,
    pub from_status: OrderStatus,
    pub to_status: OrderStatus,
    pub actor_kind: &'a str,
    pub actor_member_id: Option<i64>,
    pub note: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// What placement needs to know of one (shop item, SKU) pair, read in one query.
#[derive(Debug, Clone, Queryable)]
pub struct OrderableRow {
    pub shop_item_id: i64,
    pub item_removed: Option<NaiveDateTime>,
    pub shop_id: i64,
    pub shop_status: crate::shops::model::ShopStatus,
    pub shopkeeper_member_id: i64,
    pub goods_id: i64,
    pub title: String,
    pub goods_status: GoodsStatus,
    pub commission_bps: i32,
    pub pending_commission_bps: Option<i32>,
    pub pending_commission_at: Option<NaiveDateTime>,
    pub supplier_id: i64,
    pub supplier_active: bool,
    pub sku_id: i64,
    pub sku_attributes: String,
    pub price_fen: i64,
    pub per_buyer_limit: Option<i32>,
    /// The shopkeeper's latest recorded tier (none: Rookie).
    pub shopkeeper_tier: Option<Tier>,
}

impl<'a> From<&'a OrderRow> for NewOrder<'a> {
    fn from(order: &'a OrderRow) -> Self {
        Self {
            order_no: &order.order_no,
            buyer_member_id: order.buyer_member_id,
            shop_id: order.shop_id,
            status: order.status,
            total_fen: order.total_fen,
            recipient_name: &order.recipient_name,
            recipient_phone: &order.recipient_phone,
            region: &order.region,
            address_detail: &order.address_detail,
            buyer_note: order.buyer_note.as_deref(),
            payment_due_at: order.payment_due_at,
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }
}

impl NewSupplierOrder {
    /// The row as inserted, without reading it back.
    pub fn with_id(&self, id: i64) -> SupplierOrderRow {
        SupplierOrderRow {
            id,
            order_id: self.order_id,
            supplier_id: self.supplier_id,
            status: self.status,
            total_fen: self.total_fen,
            carrier: None,
            tracking_no: None,
            shipped_at: None,
            received_at: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl NewOrderLine {
    /// The row as inserted, without reading it back.
    pub fn with_id(self, id: i64) -> OrderLineRow {
        OrderLineRow {
            id,
            order_id: self.order_id,
            supplier_order_id: self.supplier_order_id,
            shop_item_id: self.shop_item_id,
            goods_id: self.goods_id,
            sku_id: self.sku_id,
            supplier_id: self.supplier_id,
            shop_id: self.shop_id,
            shopkeeper_member_id: self.shopkeeper_member_id,
            title: self.title,
            sku_attributes: self.sku_attributes,
            unit_price_fen: self.unit_price_fen,
            quantity: self.quantity,
            amount_fen: self.amount_fen,
            commission_bps: self.commission_bps,
            tier: self.tier,
            tier_bonus_bps: self.tier_bonus_bps,
            commission_fen: self.commission_fen,
            tier_bonus_fen: self.tier_bonus_fen,
            no_commission_reason: self.no_commission_reason,
            created_at: self.created_at,
            platform_fee_bps: self.platform_fee_bps,
            refunded_quantity: 0,
            settled_at: None,
            commission_plan_id: self.commission_plan_id,
        }
    }
}
