//! The legacy `vars:` beyond their output (which the suite compares with
//! the oracle's, `testdata/replacements/cases/var-*`): the warning for vars
//! never used.

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
