//! `strata hydrate` on real repositories: reproducible commit ids, no-op
//! runs, removal of stale files, all-or-nothing branch moves, concurrent
//! runs on one branch, dry runs.

mod support;

use std::path::Path;
use strata::{hydrate, HydrateOptions};
use support::*;

/// A repository with environments `overlays/NAME` for each name, each a
/// ConfigMap `NAME-cm` plus an optional extra resource.
fn envs_repo(names: &[&str]) -> tempfile::TempDir {
    let tmp = init();
    write_overlays(tmp.path(), names);
    commit(tmp.path(), "first source");
    tmp
}

fn rev(repo: &Path, r: &str) -> String {
    git(repo, &["rev-parse", r])
}

fn show(repo: &Path, spec: &str) -> String {
    git(repo, &["show", spec])
}

fn files_on(repo: &Path, branch: &str) -> Vec<String> {
    git(repo, &["ls-tree", "-r", "--name-only", branch])
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn same_source_twice_gives_one_commit_with_provenance() {
    let tmp = envs_repo(&["prod"]);
    let r = tmp.path();
    let head = rev(r, "HEAD");
    let (code, out, err) = run(r, &["hydrate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("env/prod: (new) -> "), "{out}");
    let first = rev(r, "env/prod");
    assert_eq!(
        files_on(r, "env/prod"),
        [
            "prod/README.md",
            "prod/hydrator.metadata",
            "prod/manifest.yaml"
        ]
    );
    assert_eq!(
        show(r, "env/prod:prod/manifest.yaml"),
        run(r, &["build", "overlays/prod"]).1.trim()
    );
    let msg = git(r, &["log", "-1", "--format=%B", "env/prod"]);
    assert!(
        msg.starts_with(&format!("{}: first source", &head[..7])),
        "{msg}"
    );
    assert!(msg.contains(&format!("Hydrated-from: {head}")), "{msg}");
    assert!(msg.contains("Hydrated-by: strata "), "{msg}");
    // Author, committer and dates are the source commit's.
    let fmt = "--format=%an %ae %at %cn %ce %ct";
    assert_eq!(
        git(r, &["log", "-1", fmt, "env/prod"]),
        git(r, &["log", "-1", fmt, "HEAD"])
    );
    let meta: serde_json::Value =
        serde_json::from_str(&show(r, "env/prod:prod/hydrator.metadata")).unwrap();
    assert_eq!(meta["drySha"], head.as_str());
    assert_eq!(meta["sourcePath"], "overlays/prod");
    assert_eq!(meta["environment"], "prod");
    assert!(show(r, "env/prod:prod/README.md")
        .contains(&format!("strata build --ref {head} overlays/prod")));
    // The working tree and index are untouched.
    assert_eq!(git(r, &["status", "--porcelain"]), "");
    assert_eq!(git(r, &["symbolic-ref", "HEAD"]), "refs/heads/main");

    let (code, out, _) = run(r, &["hydrate"]);
    assert_eq!(code, 0);
    assert!(out.contains("env/prod: unchanged"), "{out}");
    assert_eq!(rev(r, "env/prod"), first);
    assert_eq!(git(r, &["rev-list", "--count", "env/prod"]), "1");
}

#[test]
fn a_clone_hydrating_the_same_source_gets_the_same_commit_id() {
    let tmp = envs_repo(&["prod", "dev"]);
    let r = tmp.path();
    let bare = tempfile::tempdir().unwrap();
    git(bare.path(), &["init", "-q", "--bare"]);
    git(
        r,
        &["remote", "add", "origin", bare.path().to_str().unwrap()],
    );
    git(r, &["push", "-q", "origin", "main"]);
    let other = tempfile::tempdir().unwrap();
    git(
        other.path(),
        &["clone", "-q", bare.path().to_str().unwrap(), "c"],
    );
    let c = other.path().join("c");
    assert_eq!(run(r, &["hydrate"]).0, 0);
    assert_eq!(run(&c, &["hydrate"]).0, 0);
    for b in ["env/prod", "env/dev"] {
        assert_eq!(rev(r, b), rev(&c, b), "{b}");
    }
    let meta = show(&c, "env/dev:dev/hydrator.metadata");
    assert!(meta.contains(bare.path().to_str().unwrap()), "{meta}");
}

#[test]
fn a_resource_removed_upstream_disappears_from_the_branch() {
    let tmp = envs_repo(&["prod"]);
    let r = tmp.path();
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- cm.yaml\n- extra.yaml\n",
    );
    write(r, "overlays/prod/extra.yaml", &configmap("extra", "x"));
    commit(r, "add extra");
    let args = ["hydrate", "--layout", "per-resource"];
    assert_eq!(run(r, &args).0, 0);
    assert!(files_on(r, "env/prod").contains(&"prod/v1_configmap_extra.yaml".to_string()));
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- cm.yaml\n",
    );
    commit(r, "drop extra");
    let (code, out, err) = run(r, &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("D prod/v1_configmap_extra.yaml"), "{out}");
    assert_eq!(
        files_on(r, "env/prod"),
        [
            "prod/README.md",
            "prod/hydrator.metadata",
            "prod/v1_configmap_prod-cm.yaml"
        ]
    );
    assert_eq!(git(r, &["rev-list", "--count", "env/prod"]), "2");
}

/// A `strata.yaml` putting every named environment on branch `hydrated`.
fn shared_config(names: &[&str]) -> String {
    let mut s = "environments:\n".to_string();
    for n in names {
        s.push_str(&format!(
            "- name: {n}\n  source: overlays/{n}\n  branch: hydrated\n  path: apps/{n}\n"
        ));
    }
    s
}

#[test]
fn a_removed_environment_keeps_its_path_only_with_keep_removed() {
    let tmp = envs_repo(&["a", "b"]);
    let r = tmp.path();
    // Someone else's file on the shared branch is never touched.
    write(r, "strata.yaml", &shared_config(&["a", "b"]));
    commit(r, "both");
    assert_eq!(run(r, &["hydrate"]).0, 0);
    let before = files_on(r, "hydrated");
    assert!(before.contains(&"apps/b/manifest.yaml".to_string()));
    write(r, "strata.yaml", &shared_config(&["a"]));
    commit(r, "drop b");
    let (code, out, _) = run(r, &["hydrate", "--keep-removed"]);
    assert_eq!(code, 0);
    // a's provenance names the new source; b's path stays.
    assert!(out.contains("M apps/a/hydrator.metadata"), "{out}");
    assert!(!out.contains("D "), "{out}");
    assert_eq!(files_on(r, "hydrated"), before);
    assert_eq!(run(r, &["hydrate"]).0, 0);
    let after = files_on(r, "hydrated");
    assert!(after.iter().all(|f| !f.starts_with("apps/b/")), "{after:?}");
    assert!(after.contains(&"apps/a/manifest.yaml".to_string()));
}

#[test]
fn other_paths_on_a_shared_branch_are_kept() {
    let tmp = envs_repo(&["a"]);
    let r = tmp.path();
    write(r, "strata.yaml", &shared_config(&["a"]));
    commit(r, "config");
    assert_eq!(run(r, &["hydrate"]).0, 0);
    // A file another tool committed to the branch.
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("w");
    git(
        r,
        &[
            "worktree",
            "add",
            "-q",
            wt_path.to_str().unwrap(),
            "hydrated",
        ],
    );
    write(&wt_path, "other/notes.txt", "hello\n");
    commit(&wt_path, "notes");
    write(r, "overlays/a/cm.yaml", &configmap("a-cm", "v2"));
    commit(r, "v2");
    assert_eq!(run(r, &["hydrate"]).0, 0);
    assert_eq!(show(r, "hydrated:other/notes.txt"), "hello");
    assert!(show(r, "hydrated:apps/a/manifest.yaml").contains("v2"));
}

#[test]
fn an_input_error_in_one_of_five_environments_moves_no_branch() {
    let names = ["e1", "e2", "e3", "e4", "e5"];
    let tmp = envs_repo(&names);
    let r = tmp.path();
    assert_eq!(run(r, &["hydrate"]).0, 0);
    let tips: Vec<String> = names.iter().map(|n| rev(r, &format!("env/{n}"))).collect();
    // Every environment changes, and one of them is broken.
    for n in names {
        write(
            r,
            &format!("overlays/{n}/cm.yaml"),
            &configmap(&format!("{n}-cm"), "v2"),
        );
    }
    write(
        r,
        "overlays/e4/kustomization.yaml",
        "resources:\n- missing.yaml\n",
    );
    commit(r, "break e4");
    let (code, out, err) = run(r, &["hydrate"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    // Named as the environment (a short sha may hold "e3" by chance).
    assert!(err.contains("rendering e4 at"), "{err}");
    assert!(!err.contains("rendering e3"), "{err}");
    let now: Vec<String> = names.iter().map(|n| rev(r, &format!("env/{n}"))).collect();
    assert_eq!(now, tips);
}

#[test]
fn concurrent_hydrates_of_disjoint_paths_on_one_branch_both_land() {
    let tmp = envs_repo(&["a", "b"]);
    let r = tmp.path();
    write(r, "strata.yaml", &shared_config(&["a", "b"]));
    let first = commit(r, "config");
    write(r, "overlays/b/cm.yaml", &configmap("b-cm", "v2"));
    let second = commit(r, "b v2");
    for round in 0..4 {
        // Each round starts from an empty branch: both runs race to create it.
        let _ = std::process::Command::new("git")
            .args(["branch", "-D", "hydrated"])
            .current_dir(r)
            .output();
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<_> = std::thread::scope(|s| {
            let jobs: Vec<_> = [("a", &first), ("b", &second)]
                .into_iter()
                .map(|(env, src)| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        barrier.wait();
                        hydrate(
                            r,
                            &HydrateOptions {
                                source: src.clone(),
                                envs: vec![env.to_string()],
                                retries: 20,
                                ..HydrateOptions::default()
                            },
                        )
                    })
                })
                .collect();
            jobs.into_iter().map(|j| j.join().unwrap()).collect()
        });
        for res in &results {
            assert!(res.is_ok(), "round {round}: {res:?}");
        }
        let meta = |env: &str| -> serde_json::Value {
            serde_json::from_str(&show(r, &format!("hydrated:apps/{env}/hydrator.metadata")))
                .unwrap()
        };
        assert_eq!(meta("a")["drySha"], first.as_str(), "round {round}");
        assert_eq!(meta("b")["drySha"], second.as_str(), "round {round}");
        assert_eq!(git(r, &["rev-list", "--count", "hydrated"]), "2");
    }
}

