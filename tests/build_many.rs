//! Many roots in one run: the output of each root, whatever the thread
//! count, is byte-identical to building it alone; and the run does shared
//! work once (files read and parsed once, a shared base accumulated once).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use strata::{build, build_many, Build, BuildOptions, DiskFs, RunCache};

/// What a build printed: its output or error text, and its warnings.
fn shown(b: Build) -> (Result<String, String>, Vec<String>) {
    let out = b
        .result
        .and_then(|o| o.to_yaml())
        .map_err(|e| e.to_string());
    (out, b.warnings)
}

/// Every root of testdata/golden (a directory with an expected output).
fn golden_roots() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries.iter().any(|p| {
            p.file_name()
                .is_some_and(|n| n == "expected.yaml" || n == "expected-error.txt")
        }) {
            out.push(dir.to_path_buf());
        }
        for p in entries.into_iter().filter(|p| p.is_dir()) {
            walk(&p, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/golden"),
        &mut out,
    );
    out
}

const SCHEMA: &str = r#"{"definitions": {"v1.Foo": {"properties": {"spec": {"properties": {"items": {"type": "array", "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}}}}, "x-kubernetes-group-version-kind": [{"group": "", "kind": "Foo", "version": "v1"}]}}}"#;

/// A base with `n` apps and a component; `overlays` overlays of it, which
/// differ in prefix, labels, patches, generators and `buildMetadata`; some
/// also include a second base that sets `openapi:` after the shared one.
fn generated_tree(top: &Path, n: usize, overlays: usize) -> Vec<PathBuf> {
    let w = |p: &str, s: &str| {
        let p = top.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    };
    let mut all = String::new();
    for i in 0..n {
        all.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.25\n        envFrom:\n        - configMapRef:\n            name: cfg\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\nspec:\n  ports:\n  - port: 80\n---\n"
        ));
    }
    w("base/all.yaml", &all);
    w(
        "base/kustomization.yaml",
        "resources:\n- all.yaml\n- ../common\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\ncommonLabels:\n  app: demo\n",
    );
    w("common/kustomization.yaml", "resources:\n- ns.yaml\n");
    w(
        "common/ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n",
    );
    w(
        "comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: nginx\n  newTag: \"1.27\"\n",
    );
    w(
        "schema/kustomization.yaml",
        "openapi:\n  path: schema.json\nresources:\n- foo.yaml\npatches:\n- patch: |\n    apiVersion: v1\n    kind: Foo\n    metadata:\n      name: foo\n    spec:\n      items:\n      - name: b\n        v: 2\n",
    );
    w("schema/schema.json", SCHEMA);
    w(
        "schema/foo.yaml",
        "apiVersion: v1\nkind: Foo\nmetadata:\n  name: foo\nspec:\n  items:\n  - name: a\n    v: 1\n",
    );
    let mut roots = Vec::new();
    for o in 0..overlays {
        let mut k = format!(
            "resources:\n- ../../base\nnamePrefix: o{o}-\nlabels:\n- pairs:\n    env: e{o}\ncomponents:\n- ../../comp\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: app{}\n    spec:\n      replicas: {o}\n",
            o % n
        );
        if o % 5 == 1 {
            k.push_str("buildMetadata: [originAnnotations]\n");
        }
        if o % 7 == 3 {
            k = k.replace("- ../../base\n", "- ../../base\n- ../../schema\n");
        }
        w(&format!("overlays/o{o}/kustomization.yaml"), &k);
        roots.push(top.join(format!("overlays/o{o}")));
    }
    roots
}

#[test]
fn many_roots_match_each_root_alone_at_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut roots = golden_roots();
    roots.extend(generated_tree(tmp.path(), 20, 50));
    // Roots twice over: the second time everything comes from the run's cache.
    roots.extend(roots.clone());
    let opts = BuildOptions::default();
    let alone: Vec<_> = roots
        .iter()
        .map(|r| shown(build(Arc::new(DiskFs), r, &opts)))
        .collect();
    assert!(alone.iter().filter(|(o, _)| o.is_err()).count() >= 5);
    assert!(alone.iter().filter(|(o, _)| o.is_ok()).count() >= 100);
    for jobs in [1, 8] {
        let many = build_many(Arc::new(DiskFs), &roots, &opts, jobs);
        assert_eq!(many.len(), roots.len());
        for ((root, want), got) in roots.iter().zip(&alone).zip(many) {
            assert_eq!(&shown(got), want, "-j {jobs}: {}", root.display());
        }
    }
}

