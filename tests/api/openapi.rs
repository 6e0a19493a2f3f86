use std::collections::HashMap;

use xiaopu::app::openapi_document;
use xiaopu::config::Settings;

fn generated() -> String {
    let settings = Settings::load_from(None, &HashMap::new()).unwrap();
    openapi_document(&settings).to_pretty_json().unwrap()
}

/// The committed document is what clients build against; regenerate it with
/// `cargo run -- openapi > openapi.json` when the API changes.
#[test]
fn committed_openapi_json_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"))
        .expect("openapi.json is committed");
    assert!(
        committed.trim_end() == generated().trim_end(),
        "openapi.json is stale: run `cargo run -- openapi > openapi.json`"
    );
}

#[test]
fn every_operation_declares_who_may_call_it_and_its_errors() {
    let document: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 8);
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let security = operation["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} declares no security"));
            assert!(!security.is_empty(), "{method} {path}");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success response"
            );
            let needs_token = security.iter().any(|s| s.get("bearer").is_some());
            if needs_token {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} needs a token but documents no 401"
                );
            }
            if operation.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("422"),
                    "{method} {path} takes a body but documents no 422"
                );
            }
        }
    }
    assert_eq!(
        document["paths"]["/api/v1/admin/members"]["get"]["security"][0]["bearer"],
        serde_json::json!(["admin"])
    );
}

/// A `$ref` to a schema the document does not hold leaves that part untested by clients' code
/// generators and by Schemathesis (it skips what it cannot resolve).
#[test]
fn every_reference_resolves() {
    fn walk(value: &serde_json::Value, refs: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    refs.push(target.clone());
                }
                map.values().for_each(|v| walk(v, refs));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let document: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    let mut refs = Vec::new();
    walk(&document, &mut refs);
    assert!(!refs.is_empty());
    let unresolved: Vec<_> = refs
        .iter()
        .filter(|target| {
            let pointer = target.trim_start_matches('#');
            document.pointer(pointer).is_none()
        })
        .collect();
    assert!(unresolved.is_empty(), "unresolved: {unresolved:?}");
}
