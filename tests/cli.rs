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

#[test]
fn output_to_a_file_matches_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("out.yaml");
    let dir = golden("example/overlays/prod");
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["build", "-o"])
        .arg(&file)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
}

/// Every golden case whose oracle run recorded `-o DIR` file names.
fn cases_with_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.join("expected-files.txt").is_file() {
                out.push(p.clone());
            }
            cases_with_files(&p, out);
        }
    }
}

#[test]
fn output_to_a_directory_writes_one_file_per_resource() {
    let mut cases = Vec::new();
    cases_with_files(&golden(""), &mut cases);
    assert!(cases.len() >= 10);
    for dir in cases {
        let tmp = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["build", "-o"])
            .arg(tmp.path())
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let expected = std::fs::read_to_string(dir.join("expected-files.txt")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(names, expected, "{}", dir.display());
        // Together the files hold exactly the documents of the stream.
        let stream = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
        let mut docs: Vec<String> = stream
            .split("---\n")
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect();
        docs.sort();
        let mut files: Vec<String> = names
            .iter()
            .map(|n| std::fs::read_to_string(tmp.path().join(n)).unwrap())
            .collect();
        files.sort();
        assert_eq!(docs, files, "{}", dir.display());
    }
}
