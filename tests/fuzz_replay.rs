//! Replays every fuzz corpus input and every crash the fuzzers found
//! (`fuzz/corpus/<target>/`, `fuzz/regressions/<target>/`) through the
//! targets' own code (`fuzz/src/lib.rs`), on stable Rust: each input must
//! return (a clean `Ok` or `Err`, the targets' properties holding) without
//! a panic, within a deadline. docs/fuzzing.md says how the corpora are
//! made and how to add a crash.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one input may take. Generous: the slowest corpus input takes a
/// fraction of a second in a debug build; a hang never returns.
const DEADLINE: Duration = Duration::from_secs(10);

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for kind in ["corpus", "regressions"] {
        let dir = fuzz.join(kind).join(target);
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if e.path().is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// Runs `run` on each input of `target` on its own thread; fails naming
/// every input that panicked or did not return within [`DEADLINE`].
fn replay(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no inputs for fuzz target {target}");
    let mut failures = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        let worker = std::thread::spawn(move || {
            run(&data);
            let _ = tx.send(());
        });
        match rx.recv_timeout(DEADLINE) {
            Ok(()) => {}
            // The sender dropped without sending: the input panicked.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let why = worker.join().err().map(|p| panic_text(&*p));
                failures.push(format!(
                    "{}: panicked: {}",
                    f.display(),
                    why.unwrap_or_default()
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => failures.push(format!(
                "{}: did not return within {:?} (a hang)",
                f.display(),
                start.elapsed()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs of {target} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

#[test]
fn yaml_reader_inputs() {
    replay("yaml", harness::yaml);
}

#[test]
fn kustomization_decoder_inputs() {
    replay("kustomization", harness::kustomization);
}

#[test]
fn build_inputs() {
    replay("build_tree", harness::build_tree);
}
