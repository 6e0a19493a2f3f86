//! HTTP plumbing shared by every route: the JSON body extractor, middleware, the app itself.

pub mod caller;
pub mod json;
pub mod middleware;
pub mod rate_limit;
pub mod server;
