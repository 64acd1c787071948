//! docs/walkthrough.sh, the whole hydration flow for a new user, runs as
//! written and shows each step doing what it says.

mod support;

#[test]
fn the_walkthrough_runs_as_written() {
    let stdout = support::run_doc_script("walkthrough.sh");
    // Each step, in order, with what it printed.
    let steps: Vec<&str> = stdout.split("\n== ").collect();
    let step = |prefix: &str| {
        steps
            .iter()
            .find(|s| s.starts_with(prefix))
            .unwrap_or_else(|| panic!("no step {prefix}: {stdout}"))
            .to_string()
    };
    assert!(
        step("strata hydrate: ").contains("env/prod: (new) -> "),
        "{stdout}"
    );
    assert!(
        step("strata hydrate: ").contains("prod/manifest.yaml"),
        "{stdout}"
    );
    assert!(
        step("strata check: the hydrated").contains("up to date"),
        "{stdout}"
    );
    assert!(
        step("strata diff").contains("-  replicas: 3\n+  replicas: 5\n"),
        "{stdout}"
    );
    let stale = step("strata check: env/prod is now stale");
    assert!(stale.contains("environment prod is stale"), "{stale}");
    assert!(stale.contains("+  replicas: 5"), "{stale}");
    assert!(!stale.contains("environment dev"), "{stale}");
    let again = step("strata hydrate again");
    assert!(
        again.contains("env/prod: ") && again.contains("M prod/manifest.yaml"),
        "{again}"
    );
    assert!(!again.contains("M dev/manifest.yaml"), "{again}");
    let ok = step("strata check: up to date again");
    assert!(ok.contains("hydrated output is up to date"), "{ok}");
    assert!(ok.contains("Hydrated-from: "), "{ok}");
    assert!(
        step("hydrating the same source again").contains("unchanged"),
        "{stdout}"
    );
}
