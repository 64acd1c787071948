//! Conformance: every case of kustomize's own test suite, from the shared
//! corpus (`../shared/conformance` beside the crate, or
//! `$STRATA_CONFORMANCE`): kustomize's Go test cases as file trees, with
//! the output kustomize v5.8.1 gave for each (see the README and
//! docs/conformance.md). A case is `conformance/<suite>/<Test>`.
//!
//! After the run, a table of passes per feature and a final
//! `conformance: N passed, M failed` line (a case passes when every
//! variant that ran passed). A failing case within the features built so
//! far fails its test unless it is listed in
//! `tests/conformance-known-failures.txt` (the ratchet: the list may only
//! shrink; a listed case that passes is reported so it can be removed).

use crate::find::{self, BuildCase, Case, Count, Message, What};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use strata::{BuildOptions, LoadRestrictor, Reorder};

/// Features not built yet (lower case): cases using them are reported,
/// not required to pass. Every other case must pass. Helm and exec/KRM
/// function plugins would go here, but the corpus holds no such cases.
const NOT_BUILT: &[&str] = &[];

/// Where the corpus comes from, for the message when it is absent.
const ORIGIN: &str = "the corpus is not in the repository: it holds kustomize's own test cases \
     (kubernetes-sigs/kustomize at tag kustomize/v5.8.1, api/krusty and plugin/builtin) with the \
     outputs of kubectl 1.37.1 (kustomize v5.8.1), shared beside the project; put it at \
     ../shared/conformance or point STRATA_CONFORMANCE at it (docs/conformance.md)";

/// A conformance case's part in the summary.
pub struct Meta {
    /// The kustomization features it uses (`features:` of case.yaml).
    pub features: Vec<String>,
    /// Listed in tests/conformance-known-failures.txt.
    pub known: bool,
    /// Uses no feature of `NOT_BUILT`.
    pub in_scope: bool,
}

impl Meta {
    /// Why a failure of this case does not fail its test, if it does not.
    pub fn tolerated(&self) -> Option<&'static str> {
        if !self.in_scope {
            Some("uses a feature not built yet")
        } else if self.known {
            Some("known failure (tests/conformance-known-failures.txt)")
        } else {
            None
        }
    }
}

/// The corpus directory, or why there is none.
pub fn corpus_dir() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("STRATA_CONFORMANCE") {
        let p = PathBuf::from(p);
        return if p.is_dir() {
            Ok(p)
        } else {
            Err(format!(
                "STRATA_CONFORMANCE={} is no directory",
                p.display()
            ))
        };
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    if p.is_dir() {
        Ok(p)
    } else {
        Err("no corpus at ../shared/conformance and STRATA_CONFORMANCE unset".into())
    }
}

/// Adds the corpus's cases (builds, and the parser's round trips and
/// truncations of its files), or one ignored test saying the corpus is
/// absent. Returns the corpus's sanity bounds.
pub fn cases(out: &mut Vec<Case>) -> Vec<Count> {
    let corpus = match corpus_dir() {
        Ok(corpus) => corpus,
        Err(absent) => {
            let why = format!("conformance: skipped, {absent}; {ORIGIN}");
            eprintln!("{why}");
            out.push(Case {
                name: "conformance".into(),
                what: What::Unavailable(why),
            });
            return Vec::new();
        }
    };
    let known: BTreeSet<&str> = include_str!("../conformance-known-failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut dirs = Vec::new();
    for suite in ["krusty", "builtin-plugins"] {
        dirs.extend(find::children(&corpus.join(suite), &|d| {
            d.join("case.yaml").is_file()
        }));
    }
    if dirs.is_empty() {
        let why = format!("conformance: no cases in {}; {ORIGIN}", corpus.display());
        out.push(Case {
            name: "conformance".into(),
            what: What::Unavailable(why),
        });
    }
    for dir in &dirs {
        let name = format!("conformance/{}", find::name_of(&corpus, dir));
        out.push(read_case(
            dir,
            name.clone(),
            known.contains(name_part(&name)),
        ));
    }

    // The parser's properties, over the corpus's YAML files, grouped by case.
    let mut yaml = find::files(&corpus, "yaml|yml");
    yaml.sort();
    let expected: Vec<PathBuf> = yaml
        .iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("expected"))
        })
        .cloned()
        .collect();
    // Every third file, as many cuts of each as make 40 steps.
    let truncated: Vec<PathBuf> = yaml.iter().step_by(3).cloned().collect();
    let cuts: usize = truncated
        .iter()
        .map(|f| {
            let len = std::fs::metadata(f).map_or(0, |m| m.len() as usize);
            len / (len / 40).max(1) + 1
        })
        .sum();
    for (group, files) in by_case(&corpus, &expected) {
        out.push(Case {
            name: format!("conformance/{group}::roundtrip"),
            what: What::RoundTrip(files),
        });
    }
    for (group, files) in by_case(&corpus, &truncated) {
        out.push(Case {
            name: format!("conformance/{group}::truncate"),
            what: What::Truncate(files),
        });
    }
    vec![
        Count {
            what: "corpus oracle outputs that round-trip".into(),
            at_least: 300,
            found: expected.len(),
        },
        Count {
            what: "truncations of corpus files".into(),
            at_least: 1000,
            found: cuts,
        },
    ]
}

