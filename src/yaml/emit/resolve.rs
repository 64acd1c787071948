//! go-yaml v2's view of plain text: would `s`, written unquoted, read back as
//! something other than a string? v2's `Marshal` double-quotes exactly those
//! strings.

use super::number::go_parse_int;
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
    let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    };
    go_parse_int(&plain).is_some() || (yaml_style_float(&plain) && finite(&plain))
}

fn finite(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` on text starting with `.` (v2's `.` branch):
/// digits with Go's underscore rules, an optional exponent, finite result.
fn go_float_dot(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 1;
    match digit_run(b, &mut i) {
        Some(n) if n > 0 => {}
        _ => return false,
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) || digit_run(b, &mut i).is_none() {
            return false;
        }
    }
    i == b.len() && finite(&s.replace('_', ""))
}

/// Reads a run of digits and `_` from `b[*i]` with Go's underscore rule (an
/// `_` only directly after a digit, never last); the number of digits, or
/// `None` when an underscore is misplaced.
fn digit_run(b: &[u8], i: &mut usize) -> Option<usize> {
    let mut digits = 0;
    let mut after_digit = false;
    let mut last_underscore = false;
    while *i < b.len() && (b[*i].is_ascii_digit() || b[*i] == b'_') {
        if b[*i] == b'_' {
            if !after_digit {
                return None;
            }
            after_digit = false;
            last_underscore = true;
        } else {
            digits += 1;
            after_digit = true;
            last_underscore = false;
        }
        *i += 1;
    }
    (!last_underscore).then_some(digits)
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
