//! HTTP plumbing shared by every route: extractors (JSON body, caller), middleware, per-client
//! rate limits. The route table and the server are the composition root's (`crate::app`).

pub mod caller;
pub mod json;
pub mod middleware;
pub mod rate_limit;

/// The client's address: the proxy's `X-Forwarded-For` / `Forwarded` when the server trusts
/// it (`server.trust_forwarded_for`), else the peer's; without the port.
pub fn client_ip(info: &actix_web::dev::ConnectionInfo, trust_forwarded_for: bool) -> String {
    let address = if trust_forwarded_for {
        info.realip_remote_addr()
    } else {
        info.peer_addr()
    }
    .unwrap_or("unknown");
    address
        .parse::<std::net::SocketAddr>()
        .map(|socket| socket.ip().to_string())
        .unwrap_or_else(|_| address.to_owned())
}