/// The case a ratchet line names: `krusty/TestX` of `conformance/krusty/TestX`.
fn name_part(name: &str) -> &str {
    name.strip_prefix("conformance/").unwrap_or(name)
}

/// `files` grouped by their case directory (`suite/Test`).
fn by_case(corpus: &Path, files: &[PathBuf]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let rel = find::name_of(corpus, f);
        let group = rel.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
        groups.entry(group).or_default().push(f.clone());
    }
    groups
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

/// A corpus case from its `case.yaml`: the build root in `input/`, the
/// flags, the features, and the empty directories to recreate.
fn read_case(dir: &Path, name: String, known: bool) -> Case {
    let text = std::fs::read_to_string(dir.join("case.yaml")).unwrap_or_default();
    let (mut root, mut flags, mut features, mut empty_dirs) =
        (".".to_string(), Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k {
            "root" => root = json_strings(v).pop().unwrap_or_else(|| ".".into()),
            "flags" => flags = json_strings(v),
            "features" => features = json_strings(v),
            "empty_dirs" => empty_dirs = json_strings(v),
            _ => {}
        }
    }
    let (opts, unknown_flags) = options(&flags);
    let in_scope = !features
        .iter()
        .any(|f| NOT_BUILT.contains(&f.to_lowercase().as_str()));
    let input = dir.join("input");
    Case {
        name,
        what: What::Build(BuildCase {
            dir: input.join(&root),
            tree: input,
            empty_dirs: empty_dirs.into_iter().map(PathBuf::from).collect(),
            opts,
            unknown_flags,
            expect: find::expect(dir, Message::Any),
            conformance: Some(Meta {
                features,
                known,
                in_scope,
            }),
        }),
    }
}

/// The build options `kubectl kustomize` flags ask for, and the flags not understood.
fn options(flags: &[String]) -> (BuildOptions, Vec<String>) {
    let mut opts = BuildOptions::default();
    let mut unknown = Vec::new();
    let mut flags = flags.iter();
    while let Some(f) = flags.next() {
        let value =
            |flags: &mut std::slice::Iter<String>| flags.next().cloned().unwrap_or_default();
        match f.as_str() {
            "--reorder" => match value(&mut flags).as_str() {
                "none" => opts.reorder = Reorder::None,
                "legacy" => opts.reorder = Reorder::Legacy,
                v => unknown.push(format!("--reorder {v}")),
            },
            "--load-restrictor" => match value(&mut flags).as_str() {
                "LoadRestrictionsNone" => opts.restrictor = LoadRestrictor::None,
                "LoadRestrictionsRootOnly" => opts.restrictor = LoadRestrictor::RootOnly,
                v => unknown.push(format!("--load-restrictor {v}")),
            },
            "--enable-managedby-label" => opts.managed_by_label = true,
            _ => unknown.push(f.clone()),
        }
    }
    (opts, unknown)
}

/// Outcomes so far: case name → (features, in scope, known, each variant's pass).
type Tally = BTreeMap<String, (Vec<String>, bool, bool, Vec<bool>)>;

static TALLY: Mutex<Tally> = Mutex::new(BTreeMap::new());

/// Records one variant's outcome of a conformance case.
pub fn record(name: &str, meta: &Meta, ok: bool) {
    let mut tally = TALLY.lock().unwrap_or_else(|e| e.into_inner());
    let entry = tally
        .entry(name.to_string())
        .or_insert_with(|| (meta.features.clone(), meta.in_scope, meta.known, Vec::new()));
    entry.3.push(ok);
}

/// Prints the table and the final line for the cases that ran (nothing
/// when none did); writes the markdown table to
/// `$STRATA_CONFORMANCE_REPORT` when set.
pub fn summary() {
    let tally = TALLY.lock().unwrap_or_else(|e| e.into_inner());
    if tally.is_empty() {
        return;
    }
    let none = ["(none)".to_string()];
    let mut per_feature: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut passed, mut failed, mut scope_pass, mut scope_total) = (0, 0, 0, 0);
    let (mut fixed, mut regressions) = (Vec::new(), Vec::new());
    for (name, (features, in_scope, known, oks)) in tally.iter() {
        let ok = oks.iter().all(|&b| b);
        if *in_scope {
            scope_total += 1;
            scope_pass += usize::from(ok);
        }
        let features = if features.is_empty() {
            &none[..]
        } else {
            features
        };
        for f in features {
            let e = per_feature.entry(f).or_default();
            e.1 += 1;
            e.0 += usize::from(ok);
        }
        if ok {
            passed += 1;
            if *known {
                fixed.push(name_part(name));
            }
        } else {
            failed += 1;
            if *in_scope && !*known {
                regressions.push(name_part(name));
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
}
