//! Go's `encoding/json` spellings, for the places where kustomize's output
//! or hashes depend on them (generator hashes, error messages, JSON held in
//! string fields), and go-yaml's integer reading.

use std::fmt::Write;

/// Writes a string as `encoding/json` does: HTML-safe (`<`, `>`, `&` and
/// U+2028/U+2029 escaped), short escapes for `\b` `\f` `\n` `\r` `\t`.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a float64 as `encoding/json` does: plain digits for magnitudes in
/// [1e-6, 1e21), exponent form otherwise (`1e-7`, `1e+21`).
pub fn write_float(f: f64, out: &mut String) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').expect("exponent form");
        out.push_str(mantissa);
        out.push('e');
        if !exp.starts_with('-') {
            out.push('+');
        }
        out.push_str(exp);
    } else {
        let _ = write!(out, "{f}");
    }
}

/// go-yaml's integer spellings (`_` separators, sign, `0x`, `0o`, `0b`,
/// leading-zero octal), when the value fits int64 or uint64.
pub fn parse_int(text: &str) -> Option<i128> {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    super::emit::go_parse_int(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let mut s = String::new();
        write_string("a<b>&\u{8}\u{1}\"\\", &mut s);
        assert_eq!(s, r#""a\u003cb\u003e\u0026\b\u0001\"\\""#);
        let f = |x: f64| {
            let mut s = String::new();
            write_float(x, &mut s);
            s
        };
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("012"), Some(10));
        assert_eq!(parse_int("abc"), None);
    }
}
