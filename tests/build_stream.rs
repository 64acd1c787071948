//! Many roots, streamed: `RunCache::build_each` hands each build over in
//! the order of the roots as soon as it and the roots before it are done,
//! so a caller that writes and drops each one never holds them all.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use strata::{build, BuildOptions, DiskFs, RunCache};

/// `n` roots over one base, each with a name prefix of its own.
fn tree(top: &Path, n: usize) -> Vec<PathBuf> {
    let w = |p: &str, s: &str| {
        let p = top.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    };
    w("base/kustomization.yaml", "resources:\n- cm.yaml\n");
    w(
        "base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n",
    );
    (0..n)
        .map(|i| {
            w(
                &format!("o{i}/kustomization.yaml"),
                &format!("namePrefix: o{i}-\nresources:\n- ../base\n"),
            );
            top.join(format!("o{i}"))
        })
        .collect()
}

#[test]
fn builds_are_handed_over_in_order_as_they_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let roots: Vec<PathBuf> = tree(tmp.path(), 8)
        .into_iter()
        .map(|r| std::fs::canonicalize(r).unwrap())
        .collect();
    for jobs in [1, 2, 8] {
        let fs = Arc::new(support::Counting::new(Arc::new(DiskFs)));
        let run = RunCache::new(fs.clone());
        // (index, output, roots started when it was handed over)
        let got = Mutex::new(Vec::new());
        run.build_each(&roots, &BuildOptions::default(), jobs, &|i, b| {
            let text = b.result.and_then(|o| o.to_yaml()).unwrap();
            // How many roots have had a file read (were started) by now.
            let reads = fs.reads();
            let started = roots
                .iter()
                .filter(|r| reads.keys().any(|p| p.starts_with(r)))
                .count();
            got.lock().unwrap().push((i, text, started));
        });
        let got = got.into_inner().unwrap();
        let order: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(order, (0..roots.len()).collect::<Vec<_>>(), "-j {jobs}");
        for (i, text, _) in &got {
            let alone = build(Arc::new(DiskFs), &roots[*i], &BuildOptions::default());
            assert_eq!(
                text,
                &alone.result.unwrap().to_yaml().unwrap(),
                "-j {jobs}: root {i}"
            );
        }
        // On one thread each root is handed over before the next starts,
        // so none waits for the whole run.
        if jobs == 1 {
            for (i, _, started) in &got {
                assert_eq!(*started, i + 1, "root {i} handed over late");
            }
        }
    }
}
