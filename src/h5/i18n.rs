//! The pages' language: Chinese unless the browser prefers English (`Accept-Language`).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::{FromRequest, HttpRequest};

use crate::orders::state::OrderStatus;
use crate::storefront::dto::Availability;
use crate::tiers::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language the request prefers among ours: the highest-weighted `zh*` or `en*`
    /// range of `Accept-Language`, Chinese when neither is named.
    pub fn of(req: &HttpRequest) -> Self {
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map_or(Self::Zh, Self::preferred)
    }

    fn preferred(header: &str) -> Self {
        let mut best = (Self::Zh, 0_u16);
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, quality);
            let lang = if tag.starts_with("en") {
                Self::En
            } else if tag.starts_with("zh") {
                Self::Zh
            } else {
                continue;
            };
            if weight > best.1 {
                best = (lang, weight);
            }
        }
        best.0
    }

    /// The `lang` attribute and `Content-Language` value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Zh => &ZH,
            Self::En => &EN,
        }
    }
}

/// `q=0.8` as thousandths, so weights compare without floating point.
fn quality(text: &str) -> u16 {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits: String = fraction.chars().take(3).collect();
    let thousandths = format!("{digits:0<3}").parse::<u16>().unwrap_or(0);
    match whole {
        "1" => 1000,
        "0" => thousandths,
        _ => 0,
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

/// Every fixed text of the pages, in one language.
pub struct Texts {
    pub my_orders: &'static str,
    pub sign_out: &'static str,
    pub items: &'static str,
    pub search_placeholder: &'static str,
    pub search: &'static str,
    pub all_categories: &'static str,
    pub more: &'static str,
    pub no_items: &'static str,
    pub recommendation: &'static str,
    pub choose_sku: &'static str,
    pub quantity: &'static str,
    pub buy: &'static str,
    pub per_buyer_limit: &'static str,
    pub not_orderable: &'static str,
    pub details: &'static str,
    pub visit_shop: &'static str,
    pub checkout: &'static str,
    pub sign_in: &'static str,
    pub register: &'static str,
    pub sign_in_to_order: &'static str,
    pub new_here: &'static str,
    pub login: &'static str,
    pub email: &'static str,
    pub phone_optional: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    pub display_name: &'static str,
    pub address: &'static str,
    pub recipient: &'static str,
    pub mobile: &'static str,
    pub region: &'static str,
    pub region_example: &'static str,
    pub street: &'static str,
    pub note: &'static str,
    pub total: &'static str,
    pub place_order: &'static str,
    pub change: &'static str,
    pub order_no: &'static str,
    pub ordered_at: &'static str,
    pub paid_at: &'static str,
    pub pay_before: &'static str,
    pub pay_now: &'static str,
    pub cashier: &'static str,
    pub sandbox_note: &'static str,
    pub confirm_payment: &'static str,
    pub tracking: &'static str,
    pub not_shipped: &'static str,
    pub history: &'static str,
    pub no_orders: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub deliver_to: &'static str,
    pub error_title: &'static str,
    pub not_found: &'static str,
    pub share_gone: &'static str,
    pub check_input: &'static str,
    pub could_not_complete: &'static str,
    pub form_expired: &'static str,
    pub please_sign_in: &'static str,
    pub busy: &'static str,
    pub checkout_used: &'static str,
    pub wrong_credentials: &'static str,
}

pub static ZH: Texts = Texts {
    my_orders: "我的订单",
    sign_out: "退出",
    items: "件商品",
    search_placeholder: "搜索本店商品",
    search: "搜索",
    all_categories: "全部分类",
    more: "加载更多",
    no_items: "没有找到商品",
    recommendation: "掌柜推荐",
    choose_sku: "选择规格",
    quantity: "数量",
    buy: "立即购买",
    per_buyer_limit: "每人限购",
    not_orderable: "该商品暂时无法购买",
    details: "商品详情",
    visit_shop: "进店逛逛",
    checkout: "确认订单",
    sign_in: "登录",
    register: "注册",
    sign_in_to_order: "登录后下单",
    new_here: "第一次来？注册账号",
    login: "邮箱或手机号",
    email: "邮箱",
    phone_optional: "手机号（选填）",
    password: "密码",
    password_hint: "至少 8 位，含字母和数字",
    display_name: "昵称",
    address: "收货地址",
    recipient: "收件人",
    mobile: "手机号码",
    region: "省 市 区",
    region_example: "浙江省 杭州市 西湖区",
    street: "详细地址",
    note: "备注（选填）",
    total: "合计",
    place_order: "提交订单",
    change: "修改",
    order_no: "订单号",
    ordered_at: "下单时间",
    paid_at: "支付时间",
    pay_before: "请在此时间前支付",
    pay_now: "立即支付",
    cashier: "收银台（沙箱）",
    sandbox_note: "这是沙箱支付：不会真实扣款。",
    confirm_payment: "确认支付",
    tracking: "物流",
    not_shipped: "待发货",
    history: "订单记录",
    no_orders: "还没有订单",
    previous: "上一页",
    next: "下一页",
    deliver_to: "收货人",
    error_title: "出错了",
    not_found: "页面不存在，或商品已下架。",
    share_gone: "这个分享链接已失效或不存在，请向分享的掌柜要一个新链接。",
    check_input: "请检查填写的内容",
    could_not_complete: "操作未完成",
    form_expired: "页面已过期，请返回刷新后重试。",
    please_sign_in: "请先登录",
    busy: "服务繁忙，请稍后再试。",
    checkout_used: "这个订单页面已经使用过，请重新提交。",
    wrong_credentials: "账号或密码不正确",
};

pub static EN: Texts = Texts {
    my_orders: "My orders",
    sign_out: "Sign out",
    items: "items",
    search_placeholder: "Search this shop",
    search: "Search",
    all_categories: "All categories",
    more: "Load more",
    no_items: "No items found",
    recommendation: "Shopkeeper's pick",
    choose_sku: "Choose an option",
    quantity: "Quantity",
    buy: "Buy now",
    per_buyer_limit: "Limit per buyer",
    not_orderable: "This item cannot be ordered right now",
    details: "Details",
    visit_shop: "Visit the shop",
    checkout: "Checkout",
    sign_in: "Sign in",
    register: "Register",
    sign_in_to_order: "Sign in to order",
    new_here: "New here? Create an account",
    login: "Email or phone",
    email: "Email",
    phone_optional: "Phone (optional)",
    password: "Password",
    password_hint: "At least 8 characters, letters and digits",
    display_name: "Name",
    address: "Delivery address",
    recipient: "Recipient",
    mobile: "Mobile number",
    region: "Province, city, district",
    region_example: "Zhejiang Hangzhou Xihu",
    street: "Street address",
    note: "Note (optional)",
    total: "Total",
    place_order: "Place order",
    change: "Change",
    order_no: "Order no.",
    ordered_at: "Ordered",
    paid_at: "Paid",
    pay_before: "Pay before",
    pay_now: "Pay now",
    cashier: "Cashier (sandbox)",
    sandbox_note: "Sandbox payment: no real money moves.",
    confirm_payment: "Confirm payment",
    tracking: "Tracking",
    not_shipped: "Not shipped yet",
    history: "History",
    no_orders: "No orders yet",
    previous: "Previous",
    next: "Next",
    deliver_to: "Deliver to",
    error_title: "Something went wrong",
    not_found: "This page does not exist, or the item is no longer sold.",
    share_gone: "This share link is no longer valid. Ask the shopkeeper for a new one.",
    check_input: "Please check what you entered",
    could_not_complete: "This could not be done",
    form_expired: "This page has expired. Go back, reload and try again.",
    please_sign_in: "Please sign in",
    busy: "Busy right now, please try again shortly.",
    checkout_used: "This checkout was already used; please submit again.",
    wrong_credentials: "Wrong login or password",
};

pub fn tier(lang: Lang, tier: Tier) -> &'static str {
    match (lang, tier) {
        (Lang::Zh, Tier::Rookie) => "新晋掌柜",
        (Lang::Zh, Tier::Senior) => "资深掌柜",
        (Lang::Zh, Tier::Elite) => "精英掌柜",
        (Lang::Zh, Tier::Super) => "超级掌柜",
        (Lang::En, Tier::Rookie) => "Rookie",
        (Lang::En, Tier::Senior) => "Senior",
        (Lang::En, Tier::Elite) => "Elite",
        (Lang::En, Tier::Super) => "Super",
    }
}

pub fn availability(lang: Lang, availability: Availability) -> &'static str {
    match (lang, availability) {
        (Lang::Zh, Availability::Available) => "有货",
        (Lang::Zh, Availability::SoldOut) => "已售罄",
        (Lang::Zh, Availability::Unavailable) => "暂不可售",
        (Lang::En, Availability::Available) => "In stock",
        (Lang::En, Availability::SoldOut) => "Sold out",
        (Lang::En, Availability::Unavailable) => "Unavailable",
    }
}

