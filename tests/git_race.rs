//! Two hydrates racing on one branch and writing the same path: the later
//! source wins only if it descends from the earlier one, otherwise the
//! run fails cleanly; no commit is ever lost.
//!
//! The first tests make the race happen every time: the test holds the
//! branch's lock (as a concurrent git writer would), waits until the run
//! has written its commit object (so it has read the tip it builds on),
//! and only then lands another run's commit on the branch, through the lock,
//! the way git moves a reference. The last test races real threads, with no
//! control over the order, and checks the rule holds whatever happened.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use strata::{hydrate, HydrateOptions, HydrateReport};
use support::*;

const BRANCH: &str = "env/a";

/// The sources: s1 -> s2 -> s4 on main, s3 a sibling of s2 (from s1);
/// each changes environment `a`'s only ConfigMap.
struct Sources {
    s1: String,
    s2: String,
    s3: String,
    s4: String,
}

fn repo() -> (tempfile::TempDir, Sources) {
    let tmp = init();
    let r = tmp.path();
    write(
        r,
        "overlays/a/kustomization.yaml",
        "resources:\n- cm.yaml\n",
    );
    let at = |v: &str| {
        write(r, "overlays/a/cm.yaml", &configmap("a-cm", v));
        commit(r, v)
    };
    let s1 = at("v1");
    let s2 = at("v2");
    let s4 = at("v4");
    git(r, &["checkout", "-q", "-b", "side", &s1]);
    let s3 = at("v3");
    git(r, &["checkout", "-q", "main"]);
    (tmp, Sources { s1, s2, s3, s4 })
}

fn opts(source: &str) -> HydrateOptions {
    HydrateOptions {
        source: source.to_string(),
        retries: 100,
        ..HydrateOptions::default()
    }
}

fn tip(r: &Path) -> String {
    git(r, &["rev-parse", BRANCH])
}

fn set_tip(r: &Path, id: &str) {
    git(r, &["update-ref", &format!("refs/heads/{BRANCH}"), id]);
}

fn exists(r: &Path, id: &str) -> bool {
    Command::new("git")
        .args(["cat-file", "-e", id])
        .current_dir(r)
        .status()
        .unwrap()
        .success()
}

fn is_ancestor(r: &Path, a: &str, b: &str) -> bool {
    Command::new("git")
        .args(["merge-base", "--is-ancestor", a, b])
        .current_dir(r)
        .status()
        .unwrap()
        .success()
}

fn hydrated_from(r: &Path, id: &str) -> String {
    let msg = git(r, &["log", "-1", "--format=%B", id]);
    msg.lines()
        .find_map(|l| l.strip_prefix("Hydrated-from: "))
        .unwrap_or_default()
        .to_string()
}

/// The commit hydrating `source` on the branch's current tip makes (the
/// branch is then put back): another run's commit, ready to land.
fn foreign_commit(r: &Path, source: &str) -> String {
    let before = tip(r);
    let report = hydrate(r, &opts(source)).unwrap();
    let id = report.branches[0].new.clone();
    assert_ne!(id, before);
    set_tip(r, &before);
    id
}

