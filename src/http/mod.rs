//! HTTP plumbing shared by every route: extractors (JSON body, caller), middleware, per-client
//! rate limits. The route table and the server are the composition root's (`crate::app`).

pub mod caller;
pub mod json;
pub mod middleware;
pub mod rate_limit;
