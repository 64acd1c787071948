//! Generators against the oracle's recorded answers.
//!
//! `testdata/generators/random/tree-NN`: random generator trees (made by the
//! committed `generate.py`, which also recorded `kubectl kustomize`'s output
//! for each as `expected.yaml`). Every generated name (hash suffix included)
//! must match, and so must the whole output, byte for byte.
//!
//! `testdata/generators/cases/*`: small trees for single behaviours, each
//! with the oracle's `expected.yaml` or, when kustomize fails,
//! `expected-error.txt` (recorded by `testdata/generators/regen.sh`); an
//! error case must fail.

use std::path::{Path, PathBuf};
use strata::yaml::{parse_documents, ParseOptions};
use strata::{build_dir, BuildOptions};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/generators")
}

fn sorted_dirs(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    dirs.sort();
    dirs
}

/// `kind namespace/name` of every document of a YAML stream.
fn ids(yaml: &str) -> Vec<String> {
    parse_documents(yaml.as_bytes(), &ParseOptions::default())
        .expect("output parses")
        .iter()
        .map(|d| {
            let v = &d.value;
            format!(
                "{} {}/{}",
                v.str_at(&["kind"]).unwrap_or(""),
                v.str_at(&["metadata", "namespace"]).unwrap_or(""),
                v.str_at(&["metadata", "name"]).unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn random_generators_match_the_oracle() {
    let trees = sorted_dirs(&data_dir().join("random"), "tree-");
    assert!(trees.len() >= 10, "random trees missing");
    let (mut names, mut names_ok, mut outputs_ok) = (0, 0, 0);
    let mut failures = Vec::new();
    for tree in &trees {
        let expected = std::fs::read_to_string(tree.join("expected.yaml")).expect("expected.yaml");
        let want = ids(&expected);
        let got_yaml = match build_dir(tree, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml())
        {
            Ok(y) => y,
            Err(e) => {
                failures.push(format!("{}: error: {e}", tree.display()));
                names += want.len();
                continue;
            }
        };
        let got = ids(&got_yaml);
        names += want.len();
        for (i, w) in want.iter().enumerate() {
            if got.get(i) == Some(w) {
                names_ok += 1;
            } else {
                failures.push(format!(
                    "{}: resource {i}: expected {w}, got {:?}",
                    tree.display(),
                    got.get(i)
                ));
            }
        }
        if got.len() != want.len() {
            failures.push(format!(
                "{}: {} resources, expected {}",
                tree.display(),
                got.len(),
                want.len()
            ));
        }
        if got_yaml == expected {
            outputs_ok += 1;
        } else {
            let line = expected
                .lines()
                .zip(got_yaml.lines())
                .position(|(a, b)| a != b)
                .map_or("length".to_string(), |l| format!("line {}", l + 1));
            failures.push(format!("{}: output differs at {line}", tree.display()));
        }
    }
    println!(
        "random generators: {names_ok} of {names} names match, {outputs_ok} of {} outputs identical",
        trees.len()
    );
    assert!(names >= 200, "only {names} generated resources");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn single_behaviours_match_the_oracle() {
    let cases = sorted_dirs(&data_dir().join("cases"), "");
    assert!(!cases.is_empty(), "cases missing");
    let mut failures = Vec::new();
    for case in &cases {
        // Built where the kustomization is: the case, or its `root/`.
        let root = if case.join("root").is_dir() {
            case.join("root")
        } else {
            case.clone()
        };
        let result = build_dir(&root, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml());
        let expected = std::fs::read_to_string(case.join("expected.yaml"));
        match (result, expected) {
            (Ok(got), Ok(want)) if got == want => {}
            (Ok(got), Ok(want)) => failures.push(format!(
                "{}: output differs\n--- expected\n{want}--- got\n{got}",
                case.display()
            )),
            (Err(e), Ok(_)) => failures.push(format!("{}: error: {e}", case.display())),
            (Err(_), Err(_)) => {
                assert!(
                    case.join("expected-error.txt").is_file(),
                    "{}",
                    case.display()
                )
            }
            (Ok(_), Err(_)) => failures.push(format!(
                "{}: succeeded, but kustomize fails",
                case.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
