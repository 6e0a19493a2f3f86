//! Rules about the code itself, read from `src/`.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its text less line comments (doc comments may name
/// what they forbid).
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, found: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                let code = text
                    .lines()
                    .map(|line| line.split("//").next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n");
                found.push((path, code));
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.len() > 50, "src/ was found");
    found
}

/// Business time comes from the injected clock; only `src/clock.rs` reads the system's.
#[test]
fn only_the_clock_module_reads_the_system_clock() {
    let forbidden = [
        "Utc::now(",
        "Local::now(",
        "SystemTime::now(",
        "NaiveDateTime::now(",
    ];
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !path.ends_with("src/clock.rs"))
        .flat_map(|(path, code)| {
            forbidden
                .iter()
                .filter(|call| code.contains(*call))
                .map(|call| format!("{} calls {call}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// The scan above would find a system clock call (so it cannot pass vacuously).
#[test]
fn the_clock_scan_sees_the_clock_module_itself() {
    let clock = sources()
        .into_iter()
        .find(|(path, _)| path.ends_with("src/clock.rs"))
        .expect("src/clock.rs");
    assert!(clock.1.contains("Utc::now("));
}

/// The top-level modules from the bottom up: a module may import those before it, never one
/// after it. Foundations first, then accounts and money records, the catalogue and shops, the
/// order and money flow, the jobs that drive them, the state they share, the handlers over it
/// (the JSON API and the H5 pages), and the composition root last.
const LAYERS: &[&str] = &[
    "error",
    "settings",
    "money",
    "clock",
    "blocking",
    "db",
    "pagination",
    "passwords",
    "openapi",
    "members",
    "audit",
    "ledger",
    "http",
    "idempotency",
    "suppliers",
    "goods",
    "tiers",
    "shops",
    "auth",
    "catalogue",
    "curation",
    "storefront",
    "sharing",
    "plans",
    "orders",
    "payments",
    "settlement",
    "fulfilment",
    "aftersales",
    "withdrawals",
    "finance",
    "config",
    "jobs",
    "ops",
    "demo",
    "seed",
    "state",
    "api",
    "h5",
    "app",
];

/// `crate::…` imports between top-level modules: (importer, imported), without self-imports.
/// lib.rs and main.rs are the crate's roots and import everything by design.
fn module_imports() -> std::collections::BTreeSet<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut imports = std::collections::BTreeSet::new();
    for (path, code) in sources() {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a path");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        for imported in crate_paths(&code) {
            // A macro exported at the crate's root belongs to the module that defines it.
            let imported = match imported.as_str() {
                "with_backend" => "db".to_owned(),
                _ => imported,
            };
            if imported != module {
                imports.insert((module.clone(), imported));
            }
        }
    }
    imports
}

/// The first segment of every `crate::x…` path, `crate::{x, y::z}` groups included.
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group: what follows `{` or a comma at depth zero.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        found.push(ident(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            // `crate::with_backend!` is a macro at the crate's root, not a module.
            if !rest[name.len()..].starts_with('!') {
                found.push(name);
            }
        }
    }
    found.retain(|name| !name.is_empty() && name != "self" && name != "super");
    found
}

#[test]
fn the_import_scan_reads_paths_and_groups() {
    let code =
        "use crate::a::b;\nuse crate::{c, d::{e, f}, g};\nlet x = crate::h::i();\nmy_crate::j";
    assert_eq!(crate_paths(code), ["a", "c", "d", "g", "h"]);
}

/// Layers point one way: no module imports one above it (so no import cycle can appear
/// between top-level modules).
#[test]
fn no_module_imports_one_above_it() {
    let rank = |module: &str| LAYERS.iter().position(|m| *m == module);
    let imports = module_imports();
    let unplaced: std::collections::BTreeSet<&String> = imports
        .iter()
        .flat_map(|(from, to)| [from, to])
        .filter(|module| rank(module).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS: {unplaced:?}"
    );
    let upward: Vec<(&str, &str)> = imports
        .iter()
        .filter(|(from, to)| rank(from) < rank(to))
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    assert!(upward.is_empty(), "imports pointing up a layer: {upward:?}");
}

/// A cycle among `imports`, as the modules along it, if there is one.
fn find_cycle(imports: &std::collections::BTreeSet<(String, String)>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        imports: &std::collections::BTreeSet<(String, String)>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for (_, to) in imports.iter().filter(|(from, _)| from == module) {
            if let Some(cycle) = visit(to, imports, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    imports
        .iter()
        .find_map(|(from, _)| visit(from, imports, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    assert_eq!(find_cycle(&module_imports()), None);
}

#[test]
fn the_cycle_finder_finds_a_ring_and_passes_a_chain() {
    let edges = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let ring = edges(&[
        ("orders", "payments"),
        ("payments", "settlement"),
        ("settlement", "orders"),
    ]);
    assert_eq!(
        find_cycle(&ring).map(|cycle| cycle.len()),
        Some(4),
        "orders → payments → settlement → orders"
    );
    let chain = edges(&[
        ("orders", "payments"),
        ("payments", "settlement"),
        ("orders", "settlement"),
    ]);
    assert_eq!(find_cycle(&chain), None);
}
