//! Pieces the builtin transformers share: kyaml's two ways of setting a
//! value (replace a scalar in place, or set a key of a mapping), go-yaml's
//! plain-scalar typing for values set without a tag, and strict decoding
//! of builtin plugin configuration documents.

use crate::error::{Error, Result};
use crate::kustomization::FieldSpec;
use crate::transform::fieldspec::specs;
use crate::yaml::{Scalar, Tag, Value};
use indexmap::IndexMap;

/// go-yaml's name for the kind of a node, for error messages.
pub(crate) fn node_kind(v: &Value) -> &'static str {
    match v {
        Value::Scalar(_) => "ScalarNode",
        Value::Seq(_) => "SequenceNode",
        Value::Map(_) => "MappingNode",
    }
}

/// kyaml's "wrong node kind" error, which shows the node.
pub(crate) fn wrong_kind(expected: &str, got: &Value) -> Error {
    let mut contents = String::new();
    let shown = crate::yaml::emit_document(got, &mut contents).is_ok();
    let mut msg = format!(
        "wrong node kind: expected {expected} but got {}",
        node_kind(got)
    );
    if shown {
        msg.push_str(": node contents:\n");
        msg.push_str(&contents);
    }
    Error::new(msg)
}

/// The tag go-yaml v3 gives `text` written as a plain scalar. Values kyaml
/// sets with an empty tag are typed this way when the output is decoded.
pub fn plain_tag(text: &str) -> Tag {
    crate::yaml::resolve_plain(text)
}

/// A scalar as kyaml builds it for a setter: with a tag (`Some`), or with
/// an empty tag that go-yaml resolves like a plain scalar (`None`).
pub(crate) fn scalar(text: &str, tag: Option<Tag>) -> Value {
    Value::Scalar(Scalar {
        tag: tag.unwrap_or_else(|| plain_tag(text)),
        text: text.to_string(),
    })
}

/// kyaml's `FieldSetter` without a name: replaces the scalar `node` (a null
/// node counts as one); any other kind of node is an error.
pub(crate) fn set_scalar(node: &mut Value, text: &str, tag: Option<Tag>) -> Result<()> {
    let Value::Scalar(old) = node else {
        return Err(wrong_kind("ScalarNode", node));
    };
    *node = restyled(old, text, tag);
    Ok(())
}

/// The scalar replacing `old`. kyaml keeps the old node's quoting style,
/// and go-yaml decodes a quoted scalar as a string whatever its tag; a
/// string whose text would not read back as a string was quoted, so
/// whatever replaces it is a string too (`replicas: "1"` becomes `"4"`).
pub(crate) fn restyled(old: &Scalar, text: &str, tag: Option<Tag>) -> Value {
    let was_quoted = old.tag == Tag::Str && plain_tag(&old.text) != Tag::Str;
    if was_quoted {
        Value::string(text)
    } else {
        scalar(text, tag)
    }
}

/// kyaml's `FieldSetter` with a name and a string value: sets `key` in the
/// mapping `node`. A null node silently stays null (kyaml appends to its
/// content, which a scalar never prints); other kinds are an error.
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<()> {
    match node {
        Value::Map(m) => {
            m.insert(key.to_string(), Value::string(value));
            Ok(())
        }
        v if v.is_null() => Ok(()),
        v => Err(wrong_kind("MappingNode", v)),
    }
}

/// Whether a resource object is empty (kustomize skips those).
pub(crate) fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Scalar(_) => v.is_null(),
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
    }
}

/// Accessors for a builtin plugin's configuration document. kustomize
/// re-serializes the document it parsed (so scalars keep go-yaml v3's
/// types), then decodes most configs with `sigs.k8s.io/yaml` (JSON into a
/// typed struct, where any scalar may fill a string field in its canonical
/// spelling: `True` → `true`, `0x10` → `16`) and the prefix/suffix ones
/// with go-yaml v3 (any scalar's text fills a string field). Unknown fields are ignored and null
/// means "unset"; a mapping or list where a scalar is wanted is an error.
pub(crate) struct Config<'a> {
    kind: &'a str,
    doc: &'a Value,
    /// Decoded through JSON (`sigs.k8s.io/yaml`) rather than go-yaml v3.
    json: bool,
}

