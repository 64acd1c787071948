//! What each fuzz target does with its input, shared by the cargo-fuzz
//! targets (`fuzz/fuzz_targets/`, nightly) and the replay of their corpora
//! as ordinary tests (`tests/fuzz_replay.rs`, stable, which includes this
//! file as a module). A property that does not hold panics; a clean `Err`
//! from strata is a fine outcome.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use strata::yaml::{
    emit_stream, parse_documents, Document, DuplicateKeys, Mark, ParseError, ParseOptions, Value,
};
use strata::{build, BuildOptions, Error, ErrorKind, MemFs};

/// The YAML reader: the stream parser and the resource reader, with and
/// without marks, under both duplicate-key rules. What parses is emitted,
/// and the emitted text must parse again and emit to the same bytes (the
/// emitter's output is a fixed point of parse and emit, as kustomize's
/// output is for kustomize).
pub fn yaml(data: &[u8]) {
    for (record_marks, duplicate_keys, go_alias_ratio) in [
        (false, DuplicateKeys::Error, false),
        (true, DuplicateKeys::KeepLast, true),
    ] {
        let opts = ParseOptions {
            record_marks,
            duplicate_keys,
            go_alias_ratio,
        };
        match parse_documents(data, &opts) {
            Ok(docs) => {
                check_documents(data, &docs);
                round_trip(&docs);
            }
            Err(e) => check_parse_error(data, &e),
        }
        match Document::read_resources(data, &opts) {
            Ok(docs) => {
                check_documents(data, &docs);
                round_trip(&docs);
            }
            Err(e) => check_parse_error(data, &e),
        }
    }
}

/// The number of lines a mark may name in `data` (one past the last line
/// break: the end of the text). Marks count lines as YAML does: `\r\n`,
/// `\n`, `\r`, and NEL, LS and PS each end one; a UTF-16 text has as many.
fn lines(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let breaks = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        .count();
    // A UTF-16 text read as UTF-8 shows its breaks as `\n` bytes too.
    breaks.max(data.iter().filter(|&&c| c == b'\n').count()) + 1
}

fn check_mark(lines: usize, m: Mark, what: &str) {
    assert!(
        m.line >= 1 && m.line <= lines && m.column >= 1,
        "{what}: mark {m:?} outside the text ({lines} lines)",
    );
}

fn check_documents(data: &[u8], docs: &[Document]) {
    let n = lines(data);
    for d in docs {
        check_mark(n, d.start, "document start");
        for m in d.marks.iter().flat_map(|marks| marks.values()) {
            check_mark(n, *m, "node");
        }
    }
}

fn check_parse_error(data: &[u8], e: &ParseError) {
    assert!(!e.message.is_empty(), "parse error without a message");
    if let Some(m) = e.mark {
        check_mark(lines(data), m, &e.message);
    }
}

/// Emits what parsed; the text must read back and emit identically.
fn round_trip(docs: &[Document]) {
    // An emit error is kustomize's own refusal to print the value (NaN, a
    // non-string key): a clean error.
    let Ok(first) = emit_stream(docs.iter().map(|d| &d.value)) else {
        return;
    };
    let again = parse_documents(first.as_bytes(), &ParseOptions::default())
        .unwrap_or_else(|e| panic!("emitted text does not parse ({e:?}):\n{first}"));
    let values: Vec<&Value> = again.iter().map(|d| &d.value).collect();
    let second = emit_stream(values.iter().copied())
        .unwrap_or_else(|e| panic!("re-emitting fails ({e:?}):\n{first}"));
    assert_eq!(first, second, "emit is not a fixed point of parse and emit");
}

/// Where the fuzzed trees are put, and the root of the decoder target.
const TOP: &str = "/t";

/// The files the kustomization target's input may refer to: a resource,
/// a base, a component, a patch, generator sources and a transformer
/// configuration, as in testdata/kustomization/_shared.
const SHARED: &[(&str, &[u8])] = &[
    (
        "a.env",
        include_bytes!("../../testdata/kustomization/_shared/a.env"),
    ),
    (
        "b.env",
        include_bytes!("../../testdata/kustomization/_shared/b.env"),
    ),
    (
        "base/cm.yaml",
        include_bytes!("../../testdata/kustomization/_shared/base/cm.yaml"),
    ),
    (
        "base/kustomization.yaml",
        include_bytes!("../../testdata/kustomization/_shared/base/kustomization.yaml"),
    ),
    (
        "cm.yaml",
        include_bytes!("../../testdata/kustomization/_shared/cm.yaml"),
    ),
    (
        "comp/kustomization.yaml",
        include_bytes!("../../testdata/kustomization/_shared/comp/kustomization.yaml"),
    ),
    (
        "config.yaml",
        include_bytes!("../../testdata/kustomization/_shared/config.yaml"),
    ),
    (
        "crd.yaml",
        include_bytes!("../../testdata/kustomization/_shared/crd.yaml"),
    ),
    (
        "f.txt",
        include_bytes!("../../testdata/kustomization/_shared/f.txt"),
    ),
    (
        "patch.yaml",
        include_bytes!("../../testdata/kustomization/_shared/patch.yaml"),
    ),
    (
        "pod.yaml",
        include_bytes!("../../testdata/kustomization/_shared/pod.yaml"),
    ),
];