/// Runs a hydrate of `source` while another run's commit `foreign` lands
/// on the branch between the moment the run has built its commit on the
/// tip and the moment it moves the branch.
fn race(r: &Path, source: &str, foreign: &str) -> strata::Result<HydrateReport> {
    let predicted = hydrate(
        r,
        &HydrateOptions {
            dry_run: true,
            ..opts(source)
        },
    )
    .unwrap()
    .branches[0]
        .new
        .clone();
    assert!(!exists(r, &predicted), "the run's commit is new");
    let git_dir = PathBuf::from(git(r, &["rev-parse", "--absolute-git-dir"]));
    let ref_file = git_dir.join("refs/heads").join(BRANCH);
    let lock = ref_file.with_extension("lock");
    // Hold the branch as a concurrent git writer does.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock)
        .unwrap();
    std::thread::scope(|s| {
        let run = s.spawn(|| hydrate(r, &opts(source)));
        let start = Instant::now();
        while !exists(r, &predicted) {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the run never wrote its commit"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // The other run lands: new value into the lock, renamed over the ref.
        std::fs::write(&lock, format!("{foreign}\n")).unwrap();
        std::fs::rename(&lock, &ref_file).unwrap();
        run.join().unwrap()
    })
}

#[test]
fn a_later_source_descending_from_the_landed_one_overwrites_it_on_top() {
    let (tmp, s) = repo();
    let r = tmp.path();
    hydrate(r, &opts(&s.s1)).unwrap();
    let foreign = foreign_commit(r, &s.s2);
    let report = race(r, &s.s4, &foreign).expect("s4 descends from s2");
    assert!(report.retries >= 1, "the run saw the race");
    let b = &report.branches[0];
    assert_eq!(b.old.as_deref(), Some(foreign.as_str()));
    assert_eq!(tip(r), b.new);
    // Nothing lost: the other run's commit is the parent of ours.
    assert_eq!(git(r, &["rev-parse", &format!("{BRANCH}^")]), foreign);
    assert_eq!(hydrated_from(r, BRANCH), s.s4);
    assert!(git(r, &["show", &format!("{BRANCH}:a/manifest.yaml")]).contains("key: v4"));
}

#[test]
fn an_older_source_does_not_overwrite_a_newer_one_that_landed_meanwhile() {
    let (tmp, s) = repo();
    let r = tmp.path();
    hydrate(r, &opts(&s.s1)).unwrap();
    let foreign = foreign_commit(r, &s.s4);
    let err = race(r, &s.s2, &foreign).expect_err("s4 does not descend from s2");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("branch '{BRANCH}' was hydrated concurrently at a")),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "from {}, which is not an ancestor of {}",
            s.s4, s.s2
        )),
        "{msg}"
    );
    // Failed cleanly: the branch holds the other run's commit, untouched.
    assert_eq!(tip(r), foreign);
    assert_eq!(hydrated_from(r, BRANCH), s.s4);
}

#[test]
fn unrelated_sources_colliding_fail_cleanly() {
    let (tmp, s) = repo();
    let r = tmp.path();
    hydrate(r, &opts(&s.s1)).unwrap();
    let foreign = foreign_commit(r, &s.s2);
    let err = race(r, &s.s3, &foreign).expect_err("s2 and s3 are siblings");
    assert!(err.to_string().contains("not an ancestor"), "{err}");
    assert_eq!(tip(r), foreign);
    // The other way round too (s3 is no ancestor of s4 either).
    set_tip(r, &git(r, &["rev-parse", &format!("{foreign}^")]));
    let foreign = foreign_commit(r, &s.s3);
    let err = race(r, &s.s4, &foreign).expect_err("s3 is on another line");
    assert!(err.to_string().contains("not an ancestor"), "{err}");
    assert_eq!(tip(r), foreign);
}

#[test]
fn racing_threads_follow_the_rule_whatever_the_order() {
    let (tmp, s) = repo();
    let r = tmp.path();
    hydrate(r, &opts(&s.s1)).unwrap();
    let start = tip(r);
    // (older, newer): newer descends from older; (s2, s3): unrelated.
    for (x, y, related) in [(&s.s2, &s.s4, true), (&s.s2, &s.s3, false)] {
        for round in 0..4 {
            set_tip(r, &start);
            let barrier = std::sync::Barrier::new(2);
            let (rx, ry) = std::thread::scope(|sc| {
                let go = |src: &String| {
                    let barrier = &barrier;
                    let src = src.clone();
                    sc.spawn(move || {
                        barrier.wait();
                        hydrate(r, &opts(&src))
                    })
                };
                let (jx, jy) = (go(x), go(y));
                (jx.join().unwrap(), jy.join().unwrap())
            });
            let end = tip(r);
            let ctx = format!("round {round}, {x} vs {y}: {rx:?} {ry:?}");
            for res in [&rx, &ry] {
                match res {
                    // No commit lost: whatever landed is in the history.
                    Ok(rep) => assert!(is_ancestor(r, &rep.branches[0].new, &end), "{ctx}"),
                    Err(e) => assert!(
                        e.to_string().contains("was hydrated concurrently")
                            && e.to_string().contains("not an ancestor"),
                        "{ctx}"
                    ),
                }
            }
            assert!(rx.is_ok() || ry.is_ok(), "{ctx}");
            if related {
                // Nothing can justify refusing the newer source.
                assert!(ry.is_ok(), "{ctx}");
            }
            if let (Ok(a), Ok(b)) = (&rx, &ry) {
                // Both landed: one after the other, each on top of the other's commit.
                let (a, b) = (&a.branches[0], &b.branches[0]);
                assert!(
                    a.old.as_deref() == Some(b.new.as_str())
                        || b.old.as_deref() == Some(a.new.as_str()),
                    "{ctx}"
                );
            } else {
                // One failed: the branch holds the other's source.
                let winner = if rx.is_ok() { x } else { y };
                assert_eq!(&hydrated_from(r, &end), winner, "{ctx}");
            }
        }
    }
}
