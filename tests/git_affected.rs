//! `strata affected`: exactly the environments whose output changes,
//! decided from the files each one read, confirmed by rendering only the
//! candidates; sharding splits the list deterministically.

mod support;

use std::path::Path;
use std::sync::Arc;
use strata::{affected, AffectedReport, GitFs, Reason, Shard};
use support::*;

fn between(repo: &Path, a: &str, b: &str, shard: Option<Shard>) -> AffectedReport {
    let fs = |rev| Arc::new(GitFs::open(repo, rev).unwrap());
    affected(fs(a), fs(b), shard).unwrap()
}

fn names(r: &AffectedReport) -> Vec<&str> {
    r.affected.iter().map(|(n, _)| n.as_str()).collect()
}

/// Four environments: prod (base + a patch of its own), dev (base + a
/// generator reading a file), staging (base only), qa (the base through a
/// symbolic link); files nothing reads beside them.
fn repo() -> tempfile::TempDir {
    let tmp = init();
    let r = tmp.path();
    write(r, "base/kustomization.yaml", "resources:\n- cm.yaml\n");
    write(r, "base/cm.yaml", &configmap("cfg", "v1"));
    write(r, "base/README.md", "nothing reads this\n");
    write(r, "docs/guide.md", "nor this\n");
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\npatches:\n- path: patch.yaml\n",
    );
    write(
        r,
        "overlays/prod/patch.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  tier: prod\n",
    );
    write(
        r,
        "overlays/dev/kustomization.yaml",
        "resources:\n- ../../base\nconfigMapGenerator:\n- name: props\n  files:\n  - files/app.properties\n",
    );
    write(r, "overlays/dev/files/app.properties", "debug=true\n");
    write(r, "overlays/dev/files/unused.properties", "x=1\n");
    write(
        r,
        "overlays/staging/kustomization.yaml",
        "resources:\n- ../../base\nnamePrefix: stg-\n",
    );
    std::fs::create_dir_all(r.join("overlays/qa")).unwrap();
    std::os::unix::fs::symlink("../base", r.join("overlays/qa-base")).unwrap();
    write(
        r,
        "overlays/qa/kustomization.yaml",
        "resources:\n- ../qa-base\nnamePrefix: qa-\n",
    );
    commit(r, "first");
    tmp
}

const ALL: [&str; 4] = ["dev", "prod", "qa", "staging"];

#[test]
fn a_change_in_a_shared_base_affects_every_env_using_it() {
    let tmp = repo();
    let r = tmp.path();
    write(r, "base/cm.yaml", &configmap("cfg", "v2"));
    commit(r, "base");
    let rep = between(r, "HEAD~1", "HEAD", None);
    assert_eq!(names(&rep), ALL, "qa reads the base through a link");
    assert!(rep.affected.iter().all(|(_, why)| *why == Reason::Changed));
    assert_eq!(rep.considered, ALL);
}

#[test]
fn a_change_in_one_overlay_affects_only_it() {
    let tmp = repo();
    let r = tmp.path();
    write(
        r,
        "overlays/prod/patch.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  tier: production\n",
    );
    commit(r, "prod");
    let rep = between(r, "HEAD~1", "HEAD", None);
    assert_eq!(names(&rep), ["prod"]);
    // Only the candidate was rendered again.
    assert_eq!(rep.confirmed, ["prod"]);
}

#[test]
fn a_change_no_root_reads_affects_none_and_renders_nothing_again() {
    let tmp = repo();
    let r = tmp.path();
    write(r, "base/README.md", "changed\n");
    write(r, "docs/guide.md", "changed\n");
    write(r, "docs/new.md", "new\n");
    write(r, "overlays/dev/files/unused.properties", "x=2\n");
    commit(r, "docs");
    let rep = between(r, "HEAD~1", "HEAD", None);
    assert!(rep.affected.is_empty(), "{:?}", rep.affected);
    assert!(rep.confirmed.is_empty(), "{:?}", rep.confirmed);
    let (code, out, err) = run(r, &["affected", "HEAD~1..HEAD", "--format", "json"]);
    assert_eq!((code, out.as_str()), (0, "[]\n"), "{err}");
}

#[test]
fn a_change_in_a_generator_input_affects_its_env() {
    let tmp = repo();
    let r = tmp.path();
    write(r, "overlays/dev/files/app.properties", "debug=false\n");
    commit(r, "props");
    assert_eq!(names(&between(r, "HEAD~1", "HEAD", None)), ["dev"]);
}

#[test]
fn a_read_file_changed_only_in_form_is_confirmed_unaffected() {
    let tmp = repo();
    let r = tmp.path();
    // Read by every env, but renders the same: candidates, not affected.
    write(
        r,
        "base/cm.yaml",
        "kind: ConfigMap\napiVersion: v1\ndata: {key: v1}\nmetadata: {name: cfg}\n",
    );
    commit(r, "reformat");
    let rep = between(r, "HEAD~1", "HEAD", None);
    assert!(rep.affected.is_empty(), "{:?}", rep.affected);
    assert_eq!(rep.confirmed, ALL);
}

#[test]
fn new_and_removed_environments_and_shards() {
    let tmp = repo();
    let r = tmp.path();
    std::fs::remove_dir_all(r.join("overlays/staging")).unwrap();
    write(
        r,
        "overlays/eu/kustomization.yaml",
        "resources:\n- ../../base\n",
    );
    write(r, "base/cm.yaml", &configmap("cfg", "v2"));
    commit(r, "reshape");
    let rep = between(r, "HEAD~1", "HEAD", None);
    assert_eq!(
        rep.affected,
        [
            ("dev".to_string(), Reason::Changed),
            ("eu".into(), Reason::Added),
            ("prod".into(), Reason::Changed),
            ("qa".into(), Reason::Changed),
            ("staging".into(), Reason::Removed),
        ]
    );
    // Shards are disjoint, cover everything, and are the same every time.
    let mut all = Vec::new();
    for k in 1..=3 {
        let shard = Some(Shard { k, n: 3 });
        let one = between(r, "HEAD~1", "HEAD", shard);
        assert_eq!(one.affected, between(r, "HEAD~1", "HEAD", shard).affected);
        all.extend(one.affected);
    }
    all.sort();
    assert_eq!(all, rep.affected);
    let (code, out, err) = run(
        r,
        &[
            "affected", "HEAD~1", "HEAD", "--shard", "2/3", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // Sorted names dev, eu, prod, qa, staging: shard 2 of 3 takes eu and staging.
    assert_eq!(
        out,
        "[{\"name\":\"eu\",\"reason\":\"added\"},{\"name\":\"staging\",\"reason\":\"removed\"}]\n"
    );
    let (code, out, _) = run(r, &["affected", "HEAD~1..HEAD"]);
    assert_eq!((code, out.as_str()), (0, "dev\neu\nprod\nqa\nstaging\n"));
    let (code, _, err) = run(r, &["affected", "HEAD~1..HEAD", "--shard", "4/3"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_docs_script_runs_as_written() {
    let stdout = support::run_doc_script("try-git.sh");
    assert!(
        stdout.contains("dev\toverlays/dev\nprod\toverlays/prod\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-  replicas: 3\n+  replicas: 5\n"),
        "{stdout}"
    );
    assert!(stdout.contains("HEAD~1..HEAD\n(none)\n"), "{stdout}");
    assert!(stdout.contains("[{\"name\":\"dev\",\"reason\":\"changed\"},{\"name\":\"prod\",\"reason\":\"changed\"}]"), "{stdout}");
    assert!(stdout.contains("<details><summary><b>prod</b>"), "{stdout}");
}
