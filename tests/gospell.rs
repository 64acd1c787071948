//! Go's spellings of numbers and strings, against the oracle: every row of
//! `testdata/gospell/cases.tsv` (made by `testdata/gospell/regen.sh` with
//! `kubectl kustomize`) is built again with strata and must give the same
//! answer. A row is `PATH<TAB>VALUE<TAB>ANSWER...`: the template tree
//! `testdata/gospell/templates/PATH` with `@V@` replaced by VALUE, and the
//! output lines that name an `o_` field or `replicas:` (leading blanks
//! removed), or the single answer `ERROR` when the build fails.

use std::path::Path;
use strata::{build_dir, BuildOptions};

/// The answer columns of a built tree, as regen.sh extracts them.
fn answer(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains("o_") || l.contains("replicas:"))
        .map(|l| l.trim_start_matches(' ').to_string())
        .collect()
}

/// Copies the template of `path` into `dir`, with `@V@` replaced by `value`.
fn instantiate(root: &Path, path: &str, value: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(root.join("templates").join(path)).unwrap() {
        let e = e.unwrap();
        let text = std::fs::read_to_string(e.path()).unwrap();
        std::fs::write(dir.join(e.file_name()), text.replace("@V@", value)).unwrap();
    }
}

#[test]
fn every_spelling_matches_the_oracle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gospell");
    let table = std::fs::read_to_string(root.join("cases.tsv")).unwrap();
    let tmp = std::env::temp_dir().join(format!("strata-gospell-{}", std::process::id()));
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in table.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, value, want) = (cols[0], cols[1], &cols[2..]);
        let dir = tmp.join(n.to_string());
        instantiate(&root, path, value, &dir);
        let got = match build_dir(&dir, &BuildOptions::default())
            .result
            .and_then(|o| o.to_yaml())
        {
            Ok(out) => answer(&out),
            Err(_) => vec!["ERROR".to_string()],
        };
        if got != want {
            failures.push(format!("{path} {value:?}: oracle {want:?}, strata {got:?}"));
        }
        rows += 1;
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(rows >= 200, "only {rows} rows in cases.tsv");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
