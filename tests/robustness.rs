//! Properties over the shared conformance corpus (skipped, saying so, when
//! it is absent): kustomize's own outputs are a fixed point of parse+emit,
//! and no truncation of any corpus YAML file makes the parser panic.

use std::path::{Path, PathBuf};
use strata::yaml::{emit_stream, parse_documents, Document, ParseOptions, Value};

fn corpus() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("STRATA_CONFORMANCE") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    p.is_dir().then_some(p)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

#[test]
fn oracle_outputs_round_trip_byte_for_byte() {
    let Some(root) = corpus() else {
        eprintln!("skipped: no conformance corpus");
        return;
    };
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    files.retain(|f| {
        f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("expected"))
    });
    assert!(files.len() > 300, "{} expected outputs", files.len());
    let mut bad = Vec::new();
    for f in &files {
        let src = std::fs::read(f).unwrap();
        let docs = parse_documents(&src, &ParseOptions::default()).unwrap();
        let out = emit_stream(docs.iter().map(|d| &d.value)).unwrap();
        if out.as_bytes() != &src[..] {
            bad.push(f.display().to_string());
        }
    }
    assert!(bad.is_empty(), "{} do not round-trip: {:?}", bad.len(), bad);
}

#[test]
fn truncated_inputs_never_panic() {
    let Some(root) = corpus() else {
        eprintln!("skipped: no conformance corpus");
        return;
    };
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    files.sort();
    let mut runs = 0;
    for f in files.iter().step_by(3) {
        let b = std::fs::read(f).unwrap();
        let step = (b.len() / 40).max(1);
        for cut in (0..=b.len()).step_by(step) {
            runs += 1;
            // Errors are fine; a panic fails the test.
            let _ = Document::read_resources(&b[..cut], &ParseOptions::default());
            let _: Result<Vec<Value>, _> = parse_documents(&b[..cut], &ParseOptions::default())
                .map(|d| d.into_iter().map(|d| d.value).collect());
        }
    }
    assert!(runs > 1000);
}
