//! YAML reader and emitter throughput on the 12 MB CRD tree of
//! `benches/gen_trees.py` (written to `target/bench-trees` if missing).
//!
//! `cargo bench --bench parse` prints divan's timings with MB/s, and before
//! them the share of files the fast reader takes whole. The `libyaml` rows
//! set `STRATA_YAML_FAST=0`, so every text goes through libyaml-safer (the
//! reader before the fast path): the same process measures both.

use std::path::{Path, PathBuf};

// The allocator the `strata` binary runs on, so the figures are the binary's.
#[path = "../src/alloc.rs"]
mod alloc;
#[global_allocator]
static ALLOC: alloc::Allocator = alloc::Allocator;
use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::Bencher;
use strata::yaml::{emit_stream, fast_reader_takes, Document, ParseOptions};

/// The CRD files, generated once.
fn crds() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let trees = root.join("target/bench-trees");
        let dir = trees.join("crds");
        if !dir.is_dir() {
            let ok = std::process::Command::new("python3")
                .arg(root.join("benches/gen_trees.py"))
                .arg(&trees)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "benches/gen_trees.py failed");
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "yaml") && !p.ends_with("kustomization.yaml")
            })
            .collect();
        paths.sort();
        paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
    })
}

fn total(files: &[Vec<u8>]) -> usize {
    files.iter().map(Vec::len).sum()
}

fn read_all(files: &[Vec<u8>]) -> usize {
    let opts = ParseOptions::default();
    files
        .iter()
        .map(|f| Document::read_resources(f, &opts).unwrap().len())
        .sum()
}

fn set_fast(on: bool) {
    // Read by the parser on every text; nothing else in the process reads
    // or writes the environment while a benchmark runs.
    std::env::set_var("STRATA_YAML_FAST", if on { "1" } else { "0" });
}

/// Parsing into documents as the resource factory does, fast path on.
#[divan::bench(sample_count = 10)]
fn parse_fast(b: Bencher) {
    let files = crds();
    set_fast(true);
    b.counter(BytesCount::new(total(files)))
        .bench(|| read_all(files));
}

/// The same with every text left to libyaml-safer.
#[divan::bench(sample_count = 10)]
fn parse_libyaml(b: Bencher) {
    let files = crds();
    set_fast(false);
    b.counter(BytesCount::new(total(files)))
        .bench(|| read_all(files));
    set_fast(true);
}

/// Printing the parsed documents (bytes counted are the output's).
#[divan::bench(sample_count = 10)]
fn emit(b: Bencher) {
    let files = crds();
    let docs: Vec<Document> = files
        .iter()
        .flat_map(|f| Document::read_resources(f, &ParseOptions::default()).unwrap())
        .collect();
    let out = emit_stream(docs.iter().map(|d| &d.value)).unwrap();
    b.counter(BytesCount::new(out.len()))
        .bench(|| emit_stream(docs.iter().map(|d| &d.value)).unwrap().len());
}

/// A resource whose `spec` nests `n` flow collections (`[[…]]`, or
/// `{a: {a: …}}` when `map`): go-yaml's limit is 10,000 levels in all, the
/// document's own mapping included. libyaml-safer's scanner was quadratic
/// in this depth (about a second at the limit; see vendor/libyaml-safer).
fn deep_flow(n: usize, map: bool) -> Vec<u8> {
    let spec = if map {
        format!("{}1{}", "{a: ".repeat(n), "}".repeat(n))
    } else {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    };
    format!("apiVersion: v1\nkind: Deep\nmetadata:\n  name: deep\nspec: {spec}\n").into_bytes()
}

/// Reading flow collections nested `n` deep (the full parser reads them:
/// the fast reader declines past its own small depth).
#[divan::bench(args = [5_000, 9_999], sample_count = 5)]
fn deep_flow_seq(b: Bencher, n: usize) {
    let text = deep_flow(n, false);
    b.counter(BytesCount::new(text.len()))
        .bench(|| read_all(std::slice::from_ref(&text)));
}

/// The same with flow mappings.
#[divan::bench(args = [5_000, 9_999], sample_count = 5)]
fn deep_flow_map(b: Bencher, n: usize) {
    let text = deep_flow(n, true);
    b.counter(BytesCount::new(text.len()))
        .bench(|| read_all(std::slice::from_ref(&text)));
}

fn main() {
    alloc::tune();
    let files = crds();
    let taken = files.iter().filter(|f| fast_reader_takes(f)).count();
    let bytes: usize = files
        .iter()
        .filter(|f| fast_reader_takes(f))
        .map(Vec::len)
        .sum();
    println!(
        "fast reader takes {taken} of {} CRD files whole ({bytes} of {} bytes)",
        files.len(),
        total(files)
    );
    divan::main();
}
