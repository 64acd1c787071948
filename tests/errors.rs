//! Every error names its file and line (and the kustomization entry that
//! led there) and says what was expected; the command line renders it with
//! the source line and a caret, plain or coloured, or as JSON.
//!
//! Each case is a small tree written here; whether kustomize rejects it
//! was checked with the oracle (kustomize v5.8.1): every case below is
//! rejected by kustomize too.

use std::path::{Path, PathBuf};
use std::process::Command;
use strata::{build_dir, BuildOptions};

/// Writes `files` (path, content) under a fresh directory.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// The build's error.
fn fails(dir: &Path) -> strata::Error {
    match build_dir(dir, &BuildOptions::default()).result {
        Ok(_) => panic!("{}: expected an error", dir.display()),
        Err(e) => e,
    }
}

/// Asserts the one-line message names `file` at `line` and holds each of `needles`.
fn assert_names(e: &strata::Error, file: &Path, line: usize, needles: &[&str]) {
    let text = e.to_string();
    let at = format!("{}:{line}:", file.display());
    assert!(text.contains(&at), "lacks {at:?}: {text}");
    for n in needles {
        assert!(text.contains(n), "lacks {n:?}: {text}");
    }
}

const CM: &[u8] = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n";

#[test]
fn a_null_resources_entry_names_the_kustomization_line() {
    let t = tree(&[("kustomization.yaml", b"namePrefix: p-\nresources: [ ~ ]\n")]);
    let e = fails(t.path());
    let k = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &k,
        2,
        &[
            "resources[0]",
            "new root cannot be empty",
            "expected the path",
        ],
    );
    assert_eq!(e.file(), Some(k.as_path()));
    assert_eq!(e.position(), Some((2, 14)));
}

#[test]
fn a_missing_resource_names_the_entry_and_the_file() {
    let t = tree(&[
        ("kustomization.yaml", b"resources:\n- a.yaml\n- gone.yaml\n"),
        ("a.yaml", CM),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        3,
        &["resources[1]", "gone.yaml"],
    );
    // The error's own file is the one that could not be read; the entry
    // is a located step of its context.
    assert_eq!(e.file(), Some(root.join("gone.yaml").as_path()));
    let entry = e.contexts().iter().find_map(|c| c.location()).unwrap();
    assert_eq!(entry.position(), Some((3, 3)));
}

#[test]
fn a_syntax_error_in_a_patch_file_keeps_the_reason_and_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: patch.yaml\n",
        ),
        ("cm.yaml", CM),
        (
            "patch.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {x: [1, }\nz: 1\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    let text = e.to_string();
    assert_names(&e, &root.join("kustomization.yaml"), 4, &["patches[0]"]);
    assert!(
        text.contains(&format!("{}:5:", root.join("patch.yaml").display())),
        "{text}"
    );
    // kustomize's words, then the parser's own reason.
    assert!(text.contains("unable to parse SM or JSON patch"), "{text}");
    assert!(
        text.contains("did not find expected node content"),
        "{text}"
    );
    assert_eq!(e.kind(), strata::ErrorKind::Syntax);
}

#[test]
fn an_alias_bomb_in_a_patch_file_names_the_file_and_the_limit() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    bomb.push_str("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: patch.yaml\n",
        ),
        ("cm.yaml", CM),
        ("patch.yaml", bomb.as_bytes()),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    let text = e.to_string();
    assert_names(&e, &root.join("kustomization.yaml"), 4, &["patches[0]"]);
    assert!(
        text.contains(&format!("{}:", root.join("patch.yaml").display())),
        "{text}"
    );
    assert!(text.contains("excessive aliasing"), "{text}");
}

#[test]
fn a_bad_env_file_line_names_the_env_file_and_the_generator() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"configMapGenerator:\n- name: g\n  envs:\n  - a.env\n",
        ),
        ("a.env", b"A=1\nB=\xff\xfe\n"),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        2,
        &["configMapGenerator[0]", "invalid utf8"],
    );
    assert_eq!(e.file(), Some(root.join("a.env").as_path()));
    assert_eq!(e.position(), Some((2, 1)));
}

#[test]
fn a_missing_file_source_names_the_file_and_the_generator() {
    let t = tree(&[(
        "kustomization.yaml",
        b"secretGenerator:\n- name: s\n  files:\n  - k=missing.txt\n",
    )]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        2,
        &["secretGenerator[0]", "missing.txt"],
    );
    assert_eq!(e.file(), Some(root.join("missing.txt").as_path()));
}

