//! Go's `encoding/json` spellings: how `json.Marshal` writes strings and
//! numbers (generator hashes, JSON held in string fields, error messages).

use super::strconv::{write_float as strconv_write_float, FloatFormat};
use std::fmt::Write;

/// Writes a string as `json.Marshal` does: HTML-safe (`<`, `>`, `&` and
/// U+2028/U+2029 as `\u00XX`), short escapes for `\b` `\f` `\n` `\r` `\t`,
/// other control characters as `\u00XX`, DEL and the rest as they are.
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

/// Writes a finite float64 as `json.Marshal` does: `strconv`'s shortest
/// `'f'` form for magnitudes in [1e-6, 1e21) (and zero), the `'e'` form
/// otherwise with a one-digit negative exponent unpadded (`1e-7`,
/// `1e+21`). Non-finite values are an error in Go; callers check first.
pub fn write_float(f: f64, out: &mut String) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let start = out.len();
        strconv_write_float(f, FloatFormat::E, 64, out);
        // "e-07" becomes "e-7"; positive exponents keep their padding.
        let tail = &out[start..];
        if let Some(i) = tail.find("e-0") {
            out.remove(start + i + 2);
        }
    } else {
        strconv_write_float(f, FloatFormat::F, 64, out);
    }
}

/// [`write_float`] into a new string.
pub fn float_string(f: f64) -> String {
    let mut s = String::new();
    write_float(f, &mut s);
    s
}
