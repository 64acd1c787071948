//! The command line's contract: clear errors naming the file (and line),
//! a non-zero exit and nothing on stdout for bad input; quiet success on a
//! closed pipe.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn golden(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/golden")
        .join(rel)
}

fn strata_build(dir: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(golden(dir))
        .output()
        .expect("strata runs")
}

/// Asserts a failed build: non-zero exit, empty stdout, and stderr naming
/// each of `needles`.
fn assert_fails(dir: &str, needles: &[&str]) {
    let out = strata_build(dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "{dir}: expected failure, stderr: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{dir}: stdout not empty");
    assert!(stderr.starts_with("error: "), "{dir}: stderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{dir}: stderr lacks {n:?}: {stderr}");
    }
}

#[test]
fn unknown_field_names_field_file_and_line() {
    assert_fails(
        "errors/unknown-field",
        &["kustomization.yaml:4:", "namePrefixx"],
    );
}

#[test]
fn missing_file_names_the_file() {
    assert_fails("errors/missing-file", &["missing.yaml"]);
}

#[test]
fn invalid_yaml_names_file_and_line() {
    assert_fails("errors/invalid-yaml", &["bad.yaml:"]);
}

#[test]
fn escaping_the_root_is_refused() {
    assert_fails(
        "errors/escape/root",
        &["outside/cm.yaml", "not in or below"],
    );
}

#[test]
fn duplicate_ids_are_refused() {
    assert_fails(
        "errors/duplicate-id",
        &["cm2.yaml", "already registered id"],
    );
}

#[test]
fn cycles_are_refused() {
    assert_fails("errors/cycle/a", &["cycle"]);
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(golden("example/overlays/prod"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata runs");
    // Close our end of stdout at once, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}
