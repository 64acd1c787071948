//! Builds are values: two builds with different `openapi:` settings run at
//! once on two threads of one process, each followed by a build of the
//! other setting, and every one gives the oracle's output (kustomize keeps
//! its schema choice in a process global; strata keeps it per build).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use strata::{build_dir, BuildOptions};

fn case(name: &str) -> (PathBuf, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/golden/openapi")
        .join(name);
    let expected = std::fs::read_to_string(dir.join("expected.yaml")).expect("oracle output");
    (dir, expected)
}

#[test]
fn openapi_choice_is_per_build_across_threads() {
    let custom = case("custom");
    let builtin = case("builtin");
    assert_ne!(custom.1, builtin.1, "the cases must tell the schemas apart");
    let rounds = 20;
    let barrier = Arc::new(Barrier::new(2));
    let run = |order: [(PathBuf, String); 2]| {
        let barrier = barrier.clone();
        std::thread::spawn(move || {
            for _ in 0..rounds {
                // Start together so the two builds overlap.
                barrier.wait();
                for (dir, expected) in &order {
                    let got = build_dir(dir, &BuildOptions::default())
                        .result
                        .and_then(|o| o.to_yaml())
                        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
                    assert_eq!(&got, expected, "{}", dir.display());
                }
            }
        })
    };
    let a = run([custom.clone(), builtin.clone()]);
    let b = run([builtin, custom]);
    a.join().expect("thread A's builds match the oracle");
    b.join().expect("thread B's builds match the oracle");
}
