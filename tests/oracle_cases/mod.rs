//! The runner shared by `tests/replacements.rs` and `tests/vars.rs`.

use std::path::{Path, PathBuf};
use strata::{build_dir, BuildOptions};

/// Builds every case of `testdata/replacements/cases` that `wanted` accepts
/// (by directory name) and checks it against the oracle's answer; fails
/// listing every difference, or when fewer than `at_least` cases ran.
pub fn run(wanted: impl Fn(&str) -> bool, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/replacements/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("readable testdata")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && wanted(&p.file_name().unwrap().to_string_lossy()))
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= at_least,
        "expected at least {at_least} cases under {}",
        root.display()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let got = build_dir(&dir.join("input"), &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml());
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).ok();
        let message = std::fs::read_to_string(dir.join("expect-message.txt")).ok();
        match (got, expected) {
            (Ok(out), Some(exp)) if out == exp => {}
            (Ok(out), Some(exp)) => failures.push(format!(
                "{name}: output differs\n--- expected\n{exp}--- got\n{out}"
            )),
            (Ok(_), None) => failures.push(format!("{name}: kustomize rejects it, strata did not")),
            (Err(e), Some(_)) => failures.push(format!("{name}: unexpected error: {e}")),
            (Err(e), None) => {
                if let Some(m) = message {
                    if !e.to_string().contains(m.trim()) {
                        failures.push(format!("{name}: error lacks {:?}: {e}", m.trim()));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
