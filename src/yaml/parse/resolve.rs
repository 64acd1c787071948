//! go-yaml v3's implicit typing of plain scalars, rewritten from its
//! observable behaviour (checked against `kubectl kustomize` v5.8.1).
//!
//! The rules, in the order v3 applies them:
//! * exact spellings: empty, `~`, `null`, `Null`, `NULL` → null;
//!   `true/True/TRUE/false/False/FALSE` → bool; `.inf`, `+.inf`, `-.inf`,
//!   `.nan` (each also `Inf`/`INF`, `NaN`/`NAN`) → float;
//! * a text starting with `.` → float when Go's `ParseFloat` takes it;
//! * a text starting with a digit or sign → timestamp (digit only), then
//!   Go `ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` after removing every
//!   `_`, then a YAML-style decimal float that is in range;
//! * everything else is a string (`yes`, `on`, `0x1p3`, `1e400`, `_1`).

use crate::yaml::gostr::strconv::parse_float;
use crate::yaml::gostr::yaml::{yaml_float, yaml_int};
use crate::yaml::Tag;

/// The tag go-yaml v3 gives a plain (unquoted, untagged) scalar.
pub fn resolve_plain(text: &str) -> Tag {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Tag::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Tag::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Tag::Float,
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => {
            if is_go_decimal_float(text) {
                Tag::Float
            } else {
                Tag::Str
            }
        }
        first @ (b'0'..=b'9' | b'+' | b'-') => {
            if first.is_ascii_digit() && is_timestamp(text) {
                return Tag::Timestamp;
            }
            if yaml_int(text).is_some() {
                Tag::Int
            } else if yaml_float(text).is_some() {
                Tag::Float
            } else {
                Tag::Str
            }
        }
        _ => Tag::Str,
    }
}

/// Go `ParseFloat` on a text starting with `.` (v3 tries it as written):
/// `_` only between two digits (`.5_0` is 0.5, `._5` and `.5_` are not
/// numbers), in range.
fn is_go_decimal_float(s: &str) -> bool {
    parse_float(s).is_ok()
}

/// Whether v3 reads the text as a timestamp: Go `time.Parse` with one of
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
/// `2006-1-2 15:4:5.999999999` (no zone), or `2006-1-2`.
///
/// Oracle: `2001-12-14 21:59:43.10 -5`, `2001-12-14T21:59:43` (no zone),
/// `2001-12-14 21:59:43Z` and `2001-02-30` all stay strings.
pub fn is_timestamp(s: &str) -> bool {
    crate::yaml::timestamp::parse_timestamp(s).is_some()
}

/// Whether go-yaml v3's emitter must quote the plain, untagged `text` inside
/// a flow collection although it reads as a non-string there: an empty text,
/// or one holding a flow indicator (a timestamp's `:`). kyaml re-encodes a
/// flow node that way before the JSON hop, so such a scalar reads back as
/// the string it was written as (`[2024-01-01T00:00:00.000Z]` keeps its
/// spelling; `[2001-12-14]` has no `:` and is printed in RFC 3339).
pub(crate) fn flow_quotes_plain(text: &str) -> bool {
    if resolve_plain(text) == Tag::Str {
        // A string stays one either way; its style is kept as plain.
        return false;
    }
    text.is_empty() || !flow_plain_allowed(text)
}

/// libyaml's scalar analysis (go-yaml v3's `yaml_emitter_analyze_scalar`),
/// the part that decides whether plain style is allowed in flow context.
fn flow_plain_allowed(text: &str) -> bool {
    let b = text.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // In flow context `?` and `:` are indicators whatever follows them.
    let first_refused = crate::yaml::emit::leading_indicator(b[0])
        || matches!(b[0], b'?' | b':')
        || (b[0] == b'-' && b.get(1).is_none_or(|c| *c == b' '));
    if first_refused {
        return false;
    }
    !b.iter().enumerate().skip(1).any(|(i, c)| {
        matches!(
            c,
            b',' | b'?' | b'[' | b']' | b'{' | b'}' | b':' | b'\n' | b'\r'
        ) || (*c == b'#' && b[i - 1] == b' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Oracle: inside `[...]` these keep their text (quoted on the hop) or
    // are typed as usual (not quoted).
    #[test]
    fn flow_quoting() {
        for s in [
            "",
            "2024-01-01T00:00:00.000Z",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
        ] {
            assert!(flow_quotes_plain(s), "{s:?}");
        }
        for s in ["2001-12-14", "1", "1e3", "~", "true", "a:b", "x"] {
            assert!(!flow_quotes_plain(s), "{s:?}");
        }
    }

    // Each expectation below was checked against `kubectl kustomize`
    // (v5.8.1): a quoted output value means Str, a bare one the tag shown.
    #[test]
    fn nulls_and_bools() {
        for s in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(s), Tag::Null, "{s}");
        }
        for s in ["true", "True", "TRUE", "false", "False", "FALSE"] {
            assert_eq!(resolve_plain(s), Tag::Bool, "{s}");
        }
        for s in ["yes", "on", "y", "NO", "off", "nULL", "tRUE"] {
            assert_eq!(resolve_plain(s), Tag::Str, "{s}");
        }
    }

    #[test]
    fn ints() {
        for s in [
            "0",
            "012",
            "0x1F",
            "0o17",
            "0b101",
            "+12",
            "-12",
            "1_000",
            "1__0",
            "0_x1",
            "18446744073709551615",
            "9223372036854775808",
            "-9223372036854775808",
        ] {
            assert_eq!(resolve_plain(s), Tag::Int, "{s}");
        }
    }

    #[test]
    fn floats() {
        for s in [
            "1.5",
            "1e3",
            ".5",
            "5.",
            "1_000.5",
            "08",
            "09.5",
            ".5_0",
            "-.5",
            "+.5",
            ".inf",
            "-.Inf",
            ".nan",
            "18446744073709551616",
            "+18446744073709551615",
            "-9223372036854775809",
            "1e-400",
        ] {
            assert_eq!(resolve_plain(s), Tag::Float, "{s}");
        }
    }

    #[test]
    fn strings() {
        for s in [
            "1e400", "0x1p3", "_1", "e3", "1e", "0x", "1,000", "1.2.3", ".", "._5", ".5_", "-",
            "+", "NaN", "inf", "<<", "abc", "1:20",
        ] {
            assert_eq!(resolve_plain(s), Tag::Str, "{s}");
        }
    }

    #[test]
    fn timestamps() {
        for s in [
            "2001-12-14",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-12-14t21:59:43Z",
            "2001-2-3",
            "2001-12-14   21:59:43",
            "2001-12-14T21:59:43,5Z",
            "2000-02-29",
        ] {
            assert_eq!(resolve_plain(s), Tag::Timestamp, "{s}");
        }
        for s in [
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14T21:59:43",
            "2001-02-30",
            "2001-12-14 21:59:43Z",
            "2001-12-14T25:00:00Z",
            "1900-02-29",
        ] {
            assert_ne!(resolve_plain(s), Tag::Timestamp, "{s}");
        }
    }
}
