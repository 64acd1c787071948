//! The command line a newcomer meets: exit codes, `--version`, shell
//! completions, and a README that lists every flag `--help` shows.

use std::process::{Command, Stdio};

fn strata(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .output()
        .expect("strata runs")
}

#[test]
fn version_names_the_kustomize_it_matches() {
    let out = strata(&["--version"]);
    assert!(out.status.success());
    let v = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        v,
        format!("strata {} (kustomize v5.8.1)\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn exit_codes_tell_usage_from_input_errors() {
    assert_eq!(strata(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(strata(&["no-such-command"]).status.code(), Some(2));
    let missing = strata(&["build", "/no/such/kustomization"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = strata(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("load-restrictor"), "{shell}: {script}");
    }
    assert_eq!(strata(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn completions_to_a_closed_pipe_stay_quiet() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["completions", "fish"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readme_lists_every_build_flag() {
    let help = String::from_utf8(strata(&["build", "--help"]).stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let flags: Vec<&str> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2 && *w != "--help")
        .collect();
    assert!(flags.len() >= 9, "{flags:?}");
    for f in flags {
        assert!(
            readme.contains(&format!("`{f}")) || readme.contains(&format!(", {f}")),
            "README lacks {f}"
        );
    }
}
