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

/// A JSON value as Go's `encoding/json` marshals one, numbers already
/// spelled (each caller decides how a YAML scalar becomes JSON: that is
/// where kustomize's paths differ; the writing is the same). Dropped
/// through [`crate::yaml::deep`]: derived drop glue recurses once per level.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as it is written (see [`Json::float`]).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, written in the order given (Go sorts map keys:
    /// [`Json::from_value`] does).
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A float64 as `json.Marshal` writes it (finite: callers check).
    pub fn float(f: f64) -> Json {
        Json::Number(float_string(f))
    }

    /// A YAML value as JSON, map keys sorted as Go marshals a map, each
    /// scalar converted by `scalar`.
    pub fn from_value<E>(
        v: &crate::yaml::Value,
        scalar: &impl Fn(&crate::yaml::Scalar) -> Result<Json, E>,
    ) -> Result<Json, E> {
        use crate::yaml::Value;
        crate::yaml::deep(|| {
            Ok(match v {
                Value::Scalar(s) => scalar(s)?,
                Value::Seq(items) => Json::Array(
                    items
                        .iter()
                        .map(|i| Json::from_value(i, scalar))
                        .collect::<Result<_, E>>()?,
                ),
                Value::Map(m) => {
                    let mut fields = m
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), Json::from_value(v, scalar)?)))
                        .collect::<Result<Vec<_>, E>>()?;
                    fields.sort_by(|a, b| a.0.cmp(&b.0));
                    Json::Object(fields)
                }
            })
        })
    }

    /// [`Json::from_value`] with a conversion of scalars that cannot fail.
    pub fn from_value_total(
        v: &crate::yaml::Value,
        scalar: impl Fn(&crate::yaml::Scalar) -> Json,
    ) -> Json {
        let ok = |s: &crate::yaml::Scalar| Ok::<_, std::convert::Infallible>(scalar(s));
        match Json::from_value(v, &ok) {
            Ok(j) => j,
            Err(never) => match never {},
        }
    }

    /// `json.Marshal` (`indent` `None`) or `json.MarshalIndent(v, "", indent)`.
    pub fn write(&self, indent: Option<&str>, out: &mut String) {
        self.write_at(indent, 0, out)
    }

    /// [`Json::write`] into a new string.
    pub fn to_string(&self, indent: Option<&str>) -> String {
        let mut s = String::new();
        self.write(indent, &mut s);
        s
    }

    fn write_at(&self, indent: Option<&str>, depth: usize, out: &mut String) {
        crate::yaml::deep(|| self.write_level(indent, depth, out))
    }

    // Body of `write_at`, run with stack to spare.
    fn write_level(&self, indent: Option<&str>, depth: usize, out: &mut String) {
        let newline = |out: &mut String, d: usize| {
            if let Some(step) = indent {
                out.push('\n');
                for _ in 0..d {
                    out.push_str(step);
                }
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(s, out),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write_at(indent, depth + 1, out);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(k, out);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write_at(indent, depth + 1, out);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

impl Drop for Json {
    fn drop(&mut self) {
        match self {
            Json::Array(a) if !a.is_empty() => {
                let a = std::mem::take(a);
                crate::yaml::deep(move || drop(a));
            }
            Json::Object(m) if !m.is_empty() => {
                let m = std::mem::take(m);
                crate::yaml::deep(move || drop(m));
            }
            _ => {}
        }
    }
}