#[test]
fn shared_work_is_done_once_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = generated_tree(tmp.path(), 20, 50);
    let base_files = ["base/all.yaml", "base/kustomization.yaml", "common/ns.yaml"];
    for jobs in [1, 4] {
        let fs = Arc::new(support::Counting::new(Arc::new(DiskFs)));
        let run = RunCache::new(fs.clone());
        let builds = run.build_all(&roots, &BuildOptions::default(), jobs, &|_| {});
        assert!(builds.iter().all(|b| b.result.is_ok()));
        let reads = fs.reads();
        for f in base_files {
            let path = std::fs::canonicalize(tmp.path().join(f)).unwrap();
            assert_eq!(reads.get(&path), Some(&1), "-j {jobs}: {f} read once");
        }
        assert!(reads.values().all(|&n| n == 1), "-j {jobs}: {reads:?}");
        let stats = run.stats();
        assert_eq!(stats.reads, reads.len());
        // Every resource file is parsed once: all.yaml, ns.yaml, foo.yaml.
        assert_eq!(stats.parses, 3, "-j {jobs}: {stats:?}");
        // The base and `common` inside it are accumulated once for each of
        // the two buildMetadata settings, at any thread count (a build
        // that finds a base in the making waits for it); the overlays that
        // set the schema below the top build afresh, uncounted.
        assert_eq!(stats.accumulations, 4, "-j {jobs}: {stats:?}");
        assert!(stats.reuses >= 40, "-j {jobs}: {stats:?}");
    }
}

#[test]
fn cli_prints_each_root_after_a_source_line() {
    let tmp = tempfile::tempdir().unwrap();
    let roots = generated_tree(tmp.path(), 5, 12);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .current_dir(tmp.path())
            .args(args)
            .output()
            .expect("strata runs");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    let names: Vec<String> = roots
        .iter()
        .map(|r| r.strip_prefix(tmp.path()).unwrap().display().to_string())
        .collect();
    let (mut want, mut want_err) = (String::new(), String::new());
    for n in &names {
        let (out, err) = run(&["build", n]);
        want.push_str(&format!("---\n# Source: {n}\n{out}"));
        want_err.push_str(&err);
    }
    assert!(!want_err.is_empty(), "the tree gives warnings");
    for j in ["1", "8"] {
        let mut args = vec!["build", "-j", j];
        args.extend(names.iter().map(String::as_str));
        // stderr is not a terminal here: the warnings, and no progress bar.
        assert_eq!(run(&args), (want.clone(), want_err.clone()), "-j {j}");
    }
    // With -o, one directory per root, as `-o DIR` of that root alone.
    let mut args = vec!["build", "-o", "out"];
    args.extend(names.iter().map(String::as_str));
    run(&args);
    for n in &names {
        std::fs::create_dir_all(tmp.path().join("alone")).unwrap();
        let alone = tmp.path().join("alone").join(n);
        std::fs::create_dir_all(&alone).unwrap();
        run(&["build", n, "-o", alone.to_str().unwrap()]);
        let list = |d: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| {
                    let p = e.unwrap().path();
                    (
                        p.file_name().unwrap().to_owned(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let got = list(&tmp.path().join("out").join(n));
        assert!(!got.is_empty());
        assert_eq!(got, list(&alone), "{n}");
    }
}

#[test]
fn progress_bar_only_on_a_terminal() {
    // `script` (util-linux) runs the command on a pseudo-terminal.
    let Ok(probe) = Command::new("script").arg("--version").output() else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert!(probe.status.success());
    let tmp = tempfile::tempdir().unwrap();
    generated_tree(tmp.path(), 3, 3);
    let cmd = format!(
        "{} build overlays/o0 overlays/o1 overlays/o2 >/dev/null",
        env!("CARGO_BIN_EXE_strata")
    );
    let out = Command::new("script")
        .current_dir(tmp.path())
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script runs");
    assert!(out.status.success());
    let tty = String::from_utf8_lossy(&out.stdout);
    assert!(tty.contains("/3 roots"), "{tty:?}");
    // The same run with stderr a pipe: the warnings only.
    let piped = Command::new("sh")
        .current_dir(tmp.path())
        .args(["-c", &cmd])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("roots"));
}
