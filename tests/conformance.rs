//! Conformance: every case of kustomize's own test suite (the shared corpus,
//! `../shared/conformance` or `$STRATA_CONFORMANCE`), built in-process and
//! compared byte for byte with the oracle's output.
//!
//! Prints a pass/fail table per feature and a final `N passed, M failed`
//! line. Fails when a case within the scope of the features built so far
//! fails, unless it is listed in `tests/conformance-known-failures.txt`
//! (the ratchet: the list may only shrink; a listed case that now passes is
//! reported so it can be removed). Skips, saying so, when the corpus is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use strata::LoadRestrictor;
use strata::{build_dir, BuildOptions, Reorder};

/// Features not built yet (lower case): cases using them are reported,
/// not required to pass. Every other case must pass. Helm and exec/KRM
/// function plugins would go here, but the corpus holds no such cases.
const NOT_BUILT: &[&str] = &[];

struct Case {
    name: String,
    dir: PathBuf,
    root: String,
    flags: Vec<String>,
    expect_error: bool,
    features: Vec<String>,
    empty_dirs: Vec<String>,
}

/// Reads a JSON-style string or list of strings (the corpus writes them so).
fn json_strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut cur = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            cur.push(n)
                        }
                    }
                    '"' => break,
                    _ => cur.push(c),
                }
            }
            out.push(cur);
        }
    }
    out
}

fn read_case(dir: &Path) -> Option<Case> {
    let text = std::fs::read_to_string(dir.join("case.yaml")).ok()?;
    let mut case = Case {
        name: format!(
            "{}/{}",
            dir.parent()?.file_name()?.to_string_lossy(),
            dir.file_name()?.to_string_lossy()
        ),
        dir: dir.to_path_buf(),
        root: ".".into(),
        flags: Vec::new(),
        expect_error: false,
        features: Vec::new(),
        empty_dirs: Vec::new(),
    };
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k {
            "root" => case.root = json_strings(v).pop().unwrap_or_else(|| ".".into()),
            "flags" => case.flags = json_strings(v),
            "expect" => case.expect_error = v.contains("error"),
            "features" => case.features = json_strings(v),
            "empty_dirs" => case.empty_dirs = json_strings(v),
            _ => {}
        }
    }
    Some(case)
}

fn in_scope(case: &Case) -> bool {
    !case
        .features
        .iter()
        .any(|f| NOT_BUILT.contains(&f.to_lowercase().as_str()))
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run(case: &Case) -> Outcome {
    let mut opts = BuildOptions::default();
    let mut flags = case.flags.iter();
    while let Some(f) = flags.next() {
        match f.as_str() {
            "--reorder" => {
                opts.reorder = match flags.next().map(String::as_str) {
                    Some("none") => Reorder::None,
                    _ => Reorder::Legacy,
                }
            }
            "--load-restrictor"
                if flags.next().map(String::as_str) == Some("LoadRestrictionsNone") =>
            {
                opts.restrictor = LoadRestrictor::None;
            }
            "--enable-managedby-label" => opts.managed_by_label = true,
            _ => {}
        }
    }
    // Recreate empty directories git cannot keep, in a copy of the tree.
    let tmp;
    let input = if case.empty_dirs.is_empty() {
        case.dir.join("input")
    } else {
        tmp = tempfile::tempdir().expect("tempdir");
        copy_tree(&case.dir.join("input"), tmp.path());
        for d in &case.empty_dirs {
            let _ = std::fs::create_dir_all(tmp.path().join(d));
        }
        tmp.path().to_path_buf()
    };
    let root = input.join(&case.root);
    let result =
        std::panic::catch_unwind(|| build_dir(&root, &opts).result.and_then(|o| o.to_yaml()));
    let result = match result {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Outcome::Fail(format!("panic: {msg}"));
        }
    };
    match (result, case.expect_error) {
        // Refusing a feature not built yet is no match for kustomize's error.
        (Err(e), true) if e.to_string().contains("not supported yet") => {
            Outcome::Fail(format!("unsupported: {e}"))
        }
        (Err(_), true) => Outcome::Pass,
        (Ok(out), true) => Outcome::Fail(format!(
            "expected an error, got {} bytes of output",
            out.len()
        )),
        (Err(e), false) => Outcome::Fail(format!("error: {e}")),
        (Ok(out), false) => {
            let expected =
                std::fs::read_to_string(case.dir.join("expected.yaml")).unwrap_or_default();
            if out == expected {
                Outcome::Pass
            } else {
                Outcome::Fail(first_difference(&expected, &out))
            }
        }
    }
}

