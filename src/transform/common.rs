//! Pieces the builtin transformers share: kyaml's two ways of setting a
//! value (replace a scalar in place, or set a key of a mapping), go-yaml's
//! plain-scalar typing for values set without a tag, and kyaml's path getter.

use crate::error::{Error, Result};
use crate::resource::{added_key_type, set_key_error};
use crate::yaml::gostr::json::Json;
use crate::yaml::gostr::yaml::yaml_int;
use crate::yaml::{Scalar, Tag, Value};

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
        untagged: tag.is_none(),
        ..Scalar::new(tag.unwrap_or_else(|| plain_tag(text)), text.to_string())
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

/// The scalar replacing `old`: kyaml keeps the old node's style, so a
/// quoted node stays a string whatever its new text (`replicas: "1"`
/// becomes `"4"`), see [`Scalar::restyle`].
pub(crate) fn restyled(old: &Scalar, text: &str, tag: Option<Tag>) -> Value {
    let new = Scalar::new(tag.unwrap_or_else(|| plain_tag(text)), text);
    Value::Scalar(old.restyle(new))
}

/// kyaml's `FieldSetter` with a name and a string value: sets `key` in the
/// mapping `node`. A null node silently stays null (kyaml appends to its
/// content, which a scalar never prints); other kinds are an error.
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<()> {
    if key.is_empty() {
        // Oracle: kyaml takes an empty name as "set the node itself" and
        // fails (`wrong node kind: expected ScalarNode but got MappingNode`).
        return Err(Error::new(
            "empty key: a label or annotation needs a non-empty key",
        ));
    }
    match node {
        Value::Map(m) => {
            // Oracle: also when the key is there already, quoted.
            if let Some(tag) = added_key_type(key) {
                return Err(set_key_error(key, tag));
            }
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

/// Parses go-yaml's integer spellings (decimal, `0x`, `0o`, `0b`, `_`).
pub(crate) fn parse_int(text: &str) -> Option<i64> {
    yaml_int(text).and_then(|v| i64::try_from(v).ok())
}

/// An object as Go's `json.Marshal` prints it (keys sorted, HTML-safe
/// escapes), for messages that show resources this way. Floats and
/// timestamps keep their text: an approximation good enough for errors.
pub(crate) fn compact_json(v: &Value) -> String {
    let scalar = |s: &Scalar| match s.tag {
        Tag::Null => Json::Null,
        Tag::Bool => Json::Bool(s.text.eq_ignore_ascii_case("true")),
        Tag::Int => Json::Number(parse_int(&s.text).map_or(s.text.clone(), |i| i.to_string())),
        Tag::Float => Json::Number(s.text.clone()),
        Tag::Str | Tag::Timestamp => Json::String(s.text.clone()),
    };
    Json::from_value_total(v, scalar).to_string(None)
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
