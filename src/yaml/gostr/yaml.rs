//! How go-yaml (v2 and v3 alike) reads a plain scalar's text as a number,
//! in terms of [`super::strconv`].

use super::strconv::{parse_float, parse_int, parse_uint};

/// go-yaml's integer reading: `_` removed, then `ParseInt(s, 0, 64)`, then
/// `ParseUint(s, 0, 64)` (sign, `0x`, `0o`, `0b`, leading-`0` octal). The
/// value when int64 or uint64 holds it.
pub fn yaml_int(text: &str) -> Option<i128> {
    let plain = strip_underscores(text);
    if let Ok(v) = parse_int(&plain, 0) {
        return Some(v.into());
    }
    parse_uint(&plain, 0).ok().map(i128::from)
}

/// go-yaml's float reading for text starting with a digit or sign: `_`
/// removed, the `yamlStyleFloat` pattern
/// (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`), then
/// `ParseFloat(s, 64)` (so `1e400`, out of range, is not a float).
pub fn yaml_float(text: &str) -> Option<f64> {
    let plain = strip_underscores(text);
    if !yaml_style_float(&plain) {
        return None;
    }
    parse_float(&plain).ok()
}

/// YAML's `.inf`, `-.inf`, `.nan` spellings (and their case variants).
pub fn yaml_special_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => None,
    }
}

/// A scalar go-yaml typed as a number, read as Go decodes it into
/// `interface{}` before `encoding/json` sees it: an integer (int64 or
/// uint64) or a float64. Underscores, prefixes and `.inf` included.
pub fn yaml_number(text: &str) -> Option<YamlNumber> {
    if let Some(i) = yaml_int(text) {
        return Some(YamlNumber::Int(i));
    }
    yaml_special_float(text)
        .or_else(|| yaml_float(text))
        .or_else(|| parse_float(&strip_underscores(text)).ok())
        .map(YamlNumber::Float)
}

/// What [`yaml_number`] read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YamlNumber {
    /// Fits int64 or uint64.
    Int(i128),
    /// A float64 (possibly infinite or NaN).
    Float(f64),
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
pub fn yaml_style_float(s: &str) -> bool {
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

fn strip_underscores(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    }
}