#[test]
fn a_syntax_error_in_a_replacements_source_names_its_file_and_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\nreplacements:\n- path: r.yaml\n",
        ),
        ("cm.yaml", CM),
        (
            "r.yaml",
            b"- source:\n    kind: ConfigMap\n    fieldPath: data.x\n  targets: [\n- x\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        4,
        &["replacements[0]", "did not find expected node content"],
    );
    assert_at(&e, &root.join("r.yaml"), 5, Some(1));
}

#[test]
fn a_non_finite_float_names_the_resource_file_and_line() {
    let t = tree(&[
        ("kustomization.yaml", b"resources:\n- cm.yaml\n"),
        (
            "cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nspec:\n  v: .inf\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("cm.yaml"),
        6,
        &["json: unsupported value: +Inf", "spec.v", "ConfigMap"],
    );
}

// ---- the command line ----

fn strata(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("strata runs")
}

fn null_entry_tree() -> tempfile::TempDir {
    tree(&[("kustomization.yaml", b"namePrefix: p-\nresources: [ ~ ]\n")])
}

#[test]
fn the_cli_shows_the_source_line_and_a_caret_plain_when_piped() {
    let t = null_entry_tree();
    let out = strata(&["build", "."], t.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let mut lines = err.lines();
    let first = lines.next().unwrap();
    assert!(first.starts_with("error: "), "{err}");
    assert!(
        first.contains("kustomization.yaml:2:14: resources[0]"),
        "{err}"
    );
    assert!(err.contains("2 | resources: [ ~ ]"), "{err}");
    // The caret under column 14 of the source line.
    let caret = err.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
    let src = err
        .lines()
        .find(|l| l.contains("resources: [ ~ ]"))
        .unwrap();
    assert_eq!(caret.find('^'), src.find('~'), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour when piped: {err}");
}

#[test]
fn color_always_colours_and_never_does_not() {
    let t = null_entry_tree();
    let always = strata(&["--color", "always", "build", "."], t.path());
    assert!(String::from_utf8_lossy(&always.stderr).contains('\u{1b}'));
    let never = strata(&["build", ".", "--color", "never"], t.path());
    let err = String::from_utf8(never.stderr).unwrap();
    assert!(
        err.starts_with("error: ") && !err.contains('\u{1b}'),
        "{err}"
    );
}

#[test]
fn error_format_json_has_the_documented_shape() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: patch.yaml\n",
        ),
        ("cm.yaml", CM),
        ("patch.yaml", b"kind: ConfigMap\nmetadata: {name: [a, }\n"),
    ]);
    let out = strata(&["build", ".", "--error-format", "json"], t.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(v["kind"], "syntax");
    assert!(v["file"].as_str().unwrap().ends_with("patch.yaml"), "{v}");
    assert_eq!(v["line"], 2);
    assert!(v["column"].as_u64().is_some(), "{v}");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("unable to parse SM or JSON patch"));
    let c = &v["contexts"][0];
    assert_eq!(c["what"], "patches[0]");
    assert!(c["file"].as_str().unwrap().ends_with("kustomization.yaml"));
    assert_eq!(c["line"], 4);
    assert_eq!(c["column"], 3);
    assert!(v["text"].as_str().unwrap().contains("patches[0]"));
}

#[test]
fn a_url_as_the_build_target_says_remote_targets_are_unsupported() {
    let t = tempfile::tempdir().unwrap();
    for url in [
        "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.8.1",
        "github.com/owner/repo",
    ] {
        let out = strata(&["build", url, "--error-format", "json"], t.path());
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(v["kind"], "unsupported", "{v}");
        let m = v["message"].as_str().unwrap();
        assert!(m.contains(url) && m.contains("remote"), "{m}");
    }
}

#[test]
fn output_failures_name_the_path() {
    let t = tree(&[
        ("kustomization.yaml", b"resources:\n- cm.yaml\n"),
        ("cm.yaml", CM),
    ]);
    let target: PathBuf = t.path().join("no/such/dir/out.yaml");
    let out = strata(&["build", ".", "-o", target.to_str().unwrap()], t.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(target.to_str().unwrap()), "{err}");
}

// ---- the alias budget ----

/// A document whose levels `l0..l{n-1}` each alias the one before ten
/// times: 10^n copies of 10 written nodes.
fn laughs(n: usize, indent: &str) -> String {
    let mut s = format!("{indent}l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..n {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        s.push_str(&format!("{indent}l{i}: &l{i} [{refs}]\n"));
    }
    s
}

