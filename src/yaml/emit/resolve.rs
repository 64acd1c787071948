//! go-yaml v2's view of plain text: would `s`, written unquoted, read back as
//! something other than a string? v2's `Marshal` double-quotes exactly those
//! strings.

use crate::yaml::gostr::strconv::parse_float;
use crate::yaml::gostr::yaml::{yaml_float, yaml_int};
use crate::yaml::timestamp::parse_timestamp;

/// Whether go-yaml v2 would read the plain scalar `s` as a non-string (null,
/// bool, int, float, timestamp) or it looks like a base-60 float; such strings
/// are double-quoted on output.
pub(crate) fn needs_quotes(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return true; // "" reads as null.
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            in_resolve_map(s)
        }
        b'.' => in_resolve_map(s) || go_float_dot(s),
        b'+' | b'-' | b'0'..=b'9' => {
            in_resolve_map(s) || is_number_or_time(s) || is_base60_float(s)
        }
        _ => false,
    }
}

fn in_resolve_map(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// The digit/sign branch of v2's resolver: timestamp, int, uint, YAML-style
/// float (all after removing underscores, except the timestamp).
fn is_number_or_time(s: &str) -> bool {
    if parse_timestamp(s).is_some() {
        return true;
    }
    yaml_int(s).is_some() || yaml_float(s).is_some()
}

/// v2's `.` branch: Go's `strconv.ParseFloat` on the text as written (Go's
/// underscore rules, an optional exponent, in range).
fn go_float_dot(s: &str) -> bool {
    parse_float(s).is_ok()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (v2 quotes these for
/// YAML 1.1 readers although it reads them as strings).
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if !s.contains(':') {
        return false;
    }
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one or two digits, the first of two at most 5.
        let d1 = b.get(i).is_some_and(u8::is_ascii_digit);
        let d2 = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if d1 && d2 && b[i] <= b'5' {
            i += 2;
        } else if d1 {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_set() {
        for s in [
            "",
            "~",
            "null",
            "y",
            "NO",
            "off",
            ".inf",
            "-.INF",
            ".NaN",
            "0",
            "00",
            "012",
            "08",
            "0x1F",
            "0o17",
            "0b101",
            "+1",
            "-0",
            "1_000",
            "1__0",
            "1.0",
            ".5",
            "5.",
            "0.",
            "1e3",
            "1E3",
            "2001-12-14",
            "2001-12-14T21:59:43.10-05:00",
            "1:20",
            "12:30",
            "190:20:30",
            "1:2:3.5",
            ".5_5",
        ] {
            assert!(needs_quotes(s), "{s:?} should be quoted");
        }
        for s in [
            "<<",
            "=",
            "NaN",
            "inf",
            "Infinity",
            "_1",
            "e3",
            "1e",
            "0x",
            "1,000",
            "1.2.3",
            "2001-12-14 21:59:43.10 -5",
            "1e400",
            "._5",
            "yes!",
            "2001-13-01",
            "2001-02-29",
        ] {
            assert!(!needs_quotes(s), "{s:?} should be plain");
        }
    }

    #[test]
    fn timestamps() {
        let f = |s: &str| {
            let mut o = String::new();
            parse_timestamp(s).unwrap().write_rfc3339(&mut o);
            o
        };
        assert_eq!(f("2001-12-14"), "2001-12-14T00:00:00Z");
        assert_eq!(
            f("2001-12-14T21:59:43.10-05:00"),
            "2001-12-14T21:59:43.1-05:00"
        );
        assert_eq!(f("2001-1-4 1:2:3"), "2001-01-04T01:02:03Z");
        assert_eq!(f("2001-1-4t1:2:3.000+00:00"), "2001-01-04T01:02:03Z");
    }
}
