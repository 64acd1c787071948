//! Environments: discovered from the layout or listed in `strata.yaml`,
//! read alike from a working tree and from a revision; the file is strictly
//! decoded with file:line errors.

mod support;

use std::path::Path;
use strata::{environments, DiskFs, ErrorKind, GitFs, LoadRestrictor, Reorder};
use support::*;

fn names(envs: &strata::Environments) -> Vec<(String, String)> {
    envs.list
        .iter()
        .map(|e| (e.name.clone(), e.source.display().to_string()))
        .collect()
}

fn kust(resources: &[&str]) -> String {
    format!(
        "resources:\n{}",
        resources
            .iter()
            .map(|r| format!("- {r}\n"))
            .collect::<String>()
    )
}

/// A layout with roots under each conventional directory name, at several
/// depths, plus directories that must not count.
fn layout(top: &Path) {
    write(top, "base/kustomization.yaml", &kust(&["cm.yaml"]));
    write(top, "base/cm.yaml", &configmap("cfg", "v"));
    write(
        top,
        "overlays/prod/kustomization.yaml",
        &kust(&["../../base"]),
    );
    write(
        top,
        "overlays/staging/kustomization.yml",
        &kust(&["../../base"]),
    );
    // Not a root: no kustomization file.
    write(top, "overlays/notes/README.md", "hi\n");
    write(top, "envs/qa/Kustomization", &kust(&["../../base"]));
    write(
        top,
        "team/a/clusters/east/kustomization.yaml",
        &kust(&["../../../../base"]),
    );
    // Same leaf name as overlays/prod: both named by path.
    write(
        top,
        "team/a/environments/prod/kustomization.yaml",
        &kust(&["../../../../base"]),
    );
    // A root, but not under a conventional name.
    write(top, "apps/web/kustomization.yaml", &kust(&["../../base"]));
    // Hidden directories are skipped.
    write(top, ".github/overlays/x/kustomization.yaml", &kust(&[]));
}

