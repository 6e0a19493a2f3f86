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
