//! What a newcomer meets, the points of issue 11 not shown elsewhere: a
//! bug exits with its own code, README's flags are all in `--help`, the
//! bundled example renders without warnings and under a 1 GB memory limit.

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/golden/example/overlays/prod"
);

fn strata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_strata"))
}

#[test]
fn a_bug_is_an_internal_error_with_exit_code_3() {
    for (format, needle) in [
        ("text", "error: internal error"),
        ("json", "\"kind\":\"internal\""),
    ] {
        let out = strata()
            .args(["--error-format", format, "build", EXAMPLE])
            .env("STRATA_TEST_PANIC", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(err.contains(needle), "{err}");
        assert!(out.stdout.is_empty());
    }
}

/// Every `--flag` the README names for strata (not those of `cargo`
/// commands it shows).
fn readme_flags() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut flags = Vec::new();
    for line in readme.lines() {
        // Code spans and code lines that run cargo hold cargo's flags.
        let parts: Vec<&str> = line.split('`').collect();
        for (i, part) in parts.iter().enumerate() {
            let code = i % 2 == 1 || parts.len() == 1;
            if code && part.trim_start().starts_with("cargo ") {
                continue;
            }
            for (at, _) in part.match_indices("--") {
                let flag: String = part[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                // A flag's name starts with a letter (not `---`, `-- `).
                let named = flag[2..].starts_with(|c: char| c.is_ascii_alphabetic());
                if named && !flags.contains(&flag) {
                    flags.push(flag);
                }
            }
        }
    }
    flags
}

#[test]
fn help_lists_every_flag_the_readme_lists() {
    let help = |args: &[&str]| {
        let out = strata().args(args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = help(&[]);
    // The subcommands, from the top-level help's "Commands:" list.
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.iter().any(|c| c == "build"), "{commands:?}");
    let mut all = top.clone();
    for c in &commands {
        all.push_str(&help(&[c]));
    }
    let flags = readme_flags();
    assert!(flags.len() >= 15, "{flags:?}");
    assert!(flags.iter().any(|f| f == "--exit-code"), "{flags:?}");
    for f in flags {
        let listed = all.match_indices(f.as_str()).any(|(at, _)| {
            !all[at + f.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
        });
        assert!(listed, "{f} is in README but in no --help");
    }
}

#[test]
fn the_bundled_example_renders_without_warnings() {
    let out = strata().args(["build", EXAMPLE]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let expected = std::fs::read(Path::new(EXAMPLE).join("expected.yaml")).unwrap();
    assert_eq!(out.stdout, expected);
}

#[test]
fn the_bundled_example_builds_under_a_1gb_memory_limit() {
    // `ulimit -v` in KiB: the address space, which a large reserved stack
    // or an eager arena would exceed.
    let out = Command::new("sh")
        .args([
            "-c",
            "ulimit -v 1000000 && exec \"$0\" build \"$1\"",
            env!("CARGO_BIN_EXE_strata"),
            EXAMPLE,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let expected = std::fs::read(Path::new(EXAMPLE).join("expected.yaml")).unwrap();
    assert_eq!(out.stdout, expected, "{err}");
}
