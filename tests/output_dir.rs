//! `-o DIR` never writes outside DIR and never leaves it half-written.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` with its content, to compare before and after.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A tree: `k/` builds a ConfigMap `ok` and one named `bad`; `top/out/`
/// holds a file already. Returns (temp, kustomization dir, output dir).
fn tree(bad: &str) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let k = t.path().join("k");
    let out = t.path().join("top/out");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("v1_configmap_ok.yaml"), "old\n").unwrap();
    std::fs::write(k.join("kustomization.yaml"), "resources:\n- r.yaml\n").unwrap();
    let r = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {bad:?}\n"
    );
    std::fs::write(k.join("r.yaml"), r).unwrap();
    (t, k, out)
}

fn refuses(bad: &str) {
    let (t, k, out) = tree(bad);
    let before = snapshot(t.path());
    let run = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(&k)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("ConfigMap '{bad}'")), "{stderr}");
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
    // Nothing written anywhere in the tree: not the good resource, not a
    // temporary, not the escaping one.
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn an_escaping_name_is_refused_and_nothing_is_written() {
    refuses("../../escape");
}

#[test]
fn a_name_with_a_slash_is_refused_and_nothing_is_written() {
    refuses("a/b");
}

#[test]
fn a_good_build_replaces_the_files_and_leaves_no_temporaries() {
    let (_t, k, out) = tree("fine");
    let run = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("build")
        .arg(&k)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files: Vec<String> = snapshot(&out).into_keys().collect();
    assert_eq!(files, ["v1_configmap_fine.yaml", "v1_configmap_ok.yaml"]);
    let ok = std::fs::read_to_string(out.join("v1_configmap_ok.yaml")).unwrap();
    assert!(ok.contains("name: ok"), "{ok}");
}
