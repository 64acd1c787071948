//! Targets inside structured text: a target path that runs into a string
//! field holding JSON or YAML (`data.config\.json.server.port`) goes on
//! inside that document, and the string is rewritten (kustomize v5.8's
//! `setValueInStructuredData`). JSON is written back compact, or indented
//! by two spaces when the original was; YAML is written back as block YAML
//! in the document's key order. kustomize also keeps the original's flow
//! style and quoting, which strata's document model does not record: such
//! YAML comes back in block style with double quotes where needed.

use super::{lookup, match_path, set_field, FieldOptions, Kind};
use crate::error::{Error, Result};
use crate::transform::plain_tag;
use crate::yaml::gostr::json::Json;
use crate::yaml::{parse_documents, ParseOptions, Scalar, Tag, Value};

/// Tries to set `value` at `path` through a string field holding a document.
/// An error means "not structured data here": the caller then walks the path
/// as usual.
pub(super) fn set_in_scalar(
    obj: &mut Value,
    value: &Value,
    path: &[String],
    create: Option<Kind>,
) -> Result<()> {
    let not_here = || Error::new("no structured data found in path");
    if path.len() < 2 {
        return Err(not_here());
    }
    let mut found = None;
    for i in 1..path.len() {
        let Ok(Some(Value::Scalar(s))) = lookup(obj, &path[..i]) else {
            continue;
        };
        if let Ok(docs) = parse_documents(s.text.as_bytes(), &ParseOptions::default()) {
            found = Some((i, s.text.clone(), docs.into_iter().next().map(|d| d.value)));
            break;
        }
    }
    let (i, original, parsed) = found.ok_or_else(not_here)?;
    // An empty document is no node kyaml can walk.
    let mut doc = parsed.ok_or_else(not_here)?;
    let mut set =
        |node: &mut Value, fresh: bool| set_field(node, fresh, value, &FieldOptions::default());
    let n = match_path(&mut doc, &path[i..], create, false, &mut set)?;
    if n == 0 {
        return Err(Error::new("unable to find field in structured data"));
    }
    let trimmed = original.trim_start();
    let text = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let pretty = original.contains('\n') && original.contains("  ");
        to_json(&doc).to_string(pretty.then_some("  "))
    } else {
        let mut out = String::new();
        write_yaml(&doc, 0, &mut out);
        out.trim().to_string()
    };
    let field = lookup_mut(obj, &path[..i]).ok_or_else(not_here)?;
    if let Value::Scalar(s) = field {
        s.text = text;
    }
    Ok(())
}

/// The node [`lookup`] found, mutably (the path is known to lead somewhere).
fn lookup_mut<'a>(obj: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    crate::transform::common::path_get_mut(obj, path)
}

/// Go's `encoding/json` string escaping (HTML characters escaped too).
fn json_string(s: &str, out: &mut String) {
    crate::yaml::gostr::json::write_string(s, out)
}

/// A node as kyaml marshals it to JSON.
fn to_json(v: &Value) -> Json {
    Json::from_value_total(v, json_scalar)
}

/// One scalar as JSON, typed as go-yaml v3 decodes it.
fn json_scalar(s: &Scalar) -> Json {
    match s.tag {
        Tag::Null => Json::Null,
        Tag::Bool => Json::Bool(s.text.eq_ignore_ascii_case("true")),
        Tag::Int => match crate::transform::common::parse_int(&s.text) {
            Some(i) => Json::Number(i.to_string()),
            None => Json::String(s.text.clone()),
        },
        Tag::Float => match crate::yaml::gostr::strconv::parse_float(&s.text.replace('_', "")) {
            Ok(f) if f.is_finite() => Json::float(f),
            _ => Json::String(s.text.clone()),
        },
        Tag::Str | Tag::Timestamp => Json::String(s.text.clone()),
    }
}

/// A scalar as block YAML writes it: plain when it reads back the same,
/// else double-quoted.
fn yaml_scalar(s: &Scalar) -> String {
    let plain_ok = !s.text.is_empty()
        && !s.text.contains(['\n', '"', '\\', '#', '\t'])
        && !s.text.contains(": ")
        && !s.text.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '%', '@',
            '`',
        ])
        && !s.text.ends_with([' ', ':']);
    if s.tag != Tag::Str || (plain_ok && plain_tag(&s.text) == Tag::Str) {
        return s.text.clone();
    }
    let mut out = String::new();
    json_string(&s.text, &mut out);
    out
}

/// Block YAML in the document's own key order, two-space indentation.
fn write_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Scalar(s) => {
            out.push_str(&yaml_scalar(s));
            out.push('\n');
        }
        Value::Seq(items) if items.is_empty() => out.push_str("[]\n"),
        Value::Map(m) if m.is_empty() => out.push_str("{}\n"),
        Value::Seq(items) => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                write_nested(item, indent + 2, out, true);
            }
        }
        Value::Map(m) => {
            for (k, val) in m {
                out.push_str(&pad);
                let val_indent = if matches!(val, Value::Seq(_)) {
                    // Lists under a key are not indented (kyaml's compact style).
                    indent
                } else {
                    indent + 2
                };
                out.push_str(&yaml_scalar(&Scalar::new(Tag::Str, k.clone())));
                out.push(':');
                write_nested(val, val_indent, out, false);
            }
        }
    }
}

/// A value after `key:` or `- `.
fn write_nested(v: &Value, indent: usize, out: &mut String, after_dash: bool) {
    match v {
        Value::Map(m) if !m.is_empty() && after_dash => {
            // The first key goes on the dash's line.
            let mut first = String::new();
            write_yaml(v, indent, &mut first);
            out.push_str(first.trim_start());
        }
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            write_yaml(v, indent, out);
        }
        Value::Seq(s) if !s.is_empty() => {
            if after_dash {
                let mut first = String::new();
                write_yaml(v, indent, &mut first);
                out.push_str(first.trim_start());
            } else {
                out.push('\n');
                write_yaml(v, indent, out);
            }
        }
        _ => {
            if !after_dash {
                out.push(' ');
            }
            write_yaml(v, 0, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(src: &str) -> Value {
        parse_documents(src.as_bytes(), &ParseOptions::default())
            .unwrap()
            .remove(0)
            .value
    }

    #[test]
    fn json_forms() {
        let v = doc(r#"{"z": 1, "a": {"b": "<x>", "c": [1, 2.5, 1e30]}}"#);
        assert_eq!(
            to_json(&v).to_string(None),
            r#"{"a":{"b":"\u003cx\u003e","c":[1,2.5,1e+30]},"z":1}"#
        );
        let pretty = to_json(&doc(r#"{"a": [1]}"#)).to_string(Some("  "));
        assert_eq!(pretty, "{\n  \"a\": [\n    1\n  ]\n}");
    }

    #[test]
    fn yaml_keeps_key_order() {
        let mut out = String::new();
        write_yaml(
            &doc("x:\n  y: v\n  b: 2\na: [1, {k: v, l: w}]\n"),
            0,
            &mut out,
        );
        assert_eq!(out, "x:\n  y: v\n  b: 2\na:\n- 1\n- k: v\n  l: w\n");
    }
}
