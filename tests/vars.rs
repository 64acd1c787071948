//! The legacy `vars:` against the oracle: every case under
//! `testdata/replacements/cases` whose name starts with `var-` is built and
//! compared with `kubectl kustomize`'s answer beside it (see
//! `tests/replacements.rs` for the layout).

mod oracle_cases;

#[test]
fn var_cases_match_the_oracle() {
    oracle_cases::run(|name| name.starts_with("var-"), 12);
}

#[test]
fn unused_vars_are_reported() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/replacements/cases/var-unused/input");
    let out = strata::build_dir(&dir, &strata::BuildOptions::default());
    out.result.expect("builds");
    assert!(
        out.warnings
            .iter()
            .any(|w| w == "well-defined vars that were never replaced: SVC"),
        "{:?}",
        out.warnings
    );
    // A var that is used is not reported.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/replacements/cases/var-custom-configuration/input");
    let out = strata::build_dir(&dir, &strata::BuildOptions::default());
    out.result.expect("builds");
    assert!(!out.warnings.iter().any(|w| w.contains("never replaced")));
}
