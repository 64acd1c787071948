//! The command line: argument parsing and output. Kept apart from the
//! library so every stage stays usable without it.

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    0
}
