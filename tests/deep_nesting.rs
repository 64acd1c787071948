//! Deeply nested input builds on a thread with the default stack (2 MiB)
//! and gives kustomize's output, or a clear error where kustomize rejects
//! it: never a stack overflow.
//!
//! The trees are made here (`write_case`); `testdata/deep-nesting/regen.sh`
//! writes them out through the ignored test `write_cases` and records the
//! oracle's answer for each in `testdata/deep-nesting/expected.txt`: `ok`
//! and the SHA-256 of its output (outputs run to megabytes), or `error`.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;
use strata::{build_dir, BuildOptions};

/// How the nesting is written.
const FORMS: [&str; 4] = ["flowseq", "flowmap", "blockseq", "blockmap"];

/// Where the nested value sits, with how many levels enclose it there (the
/// document's own levels): kustomize accepts 10,000 levels in all.
const PLACES: [(&str, usize); 7] = [
    // `spec:` of a resource.
    ("resource", 1),
    // The same resource, through labels, prefix, namespace and annotations.
    ("transformers", 1),
    // `spec:` of a strategic-merge patch file.
    ("smp", 1),
    // The same patch inline in the kustomization file.
    ("inline-smp", 1),
    // `value:` of a JSON 6902 patch file's operation.
    ("json6902", 2),
    // A value in the kustomization file (a wrong type at any depth).
    ("kustomization", 2),
    // `spec.y` of a resource that a replacement edits beside it.
    ("replacements", 2),
];

/// Total nesting kustomize accepts.
const LIMIT: usize = 10_000;

/// `n` levels of nesting as the text after `key:` on a line indented `ind`.
fn nested(form: &str, n: usize, ind: usize) -> String {
    match form {
        "flowseq" => format!(" {}{}\n", "[".repeat(n), "]".repeat(n)),
        "flowmap" => format!(" {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
        "blockseq" => format!("\n{}{}x\n", " ".repeat(ind), "- ".repeat(n)),
        "blockmap" => {
            let mut s = String::from("\n");
            for i in 1..=n {
                s.push_str(&" ".repeat(ind + i));
                s.push_str(if i == n { "a: x\n" } else { "a:\n" });
            }
            s
        }
        _ => unreachable!("unknown form {form}"),
    }
}

/// Writes the kustomization tree of one case into `dir`.
fn write_case(dir: &Path, place: &str, form: &str, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let head = "apiVersion: v1\nkind: Deep\nmetadata:\n  name: deep\n";
    let mut k = String::from("resources:\n- r.yaml\n");
    let (resource, patch) = match place {
        "resource" => (format!("{head}spec:{}", nested(form, n, 0)), None),
        "transformers" => {
            k.push_str(
                "namePrefix: p-\nnamespace: ns\ncommonAnnotations:\n  note: x\n\
                 labels:\n- pairs:\n    app: x\n  includeSelectors: true\n  includeTemplates: true\n",
            );
            (format!("{head}spec:{}", nested(form, n, 0)), None)
        }
        "smp" => {
            k.push_str("patches:\n- path: p.yaml\n");
            (
                head.to_string(),
                Some(format!("{head}spec:{}", nested(form, n, 0))),
            )
        }
        "inline-smp" => {
            k.push_str("patches:\n- patch: |-\n");
            for line in format!("{head}spec:{}", nested(form, n, 0)).lines() {
                writeln!(k, "    {line}").unwrap();
            }
            (head.to_string(), None)
        }
        "json6902" => {
            k.push_str("patches:\n- path: p.yaml\n  target:\n    kind: Deep\n");
            (
                format!("{head}spec: {{}}\n"),
                Some(format!(
                    "- op: add\n  path: /spec/x\n  value:{}",
                    nested(form, n, 2)
                )),
            )
        }
        "kustomization" => {
            write!(k, "commonAnnotations:\n  a:{}", nested(form, n, 2)).unwrap();
            (head.to_string(), None)
        }
        "replacements" => {
            k.push_str(
                "replacements:\n- source:\n    kind: Deep\n    fieldPath: metadata.name\n  \
                 targets:\n  - select:\n      kind: Deep\n    fieldPaths:\n    - spec.x\n    \
                 options:\n      create: true\n",
            );
            let spec = nested(form, n, 2);
            (format!("{head}spec:\n  y:{spec}"), None)
        }
        _ => unreachable!("unknown place {place}"),
    };
    std::fs::write(dir.join("r.yaml"), resource).unwrap();
    if let Some(p) = patch {
        std::fs::write(dir.join("p.yaml"), p).unwrap();
    }
    std::fs::write(dir.join("kustomization.yaml"), k).unwrap();
}

/// The cases: for each place and form, the deepest input kustomize accepts
/// and one level more; block mappings (quadratic in size: 50 MB at the
/// limit) only as a resource.
fn cases() -> Vec<(String, &'static str, &'static str, usize)> {
    let mut out = Vec::new();
    for (place, enclosing) in PLACES {
        for form in FORMS {
            if form == "blockmap" && place != "resource" {
                continue;
            }
            let at_limit = LIMIT - enclosing;
            for n in [at_limit, at_limit + 1] {
                out.push((format!("{place}-{form}-{n}"), place, form, n));
            }
        }
    }
    out
}

/// Writes every case's tree under `$DEEP_NESTING_OUT`, for the regen script.
#[test]
#[ignore = "run by testdata/deep-nesting/regen.sh"]
fn write_cases() {
    let out = std::env::var("DEEP_NESTING_OUT").expect("DEEP_NESTING_OUT names a directory");
    for (name, place, form, n) in cases() {
        write_case(&Path::new(&out).join(name), place, form, n);
    }
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Builds one case on a fresh thread with the default stack size.
fn build_on_small_stack(dir: &Path) -> Result<String, String> {
    let dir = dir.to_path_buf();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            build_dir(&dir, &BuildOptions::default())
                .result
                .and_then(|o| o.to_yaml())
                .map_err(|e| e.to_string())
        })
        .unwrap()
        .join()
        .expect("the build thread panicked")
}

