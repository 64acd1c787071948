//! Remote bases: kustomize's URL forms parsed as its repospec does (its own
//! test table, as data in testdata/remote/repospec.txt), and `file://`
//! repositories made in temporary directories, built by strata and by the
//! oracle (`kubectl kustomize`, which clones them with the git command) and
//! compared byte for byte. Oracle tests skip, saying so, where it is absent.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use strata::RepoSpec;
use support::{commit, configmap, git, run, write};

/// The oracle: kubectl 1.37.1 with kustomize v5.8.1, if installed.
fn oracle() -> Option<PathBuf> {
    let path = std::env::var_os("STRATA_ORACLE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root/.pyenv/versions/3.11.7/bin/kubectl"));
    let out = Command::new(&path)
        .args(["version", "--client"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .contains("Kustomize Version: v5.8.1")
        .then_some(path)
}

/// Runs the oracle on `dir`: (success, stdout).
fn kustomize(oracle: &Path, dir: &Path, extra: &[&str]) -> (bool, String) {
    let out = Command::new(oracle)
        .arg("kustomize")
        .args(extra)
        .arg(dir)
        .output()
        .expect("the oracle runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn kustomize_repospec_table() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/remote/repospec.txt"),
    )
    .unwrap();
    let (mut hosts, mut repos, mut paths, mut refs) = (vec![], vec![], vec![], vec![]);
    let mut checked = 0;
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        match f[0] {
            "host" => hosts.push((f[1], f[2])),
            "repo" => repos.push(f[1]),
            "path" => paths.push(f[1]),
            "pref" => refs.push(f[1]),
            "ok" => {
                let spec = RepoSpec::parse(f[1]).unwrap_or_else(|e| panic!("{}: {e}", f[1]));
                let got = [
                    spec.host.as_str(),
                    &spec.repo_path,
                    &spec.kust_root_path,
                    &spec.git_ref,
                    &spec.clone_spec(),
                ];
                assert_eq!(got, f[2..7], "{}", f[1]);
                checked += 1;
            }
            "err" => {
                let e = RepoSpec::parse(f[1]).expect_err(f[1]);
                assert!(e.contains(f[2]), "{}: {e} lacks {}", f[1], f[2]);
                checked += 1;
            }
            "query" => {
                let url = format!("https://host/org/repo?{}", f[1]);
                let spec = RepoSpec::parse(&url).unwrap();
                let got = (
                    spec.git_ref.as_str(),
                    spec.submodules.to_string(),
                    spec.timeout.as_secs().to_string(),
                );
                assert_eq!(got, (f[2], f[3].to_string(), f[4].to_string()), "{url}");
                checked += 1;
            }
            other => panic!("unknown line kind {other}"),
        }
    }
    // TestNewRepoSpecFromUrl_Permute: every host form with every repo, path and ref.
    for (raw, host) in &hosts {
        for repo in &repos {
            for path in &paths {
                for r in &refs {
                    let mut url = format!("{raw}{repo}");
                    if !path.is_empty() {
                        url = format!("{url}/{path}");
                    }
                    if !r.is_empty() {
                        url = format!("{url}?ref={r}");
                    }
                    let spec = RepoSpec::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
                    let got = [
                        spec.host.as_str(),
                        &spec.repo_path,
                        &spec.kust_root_path,
                        &spec.git_ref,
                    ];
                    assert_eq!(got, [*host, repo, path, r], "{url}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 16 * 2 * 3 * 5 + 15 + 47 + 16);
}

/// A source repository with bases to fetch: `base` (a ConfigMap),
/// `inner` (reaches `../base`), `filex` (reads a file outside its root),
/// `escape` (a base above the repository), `comp` (a component), and
/// `nested` (a remote base of its own, at `nested_url`). Tag `v1` and
/// branch `feature` point at the commit returned.
struct Source {
    _tmp: tempfile::TempDir,
    /// The repository (a directory named `src`).
    dir: PathBuf,
    /// The commit `v1` and `feature` name.
    sha: String,
}

fn source() -> Source {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("src");
    std::fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    let url = format!("file://{}", dir.display());
    write(
        &dir,
        "base/kustomization.yaml",
        "resources: [cm.yaml]\nnamePrefix: b-\n",
    );
    write(&dir, "base/cm.yaml", &configmap("c", "one"));
    write(
        &dir,
        "inner/kustomization.yaml",
        "resources: [../base]\nnameSuffix: -i\n",
    );
    write(
        &dir,
        "filex/kustomization.yaml",
        "resources: [../base/cm.yaml]\n",
    );
    write(&dir, "escape/kustomization.yaml", "resources: [../../..]\n");
    write(
        &dir,
        "comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  comp: yes-it-is\n",
    );
    write(
        &dir,
        "nested/kustomization.yaml",
        &format!("resources:\n- {url}//base?ref=v1\nnamePrefix: n-\n"),
    );
    let sha = commit(&dir, "one");
    git(&dir, &["tag", "v1"]);
    git(&dir, &["branch", "feature"]);
    Source {
        _tmp: tmp,
        dir,
        sha,
    }
}

impl Source {
    fn url(&self) -> String {
        format!("file://{}", self.dir.display())
    }
}

/// An app directory whose kustomization is `text`, and a fresh cache.
fn app(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    write(&app, "kustomization.yaml", text);
    let cache = tmp.path().join("cache");
    (tmp, app, cache)
}

fn strata_build(app: &Path, cache: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["build", ".", "--cache-dir", cache.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(app, &args)
}

#[test]
fn file_urls_match_the_oracle() {
    let Some(oracle) = oracle() else {
        eprintln!("skipped: the oracle (kubectl 1.37.1, kustomize v5.8.1) is not installed");
        return;
    };
    let src = source();
    let url = src.url();
    // A bare copy named `src.git`, for the `.git` split.
    let bare = src.dir.with_file_name("src.git");
    git(
        src.dir.parent().unwrap(),
        &["clone", "-q", "--bare", "src", bare.to_str().unwrap()],
    );
    let bare_url = format!("file://{}", bare.display());
    let sha = &src.sha;
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("resources:\n- {url}//base?ref={sha}\n"), vec![]),
        (format!("resources:\n- {url}//base?ref=v1\n"), vec![]),
        (
            format!("resources:\n- {url}//base?version=feature\n"),
            vec![],
        ),
        (format!("resources:\n- {url}//base\n"), vec![]),
        (
            format!("resources:\n- {url}//inner?ref=v1&timeout=61&submodules=false\n"),
            vec![],
        ),
        (format!("resources:\n- {bare_url}/inner?ref=v1\n"), vec![]),
        (format!("resources:\n- {url}//nested?ref=v1\n"), vec![]),
        (
            format!("resources:\n- {url}//base?ref=v1\ncomponents:\n- {url}//comp?ref=v1\n"),
            vec![],
        ),
        // Rejected by both: a remote base stays inside its own root,
        // whatever the build's restrictor, and inside its repository.
        (format!("resources:\n- {url}//filex?ref=v1\n"), vec![]),
        (
            format!("resources:\n- {url}//filex?ref=v1\n"),
            vec!["--load-restrictor", "LoadRestrictionsNone"],
        ),
        (format!("resources:\n- {url}//escape?ref=v1\n"), vec![]),
        (format!("resources:\n- {url}//missing?ref=v1\n"), vec![]),
        (
            format!("resources:\n- {url}//base?ref=no-such-ref\n"),
            vec![],
        ),
        (
            format!("resources:\n- {url}//base/cm.yaml?ref=v1\n"),
            vec![],
        ),
    ];
    let (mut compared, mut accepted) = (0, 0);
    for (text, flags) in &cases {
        let (_tmp, app, cache) = app(text);
        let (code, out, err) = strata_build(&app, &cache, flags);
        let (ok, want) = kustomize(&oracle, &app, flags);
        if ok {
            assert_eq!(code, 0, "{text}: {err}");
            assert_eq!(out, want, "{text}");
            accepted += 1;
        } else {
            assert_eq!(
                code, 1,
                "{text}: kustomize rejects it, strata printed {out}"
            );
            assert!(
                err.lines().any(|l| l.starts_with("error: ")),
                "{text}: {err}"
            );
        }
        compared += 1;
    }
    assert_eq!(compared, cases.len());
    // The first eight build (their outputs were compared), the rest fail.
    assert_eq!(accepted, 8);
}

#[test]
fn second_build_reads_the_cache_without_the_source() {
    let src = source();
    let (_tmp, app, cache) = app(&format!(
        "resources:\n- {}//inner?ref={}\n",
        src.url(),
        src.sha
    ));
    let first = strata_build(&app, &cache, &[]);
    assert_eq!(first.0, 0, "{}", first.2);
    assert!(first.1.contains("name: b-c-i"), "{}", first.1);
    // A full sha pins the content: no warning.
    assert_eq!(first.2, "", "a pinned ref warns of nothing");
    std::fs::remove_dir_all(&src.dir).unwrap();
    let second = strata_build(&app, &cache, &[]);
    assert_eq!(second, first, "the cache serves the pinned commit");
    assert_eq!(strata_build(&app, &cache, &["--offline"]), first);
}

#[test]
fn offline_on_an_empty_cache_fails_clearly() {
    let src = source();
    let (_tmp, app, cache) = app(&format!("resources:\n- {}//base?ref=v1\n", src.url()));
    let (code, out, err) = strata_build(&app, &cache, &["--offline"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.contains("offline: remote base") && err.contains("is not in the cache"),
        "{err}"
    );
    assert!(err.contains("ref 'v1' was never fetched"), "{err}");
}

#[test]
fn a_ref_that_is_not_a_sha_warns_and_resolves_at_fetch_time() {
    let src = source();
    let (_tmp, app, cache) = app(&format!("resources:\n- {}//base?ref=feature\n", src.url()));
    let (code, out, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("key: one"), "{out}");
    assert!(
        err.contains("Warning: remote base")
            && err.contains("is pinned to 'feature', not to a full commit sha")
            && err.contains(&src.sha),
        "{err}"
    );
    // The branch moves: an online build fetches it again.
    git(&src.dir, &["checkout", "-q", "feature"]);
    write(&src.dir, "base/cm.yaml", &configmap("c", "two"));
    let moved = commit(&src.dir, "two");
    let (code, out, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("key: two"), "{out}");
    assert!(err.contains(&moved), "{err}");
    // Offline, without the source, the last resolution is used.
    std::fs::remove_dir_all(&src.dir).unwrap();
    let (code, offline, err) = strata_build(&app, &cache, &["--offline"]);
    assert_eq!((code, offline), (0, out), "{err}");
    // Online, an unreachable source is an error naming the URL.
    let (code, _, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot fetch remote base"), "{err}");
}

#[test]
fn a_remote_base_that_includes_itself_is_a_cycle() {
    let src = source();
    let url = src.url();
    write(
        &src.dir,
        "loop/kustomization.yaml",
        &format!("resources:\n- {url}//loop\n"),
    );
    commit(&src.dir, "loop");
    let (_tmp, app, cache) = app(&format!("resources:\n- {url}//loop\n"));
    let (code, _, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("cycle detected"), "{err}");
}

/// A tiny HTTP server on a free local port answering `/cm.yaml` with a
/// ConfigMap, `/page` with text that is no YAML resource, and 404 elsewhere;
/// it serves until the test ends.
fn http_server() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // The rest of the request head.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = match path.as_str() {
                "/cm.yaml" => ("200 OK", configmap("web", "fetched")),
                "/page" => ("200 OK", "<html>no yaml</html>\n".to_string()),
                _ => ("404 Not Found", "not found\n".to_string()),
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn remote_files_over_http_match_the_oracle_and_are_cached() {
    let base = http_server();
    let cases = [
        format!("resources:\n- {base}/cm.yaml\nnamePrefix: p-\n"),
        format!("resources:\n- {base}/missing.yaml\n"),
        format!("resources:\n- {base}/page\n"),
    ];
    if let Some(oracle) = oracle() {
        let mut accepted = 0;
        for text in &cases {
            let (_tmp, app, cache) = app(text);
            let (code, out, err) = strata_build(&app, &cache, &[]);
            let (ok, want) = kustomize(&oracle, &app, &[]);
            assert_eq!(code, if ok { 0 } else { 1 }, "{text}: {err}");
            assert_eq!(out, want, "{text}");
            accepted += usize::from(ok);
        }
        // Only the ConfigMap builds: a 404 and a page that is no YAML fail.
        assert_eq!(accepted, 1);
    } else {
        eprintln!("skipped the oracle comparison: kubectl 1.37.1 is not installed");
    }
    let (_tmp, app, cache) = app(&cases[0]);
    let (code, _, err) = strata_build(&app, &cache, &["--offline"]);
    assert_eq!(code, 1);
    assert!(err.contains("offline: remote file"), "{err}");
    let (code, out, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("name: p-web"), "{out}");
    assert_eq!(strata_build(&app, &cache, &["--offline"]), (0, out, err));
    let (_tmp2, missing, cache2) = self::app(&cases[1]);
    let (code, _, err) = strata_build(&missing, &cache2, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("status code 404 (Not Found)"), "{err}");
}

/// git's configuration, through the environment, that lets submodules be
/// fetched over `file://` (git refuses that by default, CVE-2022-39253).
const ALLOW_FILE: [(&str, &str); 3] = [
    ("GIT_CONFIG_COUNT", "1"),
    ("GIT_CONFIG_KEY_0", "protocol.file.allow"),
    ("GIT_CONFIG_VALUE_0", "always"),
];

/// `strata build` of `app` with cache `cache`, `extra` flags and `env`.
fn strata_build_env(
    app: &Path,
    cache: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let out = Command::new(support::strata())
        .args(["build", ".", "--cache-dir", cache.to_str().unwrap()])
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(app)
        .output()
        .expect("strata runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Three repositories: `leaf` (a ConfigMap at its top), `sub` (`base`: a
/// ConfigMap and the submodule `deep`, which is `leaf`) and `top` (the
/// submodule `vendored`, which is `sub`; `wrap`, a base over
/// `vendored/base`; `own`, a base of its own files). The URLs in the
/// `.gitmodules` files are relative, as is usual. Returns the temporary
/// directory, `top` and its commit.
fn with_submodules() -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = |name: &str| {
        let d = tmp.path().join(name);
        std::fs::create_dir(&d).unwrap();
        git(&d, &["init", "-q"]);
        d
    };
    let add_sub = |dir: &Path, url: &str, path: &str| {
        git(
            dir,
            &[
                "-c",
                "protocol.file.allow=always",
                "submodule",
                "add",
                "-q",
                url,
                path,
            ],
        )
    };
    let leaf = repo("leaf");
    write(&leaf, "kustomization.yaml", "resources: [cm.yaml]\n");
    write(&leaf, "cm.yaml", &configmap("leaf", "deep"));
    commit(&leaf, "leaf");
    let sub = repo("sub");
    write(
        &sub,
        "base/kustomization.yaml",
        "resources: [cm.yaml, ../deep]\nnamePrefix: s-\n",
    );
    write(&sub, "base/cm.yaml", &configmap("c", "sub"));
    add_sub(&sub, "../leaf", "deep");
    commit(&sub, "sub");
    let top = repo("top");
    add_sub(&top, "../sub", "vendored");
    write(
        &top,
        "wrap/kustomization.yaml",
        "resources: [../vendored/base]\nnameSuffix: -w\n",
    );
    write(&top, "own/kustomization.yaml", "resources: [cm.yaml]\n");
    write(&top, "own/cm.yaml", &configmap("own", "top"));
    let sha = commit(&top, "top");
    (tmp, top, sha)
}

#[test]
fn submodules_are_fetched_as_kustomize_fetches_them() {
    let (tmp, top, sha) = with_submodules();
    let url = format!("file://{}", top.display());
    // (kustomization, git allows file:// submodules, builds).
    let cases = [
        (
            format!("resources:\n- {url}//vendored/base?ref={sha}\n"),
            true,
            true,
        ),
        (format!("resources:\n- {url}//wrap?ref={sha}\n"), true, true),
        (
            format!("resources:\n- {url}//own?ref={sha}&submodules=false\n"),
            false,
            true,
        ),
        // Without its submodules the directory is empty.
        (
            format!("resources:\n- {url}//vendored/base?ref={sha}&submodules=false\n"),
            true,
            false,
        ),
        // Submodules are fetched before the build, read or not: git's
        // refusal fails it.
        (
            format!("resources:\n- {url}//own?ref={sha}\n"),
            false,
            false,
        ),
    ];
    let oracle = oracle();
    if oracle.is_none() {
        eprintln!("skipped the oracle comparison: kubectl 1.37.1 is not installed");
    }
    let mut outputs = Vec::new();
    for (text, allow, builds) in &cases {
        let env: &[(&str, &str)] = if *allow { &ALLOW_FILE } else { &[] };
        let (_t, app, cache) = app(text);
        let (code, out, err) = strata_build_env(&app, &cache, &[], env);
        assert_eq!(code, if *builds { 0 } else { 1 }, "{text}: {err}");
        if let Some(oracle) = &oracle {
            let want = Command::new(oracle)
                .arg("kustomize")
                .arg(&app)
                .envs(env.iter().copied())
                .output()
                .unwrap();
            assert_eq!(want.status.success(), *builds, "{text}: the oracle");
            assert_eq!(out, String::from_utf8_lossy(&want.stdout), "{text}");
        }
        if !*allow && !*builds {
            assert!(err.contains("transport 'file' not allowed"), "{err}");
        }
        outputs.push(out);
    }
    // The submodule of the submodule is read too.
    assert!(outputs[1].contains("name: s-leaf-w"), "{}", outputs[1]);
    // Offline, with every source gone, the cache serves all three trees.
    let (_t, app, cache) = app(&cases[1].0);
    assert_eq!(strata_build_env(&app, &cache, &[], &ALLOW_FILE).0, 0);
    std::fs::remove_dir_all(tmp.path().join("leaf")).unwrap();
    std::fs::remove_dir_all(tmp.path().join("sub")).unwrap();
    std::fs::remove_dir_all(&top).unwrap();
    let (code, out, err) = strata_build_env(&app, &cache, &["--offline"], &ALLOW_FILE);
    assert_eq!((code, out.as_str()), (0, outputs[1].as_str()), "{err}");
}

#[test]
fn builds_racing_on_a_fresh_cache_all_succeed() {
    let src = source();
    let (_tmp, app, _) = app(&format!("resources:\n- {}//base?ref=v1\n", src.url()));
    // Several rounds: each starts four processes on an empty cache at once
    // (without the lock about one round in five failed).
    for round in 0..15 {
        let cache = app.with_file_name(format!("cache{round}"));
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(support::strata())
                    .args(["build", ".", "--cache-dir", cache.to_str().unwrap()])
                    .current_dir(&app)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        for o in &outs {
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(o.stdout, outs[0].stdout);
        }
        // One repository, no half-made one beside it.
        let entries: Vec<String> = std::fs::read_dir(cache.join("repos"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".lock"))
            .collect();
        assert_eq!(entries.len(), 1, "{entries:?}");
        let (code, out, err) = strata_build(&app, &cache, &["--offline"]);
        assert_eq!(
            (code, out.into_bytes()),
            (0, outs[0].stdout.clone()),
            "{err}"
        );
    }
}

#[test]
fn git_subcommands_render_remote_bases_as_build_does() {
    // The remote source: commit `one`, then `two` (the ConfigMap changes).
    let src = source();
    let one = src.sha.clone();
    write(&src.dir, "base/cm.yaml", &configmap("c", "two"));
    let two = commit(&src.dir, "two");
    // A repository whose environment `prod` moves from `one` to `two`.
    let tmp = support::init();
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let cache = tmp.path().join("cache");
    let cache_dir = cache.to_str().unwrap();
    let env = |sha: &str| format!("resources:\n- {}//base?ref={sha}\n", src.url());
    write(&repo, "envs/prod/kustomization.yaml", &env(&one));
    commit(&repo, "one");
    let (code, out, err) = run(&repo, &["hydrate", "--cache-dir", cache_dir]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("env/prod: (new) -> "), "{out}");
    let manifest = git(&repo, &["show", "env/prod:prod/manifest.yaml"]);
    let (_, built, _) = strata_build(&repo.join("envs/prod"), &cache, &[]);
    assert_eq!(format!("{manifest}\n"), built, "hydrate renders as build");
    assert!(manifest.contains("key: one"), "{manifest}");
    write(&repo, "envs/prod/kustomization.yaml", &env(&two));
    commit(&repo, "two");

    let (code, out, err) = run(
        &repo,
        &["affected", "HEAD~1..HEAD", "--cache-dir", cache_dir],
    );
    assert_eq!((code, out.as_str()), (0, "prod\n"), "{err}");
    let (code, out, err) = run(
        &repo,
        &[
            "diff",
            "HEAD~1..HEAD",
            "--cache-dir",
            cache_dir,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"changed\"") && out.contains("key: two"),
        "{out}"
    );
    // The branch holds `one`'s output: stale.
    let (code, out, err) = run(&repo, &["check", "--cache-dir", cache_dir]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("prod"), "{out}");
    let (code, _, err) = run(&repo, &["hydrate", "--cache-dir", cache_dir]);
    assert_eq!(code, 0, "{err}");
    // From the cache alone, everything renders the same.
    std::fs::remove_dir_all(&src.dir).unwrap();
    for args in [
        vec!["check"],
        vec!["affected", "HEAD~1..HEAD"],
        vec!["diff", "HEAD~1..HEAD", "--exit-code"],
    ] {
        let mut all = args.clone();
        all.extend(["--offline", "--cache-dir", cache_dir]);
        let (code, out, err) = run(&repo, &all);
        let want = match args[0] {
            "check" => 0,
            _ => i32::from(args[0] == "diff"),
        };
        assert_eq!(code, want, "{args:?}: {out}{err}");
    }
    // Offline with an empty cache: a clear error, not a silent pass
    // (`--all`: without it nothing changed since the hydrated source, so
    // nothing is rendered).
    let empty = tmp.path().join("empty");
    let (code, _, err) = run(
        &repo,
        &[
            "check",
            "--all",
            "--offline",
            "--cache-dir",
            empty.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is not in the cache"), "{err}");
}

/// A smart-HTTP git server on a free local port: `git http-backend` (CGI)
/// serving the repositories under `root`, behind a minimal HTTP/1.1 server
/// (one request per connection, bodies by length or chunked). It serves
/// until the test ends; the URL is returned.
fn git_http_server(root: &Path) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or("GET").to_string();
                let target = parts.next().unwrap_or("/").to_string();
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) <= 2 {
                        break;
                    }
                    if let Some((k, v)) = h.trim_end().split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                    }
                }
                let header = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let mut body = Vec::new();
                if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
                    loop {
                        let mut size = String::new();
                        reader.read_line(&mut size).unwrap();
                        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
                        let mut chunk = vec![0; n + 2];
                        reader.read_exact(&mut chunk).unwrap();
                        if n == 0 {
                            break;
                        }
                        body.extend_from_slice(&chunk[..n]);
                    }
                } else if let Some(n) = header("content-length").and_then(|v| v.parse().ok()) {
                    body.resize(n, 0);
                    reader.read_exact(&mut body).unwrap();
                }
                let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                let mut cgi = Command::new("git");
                cgi.arg("http-backend")
                    .env("GIT_PROJECT_ROOT", &root)
                    .env("GIT_HTTP_EXPORT_ALL", "1")
                    .env("REQUEST_METHOD", &method)
                    .env("PATH_INFO", path)
                    .env("QUERY_STRING", query)
                    .env("REMOTE_ADDR", "127.0.0.1")
                    .env("CONTENT_LENGTH", body.len().to_string())
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::null());
                for (h, var) in [
                    ("content-type", "CONTENT_TYPE"),
                    ("content-encoding", "HTTP_CONTENT_ENCODING"),
                    ("git-protocol", "GIT_PROTOCOL"),
                ] {
                    if let Some(v) = header(h) {
                        cgi.env(var, v);
                    }
                }
                let mut child = cgi.spawn().unwrap();
                let mut stdin = child.stdin.take().unwrap();
                std::thread::spawn(move || stdin.write_all(&body));
                let out = child.wait_with_output().unwrap().stdout;
                // The CGI answer: headers (a `Status:` among them), a blank
                // line, the body.
                let split = out
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map(|i| (i, 4))
                    .or_else(|| out.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
                let (head, content) = match split {
                    Some((i, n)) => (
                        String::from_utf8_lossy(&out[..i]).into_owned(),
                        &out[i + n..],
                    ),
                    None => (String::new(), &out[..]),
                };
                let mut status = "200 OK".to_string();
                let mut reply = String::new();
                for h in head.lines() {
                    match h.strip_prefix("Status:") {
                        Some(s) => status = s.trim().to_string(),
                        None => reply.push_str(&format!("{h}\r\n")),
                    }
                }
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{reply}Content-Length: {}\r\nConnection: close\r\n\r\n",
                    content.len()
                );
                let _ = stream.write_all(content);
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn smart_http_repositories_match_the_oracle_and_are_cached() {
    let src = source();
    let served = src.dir.with_file_name("served");
    std::fs::create_dir(&served).unwrap();
    git(
        src.dir.parent().unwrap(),
        &[
            "clone",
            "-q",
            "--bare",
            "src",
            served.join("src.git").to_str().unwrap(),
        ],
    );
    let base = git_http_server(&served);
    let sha = &src.sha;
    let cases = [
        format!("resources:\n- {base}/src.git//inner?ref={sha}\n"),
        format!("resources:\n- {base}/src.git//base?ref=v1\nnamePrefix: t-\n"),
        format!("resources:\n- {base}/src.git//nested?ref=feature\n"),
        format!("resources:\n- {base}/missing.git//base?ref=v1\n"),
    ];
    let oracle = oracle();
    if oracle.is_none() {
        eprintln!("skipped the oracle comparison: kubectl 1.37.1 is not installed");
    }
    let mut first = None;
    for (i, text) in cases.iter().enumerate() {
        let (tmp, app, cache) = app(text);
        let (code, out, err) = strata_build(&app, &cache, &[]);
        assert_eq!(code, if i < 3 { 0 } else { 1 }, "{text}: {err}");
        if let Some(oracle) = &oracle {
            let (ok, want) = kustomize(oracle, &app, &[]);
            assert_eq!(ok, i < 3, "{text}: the oracle");
            assert_eq!(out, want, "{text}");
        }
        if i == 0 {
            assert!(out.contains("name: b-c-i"), "{out}");
            first = Some((tmp, app, cache, out));
        }
    }
    // The served repository gone, the pinned commit comes from the cache.
    let (_tmp, app, cache, out) = first.unwrap();
    std::fs::remove_dir_all(&served).unwrap();
    assert_eq!(
        strata_build(&app, &cache, &[]),
        (0, out.clone(), String::new())
    );
    assert_eq!(
        strata_build(&app, &cache, &["--offline"]),
        (0, out, String::new())
    );
}

#[test]
fn fetches_are_shallow_as_kustomizes_depth_one() {
    let src = source();
    let one = src.sha.clone();
    write(&src.dir, "base/cm.yaml", &configmap("c", "two"));
    let two = commit(&src.dir, "two");
    let (_tmp, app, cache) = app(&format!("resources:\n- {}//base?ref={two}\n", src.url()));
    let (code, out, err) = strata_build(&app, &cache, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("key: two"), "{out}");
    let repos: Vec<PathBuf> = std::fs::read_dir(cache.join("repos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    let [repo] = repos.as_slice() else {
        panic!("one cached repository: {repos:?}")
    };
    let has = |sha: &str| {
        Command::new("git")
            .args(["cat-file", "-e", &format!("{sha}^{{commit}}")])
            .current_dir(repo)
            .status()
            .unwrap()
            .success()
    };
    // The commit asked for, not its parent: no history.
    assert!(has(&two));
    assert!(!has(&one), "the parent commit was fetched too");
    let shallow = std::fs::read_to_string(repo.join("shallow")).unwrap();
    assert_eq!(shallow.trim(), two);
}