#[test]
fn discovery_finds_roots_under_conventional_names_at_any_depth() {
    let tmp = init();
    let r = tmp.path();
    layout(r);
    commit(r, "layout");
    let want = vec![
        ("east".to_string(), "team/a/clusters/east".to_string()),
        ("overlays/prod".into(), "overlays/prod".into()),
        ("qa".into(), "envs/qa".into()),
        ("staging".into(), "overlays/staging".into()),
        (
            "team/a/environments/prod".into(),
            "team/a/environments/prod".into(),
        ),
    ];
    let disk = environments(&DiskFs, r).unwrap();
    assert!(!disk.configured);
    assert_eq!(names(&disk), want, "working tree");
    let head = environments(&GitFs::open(r, "HEAD").unwrap(), Path::new("/")).unwrap();
    assert_eq!(names(&head), want, "HEAD");
    let qa = disk.get("qa").unwrap();
    assert_eq!((qa.branch.as_str(), qa.path.as_str()), ("env/qa", "qa"));

    // The CLI prints the same, for the working tree and for a revision.
    write(r, "overlays/new/kustomization.yaml", &kust(&[]));
    let (code, out, err) = run(r, &["envs"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("new\toverlays/new\n"), "{out}");
    let (code, out, err) = run(
        &r.join("team"),
        &["envs", "--ref", "HEAD", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let listed: Vec<&str> = j["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "east",
            "overlays/prod",
            "qa",
            "staging",
            "team/a/environments/prod"
        ]
    );
    assert_eq!(j["configured"], false);
}

#[test]
fn strata_yaml_lists_environments_with_flags_and_defaults() {
    let tmp = init();
    let r = tmp.path();
    layout(r);
    write(
        r,
        "strata.yaml",
        "environments:\n\
         - name: web\n  source: apps/web\n  loadRestrictor: LoadRestrictionsNone\n  reorder: none\n  managedByLabel: true\n  branch: hydrated/web\n  path: out/web\n\
         - name: prod\n  source: ./overlays/prod\n",
    );
    commit(r, "config");
    for envs in [
        environments(&DiskFs, r).unwrap(),
        environments(&GitFs::open(r, "HEAD").unwrap(), Path::new("/")).unwrap(),
    ] {
        assert!(envs.configured);
        // Only the listed ones; discovery is off.
        assert_eq!(
            names(&envs),
            [
                ("prod".to_string(), "overlays/prod".to_string()),
                ("web".into(), "apps/web".into())
            ]
        );
        let web = envs.get("web").unwrap();
        assert_eq!(web.options.restrictor, LoadRestrictor::None);
        assert_eq!(web.options.reorder, Reorder::None);
        assert!(web.options.managed_by_label);
        assert_eq!(
            (web.branch.as_str(), web.path.as_str()),
            ("hydrated/web", "out/web")
        );
        let prod = envs.get("prod").unwrap();
        assert_eq!(prod.options.restrictor, LoadRestrictor::RootOnly);
        assert_eq!(prod.options.reorder, Reorder::Unspecified);
        assert!(!prod.options.managed_by_label);
        assert_eq!(
            (prod.branch.as_str(), prod.path.as_str()),
            ("env/prod", "prod")
        );
    }
}

/// Decodes `text` as strata.yaml in a tree holding the layout.
fn config_error(text: &str) -> strata::Error {
    let tmp = init();
    let r = tmp.path();
    layout(r);
    write(r, "strata.yaml", text);
    commit(r, "config");
    let disk = environments(&DiskFs, r).unwrap_err();
    let git = environments(&GitFs::open(r, "HEAD").unwrap(), Path::new("/")).unwrap_err();
    // The same error either way, the file named as each source names it.
    assert_eq!(disk.message(), git.message());
    assert_eq!(disk.position(), git.position());
    assert_eq!(git.file().unwrap(), Path::new("HEAD:strata.yaml"));
    git
}

#[test]
fn strata_yaml_is_strictly_decoded_with_file_and_line() {
    let e = config_error("environments:\n- name: a\n  source: apps/web\n  flavour: x\n");
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("unknown field `flavour`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(4), "{e}");
    assert!(e.to_string().starts_with("HEAD:strata.yaml:4:"), "{e}");

    let e = config_error("environments: []\nextra: 1\n");
    assert!(e.message().contains("unknown field `extra`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(2), "{e}");

    let e = config_error("environments:\n- name: a\n  source: apps/web\n  reorder: sideways\n");
    assert!(e.message().contains("unknown variant `sideways`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(4), "{e}");

    let e = config_error("environments:\n- name: a\n  source: apps/web\n  managedByLabel: 3\n");
    assert!(e.message().contains("invalid type"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(4), "{e}");

    let e = config_error("environments:\n- name: a\n");
    assert!(e.message().contains("missing field `source`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(2), "{e}");

    let e = config_error(
        "environments:\n- name: a\n  source: apps/web\n- name: a\n  source: overlays/prod\n",
    );
    assert!(
        e.message().contains("also the name of environments[0]"),
        "{e}"
    );
    assert_eq!(e.position().map(|p| p.0), Some(4), "{e}");

    let e = config_error("environments:\n- name: a\n  source: overlays/notes\n");
    assert!(e.message().contains("holds no kustomization"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(3), "{e}");

    let e = config_error("environments:\n- name: a\n  source: ../elsewhere\n");
    assert!(e.message().contains("without '..'"), "{e}");

    let e = config_error("environments:\n- name: 'bad name'\n  source: apps/web\n");
    assert!(e.message().contains("not a valid environment name"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(2), "{e}");

    let e = config_error("environments: [\n");
    assert_eq!(e.kind(), ErrorKind::Syntax, "{e}");
}

#[test]
fn in_tree_and_hydration_fields_are_strictly_decoded() {
    let env = "environments:\n- name: a\n  source: apps/web\n";
    let e = config_error(&format!(
        "{env}  inTree:\n    dir: out/a\n    layout: flat\n"
    ));
    assert!(e.message().contains("unknown variant `flat`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(6), "{e}");

    let e = config_error(&format!(
        "{env}  inTree:\n    dir: out/a\n    colour: red\n"
    ));
    assert!(e.message().contains("unknown field `colour`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(6), "{e}");

    let e = config_error(&format!("{env}  inTree:\n    layout: single\n"));
    assert!(e.message().contains("missing field `dir`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(5), "{e}");

    let e = config_error(&format!("{env}  inTree:\n    dir: ../out\n"));
    assert!(e.message().contains("environments[0].inTree.dir"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(5), "{e}");

    let e = config_error(&format!("{env}  branch: b\n  inTree:\n    dir: out/a\n"));
    assert!(e.message().contains("cannot be set with `inTree`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(4), "{e}");

    let e = config_error(&format!("{env}hydration:\n  author: nobody\n"));
    assert!(e.message().contains("hydration.author"), "{e}");
    assert!(e.message().contains("Name <email>"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(5), "{e}");

    let e = config_error(&format!(
        "{env}hydration:\n  author: A <a@x>\n  date: now\n"
    ));
    assert!(e.message().contains("unknown field `date`"), "{e}");
    assert_eq!(e.position().map(|p| p.0), Some(6), "{e}");

    // And the good spellings decode.
    let tmp = init();
    let r = tmp.path();
    layout(r);
    write(
        r,
        "strata.yaml",
        &format!("{env}  inTree:\n    dir: ./out/a/\n    layout: per-resource\nhydration:\n  author: Bot <bot@example.com>\n"),
    );
    let envs = environments(&DiskFs, r).unwrap();
    let t = envs.list[0].in_tree.clone().unwrap();
    assert_eq!(t.dir, "out/a");
    assert_eq!(t.layout, strata::Layout::PerResource);
    let a = envs.author.unwrap();
    assert_eq!(
        (a.name.as_str(), a.email.as_str()),
        ("Bot", "bot@example.com")
    );
    assert!(envs.committer.is_none());
}

#[test]
fn discovery_reads_through_any_file_system() {
    // The in-memory tree lists directories as disk and git do.
    let mut fs = strata::MemFs::new();
    fs.add_file("/repo/base/kustomization.yaml", kust(&["cm.yaml"]));
    fs.add_file(
        "/repo/clusters/east/kustomization.yaml",
        kust(&["../../base"]),
    );
    fs.add_file(
        "/repo/clusters/west/kustomization.yaml",
        kust(&["../../base"]),
    );
    fs.add_file("/repo/clusters/README.md", "x");
    fs.add_symlink("/repo/clusters/alias", "east");
    let envs = environments(&fs, Path::new("/repo")).unwrap();
    assert_eq!(
        names(&envs),
        [
            ("east".to_string(), "clusters/east".to_string()),
            ("west".into(), "clusters/west".into())
        ]
    );
}
