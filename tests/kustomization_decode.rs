//! Kustomization decoding against the oracle, through the public API: every
//! case under `testdata/kustomization/<case>/` holds an input kustomization
//! and what `kubectl kustomize` (kustomize v5.8.1) did with it, recorded by
//! `testdata/kustomization/regen.sh`. Each case is built on a [`MemFs`]
//! holding its input over the shared files (as `regen.sh` lays them out);
//! whether we reject the file, the warnings we give, and the field and line
//! our errors name come from those records only. What the decoder makes of
//! accepted files (the decoded fields) is checked inside the crate
//! (`src/kustomization/oracle_tests.rs`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata::{build, Build, BuildOptions, Error, ErrorKind, MemFs};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kustomization")
}

/// What the oracle did with one case.
struct Oracle {
    exit: i32,
    warnings: Vec<String>,
    /// stderr without the warning lines.
    error: String,
}

impl Oracle {
    /// kustomize failed while reading the kustomization file itself (as
    /// opposed to later, while building).
    fn rejects_file(&self) -> bool {
        self.exit != 0
            && (self.error.contains("invalid Kustomization:")
                || self.error.contains("kustomization.yaml is empty")
                || self
                    .error
                    .contains("Failed to read kustomization file under"))
    }
}

fn oracle(case: &str) -> Oracle {
    let dir = cases_dir().join(case);
    let read =
        |f: &str| fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{case}/{f}: {e}"));
    let stderr = read("oracle-stderr");
    let (warnings, rest): (Vec<&str>, Vec<&str>) =
        stderr.lines().partition(|l| l.starts_with("# Warning:"));
    Oracle {
        exit: read("oracle-exit").trim().parse().expect("exit status"),
        warnings: warnings.into_iter().map(String::from).collect(),
        error: rest.join("\n"),
    }
}

/// The root the cases are built at.
const ROOT: &str = "/case";

/// Adds every file under `dir` to `fs` at `at`.
fn add_tree(fs: &mut MemFs, dir: &Path, at: &Path) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        let target = at.join(path.file_name().expect("name"));
        if path.is_dir() {
            add_tree(fs, &path, &target);
        } else {
            fs.add_file(&target, fs::read(&path).expect("read"));
        }
    }
}

/// Builds a kustomization text over the shared files.
fn build_text(kustomization: &[u8]) -> Build {
    let mut fs = MemFs::new();
    add_tree(&mut fs, &cases_dir().join("_shared"), Path::new(ROOT));
    fs.add_file(
        Path::new(ROOT).join("kustomization.yaml"),
        kustomization.to_vec(),
    );
    build(Arc::new(fs), Path::new(ROOT), &BuildOptions::default())
}

/// Builds a case: its input over the shared files.
fn build_case(case: &str) -> Build {
    let mut fs = MemFs::new();
    add_tree(&mut fs, &cases_dir().join("_shared"), Path::new(ROOT));
    add_tree(
        &mut fs,
        &cases_dir().join(case).join("input"),
        Path::new(ROOT),
    );
    build(Arc::new(fs), Path::new(ROOT), &BuildOptions::default())
}

/// Whether the build failed decoding the file `name` of the root.
fn fails_decoding(b: &Build, name: &str) -> bool {
    b.result.as_ref().err().is_some_and(|e| {
        matches!(e.kind(), ErrorKind::Decode | ErrorKind::Syntax)
            && e.file() == Some(Path::new(ROOT).join(name).as_path())
    })
}

/// The error a case's build fails with reading its kustomization.
fn err(case: &str) -> Error {
    let b = build_case(case);
    assert!(
        fails_decoding(&b, "kustomization.yaml"),
        "{case}: {:?}",
        b.result.err()
    );
    b.result.map(|_| ()).expect_err("an error")
}

fn all_cases() -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(cases_dir())
        .expect("testdata")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("input").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The field name kustomize's own error points at: `unknown field "x"`, or
/// the last segment of `Go struct field T.a.b of type`.
fn oracle_field(error: &str) -> Option<String> {
    if let Some(i) = error.find("unknown field \"") {
        let rest = &error[i + 15..];
        return Some(rest[..rest.find('"')?].to_string());
    }
    let i = error.find("Go struct field ")?;
    let rest = &error[i + 16..];
    let path = &rest[..rest.find(" of type")?];
    Some(path.rsplit('.').next()?.to_string())
}

/// Cases where we knowingly differ from the oracle, and why. The test
/// fails if one of them starts to agree, so the list stays true.
const KNOWN_GAPS: &[(&str, &str)] = &[];

