//! The WeChat Pay and Alipay adapters against local simulators that speak each provider's
//! documented protocol, check every signature as the provider does and sign their answers
//! and notifications. No database: these run on their own.

mod alipay;
mod alipay_sim;
mod http;
mod wechat;
mod wechat_sim;

/// A test key under `tests/fixtures/rails/` (test keys only: see the README there).
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/rails/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("a test key")
}