#[test]
fn aliasing_in_a_kustomization_is_refused_early_as_kustomize_does() {
    // kustomize: `invalid Kustomization: yaml: document contains excessive
    // aliasing` for this (10^5 copies), in 0.45 s.
    let k = format!("metadata:\n  annotations:\n{}", laughs(5, "    "));
    let t = tree(&[("kustomization.yaml", k.as_bytes())]);
    let started = std::time::Instant::now();
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert!(e.message().contains("excessive aliasing"), "{e}");
    assert_eq!(e.file(), Some(file.as_path()));
    assert!(e.position().is_some(), "{e}");
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[test]
fn the_same_aliasing_in_a_resource_builds_as_in_kustomize() {
    // kustomize renders 10^5 alias copies in a resource (0.75 s).
    let cm = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nspec:\n{}",
        laughs(5, "  ")
    );
    let t = tree(&[
        ("kustomization.yaml", b"resources:\n- cm.yaml\n"),
        ("cm.yaml", cm.as_bytes()),
    ]);
    assert!(build_dir(t.path(), &BuildOptions::default()).result.is_ok());
}

// ---- replacements, JSON 6902 patches, inline patches ----

/// Asserts the error's own place is `file` at `line` (and `column` when
/// given).
fn assert_at(e: &strata::Error, file: &Path, line: usize, column: Option<usize>) {
    assert_eq!(e.file(), Some(file), "{e}");
    let (l, c) = e.position().unwrap_or_else(|| panic!("no position: {e}"));
    assert_eq!(l, line, "{e}");
    if let Some(col) = column {
        assert_eq!(c, col, "{e}");
    }
}

const CM_TARGET_X: &str = "  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.x]\n";

#[test]
fn a_replacement_whose_source_selects_nothing_names_its_entry_line() {
    let k = format!(
        "resources:\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: a\n    fieldPath: data.x\n{CM_TARGET_X}- source:\n    kind: Secret\n    name: nope\n{CM_TARGET_X}"
    );
    let t = tree(&[("kustomization.yaml", k.as_bytes()), ("cm.yaml", CM)]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &file,
        11,
        &["replacements[1]", "nothing selected by Secret"],
    );
    assert_at(&e, &file, 11, Some(3));
}

#[test]
fn a_replacement_target_field_not_found_names_its_entry_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    fieldPath: data.x\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [\"data.[x=1\"]\n",
        ),
        ("cm.yaml", CM),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &file,
        4,
        &["replacements[0]", "unable to find field \"data.[x=1\""],
    );
}

#[test]
fn a_replacement_from_a_path_file_names_the_entry_and_the_item_line() {
    let r = format!(
        "- source:\n    kind: ConfigMap\n    fieldPath: data.x\n{CM_TARGET_X}- source:\n    kind: ConfigMap\n    fieldPath: data.nope\n{CM_TARGET_X}"
    );
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\nreplacements:\n- path: r.yaml\n",
        ),
        ("cm.yaml", CM),
        ("r.yaml", r.as_bytes()),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        4,
        &["replacements[0]", "fieldPath `data.nope` is missing"],
    );
    assert_names(&e, &root.join("r.yaml"), 7, &["item 1 of r.yaml"]);
    assert_at(&e, &root.join("r.yaml"), 7, Some(3));
}

#[test]
fn a_json_patch_file_op_that_fails_names_the_op_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- path: p.yaml\n  target:\n    kind: ConfigMap\n",
        ),
        ("cm.yaml", CM),
        (
            "p.yaml",
            b"- op: add\n  path: /data/z\n  value: 1\n- op: replace\n  path: /nope/q\n  value: 2\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        4,
        &["patches[0]", "doc is missing path: /nope/q"],
    );
    assert_at(&e, &root.join("p.yaml"), 4, Some(3));
}

/// A `patchesJson6902:` entry for the ConfigMap, its patch in `p.json`.
const JSON6902_K: &[u8] = b"resources:\n- cm.yaml\npatchesJson6902:\n- path: p.json\n  target:\n    version: v1\n    kind: ConfigMap\n    name: a\n";

