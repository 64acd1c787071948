//! go-yaml v2's view of plain text: would `s`, written unquoted, read back as
//! something other than a string? v2's `Marshal` double-quotes exactly those
//! strings. Also Go's `time.Parse` for YAML timestamps, shared with the
//! timestamp half of the JSON hop.

use super::number::go_parse_int;

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
    let mut mant_digits = 0;
    let mut saw = b'!'; // after the '.', as Go's underscoreOK sees it
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        if b[i] == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            saw = b'0';
            mant_digits += 1;
        }
        i += 1;
    }
    if mant_digits == 0 || saw == b'_' {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        if saw == b'_' {
            return false;
        }
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        saw = b'!';
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                if saw != b'0' {
                    return false;
                }
                saw = b'_';
            } else {
                saw = b'0';
            }
            i += 1;
        }
        if saw == b'_' {
            return false;
        }
    }
    i == b.len() && finite(&s.replace('_', ""))
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

/// A parsed timestamp, as Go's `time.Time` would hold it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Zone offset in minutes east of UTC.
    offset: i32,
}

/// go-yaml's timestamp resolution: four-digit year and `-`, then Go's
/// `time.Parse` with one of `2006-1-2T15:4:5.999999999Z07:00` (also with
/// `t`), `2006-1-2 15:4:5.999999999`, `2006-1-2`.
pub(crate) fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut c = Cursor { b, i: 5 };
    let year = num(&b[..4]);
    let month = c.num12()?;
    c.lit(b'-')?;
    let day = c.num12()?;
    let mut t = Timestamp {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    if c.i == b.len() {
        return Some(t);
    }
    let zoned = match b[c.i] {
        b'T' | b't' => {
            c.i += 1;
            true
        }
        b' ' => {
            // Go lets one space in the layout match a run of spaces.
            while c.i < b.len() && b[c.i] == b' ' {
                c.i += 1;
            }
            false
        }
        _ => return None,
    };
    t.hour = c.num12()?;
    c.lit(b':')?;
    t.minute = c.num12()?;
    c.lit(b':')?;
    t.second = c.num12()?;
    if t.hour >= 24 || t.minute >= 60 || t.second >= 60 {
        return None;
    }
    if c.i + 1 < b.len() && matches!(b[c.i], b'.' | b',') && b[c.i + 1].is_ascii_digit() {
        c.i += 1;
        let st = c.i;
        while c.i < b.len() && b[c.i].is_ascii_digit() {
            c.i += 1;
        }
        let frac = &b[st..c.i.min(st + 9)];
        let mut n = num(frac);
        for _ in frac.len()..9 {
            n *= 10;
        }
        t.nanos = n;
    }
    if zoned {
        match b.get(c.i)? {
            b'Z' => c.i += 1,
            &sign @ (b'+' | b'-') => {
                let z = b.get(c.i..c.i + 6)?;
                if z[3] != b':' || !z[1..3].iter().chain(&z[4..6]).all(u8::is_ascii_digit) {
                    return None;
                }
                let (h, m) = (num(&z[1..3]), num(&z[4..6]));
                if h > 24 || m > 60 {
                    return None;
                }
                let off = (h * 60 + m) as i32;
                t.offset = if sign == b'-' { -off } else { off };
                c.i += 6;
            }
            _ => return None,
        }
    }
    (c.i == b.len()).then_some(t)
}

impl Timestamp {
    /// Writes Go's RFC 3339 JSON form: fixed-width fields, fraction without
    /// trailing zeros, `Z` for a zero offset.
    pub(crate) fn write_rfc3339(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let f = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(f.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let a = self.offset.unsigned_abs();
            let _ = write!(
                out,
                "{}{:02}:{:02}",
                if self.offset < 0 { '-' } else { '+' },
                a / 60,
                a % 60
            );
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Go's `getnum(s, false)`: one digit, or two if the second is a digit.
    fn num12(&mut self) -> Option<u32> {
        let d0 = self.b.get(self.i).filter(|c| c.is_ascii_digit())?;
        let mut v = u32::from(d0 - b'0');
        self.i += 1;
        if let Some(d1) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u32::from(d1 - b'0');
            self.i += 1;
        }
        Some(v)
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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