#[test]
fn every_case_is_accepted_or_rejected_like_the_oracle() {
    let cases = all_cases();
    assert!(cases.len() > 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let o = oracle(case);
        let b = build_case(case);
        let rejected = fails_decoding(&b, "kustomization.yaml");
        let agrees = rejected == o.rejects_file();
        if KNOWN_GAPS.iter().any(|(c, _)| c == case) {
            if agrees {
                failures.push(format!("{case}: agrees now; drop it from KNOWN_GAPS"));
            }
            continue;
        }
        let result = b.result.as_ref().map(|_| ()).map_err(Clone::clone);
        match (&result, rejected, o.rejects_file()) {
            (_, false, true) => failures.push(format!("{case}: accepted; oracle: {}", o.error)),
            (Err(e), true, false) => {
                failures.push(format!("{case}: rejected ({e}); oracle accepts"))
            }
            _ => {}
        }
        // The `# Warning:` lines, as the oracle's are picked out of stderr
        // (kustomize logs others, like unused vars, without that prefix).
        let warnings: Vec<&String> = b
            .warnings
            .iter()
            .filter(|w| w.starts_with("# Warning:"))
            .collect();
        if warnings != o.warnings.iter().collect::<Vec<_>>() {
            failures.push(format!(
                "{case}: warnings {warnings:?}, oracle {:?}",
                o.warnings
            ));
        }
        if let (Err(e), true, Some(field)) = (&result, rejected, oracle_field(&o.error)) {
            if !e.message().contains(&field) {
                failures.push(format!("{case}: error {e:?} does not name {field:?}"));
            }
            if e.position().is_none() {
                failures.push(format!("{case}: error {e:?} has no position"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unknown_fields_are_named_with_their_line() {
    let e = err("unknown-top");
    assert_eq!(e.message(), "unknown field \"fooBar\" in Kustomization");
    assert_eq!(e.position(), Some((2, 1)));

    // Nested: the path to the struct and its known fields are given.
    let e = err("unknown-patch-target");
    assert!(e
        .message()
        .starts_with("unknown field \"fooBar\" in patches[0].target (Selector)"));
    assert!(e.message().contains("known fields: group, version, kind"));
    assert_eq!(e.position().expect("mark").0, 6);

    let e = err("unknown-label-fieldspec");
    assert!(e
        .message()
        .contains("\"creat\" in labels[0].fields[0] (FieldSpec)"));
    assert!(
        e.message().contains("did you mean \"create\"?"),
        "{}",
        e.message()
    );
    assert_eq!(e.position().expect("mark").0, 6);

    let e = err("unknown-replacement-target");
    assert!(e
        .message()
        .contains("replacements[0].targets[0].select (Selector)"));
    assert_eq!(e.position().expect("mark").0, 7);

    let e = err("unknown-vars-objref");
    assert!(e.message().contains("vars[0].objref (Target)"));
    assert_eq!(e.position().expect("mark").0, 8);
}

#[test]
fn the_first_unknown_field_in_byte_order_is_reported() {
    // kustomize sorts keys (json.Marshal) before decoding: barFoo < zzz.
    let o = oracle("unknown-top-two");
    assert!(o.error.contains("\"barFoo\""));
    assert!(err("unknown-top-two").message().contains("\"barFoo\""));
}

/// `config-*` cases: `input/cfg.yaml` is a `configurations:` file; the
/// oracle rejects it when decoding fails.
#[test]
fn transformer_config_cases_match_the_oracle() {
    let mut seen = 0;
    let mut failures = Vec::new();
    for case in all_cases() {
        if !cases_dir().join(&case).join("input/cfg.yaml").is_file() {
            continue;
        }
        seen += 1;
        let o = oracle(&case);
        let rejects = o.exit != 0
            && (o.error.contains("error unmarshaling JSON")
                || o.error.contains("error converting YAML to JSON"));
        let b = build_case(&case);
        let ours = if fails_decoding(&b, "cfg.yaml") {
            b.result.map(|_| ())
        } else {
            Ok(())
        };
        match (ours, rejects) {
            (Ok(_), true) => failures.push(format!("{case}: accepted; oracle: {}", o.error)),
            (Err(e), false) => failures.push(format!("{case}: rejected ({e}); oracle accepts")),
            (Err(e), true) => {
                if let Some(field) = oracle_field(&o.error) {
                    if !e.message().contains(&field) {
                        failures.push(format!("{case}: {e:?} does not name {field:?}"));
                    }
                }
            }
            (Ok(_), false) => {}
        }
    }
    assert!(seen >= 10, "only {seen} config cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `scalar-oracle.tsv`: the oracle's verdict on plain scalars where a
/// string, an int64 and a bool are expected (go-yaml v2 typing, then
/// encoding/json's rules).
#[test]
fn plain_scalars_are_typed_like_the_oracle() {
    let table = fs::read_to_string(cases_dir().join("scalar-oracle.tsv")).expect("table");
    let mut failures = Vec::new();
    let mut n = 0;
    for row in table.lines() {
        let cols: Vec<&str> = row.split('\t').collect();
        let [place, word, verdict] = cols[..] else {
            panic!("bad row {row:?}")
        };
        let yaml = match place {
            "string" => format!("resources: [cm.yaml]\nnamePrefix: {word}\n"),
            "int" => format!("resources: [cm.yaml]\nreplicas: [{{name: cm, count: {word}}}]\n"),
            "bool" => format!(
                "resources: [cm.yaml]\nlabels: [{{pairs: {{a: b}}, includeSelectors: {word}}}]\n"
            ),
            _ => panic!("bad place {place}"),
        };
        n += 1;
        let b = build_text(yaml.as_bytes());
        if fails_decoding(&b, "kustomization.yaml") == (verdict == "accept") {
            failures.push(format!(
                "{place} {word:?}: oracle {verdict}, ours {:?}",
                b.result.map(|_| ())
            ));
        }
    }
    assert!(n > 150, "only {n} rows");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