#[test]
fn a_bad_op_in_a_json_patch_file_names_its_line() {
    let t = tree(&[
        ("kustomization.yaml", JSON6902_K),
        ("cm.yaml", CM),
        (
            "p.json",
            b"[\n {\"op\": \"add\", \"path\": \"/data/z\", \"value\": 1},\n {\"op\": \"bogus\", \"path\": \"/data/x\"}\n]\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        4,
        &["patchesJson6902[0]", "Unexpected kind: bogus"],
    );
    assert_at(&e, &root.join("p.json"), 3, Some(2));
}

#[test]
fn a_syntax_error_in_a_json_patch_file_names_its_line_and_reason() {
    let t = tree(&[
        ("kustomization.yaml", JSON6902_K),
        ("cm.yaml", CM),
        (
            "p.json",
            b"[\n {\"op\": \"add\", \"path\": \"/data/z\", \"value\": 1},\n {\"op\": \"add\" \"path\": \"/data/x\"}\n]\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        4,
        &["patchesJson6902[0]", "did not find expected ',' or '}'"],
    );
    assert_at(&e, &root.join("p.json"), 3, None);
    assert_eq!(e.kind(), strata::ErrorKind::Syntax);
}

#[test]
fn a_failed_test_op_in_an_inline_patch_names_the_kustomization_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: add\n      path: /data/z\n      value: 1\n    - op: test\n      path: /data/x\n      value: q\n",
        ),
        ("cm.yaml", CM),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &file,
        4,
        &["patches[0]", "testing value /data/x failed"],
    );
    // `- op: test`, the text's line 4, at the block's indentation.
    assert_at(&e, &file, 10, Some(7));
}

#[test]
fn an_inline_patch_after_blank_lines_maps_its_lines() {
    // The block's leading blank line is trimmed before parsing; the op
    // that fails is the file's line 9, column 6.
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |\n\n    [{\"op\": \"add\", \"path\": \"/data/z\", \"value\": 1},\n     {\"op\": \"move\", \"from\": \"/data/q\", \"path\": \"/data/w\"}]\n",
        ),
        ("cm.yaml", CM),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(&e, &file, 4, &["Unable to remove nonexistent key: q"]);
    assert_at(&e, &file, 9, Some(6));
}

#[test]
fn a_syntax_error_in_an_inline_smp_names_the_kustomization_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    data: {x: [1, }\n",
        ),
        ("cm.yaml", CM),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &file,
        4,
        &[
            "patches[0]",
            "unable to parse SM or JSON patch",
            "did not find expected node content",
        ],
    );
    assert_at(&e, &file, 9, Some(19));
    assert_eq!(e.kind(), strata::ErrorKind::Syntax);
}

#[test]
fn an_error_in_a_quoted_inline_patch_names_the_patch_value() {
    // Not a block: positions inside the string are not the file's, so
    // the error points at the string.
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: \"[{\\\"op\\\": \\\"remove\\\", \\\"path\\\": \\\"/nope\\\"}]\"\n",
        ),
        ("cm.yaml", CM),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(&e, &file, 4, &["Unable to remove nonexistent key: nope"]);
    assert_at(&e, &file, 5, Some(10));
}

#[test]
fn a_json_patch_of_a_transformer_config_names_the_op_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\ntransformers:\n- t.yaml\n",
        ),
        ("cm.yaml", CM),
        (
            "t.yaml",
            b"apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: p.yaml\ntarget:\n  kind: ConfigMap\n",
        ),
        (
            "p.yaml",
            b"- op: add\n  path: /data/z\n  value: 1\n- op: remove\n  path: /data/nope\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("p.yaml"),
        4,
        &["Unable to remove nonexistent key: nope"],
    );
    assert_at(&e, &root.join("p.yaml"), 4, Some(3));
}

#[test]
fn a_patches_strategic_merge_file_matching_nothing_names_its_entry_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatchesStrategicMerge:\n- p1.yaml\n- p2.yaml\n",
        ),
        ("cm.yaml", CM),
        (
            "p1.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  q: r\n",
        ),
        (
            "p2.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\ndata: {x: 1}\n",
        ),
    ]);
    let e = fails(t.path());
    let file = t.path().canonicalize().unwrap().join("kustomization.yaml");
    assert_names(
        &e,
        &file,
        5,
        &[
            "patchesStrategicMerge[1]",
            "no resource matches strategic merge patch",
        ],
    );
    assert_at(&e, &file, 5, Some(3));
}

#[test]
fn a_syntax_error_in_a_patches_strategic_merge_file_names_its_entry_and_line() {
    let t = tree(&[
        (
            "kustomization.yaml",
            b"resources:\n- cm.yaml\npatchesStrategicMerge:\n- p1.yaml\n- p2.yaml\n",
        ),
        ("cm.yaml", CM),
        (
            "p1.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  q: r\n",
        ),
        (
            "p2.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {x: [1, }\n",
        ),
    ]);
    let e = fails(t.path());
    let root = t.path().canonicalize().unwrap();
    assert_names(
        &e,
        &root.join("kustomization.yaml"),
        5,
        &[
            "patchesStrategicMerge[1]",
            "did not find expected node content",
        ],
    );
    assert_at(&e, &root.join("p2.yaml"), 5, Some(15));
}