fn first_difference(expected: &str, got: &str) -> String {
    for (i, (a, b)) in expected.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!("line {}: expected {:?}, got {:?}", i + 1, a, b);
        }
    }
    format!(
        "length differs: expected {} lines, got {}",
        expected.lines().count(),
        got.lines().count()
    )
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let p = entry.path();
        let t = to.join(entry.file_name());
        if p.is_dir() {
            let _ = std::fs::create_dir_all(&t);
            copy_tree(&p, &t);
        } else {
            let _ = std::fs::copy(&p, &t);
        }
    }
}

fn corpus_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("STRATA_CONFORMANCE") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    p.is_dir().then_some(p)
}

fn main() {
    let Some(corpus) = corpus_dir() else {
        println!("conformance: skipped (no corpus at ../shared/conformance and STRATA_CONFORMANCE unset)");
        return;
    };
    let known: BTreeSet<String> = include_str!("conformance-known-failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut cases: Vec<Case> = Vec::new();
    for suite in ["krusty", "builtin-plugins"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus.join(suite))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("case.yaml").is_file())
            .collect();
        dirs.sort();
        cases.extend(dirs.iter().filter_map(|d| read_case(d)));
    }
    if let Some(f) = &filter {
        cases.retain(|c| c.name.contains(f.as_str()));
    }

    let verbose = std::env::var("STRATA_CONFORMANCE_VERBOSE").is_ok();
    let mut per_feature: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut passed, mut failed) = (0, 0);
    let mut regressions = Vec::new();
    let mut fixed = Vec::new();
    let mut scope_pass = 0;
    let mut scope_total = 0;
    for case in &cases {
        let outcome = run(case);
        let ok = matches!(outcome, Outcome::Pass);
        let scoped = in_scope(case);
        if scoped {
            scope_total += 1;
            if ok {
                scope_pass += 1;
            }
        }
        let features = if case.features.is_empty() {
            vec!["(none)".to_string()]
        } else {
            case.features.clone()
        };
        for f in features {
            let e = per_feature.entry(f).or_default();
            e.1 += 1;
            if ok {
                e.0 += 1;
            }
        }
        if ok {
            passed += 1;
            if known.contains(&case.name) {
                fixed.push(case.name.clone());
            }
        } else {
            failed += 1;
            if let Outcome::Fail(why) = &outcome {
                let tag = if !scoped {
                    "later"
                } else if known.contains(&case.name) {
                    "known"
                } else {
                    regressions.push(case.name.clone());
                    "REGRESSION"
                };
                if verbose || tag == "REGRESSION" {
                    println!(
                        "FAIL [{tag}] {}: {}",
                        case.name,
                        why.lines().next().unwrap_or("")
                    );
                }
            }
        }
    }

    println!();
    println!("{:<40} {:>6} {:>6}", "feature", "pass", "total");
    for (f, (p, t)) in &per_feature {
        println!("{f:<40} {p:>6} {t:>6}");
    }
    println!();
    println!("in scope (features built so far): {scope_pass} of {scope_total} pass");
    if !fixed.is_empty() {
        println!("now passing, remove from tests/conformance-known-failures.txt:");
        for f in &fixed {
            println!("  {f}");
        }
    }
    if !regressions.is_empty() {
        println!("in-scope failures not in the known list:");
        for r in &regressions {
            println!("  {r}");
        }
    }
    if let Ok(path) = std::env::var("STRATA_CONFORMANCE_REPORT") {
        // A markdown table for docs/conformance.md.
        let mut md = String::from("| feature | pass | total |\n| --- | ---: | ---: |\n");
        for (f, (p, t)) in &per_feature {
            md.push_str(&format!("| {f} | {p} | {t} |\n"));
        }
        md.push_str(&format!(
            "\nAll cases: {passed} passed, {failed} failed. In scope so far: {scope_pass} of {scope_total}.\n"
        ));
        std::fs::write(&path, md).expect("write report");
    }
    println!("conformance: {passed} passed, {failed} failed");
    if !regressions.is_empty() && filter.is_none() {
        std::process::exit(1);
    }
}
