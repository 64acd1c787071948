//! Rendering a revision straight from git objects (`GitFs`), on real
//! repositories created in temporary directories with the `git` command:
//! the result equals a build of a checkout of that revision, loose or
//! packed, with symbolic links; bad revisions, paths and objects are clear
//! errors.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata::{build, build_dir, BuildOptions, ErrorKind, GitFs};

mod support;
use support::git;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/golden/example")
}

/// A repository with two commits of the bundled example: the second changes
/// the prod overlay and adds a symbolic link to the base.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q"]);
    copy_tree(&example(), &r.join("app"));
    git(r, &["add", "."]);
    git(r, &["commit", "-qm", "first"]);
    let k = r.join("app/overlays/prod/kustomization.yaml");
    let text = std::fs::read_to_string(&k).unwrap();
    std::fs::write(
        &k,
        text.replace("../../base", "../../linked-base") + "nameSuffix: -v2\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("base", r.join("app/linked-base")).unwrap();
    git(r, &["add", "."]);
    git(r, &["commit", "-qm", "second"]);
    tmp
}

/// Renders `dir` of a checkout of `rev` (a worktree made by git).
fn render_checkout(repo: &Path, rev: &str, dir: &str) -> String {
    let wt = tempfile::tempdir().unwrap();
    let path = wt.path().join("wt");
    git(
        repo,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            path.to_str().unwrap(),
            rev,
        ],
    );
    let out = build_dir(&path.join(dir), &BuildOptions::default())
        .result
        .and_then(|o| o.to_yaml())
        .expect("the checkout builds");
    git(
        repo,
        &["worktree", "remove", "--force", path.to_str().unwrap()],
    );
    out
}

fn render_ref(repo: &Path, rev: &str, dir: &str) -> strata::Result<String> {
    let fs = GitFs::open(repo, rev)?;
    build(
        Arc::new(fs),
        &Path::new("/").join(dir),
        &BuildOptions::default(),
    )
    .result
    .and_then(|o| o.to_yaml())
}

#[test]
fn a_revision_renders_as_its_checkout_loose_and_packed() {
    let tmp = repo();
    let r = tmp.path();
    let head1 = git(r, &["rev-parse", "HEAD~1"]);
    for dir in ["app/overlays/prod", "app/overlays/staging", "app/base"] {
        for rev in ["HEAD", "HEAD~1", "main", head1.as_str()] {
            let want = render_checkout(r, rev, dir);
            assert_eq!(
                render_ref(r, rev, dir).unwrap(),
                want,
                "{rev}:{dir} (loose)"
            );
        }
    }
    // The two revisions differ, so the test tells them apart.
    assert_ne!(
        render_ref(r, "HEAD", "app/overlays/prod").unwrap(),
        render_ref(r, "HEAD~1", "app/overlays/prod").unwrap()
    );
    git(r, &["gc", "-q", "--aggressive"]);
    let objects = std::fs::read_dir(r.join(".git/objects")).unwrap();
    let loose = objects
        .flatten()
        .filter(|e| e.file_name().len() == 2)
        .count();
    assert_eq!(loose, 0, "gc packs every object");
    for rev in ["HEAD", "HEAD~1"] {
        let want = render_checkout(r, rev, "app/overlays/prod");
        assert_eq!(
            render_ref(r, rev, "app/overlays/prod").unwrap(),
            want,
            "{rev} (packed)"
        );
    }
}

#[test]
fn the_working_tree_is_not_read() {
    let tmp = repo();
    let r = tmp.path();
    let want = render_ref(r, "HEAD", "app/overlays/prod").unwrap();
    // Uncommitted edits and deletions do not reach a build of HEAD.
    std::fs::remove_dir_all(r.join("app/base")).unwrap();
    assert_eq!(render_ref(r, "HEAD", "app/overlays/prod").unwrap(), want);
}

#[test]
fn bad_revisions_paths_and_objects_are_clear_errors() {
    let tmp = repo();
    let r = tmp.path();
    let e = render_ref(r, "no-such-branch", "app/overlays/prod").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string().contains("unknown revision 'no-such-branch'"),
        "{e}"
    );

    // linked-base exists only at HEAD.
    let e = render_ref(r, "HEAD~1", "app/linked-base").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("HEAD~1:app/linked-base"), "{e}");

    // A corrupt loose object: the build fails naming the file, never panics.
    let blob = git(r, &["rev-parse", "HEAD:app/base/deployment.yaml"]);
    let obj = r.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    let mut perms = std::fs::metadata(&obj).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&obj, perms).unwrap();
    std::fs::write(&obj, b"not zlib at all").unwrap();
    let e = render_ref(r, "HEAD", "app/overlays/prod").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.to_string().contains("deployment.yaml"), "{e}");
}

/// A repository holding the example's base with `extra` added to its resources.
fn base_repo(extra: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q"]);
    copy_tree(&example().join("base"), &r.join("app"));
    let k = r.join("app/kustomization.yaml");
    let text = std::fs::read_to_string(&k).unwrap();
    std::fs::write(
        &k,
        text.replace("resources:\n", &format!("resources:\n- {extra}\n")),
    )
    .unwrap();
    tmp
}

#[test]
fn lfs_pointers_are_named_in_errors() {
    let tmp = base_repo("big.yaml");
    let r = tmp.path();
    std::fs::write(
        r.join("app/big.yaml"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n",
    )
    .unwrap();
    git(r, &["add", "."]);
    git(r, &["commit", "-qm", "lfs"]);
    let e = render_ref(r, "HEAD", "app").unwrap_err();
    assert!(e.to_string().contains("Git LFS pointer"), "{e}");
    assert!(e.to_string().contains("HEAD:app/big.yaml"), "{e}");
}

#[test]
fn submodules_are_named_in_errors() {
    let tmp = base_repo("vendor");
    let r = tmp.path();
    git(r, &["add", "."]);
    git(r, &["commit", "-qm", "base"]);
    // A gitlink entry, as `git submodule add` records one.
    let head = git(r, &["rev-parse", "HEAD"]);
    git(
        r,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},app/vendor"),
        ],
    );
    git(r, &["commit", "-qm", "submodule"]);
    let e = render_ref(r, "HEAD", "app").unwrap_err();
    assert!(e.to_string().contains("submodule"), "{e}");
    assert!(e.to_string().contains("HEAD:app/vendor"), "{e}");
}
