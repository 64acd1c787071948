//! This repository's `.pre-commit-hooks.yaml`, run by the real pre-commit
//! tool (from PyPI) on temporary repositories: a stale commit is refused, a
//! fresh one goes through.
//!
//! pre-commit is installed into a virtual environment under the target
//! directory the first time (`python3 -m venv`, `pip install pre-commit`;
//! `$PYTHON` names another interpreter); when that cannot be done (no
//! Python, no network) the tests say they are skipped and pass. The hooks
//! are `language: system`: they run the strata built for these tests, put
//! first on PATH, and pre-commit compiles nothing.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::*;

/// The pre-commit executable, installed on first use; `None` if it cannot be.
fn pre_commit() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-venv");
            let bin = venv.join("bin/pre-commit");
            if bin.exists() {
                return Some(bin);
            }
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
            let installed = ok(Command::new(&python).args(["-m", "venv"]).arg(&venv))
                && ok(Command::new(venv.join("bin/pip")).args(["install", "-q", "pre-commit"]));
            if installed && bin.exists() {
                Some(bin)
            } else {
                eprintln!(
                    "skipped: pre-commit could not be installed into {} (needs {python} with venv and access to PyPI)",
                    venv.display()
                );
                None
            }
        })
        .clone()
}

/// A repository holding only this repository's `.pre-commit-hooks.yaml`,
/// as the working tree has it; returns it and its commit.
fn hooks_repo() -> (tempfile::TempDir, String) {
    let tmp = init();
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    write(tmp.path(), ".pre-commit-hooks.yaml", &hooks);
    let id = commit(tmp.path(), "hooks");
    (tmp, id)
}

/// A repository of manifests using hook `hook` from the hooks repository,
/// with pre-commit installed as its git hook.
struct Managed {
    repo: tempfile::TempDir,
    _hooks: tempfile::TempDir,
    cache: tempfile::TempDir,
    pre_commit: PathBuf,
}

impl Managed {
    fn new(pre_commit: PathBuf, hook: &str) -> Managed {
        let (hooks, rev) = hooks_repo();
        let repo = init();
        write(
            repo.path(),
            ".pre-commit-config.yaml",
            &format!(
                "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: {hook}\n",
                hooks.path().display()
            ),
        );
        let m = Managed {
            repo,
            _hooks: hooks,
            cache: tempfile::tempdir().unwrap(),
            pre_commit,
        };
        let out = m.command(&m.pre_commit).arg("install").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        m
    }

    fn path(&self) -> &Path {
        self.repo.path()
    }

    /// A command in the repository, strata and pre-commit first on PATH, and
    /// pre-commit's cache in a temporary directory.
    fn command(&self, program: &Path) -> Command {
        let dirs = [
            support::strata().parent().unwrap().to_path_buf(),
            self.pre_commit.parent().unwrap().to_path_buf(),
        ];
        let path = std::env::join_paths(dirs.into_iter().chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let mut c = Command::new(program);
        c.current_dir(self.path())
            .env("PATH", path)
            .env("PRE_COMMIT_HOME", self.cache.path())
            .env("NO_COLOR", "1");
        c
    }

    /// `git commit` of what is staged, hooks on: (accepted, its output).
    fn commit(&self, msg: &str) -> (bool, String) {
        let out = self
            .command(Path::new("git"))
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false", "commit", "-m", msg])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    fn head(&self) -> String {
        git(self.path(), &["rev-parse", "HEAD"])
    }
}

#[test]
fn strata_check_refuses_commits_on_a_stale_head_until_hydrated() {
    let Some(pc) = pre_commit() else { return };
    let m = Managed::new(pc, "strata-check");
    let r = m.path();
    write_overlays(r, &["prod", "dev"]);
    git(r, &["add", "-A"]);
    // The first commit has no HEAD to check (nothing hydrated, nothing stale
    // yet is the working tree's business): it goes through...
    git(r, &["commit", "-qm", "sources", "--no-verify"]);
    let sources = m.head();
    // ...and the next one is refused while HEAD's output is not hydrated.
    write(r, "README.md", "manifests\n");
    git(r, &["add", "README.md"]);
    let (ok, out) = m.commit("readme");
    assert!(!ok, "{out}");
    assert!(
        out.contains("strata check (hydrated output up to date)"),
        "{out}"
    );
    assert!(out.contains("environment prod is stale"), "{out}");
    assert!(
        out.contains("to refresh it: strata hydrate --env prod"),
        "{out}"
    );
    assert_eq!(m.head(), sources);
    // Hydrated: the same commit is accepted.
    let (code, _, err) = run(r, &["hydrate"]);
    assert_eq!(code, 0, "{err}");
    let (ok, out) = m.commit("readme");
    assert!(ok, "{out}");
    assert!(out.contains("Passed"), "{out}");
    assert_ne!(m.head(), sources);
}

#[test]
fn strata_check_work_tree_refuses_a_commit_whose_in_tree_output_is_stale() {
    let Some(pc) = pre_commit() else { return };
    let m = Managed::new(pc, "strata-check-work-tree");
    let r = m.path();
    write_overlays(r, &["prod"]);
    write(
        r,
        "strata.yaml",
        "environments:\n- name: prod\n  source: overlays/prod\n  inTree:\n    dir: rendered/prod\n",
    );
    let render = || {
        let (code, out, err) = run(r, &["build", "overlays/prod"]);
        assert_eq!(code, 0, "{err}");
        write(r, "rendered/prod/manifest.yaml", &out);
    };
    render();
    git(r, &["add", "-A"]);
    let (ok, out) = m.commit("sources and output");
    assert!(ok, "{out}");
    let fresh = m.head();

    // A source change committed without its output is refused.
    write(r, "overlays/prod/cm.yaml", &configmap("prod-cm", "v2"));
    git(r, &["add", "overlays"]);
    let (ok, out) = m.commit("v2, output forgotten");
    assert!(!ok, "{out}");
    assert!(out.contains("environment prod is stale"), "{out}");
    assert!(out.contains("+  key: v2"), "{out}");
    assert_eq!(m.head(), fresh);
    // Re-rendered but not staged: what is committed is still stale.
    render();
    let (ok, out) = m.commit("v2, output not staged");
    assert!(!ok, "{out}");
    assert!(out.contains("environment prod is stale"), "{out}");
    assert_eq!(m.head(), fresh);
    // Staged: accepted, with the new output in the commit.
    git(r, &["add", "rendered"]);
    let (ok, out) = m.commit("v2");
    assert!(ok, "{out}");
    assert_ne!(m.head(), fresh);
    assert!(git(r, &["show", "HEAD:rendered/prod/manifest.yaml"]).contains("key: v2"));
}