impl<'a> Config<'a> {
    /// Wraps a document decoded through JSON; it must be a mapping.
    pub(crate) fn new(kind: &'a str, doc: &'a Value) -> Result<Config<'a>> {
        if doc.as_map().is_none() {
            return Err(Error::new(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type builtins.{kind}Plugin",
                match doc {
                    Value::Seq(_) => "array",
                    _ => "string",
                }
            )));
        }
        Ok(Config {
            kind,
            doc,
            json: true,
        })
    }

    /// Wraps a document decoded by go-yaml v3 (scalar text kept verbatim).
    pub(crate) fn new_v3(kind: &'a str, doc: &'a Value) -> Result<Config<'a>> {
        Ok(Config {
            json: false,
            ..Config::new(kind, doc)?
        })
    }

    /// The decoder's error for a value of the wrong type at `path` (a Go
    /// field of type `go_type`): encoding/json's wording, or go-yaml's.
    fn err(&self, path: &[&str], go_type: &str, v: &Value) -> Error {
        if !self.json {
            let tag = match v {
                Value::Map(_) => "!!map".to_string(),
                Value::Seq(_) => "!!seq".to_string(),
                Value::Scalar(_) => format!("!!{}", v.kind_name()),
            };
            return Error::new(format!(
                "yaml: unmarshal errors:\n  cannot unmarshal {tag} into {go_type}"
            ));
        }
        let json_kind = match v {
            Value::Map(_) => "object",
            Value::Seq(_) => "array",
            Value::Scalar(s) => match s.tag {
                Tag::Bool => "bool",
                Tag::Int | Tag::Float => "number",
                _ => "string",
            },
        };
        let owner = match (path.len(), path.first().copied()) {
            (n, Some("replica")) if n > 1 => "Replica".to_string(),
            (n, Some("imageTag")) if n > 1 => "Image".to_string(),
            (n, Some("metadata")) if n > 1 => "ObjectMeta".to_string(),
            _ => format!("{}Plugin", self.kind),
        };
        Error::new(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {json_kind} \
             into Go struct field {owner}.{} of type {go_type}",
            path.join(".")
        ))
    }

    /// Follows `path`. Through JSON, a key matches a field name
    /// case-insensitively, and of several spellings the last in byte order
    /// wins (Go visits the object's keys sorted, each overwriting the field;
    /// a null overwrites nothing).
    fn at(&self, path: &[&str]) -> Option<&'a Value> {
        let mut cur = self.doc;
        for key in path {
            let m = cur.as_map()?;
            cur = if self.json {
                let mut hits: Vec<(&String, &Value)> = m
                    .iter()
                    .filter(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())
                    .collect();
                hits.sort_by(|a, b| a.0.cmp(b.0));
                hits.last()?.1
            } else {
                m.get(*key)?
            };
        }
        Some(cur).filter(|v| !v.is_null())
    }

    /// The string a scalar decodes to in a string field.
    fn scalar_text(&self, s: &Scalar) -> String {
        if !self.json {
            return s.text.clone();
        }
        match s.tag {
            Tag::Bool => s.text.to_ascii_lowercase(),
            Tag::Int => parse_int(&s.text).map_or_else(|| s.text.clone(), |i| i.to_string()),
            Tag::Float => go_float_to_string(&s.text),
            // A bare date decodes to a time, which JSON writes in RFC 3339.
            Tag::Timestamp if s.text.len() <= 10 => format!("{}T00:00:00Z", s.text),
            _ => s.text.clone(),
        }
    }

    fn string_of(&self, path: &[&str], v: &Value) -> Result<String> {
        match v {
            Value::Scalar(s) => Ok(self.scalar_text(s)),
            _ => Err(self.err(path, "string", v)),
        }
    }

    /// A string field ("" when absent).
    pub(crate) fn string(&self, path: &[&str]) -> Result<String> {
        match self.at(path) {
            None => Ok(String::new()),
            Some(v) => self.string_of(path, v),
        }
    }

    /// A boolean field (false when absent).
    pub(crate) fn boolean(&self, path: &[&str]) -> Result<bool> {
        match self.at(path) {
            None => Ok(false),
            Some(Value::Scalar(Scalar {
                tag: Tag::Bool,
                text,
            })) => Ok(text.eq_ignore_ascii_case("true")),
            Some(v) => Err(self.err(path, "bool", v)),
        }
    }

    /// An integer field (0 when absent).
    pub(crate) fn int(&self, path: &[&str]) -> Result<i64> {
        match self.at(path) {
            None => Ok(0),
            Some(v @ Value::Scalar(s)) if s.tag == Tag::Int => {
                parse_int(&s.text).ok_or_else(|| self.err(path, "int64", v))
            }
            // An integral float becomes an integer on the way to JSON.
            Some(v @ Value::Scalar(s)) if s.tag == Tag::Float && self.json => {
                match s.text.replace('_', "").parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
                    // encoding/json names the number it could not fit.
                    _ => Err(Error::new(self.err(path, "int64", v).message.replacen(
                        "unmarshal number",
                        &format!("unmarshal number {}", go_float_to_string(&s.text)),
                        1,
                    ))),
                }
            }
            Some(v) => Err(self.err(path, "int64", v)),
        }
    }

    /// A map of strings (empty when absent).
    pub(crate) fn string_map(&self, path: &[&str]) -> Result<IndexMap<String, String>> {
        let mut out = IndexMap::new();
        match self.at(path) {
            None => {}
            Some(Value::Map(m)) => {
                for (k, v) in m {
                    let text = if v.is_null() {
                        String::new()
                    } else {
                        self.string_of(path, v)?
                    };
                    out.insert(k.clone(), text);
                }
            }
            Some(v) => return Err(self.err(path, "map[string]string", v)),
        }
        Ok(out)
    }

    /// A list of field specs (empty when absent).
    pub(crate) fn field_specs(&self, key: &str) -> Result<Vec<FieldSpec>> {
        match self.at(&[key]) {
            None => Ok(Vec::new()),
            Some(v @ Value::Seq(_)) => {
                specs(v).map_err(|e| e.context(format!("{} config", self.kind)))
            }
            Some(v) => Err(self.err(&[key], "[]types.FieldSpec", v)),
        }
    }
}

