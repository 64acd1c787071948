//! Shared helpers for tests on real git repositories in temporary
//! directories, made with the `git` command, and a file system that counts
//! what a run reads.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git in `dir` (fixed identity, no signing); panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A fresh repository in a temporary directory.
pub fn init() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q"]);
    tmp
}

/// Writes `text` to `rel` under `top`, creating directories.
pub fn write(top: &Path, rel: &str, text: &str) {
    let p = top.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Stages everything and commits; returns the new commit's id.
pub fn commit(top: &Path, msg: &str) -> String {
    git(top, &["add", "-A"]);
    git(top, &["commit", "-qm", msg, "--allow-empty"]);
    git(top, &["rev-parse", "HEAD"])
}

/// The `strata` binary built for the tests.
pub fn strata() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_strata"))
}

/// Runs `strata ARGS` in `dir`: (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(strata())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("strata runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a script of docs/ with bash (`$STRATA` set to the test binary),
/// asserts it succeeded, and returns what it printed.
pub fn run_doc_script(name: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    let out = Command::new("bash")
        .arg(&script)
        .env("STRATA", strata())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A ConfigMap resource file.
pub fn configmap(name: &str, data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: {data}\n")
}

/// Environments `overlays/NAME` for each name, each holding the ConfigMap
/// `NAME-cm` with data `v1`.
pub fn write_overlays(top: &Path, names: &[&str]) {
    for n in names {
        write(
            top,
            &format!("overlays/{n}/kustomization.yaml"),
            "resources:\n- cm.yaml\n",
        );
        write(
            top,
            &format!("overlays/{n}/cm.yaml"),
            &configmap(&format!("{n}-cm"), "v1"),
        );
    }
}

/// Counts the reads reaching a file system, by path; everything else is
/// the inner file system's.
pub struct Counting {
    inner: std::sync::Arc<dyn strata::FileSystem>,
    reads: std::sync::Mutex<std::collections::BTreeMap<PathBuf, usize>>,
}

impl Counting {
    /// Counts the reads of `inner`.
    pub fn new(inner: std::sync::Arc<dyn strata::FileSystem>) -> Counting {
        Counting {
            inner,
            reads: Default::default(),
        }
    }

    /// The reads so far: how many times each path was read.
    pub fn reads(&self) -> std::collections::BTreeMap<PathBuf, usize> {
        self.reads.lock().unwrap().clone()
    }
}

impl strata::FileSystem for Counting {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        *self
            .reads
            .lock()
            .unwrap()
            .entry(path.to_path_buf())
            .or_default() += 1;
        self.inner.read(path)
    }
    fn kind(&self, path: &Path) -> std::io::Result<Option<strata::EntryKind>> {
        self.inner.kind(path)
    }
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        self.inner.canonical(path)
    }
    fn display(&self, path: &Path) -> String {
        self.inner.display(path)
    }
    fn content_id(&self, path: &Path) -> Option<strata::ContentId> {
        self.inner.content_id(path)
    }
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<String>> {
        self.inner.read_dir(path)
    }
}
