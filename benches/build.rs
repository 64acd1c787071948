//! Build throughput: strata's whole pipeline on generated trees, and the
//! YAML layer alone. Run with `cargo bench`; it prints timings and asserts
//! nothing. To compare with kustomize, time `kubectl kustomize` on the
//! directory it leaves in `target/bench-tree` (printed at the end).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use strata::{build_dir, BuildOptions};

/// A base with `n` Deployments, Services and ConfigMaps, and an overlay
/// with a prefix, namespace, labels, annotations and an image override.
fn make_tree(root: &Path, n: usize) -> PathBuf {
    let base = root.join("base");
    let overlay = root.join("overlay");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&overlay).unwrap();
    let mut all = String::new();
    for i in 0..n {
        all.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        app: app{i}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.25\n        envFrom:\n        - configMapRef:\n            name: cfg{i}\n        ports:\n        - containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    app: app{i}\n  ports:\n  - port: 80\n    targetPort: 8080\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg{i}\ndata:\n  LOG_LEVEL: info\n  GREETING: \"hello {i}\"\n---\n"
        ));
    }
    std::fs::write(base.join("all.yaml"), all).unwrap();
    std::fs::write(base.join("kustomization.yaml"), "resources:\n- all.yaml\n").unwrap();
    std::fs::write(
        overlay.join("kustomization.yaml"),
        "resources:\n- ../base\nnamePrefix: prod-\nnamespace: prod\nlabels:\n- pairs:\n    env: prod\n  includeSelectors: true\ncommonAnnotations:\n  owner: team\nimages:\n- name: nginx\n  newTag: \"1.27\"\n",
    )
    .unwrap();
    overlay
}

fn time<T>(label: &str, runs: u32, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    println!("{label:<48} best of {runs}: {best:?}");
    best
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tree");
    for n in [10, 100, 1000] {
        let dir = root.join(format!("n{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        let overlay = make_tree(&dir, n);
        let opts = BuildOptions::default();
        time(&format!("build overlay, {} resources", 3 * n), 5, || {
            build_dir(&overlay, &opts)
                .result
                .unwrap()
                .to_yaml()
                .unwrap()
        });
        let src = std::fs::read(dir.join("base/all.yaml")).unwrap();
        let docs = time(&format!("parse, {} KiB", src.len() / 1024), 5, || {
            strata::yaml::Document::read_resources(&src, &Default::default()).unwrap()
        });
        let _ = docs;
        let parsed = strata::yaml::Document::read_resources(&src, &Default::default()).unwrap();
        time(&format!("emit, {} documents", parsed.len()), 5, || {
            strata::yaml::emit_stream(parsed.iter().map(|d| &d.value)).unwrap()
        });
        println!("  tree: {}", overlay.display());
    }
}