/// The kustomization decoder: the input is a `kustomization.yaml` over the
/// shared files, built.
pub fn kustomization(data: &[u8]) {
    let mut fs = MemFs::new();
    for (name, bytes) in SHARED {
        fs.add_file(Path::new(TOP).join(name), *bytes);
    }
    let file = Path::new(TOP).join("kustomization.yaml");
    fs.add_file(&file, data);
    let done = build(Arc::new(fs), Path::new(TOP), &BuildOptions::default());
    match done.result {
        Ok(out) => check_output(&out),
        Err(e) => check_error(&e),
    }
}

/// A whole build over a tree given as text, in the txtar layout: the first
/// line names the build root (a directory relative to the tree's top; empty
/// means the top), then each file starts with a line `-- path --` and holds
/// the lines up to the next such line; `-- path -> target --` is a
/// symbolic link. Paths cannot leave the tree.
pub fn build_tree(data: &[u8]) {
    let tree = Tree::parse(data);
    let mut fs = MemFs::new();
    fs.add_dir(TOP);
    for (path, entry) in &tree.entries {
        match entry {
            Entry::File(bytes) => fs.add_file(path, bytes.clone()),
            Entry::Link(target) => fs.add_symlink(path, target),
        }
    }
    let done = build(Arc::new(fs), &tree.root, &BuildOptions::default());
    match done.result {
        Ok(out) => check_output(&out),
        Err(e) => check_error(&e),
    }
}

/// A successful build prints YAML that reads back as the same resources.
fn check_output(out: &strata::Output) {
    let Ok(text) = out.to_yaml() else { return };
    let docs = parse_documents(text.as_bytes(), &ParseOptions::default())
        .unwrap_or_else(|e| panic!("the output does not parse ({e:?}):\n{text}"));
    let names = out.file_names();
    assert_eq!(
        names.len(),
        out.documents().len(),
        "one file name per resource"
    );
    let n = docs.iter().filter(|d| !d.value.is_null()).count();
    assert_eq!(n, out.documents().len(), "resources printed:\n{text}");
}

/// An error must say what went wrong; one from reading or decoding a file
/// must name the file.
fn check_error(e: &Error) {
    assert!(!e.message().is_empty(), "an error without a message: {e:?}");
    if matches!(e.kind(), ErrorKind::Syntax | ErrorKind::Decode) {
        assert!(
            e.file().is_some(),
            "a {:?} error naming no file: {e}",
            e.kind()
        );
    }
    if let Some((line, column)) = e.position() {
        assert!(line >= 1 && column >= 1, "position {line}:{column}: {e}");
        assert!(e.file().is_some(), "a position without a file: {e}");
    }
}

/// A parsed txtar tree.
#[derive(Debug, Default)]
pub struct Tree {
    /// The build root, absolute.
    pub root: PathBuf,
    /// The entries in order, paths absolute under [`TOP`].
    pub entries: Vec<(PathBuf, Entry)>,
}

/// One entry of a [`Tree`].
#[derive(Debug)]
pub enum Entry {
    /// A file and its bytes.
    File(Vec<u8>),
    /// A symbolic link and its target text.
    Link(PathBuf),
}

impl Tree {
    /// Reads the txtar layout of [`build_tree`]; any bytes are some tree.
    pub fn parse(data: &[u8]) -> Tree {
        let mut lines = data.split_inclusive(|&c| c == b'\n');
        let first = lines.next().unwrap_or_default();
        let root = inside(&String::from_utf8_lossy(first.trim_ascii()));
        let mut tree = Tree {
            root,
            entries: Vec::new(),
        };
        let mut current: Option<(PathBuf, Vec<u8>)> = None;
        for line in lines {
            let header = line
                .trim_ascii_end()
                .strip_prefix(b"-- ")
                .and_then(|l| l.strip_suffix(b" --"));
            let Some(header) = header else {
                if let Some((_, bytes)) = &mut current {
                    bytes.extend_from_slice(line);
                }
                continue;
            };
            if let Some((path, bytes)) = current.take() {
                tree.entries.push((path, Entry::File(bytes)));
            }
            let header = String::from_utf8_lossy(header);
            match header.split_once(" -> ") {
                Some((path, target)) => tree
                    .entries
                    .push((inside(path), Entry::Link(PathBuf::from(target)))),
                None => current = Some((inside(&header), Vec::new())),
            }
        }
        if let Some((path, bytes)) = current {
            tree.entries.push((path, Entry::File(bytes)));
        }
        tree
    }
}

/// `path` under [`TOP`], with `.`, `..` and roots dropped so it stays there.
fn inside(path: &str) -> PathBuf {
    let mut p = PathBuf::from(TOP);
    for c in Path::new(path).components() {
        if let Component::Normal(n) = c {
            p.push(n);
        }
    }
    p
}
