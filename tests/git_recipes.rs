//! The GitHub Actions recipes in docs/ run as written: each job's YAML is
//! taken from the page, parsed, and its steps run in order, with bash as
//! GitHub runs them (`bash --noprofile --norc -eo pipefail`), on throwaway
//! repositories: `actions/checkout` is a clone of a bare "GitHub" remote,
//! `cargo` and `gh` are stubs that record what they were asked, and the
//! strata under test is on PATH.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use strata::yaml::{parse_documents, ParseOptions, Value};
use support::*;

/// The ```yaml block of `docs/<page>` that is the workflow named `name`.
fn recipe(page: &str, name: &str) -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join(page),
    )
    .unwrap();
    let block = text
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .find(|b| b.starts_with(&format!("name: {name}\n")))
        .unwrap_or_else(|| panic!("no workflow '{name}' in docs/{page}"));
    let docs = parse_documents(block.as_bytes(), &ParseOptions::default())
        .unwrap_or_else(|e| panic!("docs/{page}: {name}: {e:?}"));
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap().value
}

fn text(v: &Value) -> String {
    v.as_scalar_text().unwrap_or_default().to_string()
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_map)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default()
}

/// Stubs for `cargo` and `gh` that log their arguments to `log`; `gh`
/// also keeps the body of `--body-file` as `comment.md` beside the log.
fn stubs(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("log");
    let cargo = format!("#!/bin/sh\necho \"cargo $*\" >> '{}'\n", log.display());
    let gh = format!(
        "#!/bin/sh\necho \"gh $*\" >> '{log}'\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --body-file ]; then cp \"$2\" '{dir}/comment.md'; fi\n  shift\ndone\n",
        log = log.display(),
        dir = dir.display()
    );
    for (name, body) in [("cargo", cargo), ("gh", gh)] {
        let p = bin.join(name);
        std::fs::write(&p, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Runs the single job of `workflow` in `workspace` (the checkout step
/// must be `actions/checkout@v4` with full history, already done by the
/// caller); `github` gives the values of `${{ ... }}` expressions.
/// Returns each run step's name and whether it succeeded.
fn run_job(
    workflow: &Value,
    workspace: &Path,
    stub_bin: &Path,
    github: &[(&str, &str)],
) -> Vec<(String, bool)> {
    assert!(workflow.get("on").is_some(), "a trigger");
    let wf_env = string_map(workflow.get("env"));
    let jobs = workflow.get("jobs").and_then(Value::as_map).unwrap();
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().unwrap();
    assert_eq!(text(job.get("runs-on").unwrap()), "ubuntu-latest");
    let expand = |s: &str| {
        let mut s = s.to_string();
        for (k, v) in github {
            s = s.replace(&format!("${{{{ {k} }}}}"), v);
        }
        assert!(
            !s.contains("${{"),
            "an expression the test does not know: {s}"
        );
        s
    };
    let path = std::env::join_paths(
        [
            stub_bin.to_path_buf(),
            strata().parent().unwrap().to_path_buf(),
        ]
        .into_iter()
        .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut done = Vec::new();
    let mut failed = false;
    for step in job.get("steps").and_then(Value::as_seq).unwrap() {
        if let Some(uses) = step.get("uses") {
            assert_eq!(text(uses), "actions/checkout@v4");
            assert_eq!(
                step.get_path(&["with", "fetch-depth"]).map(text).as_deref(),
                Some("0"),
                "full history"
            );
            continue;
        }
        let always = step.get("if").map(text).as_deref() == Some("always()");
        let name = step.get("name").map(text).unwrap_or_default();
        if failed && !always {
            continue;
        }
        let script = expand(&text(step.get("run").expect("a run step")));
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(workspace)
            .env("PATH", &path);
        for (k, v) in wf_env.iter().chain(&string_map(step.get("env"))) {
            cmd.env(k, expand(v));
        }
        let out = cmd.output().unwrap();
        let ok = out.status.success();
        if !ok {
            eprintln!(
                "step '{name}' failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        failed |= !ok;
        done.push((name, ok));
    }
    done
}

/// A bare "GitHub" remote whose main holds environments prod and dev, and
/// a developer's clone of it.
fn github() -> (tempfile::TempDir, tempfile::TempDir) {
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    let dev = tempfile::tempdir().unwrap();
    let d = dev.path();
    git(d, &["init", "-q"]);
    write_overlays(d, &["prod", "dev"]);
    commit(d, "first");
    git(
        d,
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );
    git(d, &["push", "-q", "origin", "main"]);
    (remote, dev)
}

/// What `actions/checkout` with `fetch-depth: 0` gives: a full clone.
fn checkout(remote: &Path, rev: &str) -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    git(ws.path(), &["clone", "-q", remote.to_str().unwrap(), "."]);
    git(ws.path(), &["checkout", "-q", rev]);
    ws
}

fn all_ok(steps: &[(String, bool)]) -> bool {
    !steps.is_empty() && steps.iter().all(|(_, ok)| *ok)
}

#[test]
fn the_hydrate_recipe_runs_as_written() {
    let wf = recipe("hydrate.md", "hydrate");
    let (remote, dev) = github();
    let stub = tempfile::tempdir().unwrap();
    let bin = stubs(stub.path());
    let ctx = [("github.token", "t")];

    // The first push to main: the branches are created on the remote.
    let ws = checkout(remote.path(), "main");
    let steps = run_job(&wf, ws.path(), &bin, &ctx);
    assert!(all_ok(&steps), "{steps:?}");
    let main = git(remote.path(), &["rev-parse", "main"]);
    for b in ["env/prod", "env/dev"] {
        let msg = git(remote.path(), &["log", "-1", "--format=%B", b]);
        assert!(
            msg.contains(&format!("Hydrated-from: {main}")),
            "{b}: {msg}"
        );
    }
    let log = std::fs::read_to_string(stub.path().join("log")).unwrap();
    assert!(
        log.contains("cargo install --locked --git https://github.com/OWNER/strata strata"),
        "{log}"
    );

    // A later push to main, hydrated by a fresh runner: the branches move on
    // top of what the remote had (the fetch step gives the leases their base).
    let before = git(remote.path(), &["rev-parse", "env/prod"]);
    write(
        dev.path(),
        "overlays/prod/cm.yaml",
        &configmap("prod-cm", "v2"),
    );
    commit(dev.path(), "prod v2");
    git(dev.path(), &["push", "-q", "origin", "main"]);
    let ws = checkout(remote.path(), "main");
    let steps = run_job(&wf, ws.path(), &bin, &ctx);
    assert!(all_ok(&steps), "{steps:?}");
    assert_eq!(git(remote.path(), &["rev-parse", "env/prod^"]), before);
    assert!(git(remote.path(), &["show", "env/prod:prod/manifest.yaml"]).contains("key: v2"));
}

#[test]
fn the_pull_request_diff_recipe_runs_as_written() {
    let wf = recipe("diff.md", "rendered diff");
    let (remote, dev) = github();
    let d = dev.path();
    git(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "overlays/prod/cm.yaml", &configmap("prod-cm", "v2"));
    commit(d, "prod v2");
    git(d, &["push", "-q", "origin", "feature"]);
    let stub = tempfile::tempdir().unwrap();
    let bin = stubs(stub.path());
    let ctx = [
        ("github.base_ref", "main"),
        ("github.token", "t"),
        ("github.event.pull_request.number", "7"),
    ];
    let ws = checkout(remote.path(), "feature");
    let steps = run_job(&wf, ws.path(), &bin, &ctx);
    assert!(all_ok(&steps), "{steps:?}");
    let log = std::fs::read_to_string(stub.path().join("log")).unwrap();
    assert!(log.contains("gh pr comment 7 --body-file diff.md"), "{log}");
    let body = std::fs::read_to_string(stub.path().join("comment.md")).unwrap();
    assert!(
        body.starts_with("### strata diff: `origin/main` → `HEAD`"),
        "{body}"
    );
    assert!(body.contains("<details><summary><b>prod</b>"), "{body}");
    assert!(body.contains("+  key: v2"), "{body}");
    assert!(!body.contains("<b>dev</b>"), "{body}");

    // An environment that fails to render: the comment still goes out, and
    // the job fails.
    write(
        d,
        "overlays/dev/kustomization.yaml",
        "resources:\n- missing.yaml\n",
    );
    commit(d, "break dev");
    git(d, &["push", "-q", "origin", "feature"]);
    let ws = checkout(remote.path(), "feature");
    let steps = run_job(&wf, ws.path(), &bin, &ctx);
    let by_name: BTreeMap<String, bool> = steps.into_iter().collect();
    assert_eq!(by_name.get("strata diff"), Some(&false));
    assert_eq!(by_name.get("comment"), Some(&true));
    let body = std::fs::read_to_string(stub.path().join("comment.md")).unwrap();
    assert!(body.contains("**dev** could not be compared"), "{body}");
    assert!(body.contains("<details><summary><b>prod</b>"), "{body}");
}
