//! Patch behaviour against the oracle: every directory under
//! `testdata/patches/` is a kustomization built with strata and compared
//! byte for byte with `expected.yaml`, which `testdata/patches/regen.sh`
//! wrote from `kubectl kustomize` (kustomize v5.8.1). A case with
//! `expected-error.txt` must fail; the oracle's key message (its last line
//! after `error: `) must appear in strata's error.

use std::path::Path;
use strata::{build_dir, BuildOptions};

/// The oracle's innermost message: after kubectl's `error: ` and any
/// config dump kustomize quotes (up to "`: "), before its `; ...`
/// elaborations, and of the `: `-separated chain only the last two links
/// (the outer links name things as kustomize does, strata words them its
/// own way).
fn key_message(stderr: &str) -> String {
    let start = stderr.find("error: ").map_or(0, |i| i + "error: ".len());
    let mut msg = &stderr[start..];
    if let Some(i) = msg.rfind("`: ") {
        msg = &msg[i + 3..];
    }
    let msg = msg.trim_end().split("; ").next().unwrap_or("");
    let links: Vec<&str> = msg.rsplitn(3, ": ").collect();
    match links.as_slice() {
        [last, before, _] | [last, before] => format!("{before}: {last}"),
        _ => msg.to_string(),
    }
}

#[test]
fn oracle_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/patches");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("testdata/patches")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("kustomization.yaml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "cases missing under {}", root.display());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let got = build_dir(dir, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml());
        if let Ok(err) = std::fs::read_to_string(dir.join("expected-error.txt")) {
            let want = key_message(&err);
            match got {
                Ok(_) => failures.push(format!("{name}: expected an error ({want})")),
                Err(e) if !e.to_string().contains(&want) => {
                    failures.push(format!("{name}: error {e:?} lacks {want:?}"))
                }
                Err(_) => {}
            }
            continue;
        }
        let want = std::fs::read_to_string(dir.join("expected.yaml")).expect("expected.yaml");
        match got {
            Ok(out) if out == want => {}
            Ok(out) => failures.push(format!("{name}:\n--- want\n{want}--- got\n{out}")),
            Err(e) => failures.push(format!("{name}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