pub fn order_status(lang: Lang, status: OrderStatus) -> &'static str {
    match (lang, status) {
        (Lang::Zh, OrderStatus::PendingPayment) => "待支付",
        (Lang::Zh, OrderStatus::Paid) => "已支付",
        (Lang::Zh, OrderStatus::Shipped) => "已发货",
        (Lang::Zh, OrderStatus::Received) => "已收货",
        (Lang::Zh, OrderStatus::Completed) => "已完成",
        (Lang::Zh, OrderStatus::Cancelled) => "已取消",
        (Lang::En, OrderStatus::PendingPayment) => "Awaiting payment",
        (Lang::En, OrderStatus::Paid) => "Paid",
        (Lang::En, OrderStatus::Shipped) => "Shipped",
        (Lang::En, OrderStatus::Received) => "Received",
        (Lang::En, OrderStatus::Completed) => "Completed",
        (Lang::En, OrderStatus::Cancelled) => "Cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_of_our_languages_wins_and_chinese_is_the_default() {
        assert_eq!(Lang::preferred("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::preferred("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::preferred("fr-FR,en;q=0.5,zh;q=0.4"), Lang::En);
        assert_eq!(Lang::preferred("de,fr;q=0.9"), Lang::Zh);
        assert_eq!(Lang::preferred("en;q=0,zh-TW;q=0.1"), Lang::Zh);
        assert_eq!(Lang::preferred(""), Lang::Zh);
    }
}
