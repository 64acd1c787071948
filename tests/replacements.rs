//! Replacements against the oracle: every case under
//! `testdata/replacements/cases` whose name does not start with `var-` is
//! built and compared with `kubectl kustomize`'s answer beside it
//! (`expected.yaml`, or `expected-error.txt` when kustomize rejects the
//! input), produced by `testdata/replacements/regen.sh`. For a rejected
//! input, `expect-message.txt` (when present) holds a phrase strata's error
//! must contain.

mod oracle_cases;

#[test]
fn replacement_cases_match_the_oracle() {
    oracle_cases::run(|name| !name.starts_with("var-"), 20);
}