/// Block sequences (in every place) and every form as a resource: the
/// rest reads the same code at the same depths, and building values 10,000
/// deep through every transformer is slow in a debug build, so they run
/// with `--ignored` (several minutes). (Flow collections at the limit used
/// to parse in quadratic time too; the vendored libyaml-safer fixed that.)
fn quick(place: &str, form: &str) -> bool {
    form == "blockseq" || place == "resource"
}

#[test]
fn deep_nesting_matches_the_oracle_on_a_default_stack() {
    check(true);
}

#[test]
#[ignore = "slow: every place and form (cargo test --test deep_nesting -- --ignored)"]
fn every_deep_case_matches_the_oracle_on_a_default_stack() {
    check(false);
}

fn check(quick_only: bool) {
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/deep-nesting/expected.txt");
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    let expected: std::collections::HashMap<&str, &str> =
        expected.lines().filter_map(|l| l.split_once(' ')).collect();
    let tmp = tempfile::tempdir().unwrap();
    // DEEP_NESTING_ONLY=NAME runs one case (for debugging).
    let only = std::env::var("DEEP_NESTING_ONLY").ok();
    let all: Vec<_> = cases()
        .into_iter()
        .filter(|c| only.as_ref().is_none_or(|o| *o == c.0))
        .filter(|c| !quick_only || only.is_some() || quick(c.1, c.2))
        .collect();
    let mut failures = Vec::new();
    let mut accepted = 0;
    for (name, place, form, n) in &all {
        let dir = tmp.path().join(name);
        write_case(&dir, place, form, *n);
        let want = *expected
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name}: not in expected.txt (run regen.sh)"));
        let got = build_on_small_stack(&dir);
        let enclosing = PLACES.iter().find(|p| p.0 == *place).unwrap().1;
        match (&got, want.split_once(' ')) {
            (Ok(out), Some(("ok", hash))) if sha256(out) == hash => accepted += 1,
            (Ok(_), Some(("ok", _))) => failures.push(format!("{name}: output differs")),
            (Err(e), Some(("ok", _))) => failures.push(format!("{name}: unexpected error: {e}")),
            (Ok(_), _) => failures.push(format!("{name}: kustomize rejects it, strata did not")),
            // Past the limit the error names it.
            (Err(e), _) if n + enclosing > LIMIT && !e.contains("exceeded max depth of 10000") => {
                failures.push(format!("{name}: error does not name the depth limit: {e}"))
            }
            (Err(_), _) => {}
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most places build at the limit (only the kustomization file's
    // wrong type never does).
    assert!(
        only.is_some() || accepted >= 8,
        "only {accepted} cases built"
    );
}
