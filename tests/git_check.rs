//! `strata check` against output committed in the source tree (`inTree`
//! in strata.yaml), at a revision and in the working tree; author and
//! committer of hydrated commits set in strata.yaml.

mod support;

use std::path::Path;
use support::*;

/// Environments prod (single layout) and dev (per-resource), both with
/// their output committed under `rendered/`, plus `web` hydrated to a
/// branch as usual.
fn in_tree_repo() -> tempfile::TempDir {
    let tmp = init();
    let r = tmp.path();
    write_overlays(r, &["prod", "dev", "web"]);
    write(
        r,
        "strata.yaml",
        "environments:\n\
         - name: prod\n  source: overlays/prod\n  inTree:\n    dir: rendered/prod\n\
         - name: dev\n  source: overlays/dev\n  managedByLabel: true\n  inTree:\n    dir: rendered/dev\n    layout: per-resource\n\
         - name: web\n  source: overlays/web\n",
    );
    tmp
}

/// Runs a stale environment's refresh command, as printed, at the top.
fn refresh(r: &Path, out: &str, env: &str) {
    let start = format!("environment {env} is stale:");
    let fix = out
        .split(&start)
        .nth(1)
        .and_then(|rest| rest.lines().find_map(|l| l.strip_prefix("to refresh it: ")))
        .unwrap_or_else(|| panic!("no refresh command for {env}: {out}"));
    let cmd = fix.split(" (at the repository's top)").next().unwrap();
    let bin = strata();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let st = std::process::Command::new("sh")
        .args(["-c", cmd])
        .env("PATH", path)
        .current_dir(r)
        .status()
        .unwrap();
    assert!(st.success(), "{cmd}");
}

#[test]
fn in_tree_output_is_checked_in_the_same_tree() {
    let tmp = in_tree_repo();
    let r = tmp.path();
    commit(r, "sources, no output yet");
    // Nothing written yet: every environment is stale, each says how to fix it.
    let (code, out, err) = run(r, &["check", "--all"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("environment prod is stale"), "{out}");
    assert!(out.contains("environment dev is stale"), "{out}");
    assert!(
        out.contains("to refresh it: mkdir -p rendered/prod && strata build overlays/prod > rendered/prod/manifest.yaml"),
        "{out}"
    );
    assert!(
        out.contains("strata build overlays/dev --enable-managedby-label -o rendered/dev"),
        "{out}"
    );
    assert!(
        out.contains("to refresh it: strata hydrate --env web"),
        "{out}"
    );
    // Hydrating writes web's branch and leaves the in-tree ones alone.
    let (code, out, err) = run(r, &["hydrate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("env/web"), "{out}");
    assert!(!out.contains("prod") && !out.contains("dev"), "{out}");
    let (code, _, err) = run(r, &["hydrate", "--env", "prod"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("committed in the source tree at 'rendered/prod'"),
        "{err}"
    );

    // The printed commands write what check expects.
    let (_, out, _) = run(r, &["check", "--all"]);
    refresh(r, &out, "prod");
    refresh(r, &out, "dev");
    // The working tree is fresh, HEAD is not until committed.
    let (code, out, err) = run(r, &["check", "--work-tree"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("(3 environment(s) checked)"), "{out}");
    assert_eq!(run(r, &["check", "--all"]).0, 1);
    commit(r, "output");
    let (code, out, err) = run(r, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        git(r, &["ls-tree", "-r", "--name-only", "HEAD", "rendered"]),
        "rendered/dev/v1_configmap_dev-cm.yaml\nrendered/prod/manifest.yaml"
    );

    // A source change without its output: stale, with the diff.
    write(r, "overlays/dev/cm.yaml", &configmap("dev-cm", "v2"));
    commit(r, "dev v2");
    let (code, out, _) = run(r, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("environment dev is stale"), "{out}");
    assert!(out.contains("-  key: v1\n+  key: v2"), "{out}");
    assert!(
        out.contains("--- HEAD:rendered/dev/v1_configmap_dev-cm.yaml\n+++ fresh:rendered/dev/v1_configmap_dev-cm.yaml"),
        "{out}"
    );
    assert!(!out.contains("environment prod"), "{out}");
    // A file the environment no longer produces is stale too.
    refresh(r, &out, "dev");
    write(r, "rendered/dev/v1_configmap_old.yaml", "kind: ConfigMap\n");
    let (code, out, _) = run(r, &["check", "--work-tree"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("v1_configmap_old.yaml"), "{out}");
    std::fs::remove_file(r.join("rendered/dev/v1_configmap_old.yaml")).unwrap();
    assert_eq!(run(r, &["check", "--work-tree"]).0, 0);
    commit(r, "dev output");
    assert_eq!(run(r, &["check", "--all"]).0, 0);
}

fn ident(r: &Path, rev: &str) -> String {
    git(
        r,
        &["log", "-1", "--format=%an <%ae> %at|%cn <%ce> %ct", rev],
    )
}

#[test]
fn author_and_committer_from_strata_yaml_keep_the_id_reproducible() {
    let tmp = init();
    let r = tmp.path();
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- cm.yaml\n",
    );
    write(r, "overlays/prod/cm.yaml", &configmap("prod-cm", "v1"));
    write(
        r,
        "strata.yaml",
        "environments:\n- name: prod\n  source: overlays/prod\n\
         hydration:\n  author: Hydra Bot <bot@example.com>\n  committer: CI <ci@example.com>\n",
    );
    commit(r, "source");
    let source_time = |fmt: &str| git(r, &["log", "-1", &format!("--format={fmt}"), "HEAD"]);
    assert_eq!(run(r, &["hydrate"]).0, 0);
    let first = git(r, &["rev-parse", "env/prod"]);
    // The names from strata.yaml, the dates the source commit's.
    assert_eq!(
        ident(r, "env/prod"),
        format!(
            "Hydra Bot <bot@example.com> {}|CI <ci@example.com> {}",
            source_time("%at"),
            source_time("%ct")
        )
    );
    // Later, elsewhere: another clone hydrating the same source gets the same id.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["clone", "-q", r.to_str().unwrap(), "c"]);
    let c = other.path().join("c");
    git(&c, &["remote", "remove", "origin"]);
    assert_eq!(run(&c, &["hydrate"]).0, 0);
    assert_eq!(git(&c, &["rev-parse", "env/prod"]), first);
    // And here again: no second commit.
    git(r, &["branch", "-D", "env/prod"]);
    assert_eq!(run(r, &["hydrate"]).0, 0);
    assert_eq!(git(r, &["rev-parse", "env/prod"]), first);
    // A flag wins over strata.yaml (and so gives another id).
    git(r, &["branch", "-D", "env/prod"]);
    let (code, _, err) = run(r, &["hydrate", "--author", "Someone <s@example.com>"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        ident(r, "env/prod").starts_with("Someone <s@example.com> "),
        "{}",
        ident(r, "env/prod")
    );
    assert!(ident(r, "env/prod").contains("|CI <ci@example.com> "));
    assert_ne!(git(r, &["rev-parse", "env/prod"]), first);
}
