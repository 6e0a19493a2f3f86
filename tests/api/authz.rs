//! The authorization matrix, driven by the OpenAPI document the server builds (so a route
//! added later is checked too): every operation is called anonymously and by a member of
//! each role, with ids that name nothing. A route that needs a token answers 401 without
//! one; a route for one role answers 403 to the others, before it looks at ids or bodies.
//! (Who sees another party's object is checked per module: shops, orders, aftersales…)

use std::collections::HashMap;

use serde_json::Value;
use xiaopu::config::Settings;
use xiaopu::http::server::openapi_document;

use crate::support::{TestApp, CREDIT_CODES};

/// `path` with every `{parameter}` naming nothing that exists.
fn nothing_at(path: &str) -> String {
    let mut url = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closed parameter") + open;
        url.push_str(&rest[..open]);
        url.push_str("999999");
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    url
}

#[actix_web::test]
async fn every_route_answers_401_without_a_token_and_403_to_the_wrong_role() {
    let app = TestApp::start().await;
    let admin = app.signed_in_admin("admin@authz.cn").await;
    let buyer = app.signed_in("buyer@authz.cn").await;
    let supplier = app
        .active_supplier("supplier@authz.cn", CREDIT_CODES[0])
        .await;
    let (keeper, _, _) = app
        .shopkeeper("keeper@authz.cn", 1, "小林的杂货铺", &admin)
        .await;
    let callers = [
        ("buyer", buyer.access.as_str()),
        ("shopkeeper", keeper.access.as_str()),
        ("supplier", supplier.member.access.as_str()),
        ("admin", admin.access.as_str()),
    ];
    let settings = Settings::load_from(None, &HashMap::new()).unwrap();
    let document: Value =
        serde_json::from_str(&openapi_document(&settings).to_pretty_json().unwrap()).unwrap();
    let (mut operations, mut calls) = (0, 0);
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            operations += 1;
            let security = &operation["security"][0];
            assert!(security.is_object(), "{method} {path} declares no role");
            let Some(roles) = security.get("bearer") else {
                continue; // open to anyone (sign-in, the public shop pages, callbacks)
            };
            let roles: Vec<&str> = roles
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let url = nothing_at(path);
            let body = b"{}".as_slice();
            let call = |token: Option<&str>| {
                let request = app
                    .client
                    .request(method.to_uppercase().parse().unwrap(), app.url(&url))
                    .insert_header(("content-type", "application/json"));
                let request = match token {
                    Some(token) => {
                        request.insert_header(("authorization", format!("Bearer {token}")))
                    }
                    None => request,
                };
                app.send(request, (method != "get").then_some(body))
            };
            let anonymous = call(None).await;
            calls += 1;
            assert_eq!(
                anonymous.status, 401,
                "{method} {path} anonymous: {}",
                anonymous.text
            );
            if roles.is_empty() {
                continue; // any signed-in member
            }
            for (role, token) in callers {
                if roles.contains(&role) {
                    continue;
                }
                let reply = call(Some(token)).await;
                calls += 1;
                assert_eq!(
                    reply.status, 403,
                    "{method} {path} as {role}: {}",
                    reply.text
                );
            }
        }
    }
    assert!(operations >= 90, "{operations} operations");
    assert!(calls >= 150, "{calls} calls");
}
