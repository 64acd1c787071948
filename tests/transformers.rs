//! The builtin transformers end to end: every case under
//! `testdata/transformers` (a kustomization directory) is built and compared
//! byte for byte with the output kustomize v5.8.1 gave for it
//! (`expected.yaml`, written by `testdata/transformers/regen.sh`). For a case
//! kustomize rejects (`expected-error.txt`), the build must fail and the
//! innermost message of strata's error must appear in kustomize's.

use std::path::{Path, PathBuf};
use strata::{build_dir, BuildOptions};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("case directory readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.join("kustomization.yaml").exists() {
                out.push(p.clone());
            }
            cases(&p, out);
        }
    }
}

#[test]
fn transformer_cases_match_the_oracle() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/transformers");
    let mut all = Vec::new();
    cases(&root, &mut all);
    assert!(!all.is_empty(), "no cases under {}", root.display());
    let mut failures = Vec::new();
    for dir in &all {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let got = build_dir(dir, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml());
        let expected_ok = std::fs::read_to_string(dir.join("expected.yaml")).ok();
        let expected_err = std::fs::read_to_string(dir.join("expected-error.txt")).ok();
        match (got, expected_ok, expected_err) {
            (Ok(out), Some(want), _) => {
                if out != want {
                    failures.push(format!(
                        "{name}: output differs\n--- got\n{out}--- want\n{want}"
                    ));
                }
            }
            (Err(e), _, Some(want)) => {
                if !want.contains(e.message()) {
                    failures.push(format!(
                        "{name}: error message {:?} not in kustomize's:\n{want}",
                        e.message()
                    ));
                }
            }
            (Ok(out), None, _) => failures.push(format!("{name}: expected an error, got\n{out}")),
            (Err(e), _, None) => failures.push(format!("{name}: unexpected error: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
