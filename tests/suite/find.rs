//! Finds every case of the suite, each named by its directory (or file)
//! relative to its data root: `testdata/` for the project's own cases,
//! the corpus for conformance (`conformance/krusty/TestX`).
//!
//! What a build case expects is read from the files beside it, the same for
//! every kind: `expected.yaml` (the oracle's output, and `expected-files.txt`,
//! the names `-o DIR` writes) or `expected-error.txt` (the oracle rejects
//! it). Kinds differ only in where their cases are, where the build starts
//! and how a rejection's message is checked.

use crate::conformance;
use std::path::{Path, PathBuf};
use strata::BuildOptions;

/// One named test (a build case gives two: one per file system).
pub struct Case {
    /// The name, `KIND/...`, as listed and filtered.
    pub name: String,
    /// What to run.
    pub what: What,
}

/// The kinds of case.
pub enum What {
    /// A kustomization to build.
    Build(BuildCase),
    /// `testdata/emit/<case>`: `input.yaml` parsed and emitted.
    Emit(PathBuf),
    /// `testdata/yaml-parse/cases/<name>.yaml`: read as resources, typed as
    /// the oracle typed them (`.out`) or rejected (`.err`).
    Parse(PathBuf),
    /// Oracle outputs of the corpus: each a fixed point of parse and emit.
    RoundTrip(Vec<PathBuf>),
    /// Corpus YAML files: no truncation of them makes the parser panic.
    Truncate(Vec<PathBuf>),
    /// The suite's own check that no data directory went missing.
    Counts(Vec<Count>),
    /// A case that cannot run, and why (shown as an ignored test).
    Unavailable(String),
}

/// A kustomization to build, and what the oracle said of it.
pub struct BuildCase {
    /// The tree the in-memory file system copies: everything the build may read.
    pub tree: PathBuf,
    /// Where the build starts, inside `tree`.
    pub dir: PathBuf,
    /// Directories (relative to `tree`) git cannot keep because they are
    /// empty; recreated on both file systems.
    pub empty_dirs: Vec<PathBuf>,
    /// The build's flags.
    pub opts: BuildOptions,
    /// `--` flags of the case that the suite does not know (a failure).
    pub unknown_flags: Vec<String>,
    /// What the oracle did.
    pub expect: Expect,
    /// For conformance cases: features, and whether a failure is tolerated.
    pub conformance: Option<conformance::Meta>,
}

/// What the oracle did with a build case.
pub enum Expect {
    /// It printed `expected.yaml`; `-o DIR` wrote the names in `files`.
    Output {
        /// `expected.yaml`.
        yaml: PathBuf,
        /// `expected-files.txt`, where the case has one.
        files: Option<PathBuf>,
    },
    /// It rejected the input (its stderr is in `stderr`); strata must too.
    Reject {
        /// `expected-error.txt`.
        stderr: PathBuf,
        /// How strata's message is checked.
        msg: Message,
    },
    /// The case has no answer, or two (run the regen script).
    Unclear(String),
}

/// How a rejection's message is checked against the oracle's.
pub enum Message {
    /// Not checked: both reject.
    Any,
    /// Strata's innermost message appears in the oracle's stderr.
    WithinOracle,
    /// The oracle's key message (its last two `: ` links) appears in
    /// strata's error.
    OracleKey,
    /// The phrase in this file (trimmed) appears in strata's error.
    Phrase(PathBuf),
    /// Strata's whole error is the oracle's (after kubectl's `error: `).
    Whole,
}

/// A lower bound on how many of something the suite found.
pub struct Count {
    /// What is counted.
    pub what: String,
    /// At least this many.
    pub at_least: usize,
    /// How many were found.
    pub found: usize,
}

