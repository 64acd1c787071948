//! Golden tests: every kustomization directory under `testdata/golden` is
//! built and compared with the oracle's answer beside it (`expected.yaml`,
//! or `expected-error.txt` when kustomize rejects the input), produced by
//! `testdata/regen.sh`.

use std::path::{Path, PathBuf};
use strata::{build_dir, BuildOptions};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable testdata")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.join("expected.yaml").is_file() || p.join("expected-error.txt").is_file() {
                out.push(p.clone());
            }
            cases(&p, out);
        }
    }
}

#[test]
fn golden_outputs_match_the_oracle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/golden");
    let mut dirs = Vec::new();
    cases(&root, &mut dirs);
    assert!(
        dirs.len() >= 10,
        "expected golden cases under {}",
        root.display()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let got = build_dir(dir, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml());
        let expected = std::fs::read_to_string(dir.join("expected.yaml")).ok();
        match (got, expected) {
            (Ok(out), Some(exp)) if out == exp => {}
            (Ok(out), Some(exp)) => failures.push(format!(
                "{name}: output differs\n--- expected\n{exp}--- got\n{out}"
            )),
            (Ok(_), None) => failures.push(format!("{name}: kustomize rejects it, strata did not")),
            (Err(e), Some(_)) => failures.push(format!("{name}: unexpected error: {e}")),
            (Err(_), None) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