/// A YAML float as `sigs.k8s.io/yaml` writes it into a string field: an
/// integral value (within int64) as an integer, others as Go's
/// `strconv.FormatFloat(f, 'g', -1, 32)`.
pub(crate) fn go_float_to_string(text: &str) -> String {
    let t = text.replace('_', "");
    if let Ok(f) = t.parse::<f64>() {
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            return (f as i64).to_string();
        }
    }
    go_float32_g(text)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` of a YAML float.
pub(crate) fn go_float32_g(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let f: f64 = match lower.trim_start_matches('+') {
        ".inf" => f64::INFINITY,
        "-.inf" => f64::NEG_INFINITY,
        ".nan" => f64::NAN,
        t => match t.replace('_', "").parse() {
            Ok(f) => f,
            Err(_) => return text.to_string(),
        },
    };
    let x = f as f32;
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest round-trip digits and decimal exponent, from Rust's `{:e}`.
    let e = format!("{:e}", x.abs());
    let (mant, exp) = e.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let body = if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp >= nd {
        format!("{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    };
    format!("{sign}{body}")
}

/// Parses go-yaml's integer spellings (decimal, `0x`, `0o`, `0b`, `_`).
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    crate::yaml::gojson::parse_int(text).and_then(|v| i64::try_from(v).ok())
}

/// An object as Go's `json.Marshal` prints it (keys sorted, HTML-safe
/// escapes), for messages that show resources this way. Floats and
/// timestamps keep their text: an approximation good enough for errors.
pub(crate) fn compact_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    crate::yaml::deep(|| write_json_inner(v, out))
}

// Body of `write_json`, run with stack to spare.
fn write_json_inner(v: &Value, out: &mut String) {
    match v {
        Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                write_json(&m[k], out);
            }
            out.push('}');
        }
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Scalar(s) => match s.tag {
            Tag::Null => out.push_str("null"),
            Tag::Bool => out.push_str(&s.text.to_ascii_lowercase()),
            Tag::Int => match parse_int(&s.text) {
                Some(i) => out.push_str(&i.to_string()),
                None => out.push_str(&s.text),
            },
            Tag::Float => out.push_str(&s.text),
            Tag::Str | Tag::Timestamp => json_string(&s.text, out),
        },
    }
}

fn json_string(s: &str, out: &mut String) {
    crate::yaml::gojson::write_string(s, out)
}

/// One step of a kyaml `PathGetter` path (no create): a number indexes a
/// list, `-` is its last element, `[k=v]` selects the element whose field
/// `k` (or whose own value, for `[=v]`) is `v`, anything else is a key.
enum PathStep<'p> {
    Index(usize),
    Last,
    Match(&'p str, &'p str),
    Key(&'p str),
}

fn path_steps(path: &[String]) -> impl Iterator<Item = Option<PathStep<'_>>> {
    path.iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|part| {
            Some(if let Ok(i) = part.parse::<usize>() {
                PathStep::Index(i)
            } else if part == "-" {
                PathStep::Last
            } else if part.starts_with('[') && part.ends_with(']') {
                let (k, v) = part[1..part.len() - 1].split_once('=')?;
                PathStep::Match(k, v)
            } else {
                PathStep::Key(part)
            })
        })
}

fn step_matches(e: &Value, k: &str, want: &str) -> bool {
    if k.is_empty() {
        e.as_scalar_text() == Some(want)
    } else {
        e.get(k).and_then(Value::as_scalar_text) == Some(want)
    }
}

/// The node a kyaml `PathGetter` path leads to, if any (see [`PathStep`]).
pub(crate) fn path_get<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for step in path_steps(path) {
        cur = match step? {
            PathStep::Index(i) => cur.as_seq()?.get(i)?,
            PathStep::Last => cur.as_seq()?.last()?,
            PathStep::Match(k, v) => cur.as_seq()?.iter().find(|e| step_matches(e, k, v))?,
            PathStep::Key(k) => cur.get(k)?,
        };
    }
    Some(cur)
}

/// [`path_get`], mutably.
pub(crate) fn path_get_mut<'a>(obj: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = obj;
    for step in path_steps(path) {
        cur = match step? {
            PathStep::Index(i) => cur.as_seq_mut()?.get_mut(i)?,
            PathStep::Last => cur.as_seq_mut()?.last_mut()?,
            PathStep::Match(k, v) => cur
                .as_seq_mut()?
                .iter_mut()
                .find(|e| step_matches(e, k, v))?,
            PathStep::Key(k) => cur.get_mut(k)?,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tags() {
        assert_eq!(plain_tag("123"), Tag::Int);
        assert_eq!(plain_tag("0x1F"), Tag::Int);
        assert_eq!(plain_tag("1.5"), Tag::Float);
        assert_eq!(plain_tag("true"), Tag::Bool);
        assert_eq!(plain_tag("yes"), Tag::Str);
        assert_eq!(plain_tag(""), Tag::Null);
        assert_eq!(plain_tag("2001-12-14"), Tag::Timestamp);
        assert_eq!(plain_tag("nginx:1.0"), Tag::Str);
        assert_eq!(plain_tag("p-123"), Tag::Str);
    }

    #[test]
    fn go_floats() {
        assert_eq!(go_float32_g("1.50"), "1.5");
        assert_eq!(go_float32_g("1e3"), "1000");
        assert_eq!(go_float32_g("1e6"), "1e+06");
        assert_eq!(go_float32_g("0.0001"), "0.0001");
        assert_eq!(go_float32_g("0.00001"), "1e-05");
        assert_eq!(go_float32_g("-2.5e-7"), "-2.5e-07");
        assert_eq!(go_float32_g("123456"), "123456");
        assert_eq!(go_float32_g(".inf"), "+Inf");
        assert_eq!(go_float_to_string("1e6"), "1000000");
        assert_eq!(go_float_to_string("1e20"), "1e+20");
        assert_eq!(go_float_to_string("3.14159265358979"), "3.1415927");
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int("0x10"), Some(16));
        assert_eq!(parse_int("-3"), Some(-3));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("abc"), None);
    }

    #[test]
    fn set_entry_kinds() {
        let mut m = Value::map();
        set_entry(&mut m, "a", "1").unwrap();
        assert_eq!(m.get("a"), Some(&Value::string("1")));
        let mut n = Value::null();
        set_entry(&mut n, "a", "1").unwrap();
        assert!(n.is_null());
        let mut s = Value::string("x");
        assert!(set_entry(&mut s, "a", "1").is_err());
    }
}