#[test]
fn dry_run_writes_nothing_and_predicts_the_commit() {
    let tmp = envs_repo(&["prod"]);
    let r = tmp.path();
    let objects = || git(r, &["count-objects", "-v"]);
    let before = objects();
    let (code, out, err) = run(r, &["hydrate", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("A prod/manifest.yaml"), "{out}");
    assert_eq!(objects(), before);
    assert_eq!(git(r, &["branch", "--list", "env/*"]), "");
    let predicted = out
        .lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .to_string();
    assert_eq!(run(r, &["hydrate"]).0, 0);
    assert!(rev(r, "env/prod").starts_with(&predicted), "{predicted}");
}

#[test]
fn a_missing_branch_starts_on_base_when_asked() {
    let tmp = envs_repo(&["prod"]);
    let r = tmp.path();
    git(r, &["branch", "start"]);
    assert_eq!(run(r, &["hydrate", "--base", "start"]).0, 0);
    assert_eq!(rev(r, "env/prod^"), rev(r, "start"));
    // The base's files stay beside the output.
    assert!(files_on(r, "env/prod").contains(&"overlays/prod/cm.yaml".to_string()));
}

/// A repository with environment `prod` whose `origin` is a bare remote
/// holding main; returns (repo, remote).
fn with_remote() -> (tempfile::TempDir, tempfile::TempDir) {
    let tmp = envs_repo(&["prod"]);
    let bare = tempfile::tempdir().unwrap();
    git(bare.path(), &["init", "-q", "--bare"]);
    git(
        tmp.path(),
        &["remote", "add", "origin", bare.path().to_str().unwrap()],
    );
    git(tmp.path(), &["push", "-q", "origin", "main"]);
    (tmp, bare)
}

#[test]
fn push_sends_changed_branches_and_nothing_when_unchanged() {
    let (tmp, bare) = with_remote();
    let r = tmp.path();
    let (code, _, err) = run(r, &["hydrate", "--push", "origin"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rev(bare.path(), "env/prod"), rev(r, "env/prod"));
    // Nothing changed: no push at all (the remote, moved away, would fail
    // one; its URL stays the same, as it is part of the provenance).
    let gone = bare.path().with_extension("gone");
    std::fs::rename(bare.path(), &gone).unwrap();
    let (code, out, err) = run(r, &["hydrate", "--push", "origin"]);
    std::fs::rename(&gone, bare.path()).unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("unchanged"), "{out}");
}

#[test]
fn a_rejected_push_is_explained_and_leaves_local_branches_as_they_were() {
    let (tmp, bare) = with_remote();
    let r = tmp.path();
    assert_eq!(run(r, &["hydrate", "--push", "origin"]).0, 0);
    let local_before = rev(r, "env/prod");
    // Another machine hydrates a newer source and pushes first.
    let other = tempfile::tempdir().unwrap();
    git(
        other.path(),
        &["clone", "-q", bare.path().to_str().unwrap(), "c"],
    );
    let c = other.path().join("c");
    git(&c, &["fetch", "-q", "origin", "env/prod:env/prod"]);
    write(&c, "overlays/prod/cm.yaml", &configmap("prod-cm", "other"));
    commit(&c, "other change");
    assert_eq!(run(&c, &["hydrate", "--push", "origin"]).0, 0);
    let theirs = rev(bare.path(), "env/prod");
    // This repository, not having fetched, hydrates its own change.
    write(r, "overlays/prod/cm.yaml", &configmap("prod-cm", "mine"));
    commit(r, "my change");
    let (code, _, err) = run(r, &["hydrate", "--push", "origin"]);
    assert_eq!(code, 1);
    assert!(err.contains("rejected"), "{err}");
    assert!(err.contains("nothing was pushed"), "{err}");
    assert!(err.contains("git fetch origin"), "{err}");
    assert_eq!(rev(r, "env/prod"), local_before);
    assert_eq!(rev(bare.path(), "env/prod"), theirs);
}

#[test]
fn check_fails_on_stale_output_and_passes_after_hydrate() {
    let tmp = envs_repo(&["prod", "dev"]);
    let r = tmp.path();
    // Never hydrated: stale.
    let (code, out, _) = run(r, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(run(r, &["hydrate"]).0, 0);
    let (code, out, err) = run(r, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    write(r, "overlays/dev/cm.yaml", &configmap("dev-cm", "v2"));
    commit(r, "dev v2");
    for args in [&["check"][..], &["check", "--all"][..]] {
        let (code, out, _) = run(r, args);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.contains("environment dev is stale"), "{out}");
        assert!(out.contains("+  key: v2"), "{out}");
        assert!(!out.contains("environment prod"), "{out}");
    }
    assert_eq!(run(r, &["hydrate"]).0, 0);
    assert_eq!(run(r, &["check", "--all"]).0, 0);
}