/// The project's test data.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Every case, in a stable order.
pub fn all() -> Vec<Case> {
    let data = testdata();
    let mut cases = Vec::new();
    // Golden: every directory with an oracle answer; bases are cases too.
    for dir in walk(&data.join("golden"), &|d| {
        d.join("expected.yaml").is_file() || d.join("expected-error.txt").is_file()
    }) {
        // A case marked `whole-error` must fail with the oracle's very text.
        let msg = if dir.join("whole-error").is_file() {
            Message::Whole
        } else {
            Message::Any
        };
        cases.push(build_case(&data, "golden", &dir, &dir, msg));
    }
    // Builtin transformers: every kustomization directory.
    for dir in walk(&data.join("transformers"), &|d| {
        d.join("kustomization.yaml").is_file()
    }) {
        cases.push(build_case(
            &data,
            "transformers",
            &dir,
            &dir,
            Message::WithinOracle,
        ));
    }
    // Random generator trees (generate.py) and single behaviours; a
    // behaviour's kustomization is the case or its `root/`.
    for dir in children(&data.join("generators/random"), &|d| {
        d.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("tree-"))
    }) {
        cases.push(build_case(&data, "generators", &dir, &dir, Message::Any));
    }
    for dir in children(&data.join("generators/cases"), &|_| true) {
        let root = if dir.join("root").is_dir() {
            dir.join("root")
        } else {
            dir.clone()
        };
        cases.push(build_case(&data, "generators", &dir, &root, Message::Any));
    }
    for dir in children(&data.join("patches"), &|d| {
        d.join("kustomization.yaml").is_file()
    }) {
        cases.push(build_case(&data, "patches", &dir, &dir, Message::OracleKey));
    }
    // Replacements and vars: the kustomization is in `input/`.
    for dir in children(&data.join("replacements/cases"), &|_| true) {
        let msg = if dir.join("expect-message.txt").is_file() {
            Message::Phrase(dir.join("expect-message.txt"))
        } else {
            Message::Any
        };
        cases.push(build_case(
            &data,
            "replacements",
            &dir,
            &dir.join("input"),
            msg,
        ));
    }
    for dir in children(&data.join("emit"), &|d| d.join("input.yaml").is_file()) {
        cases.push(Case {
            name: name_of(&data, &dir),
            what: What::Emit(dir),
        });
    }
    let mut fixtures = files(&data.join("yaml-parse/cases"), "yaml");
    fixtures.sort();
    for f in fixtures {
        cases.push(Case {
            name: name_of(&data, &f.with_extension("")),
            what: What::Parse(f),
        });
    }
    let more = conformance::cases(&mut cases);
    cases.push(counts(&cases, more));
    cases
}

/// The sanity bounds: each data directory still holds its cases (and
/// the corpus its files, in `more`).
fn counts(cases: &[Case], more: Vec<Count>) -> Case {
    let bounds: &[(&str, usize)] = &[
        ("golden/", 10),
        ("transformers/", 1),
        ("generators/random/", 10),
        ("generators/cases/", 1),
        ("patches/", 10),
        ("replacements/cases/", 32),
        ("replacements/cases/var-", 12),
        ("emit/", 100),
        ("yaml-parse/", 40),
    ];
    let mut list: Vec<Count> = bounds
        .iter()
        .map(|&(prefix, at_least)| Count {
            what: format!("cases named {prefix}*"),
            at_least,
            found: cases.iter().filter(|c| c.name.starts_with(prefix)).count(),
        })
        .collect();
    list.extend(more);
    Case {
        name: "suite/case-counts".into(),
        what: What::Counts(list),
    }
}

/// A build case of `testdata`: its name is `case`'s path, the build starts
/// at `root`, and the in-memory copy is the kind's whole directory (cases
/// share bases with their neighbours).
fn build_case(data: &Path, kind: &str, case: &Path, root: &Path, msg: Message) -> Case {
    Case {
        name: name_of(data, case),
        what: What::Build(BuildCase {
            tree: data.join(kind),
            dir: root.to_path_buf(),
            empty_dirs: Vec::new(),
            opts: BuildOptions::default(),
            unknown_flags: Vec::new(),
            expect: expect(case, msg),
            conformance: None,
        }),
    }
}

/// What the oracle's files beside a case say it did.
pub fn expect(case: &Path, msg: Message) -> Expect {
    let yaml = case.join("expected.yaml");
    let err = case.join("expected-error.txt");
    match (yaml.is_file(), err.is_file()) {
        (true, false) => {
            let files = case.join("expected-files.txt");
            Expect::Output {
                yaml,
                files: files.is_file().then_some(files),
            }
        }
        (false, true) => Expect::Reject { stderr: err, msg },
        (true, true) => Expect::Unclear("both expected.yaml and expected-error.txt".into()),
        (false, false) => Expect::Unclear(
            "neither expected.yaml nor expected-error.txt (run the regen script)".into(),
        ),
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn name_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The subdirectories of `dir` that `keep` accepts, sorted (none when
/// `dir` cannot be read: the case counts then fail, naming the kind).
pub fn children(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && keep(p))
        .collect();
    out.sort();
    out
}

/// Every directory below `dir` (not `dir` itself) that `keep` accepts,
/// depth first, sorted.
fn walk(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in children(dir, &|_| true) {
        if keep(&d) {
            out.push(d.clone());
        }
        out.extend(walk(&d, keep));
    }
    out
}

/// Every file below `dir` (recursively) whose extension is one of `exts`
/// (`|`-separated), unsorted.
pub fn files(dir: &Path, exts: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p, exts));
        } else if p
            .extension()
            .is_some_and(|x| exts.split('|').any(|w| x == w))
        {
            out.push(p);
        }
    }
    out
}
