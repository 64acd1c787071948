//! `strata diff` and the diff library on real repositories: exactly the
//! resources that changed, nothing for formatting-only changes, secrets
//! masked, the markdown body capped, exit codes.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata::{diff_sides, Change, DiffOptions, GitFs, Report, Side};
use support::*;

fn side(repo: &Path, rev: &str) -> Side {
    Side::new(
        Arc::new(GitFs::open(repo, rev).unwrap()),
        PathBuf::from("/"),
        rev.to_string(),
    )
}

fn diff(repo: &Path, a: &str, b: &str) -> Report {
    diff_sides(&side(repo, a), &side(repo, b), &[], &DiffOptions::default()).unwrap()
}

/// (environment, resource id, change) for every difference.
fn listed(r: &Report) -> Vec<(String, String, Change)> {
    r.envs
        .iter()
        .flat_map(|e| {
            e.changes
                .iter()
                .map(move |c| (e.name.clone(), c.id.to_string(), c.change))
        })
        .collect()
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
";

const SECRET: &str = "apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: hunter2
  user: admin
";

/// A base of a Deployment, two ConfigMaps and a Secret; overlays prod and dev.
fn two_env_repo() -> tempfile::TempDir {
    let tmp = init();
    let r = tmp.path();
    write(
        r,
        "base/kustomization.yaml",
        "resources:\n- deploy.yaml\n- cms.yaml\n- secret.yaml\n",
    );
    write(r, "base/deploy.yaml", DEPLOY);
    write(
        r,
        "base/cms.yaml",
        &format!("{}---\n{}", configmap("one", "a"), configmap("two", "b")),
    );
    write(r, "base/secret.yaml", SECRET);
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: prod\n",
    );
    write(
        r,
        "overlays/dev/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: dev\n",
    );
    commit(r, "first");
    tmp
}

#[test]
fn two_revisions_list_exactly_the_resources_changed() {
    let tmp = two_env_repo();
    let r = tmp.path();
    // In the base (both envs): one ConfigMap's value changes. In prod only:
    // the Deployment's image, a ConfigMap renamed, a new ConfigMap.
    write(
        r,
        "base/cms.yaml",
        &format!(
            "{}---\n{}",
            configmap("one", "CHANGED"),
            configmap("two", "b")
        ),
    );
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\n- extra.yaml\nnamespace: prod\nimages:\n- name: nginx\n  newTag: \"2.0\"\npatches:\n- target:\n    kind: ConfigMap\n    name: two\n  patch: |\n    - op: replace\n      path: /metadata/name\n      value: three\n",
    );
    write(r, "overlays/prod/extra.yaml", &configmap("extra", "x"));
    commit(r, "second");

    let report = diff(r, "HEAD~1", "HEAD");
    assert!(report.differs());
    let ch = |env: &str, id: &str, c| (env.to_string(), id.to_string(), c);
    assert_eq!(
        listed(&report),
        [
            ch("dev", "ConfigMap dev/one", Change::Changed),
            ch("prod", "ConfigMap prod/extra", Change::Added),
            ch("prod", "ConfigMap prod/one", Change::Changed),
            ch("prod", "ConfigMap prod/three", Change::Added),
            ch("prod", "ConfigMap prod/two", Change::Removed),
            ch("prod", "apps/Deployment prod/web", Change::Changed),
        ]
    );
    let deploy = report.envs[1]
        .changes
        .iter()
        .find(|c| c.id.kind == "Deployment")
        .unwrap();
    assert!(
        deploy
            .diff
            .contains("-      - image: nginx:1.0\n+      - image: nginx:2.0\n"),
        "{}",
        deploy.diff
    );
    assert_eq!(report.envs[1].summary(), "2 added, 1 removed, 2 changed");

    // The CLI agrees, in both spellings of the range, and exits 1 with --exit-code.
    for args in [&["diff", "HEAD~1..HEAD"][..], &["diff", "HEAD~1", "HEAD"]] {
        let (code, out, err) = run(r, &[args, &["--format", "json", "--exit-code"]].concat());
        assert_eq!(code, 1, "{err}");
        let j: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(j["differs"], true);
        assert_eq!(j["environments"][1]["name"], "prod");
        assert_eq!(j["environments"][1]["added"], 2);
        assert_eq!(
            j["environments"][1]["resources"].as_array().unwrap().len(),
            5
        );
    }
    let (code, out, _) = run(r, &["diff", "HEAD..HEAD", "--exit-code"]);
    assert_eq!(code, 0);
    assert_eq!(out, "dev: no changes\nprod: no changes\n");
}

