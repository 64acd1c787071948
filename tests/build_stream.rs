//! Many roots, streamed: `RunCache::build_each` hands each build over in
//! the order of the roots as soon as it and the roots before it are done,
//! so a caller that writes and drops each one never holds them all.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use strata::{build, BuildOptions, DiskFs, EntryKind, FileSystem, RunCache};

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

/// A disk file system that records which roots' kustomizations were read.
struct Recording {
    roots: Vec<PathBuf>,
    started: Mutex<Vec<usize>>,
}

impl FileSystem for Recording {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some(i) = self.roots.iter().position(|r| path.starts_with(r)) {
            let mut s = self.started.lock().unwrap();
            if !s.contains(&i) {
                s.push(i);
            }
        }
        DiskFs.read(path)
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        DiskFs.kind(path)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        DiskFs.canonical(path)
    }
}

#[test]
fn builds_are_handed_over_in_order_as_they_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let roots: Vec<PathBuf> = tree(tmp.path(), 8)
        .into_iter()
        .map(|r| std::fs::canonicalize(r).unwrap())
        .collect();
    for jobs in [1, 2, 8] {
        let fs = Arc::new(Recording {
            roots: roots.clone(),
            started: Mutex::default(),
        });
        let run = RunCache::new(fs.clone());
        // (index, output, roots started when it was handed over)
        let got = Mutex::new(Vec::new());
        run.build_each(&roots, &BuildOptions::default(), jobs, &|i, b| {
            let text = b.result.and_then(|o| o.to_yaml()).unwrap();
            let started = fs.started.lock().unwrap().len();
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
