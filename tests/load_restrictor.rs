//! The load restrictor: by default a kustomization may read only files in
//! or below its own directory; `..` escapes, absolute paths and symbolic
//! links pointing outside are refused. `LoadRestrictionsNone` lifts this.
//! Bases and components may live anywhere (they are directories).

use std::path::Path;
use strata::LoadRestrictor;
use strata::{build_dir, BuildOptions};

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";

fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(t.path().join("root/sub")).unwrap();
    std::fs::create_dir_all(t.path().join("outside")).unwrap();
    std::fs::write(t.path().join("outside/cm.yaml"), CM).unwrap();
    std::fs::write(t.path().join("root/sub/cm.yaml"), CM).unwrap();
    t
}

fn build(root: &Path, resources: &str, restrictor: LoadRestrictor) -> Result<String, String> {
    std::fs::write(
        root.join("kustomization.yaml"),
        format!("resources:\n- {resources}\n"),
    )
    .unwrap();
    let opts = BuildOptions {
        restrictor,
        ..BuildOptions::default()
    };
    build_dir(root, &opts)
        .result
        .and_then(|o| o.to_yaml())
        .map_err(|e| e.to_string())
}

#[test]
fn files_below_the_root_load() {
    let t = tree();
    let out = build(
        &t.path().join("root"),
        "sub/cm.yaml",
        LoadRestrictor::RootOnly,
    )
    .unwrap();
    assert!(out.contains("name: cm"));
}

#[test]
fn dot_dot_escape_is_refused_unless_unrestricted() {
    let t = tree();
    let root = t.path().join("root");
    let e = build(&root, "../outside/cm.yaml", LoadRestrictor::RootOnly).unwrap_err();
    assert!(e.contains("not in or below"), "{e}");
    assert!(build(&root, "../outside/cm.yaml", LoadRestrictor::None).is_ok());
}

#[test]
fn absolute_path_outside_is_refused() {
    let t = tree();
    let root = t.path().join("root");
    let abs = t.path().join("outside/cm.yaml");
    let e = build(&root, &abs.display().to_string(), LoadRestrictor::RootOnly).unwrap_err();
    assert!(e.contains("not in or below"), "{e}");
    assert!(build(&root, &abs.display().to_string(), LoadRestrictor::None).is_ok());
}

#[cfg(unix)]
#[test]
fn symlink_pointing_outside_is_refused() {
    let t = tree();
    let root = t.path().join("root");
    std::os::unix::fs::symlink(t.path().join("outside/cm.yaml"), root.join("link.yaml")).unwrap();
    let e = build(&root, "link.yaml", LoadRestrictor::RootOnly).unwrap_err();
    assert!(e.contains("not in or below"), "{e}");
    assert!(build(&root, "link.yaml", LoadRestrictor::None).is_ok());
    // A link that stays inside the root is fine.
    std::os::unix::fs::symlink(root.join("sub/cm.yaml"), root.join("inner.yaml")).unwrap();
    assert!(build(&root, "inner.yaml", LoadRestrictor::RootOnly).is_ok());
}

#[test]
fn bases_outside_the_root_are_allowed() {
    let t = tree();
    std::fs::write(
        t.path().join("outside/kustomization.yaml"),
        "resources:\n- cm.yaml\n",
    )
    .unwrap();
    let out = build(
        &t.path().join("root"),
        "../outside",
        LoadRestrictor::RootOnly,
    )
    .unwrap();
    assert!(out.contains("name: cm"));
}