#[test]
fn formatting_only_changes_are_no_difference() {
    let tmp = two_env_repo();
    let r = tmp.path();
    // Reindented, keys reordered, flow style, resources reordered in the
    // file and in the kustomization, comments added.
    write(
        r,
        "base/kustomization.yaml",
        "# reordered\nresources:\n    - secret.yaml\n    - cms.yaml\n    - deploy.yaml\n",
    );
    write(
        r,
        "base/deploy.yaml",
        "kind: Deployment\nspec:\n    template:\n        spec:\n            containers: [{image: 'nginx:1.0', name: web}]\n    replicas: 1\nmetadata: {labels: {app: web}, name: web}\napiVersion: apps/v1\n",
    );
    write(
        r,
        "base/cms.yaml",
        "data: {key: b}\nmetadata: {name: two}\nkind: ConfigMap\napiVersion: v1\n---\napiVersion: \"v1\"\nkind: ConfigMap\nmetadata:\n    name: one\ndata:\n    key: \"a\"\n",
    );
    commit(r, "reformat");
    let report = diff(r, "HEAD~1", "HEAD");
    assert!(!report.differs(), "{:?}", listed(&report));
    assert_eq!(report.envs.len(), 2);
    let (code, _, err) = run(r, &["diff", "HEAD~1..HEAD", "--exit-code"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn secrets_are_masked_unless_asked() {
    let tmp = two_env_repo();
    let r = tmp.path();
    write(r, "base/secret.yaml", &SECRET.replace("hunter2", "hunter3"));
    commit(r, "rotate");
    let (code, out, err) = run(
        r,
        &["diff", "HEAD~1..HEAD", "--env", "prod", "--color", "never"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("hunter"), "{out}");
    assert!(
        out.contains("-  password: <masked>\n+  password: <masked, changed>\n"),
        "{out}"
    );
    assert!(out.contains("   user: <masked>\n"), "{out}");
    assert!(!out.contains("dev"), "only prod: {out}");
    let (_, out, _) = run(
        r,
        &["diff", "HEAD~1..HEAD", "--env", "prod", "--show-secrets"],
    );
    assert!(
        out.contains("-  password: hunter2\n+  password: hunter3\n"),
        "{out}"
    );
    // Unknown environments are errors (exit 2).
    let (code, _, err) = run(r, &["diff", "HEAD~1..HEAD", "--env", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no environment 'nope'"), "{err}");
}

#[test]
fn working_tree_against_head_and_two_environments() {
    let tmp = two_env_repo();
    let r = tmp.path();
    let (code, out, _) = run(r, &["diff", "--exit-code"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "dev: no changes\nprod: no changes\n")
    );
    // An uncommitted edit, and a new uncommitted environment.
    write(
        r,
        "base/deploy.yaml",
        &DEPLOY.replace("replicas: 1", "replicas: 3"),
    );
    write(
        r,
        "overlays/qa/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: qa\n",
    );
    let (code, out, err) = run(
        &r.join("overlays"),
        &["diff", "--exit-code", "--color", "always"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\x1b[32m+  replicas: 3\x1b[0m"), "{out}");
    assert!(out.ends_with("dev: 0 added, 0 removed, 1 changed\nprod: 0 added, 0 removed, 1 changed\nqa: 4 added, 0 removed, 0 changed\n"), "{out}");
    let (_, out, _) = run(r, &["diff", "--color", "never"]);
    assert!(!out.contains('\x1b'), "{out}");
    // Two environments of one revision: the namespaces differ, so every
    // resource is another one.
    let (code, out, err) = run(
        r,
        &[
            "diff", "HEAD", "--env", "dev", "--env", "prod", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["environments"][0]["name"], "dev → prod");
    assert_eq!(
        (
            j["environments"][0]["added"].as_u64(),
            j["environments"][0]["removed"].as_u64()
        ),
        (Some(4), Some(4))
    );
}

#[test]
fn markdown_stays_under_the_comment_limit_on_5000_resources() {
    let tmp = init();
    let r = tmp.path();
    let n = 5000;
    let cms = |v: &str| -> String {
        (0..n)
            .map(|i| format!("{}---\n", configmap(&format!("cm-{i:04}"), v)))
            .collect()
    };
    write(r, "base/kustomization.yaml", "resources:\n- cms.yaml\n");
    write(r, "base/cms.yaml", &cms("old"));
    write(
        r,
        "overlays/a/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: a\n",
    );
    write(
        r,
        "overlays/b/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: b\n",
    );
    commit(r, "first");
    write(r, "base/cms.yaml", &cms("new"));
    commit(r, "second");
    let report = diff(r, "HEAD~1", "HEAD");
    assert_eq!(
        report.envs.iter().map(|e| e.changes.len()).sum::<usize>(),
        2 * n
    );
    let md = report.to_markdown();
    assert!(
        md.chars().count() < 65_536,
        "{} characters",
        md.chars().count()
    );
    // Cut, and saying so; what is there is well-formed.
    assert!(
        md.contains("Cut to stay under GitHub's 65536-character comment limit"),
        "{}",
        &md[md.len() - 500..]
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    assert_eq!(md.matches("```").count() % 2, 0);
    assert!(md.contains("| a | 0 | 0 | 5000 |"), "summary rows are kept");
    let shown = md.matches("```diff").count();
    assert!(shown > 50 && shown < 2 * n, "{shown} shown");
    assert!(md.contains(&format!(
        "the diffs of {} resource(s) are not shown",
        2 * n - shown
    )));
    // A small change is not cut.
    let small = diff(r, "HEAD", "HEAD").to_markdown();
    assert!(!small.contains("Cut"), "{small}");
}

#[test]
fn a_failing_environment_does_not_stop_the_others() {
    let tmp = two_env_repo();
    let r = tmp.path();
    // prod changes; dev breaks (a missing resource).
    write(
        r,
        "overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: prod\nnamePrefix: p-\n",
    );
    write(
        r,
        "overlays/dev/kustomization.yaml",
        "resources:\n- ../../base\n- missing.yaml\nnamespace: dev\n",
    );
    commit(r, "break dev");
    let report = diff(r, "HEAD~1", "HEAD");
    let dev = report.envs.iter().find(|e| e.name == "dev").unwrap();
    let prod = report.envs.iter().find(|e| e.name == "prod").unwrap();
    let err = dev.error.as_deref().expect("dev failed");
    assert!(err.contains("rendering dev at HEAD"), "{err}");
    assert!(err.contains("missing.yaml"), "{err}");
    assert!(dev.changes.is_empty());
    assert!(prod.error.is_none());
    assert_eq!(prod.count(Change::Added), 4, "{:?}", listed(&report));
    assert_eq!(report.errors().count(), 1);

    let (code, out, err) = run(r, &["diff", "HEAD~1..HEAD", "--color", "never"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("error: dev: rendering dev at HEAD"), "{err}");
    assert!(
        out.contains("=== prod: 4 added, 4 removed, 0 changed"),
        "{out}"
    );
    assert!(out.contains("+  name: p-web"), "{out}");
    assert!(
        out.contains("dev: not compared: rendering dev at HEAD"),
        "{out}"
    );
    for format in ["json", "markdown"] {
        let (code, out, _) = run(r, &["diff", "HEAD~1..HEAD", "--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(out.contains("prod"), "{out}");
        assert!(out.contains("missing.yaml"), "{format}: {out}");
    }
    let (_, out, _) = run(r, &["diff", "HEAD~1..HEAD", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let envs = j["environments"].as_array().unwrap();
    assert!(envs[0]["error"].as_str().unwrap().contains("rendering dev"));
    assert!(envs[1]["error"].is_null());
}

#[test]
fn each_file_of_each_revision_is_read_once_per_run() {
    let tmp = two_env_repo();
    let r = tmp.path();
    // A third environment on the same base.
    write(
        r,
        "overlays/qa/kustomization.yaml",
        "resources:\n- ../../base\nnamespace: qa\n",
    );
    write(
        r,
        "base/deploy.yaml",
        &DEPLOY.replace("replicas: 1", "replicas: 2"),
    );
    commit(r, "qa, 2 replicas");
    let counted = |rev: &str| {
        let c = Arc::new(support::Counting::new(Arc::new(
            GitFs::open(r, rev).unwrap(),
        )));
        (c.clone(), Side::new(c, PathBuf::from("/"), rev.to_string()))
    };
    let (old_reads, old) = counted("HEAD~1");
    let (new_reads, new) = counted("HEAD");
    let report = diff_sides(&old, &new, &[], &DiffOptions::default()).unwrap();
    assert_eq!(report.envs.len(), 3);
    assert!(report
        .envs
        .iter()
        .all(|e| e.changes.len() == 1 || e.name == "qa"));
    for (side, reads, envs) in [("HEAD~1", &old_reads, 2), ("HEAD", &new_reads, 3)] {
        let reads = reads.reads();
        // strata.yaml probed, each overlay's kustomization, the base's four files.
        assert!(reads.values().all(|n| *n == 1), "{side}: {reads:?}");
        assert_eq!(reads.len(), envs + 4, "{side}: {reads:?}");
        assert_eq!(
            reads.get(Path::new("/base/deploy.yaml")),
            Some(&1),
            "{side}"
        );
    }
}
