//! JSON patches (RFC 6902) as kustomize applies them: the resource goes
//! through JSON (`RNode.MarshalJSON`), `gopkg.in/evanphx/json-patch.v4`
//! applies the operations, and the JSON comes back as YAML. So every value
//! is re-typed on the way (numbers become float64 and print in Go's
//! shortest form, timestamps become strings), and the library's quirks are
//! kept: `replace` of a missing object key adds it, negative indices count
//! from the end, errors read as the library words them.
//!
//! A YAML patch body is converted with `sigs.k8s.io/yaml.YAMLToJSON`, which
//! reads YAML 1.1 (`yes`/`on` are booleans there, timestamps stay strings).

use crate::error::{Error, Result};
use crate::yaml::gostr::strconv::{format_float, FloatFormat};
use crate::yaml::gostr::yaml::{yaml_number, YamlNumber};
use crate::yaml::{
    map_with_capacity, parse_documents, Document, Mark, ParseOptions, Scalar, Tag, Value,
};
use indexmap::IndexMap;

/// A JSON value as Go's `encoding/json` decodes it into `interface{}`.
///
/// Clone, equality and drop run through [`crate::yaml::deep`] (see
/// [`Value`]'s docs).
#[derive(Debug)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Every number is a float64.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object.
    Obj(IndexMap<String, Json>),
}

impl Clone for Json {
    fn clone(&self) -> Self {
        crate::yaml::deep(|| match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(*b),
            Json::Num(n) => Json::Num(*n),
            Json::Str(s) => Json::Str(s.clone()),
            Json::Arr(a) => Json::Arr(a.clone()),
            Json::Obj(m) => Json::Obj(m.clone()),
        })
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        crate::yaml::deep(|| match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Num(a), Json::Num(b)) => a == b,
            (Json::Str(a), Json::Str(b)) => a == b,
            (Json::Arr(a), Json::Arr(b)) => a == b,
            (Json::Obj(a), Json::Obj(b)) => a == b,
            _ => false,
        })
    }
}

impl Drop for Json {
    fn drop(&mut self) {
        match self {
            Json::Arr(a) if !a.is_empty() => {
                let a = std::mem::take(a);
                crate::yaml::deep(move || drop(a));
            }
            Json::Obj(m) if !m.is_empty() => {
                let m = std::mem::take(m);
                crate::yaml::deep(move || drop(m));
            }
            _ => {}
        }
    }
}

/// One operation of a patch.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    op: String,
    path: Option<String>,
    from: Option<String>,
    value: Option<Json>,
    /// Where the operation is in the patch text, for errors.
    mark: Option<Mark>,
}

/// A decoded JSON patch.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPatch {
    ops: Vec<Operation>,
}

impl JsonPatch {
    /// Decodes a patch: JSON when the text starts with `[`, YAML otherwise.
    pub fn decode(text: &str) -> Result<JsonPatch> {
        let json = text.starts_with('[');
        let opts = ParseOptions {
            record_marks: true,
            ..ParseOptions::default()
        };
        // A syntax error keeps its kind and position in the text.
        let docs = parse_documents(text.as_bytes(), &opts).map_err(Error::from)?;
        let op_mark = |j: usize| docs.first().and_then(|d| d.mark_at(&[j.to_string()]));
        // YAMLToJSON reads the first document only.
        let mut value = match docs.first() {
            None => Json::Null,
            Some(d) => to_json_patch_value(&d.value, d, text, json, &mut String::new())?,
        };
        let items = match &mut value {
            Json::Null => Vec::new(),
            Json::Arr(items) => std::mem::take(items),
            other => {
                return Err(Error::new(format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                    json_kind(other)
                )))
            }
        };
        let mut ops = Vec::with_capacity(items.len());
        for (j, mut item) in items.into_iter().enumerate() {
            let Json::Obj(m) = &mut item else {
                return Err(Error::new(format!(
                    "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                    json_kind(&item)
                ))
                .at(op_mark(j)));
            };
            let string_field = |m: &IndexMap<String, Json>, k: &str| match m.get(k) {
                Some(Json::Str(s)) => Some(s.clone()),
                _ => None,
            };
            ops.push(Operation {
                op: string_field(m, "op").unwrap_or_default(),
                path: string_field(m, "path"),
                from: string_field(m, "from"),
                value: m.shift_remove("value"),
                mark: op_mark(j),
            });
        }
        Ok(JsonPatch { ops })
    }

    /// Whether the patch has no operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Applies the patch to a resource object, through JSON and back.
    pub fn apply_to(&self, obj: &Value) -> Result<Value> {
        let mut doc = to_json(obj)?;
        if !matches!(doc, Json::Obj(_)) {
            return Err(Error::new("json: cannot unmarshal into a JSON object"));
        }
        for op in &self.ops {
            apply_op(&mut doc, op).map_err(|e| e.at(op.mark))?;
        }
        Ok(from_json(&doc))
    }
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Num(_) => "number",
        Json::Str(_) => "string",
        Json::Arr(_) => "array",
        Json::Obj(_) => "object",
    }
}

/// A number-tagged scalar as Go holds it before `encoding/json` writes it
/// (int64/uint64 widened to float64, as JSON decoding makes it).
fn go_number(text: &str) -> f64 {
    match yaml_number(text) {
        Some(YamlNumber::Int(i)) => i as f64,
        Some(YamlNumber::Float(f)) => f,
        None => 0.0,
    }
}

/// A resource scalar as `RNode.MarshalJSON` writes it (go-yaml v3 typing).
fn scalar_to_json(s: &Scalar) -> Result<Json> {
    Ok(match s.tag {
        Tag::Null => Json::Null,
        Tag::Bool => Json::Bool(s.text.eq_ignore_ascii_case("true")),
        Tag::Int => Json::Num(go_number(&s.text)),
        Tag::Float => {
            let f = go_number(&s.text);
            if !f.is_finite() {
                return Err(Error::new(format!(
                    "json: unsupported value: {}",
                    format_float(f, FloatFormat::G, 64)
                )));
            }
            Json::Num(f)
        }
        Tag::Timestamp => Json::Str(rfc3339(&s.text)),
        Tag::Str => Json::Str(s.text.clone()),
    })
}

/// A go-yaml v3 timestamp as Go's JSON writes the `time.Time` it decodes
/// to: RFC 3339 with zero-padded fields, the fraction without trailing
/// zeros, `Z` for a zero offset (no zone means UTC).
fn rfc3339(text: &str) -> String {
    fn num(s: &str) -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }
    let parse = || -> Option<String> {
        let (date, rest) = match text.find(['T', 't', ' ']) {
            Some(i) => (&text[..i], Some(text[i + 1..].trim_start())),
            None => (text, None),
        };
        let mut d = date.splitn(3, '-');
        let (y, mo, da) = (d.next()?, num(d.next()?)?, num(d.next()?)?);
        if y.len() != 4 || num(y).is_none() {
            return None;
        }
        let Some(rest) = rest else {
            return Some(format!("{y}-{mo:02}-{da:02}T00:00:00Z"));
        };
        let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
        let (clock, zone) = rest.split_at(zone_at);
        let (hms, frac) = match clock.trim_end().split_once('.') {
            Some((a, b)) => (a, b.trim_end_matches('0')),
            None => (clock.trim_end(), ""),
        };
        let mut c = hms.splitn(3, ':');
        let (h, mi, se) = (num(c.next()?)?, num(c.next()?)?, num(c.next()?)?);
        let zone = match zone {
            "" | "Z" | "z" => "Z".to_string(),
            z => {
                let sign = &z[..1];
                let (zh, zm) = match z[1..].split_once(':') {
                    Some((a, b)) => (num(a)?, num(b)?),
                    None => (num(&z[1..])?, 0),
                };
                if zh == 0 && zm == 0 {
                    "Z".to_string()
                } else {
                    format!("{sign}{zh:02}:{zm:02}")
                }
            }
        };
        let frac = if frac.is_empty() {
            String::new()
        } else {
            format!(".{frac}")
        };
        Some(format!(
            "{y}-{mo:02}-{da:02}T{h:02}:{mi:02}:{se:02}{frac}{zone}"
        ))
    };
    parse().unwrap_or_else(|| text.to_string())
}

/// A resource as JSON.
pub fn to_json(v: &Value) -> Result<Json> {
    crate::yaml::deep(|| to_json_inner(v))
}

// Body of `to_json`, run with stack to spare.
fn to_json_inner(v: &Value) -> Result<Json> {
    Ok(match v {
        Value::Scalar(s) => scalar_to_json(s)?,
        Value::Seq(items) => Json::Arr(items.iter().map(to_json).collect::<Result<_>>()?),
        Value::Map(m) => {
            let mut o = IndexMap::with_capacity(m.len());
            for (k, v) in m {
                o.insert(k.clone(), to_json(v)?);
            }
            Json::Obj(o)
        }
    })
}

/// YAML 1.1 booleans (go-yaml v2) that YAML 1.2 reads as strings.
fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// A mapping key as `YAMLToJSON` writes it: go-yaml v2 types plain keys
/// (`n` is the boolean false, `~` null) and JSON spells them as text. Keys
/// are stored as their text, so quoting is judged from the source.
fn yaml11_key(k: &str, src: &str) -> String {
    let quoted = src.contains(&format!("\"{k}\":")) || src.contains(&format!("'{k}':"));
    if quoted {
        return k.to_string();
    }
    if let Some(b) = yaml11_bool(k) {
        return b.to_string();
    }
    match k {
        "true" | "True" | "TRUE" => "true".into(),
        "false" | "False" | "FALSE" => "false".into(),
        "~" | "null" | "Null" | "NULL" => "null".into(),
        _ => k.to_string(),
    }
}

/// Appends a path segment the way the parser keys node marks (RFC 6901).
fn push_segment(path: &mut String, seg: &str) {
    path.push('/');
    path.push_str(&seg.replace('~', "~0").replace('/', "~1"));
}

/// Whether the scalar at `path` was written quoted: our parsed values do
/// not keep quoting styles, so look at the source where the node starts.
fn is_quoted(doc: &Document, src: &str, path: &str) -> bool {
    let Some(m) = doc.marks.as_ref().and_then(|m| m.get(path)) else {
        return false;
    };
    let Some(line) = src.lines().nth(m.line.saturating_sub(1)) else {
        return false;
    };
    matches!(
        line.chars().nth(m.column.saturating_sub(1)),
        Some('"' | '\'')
    )
}

/// A patch document as JSON: through Go's JSON decoder when it is JSON
/// text, through `YAMLToJSON` (YAML 1.1 typing) otherwise.
fn to_json_patch_value(
    v: &Value,
    doc: &Document,
    src: &str,
    json_text: bool,
    path: &mut String,
) -> Result<Json> {
    crate::yaml::deep(|| to_json_patch_value_inner(v, doc, src, json_text, path))
}

// Body of `to_json_patch_value`, run with stack to spare.
fn to_json_patch_value_inner(
    v: &Value,
    doc: &Document,
    src: &str,
    json_text: bool,
    path: &mut String,
) -> Result<Json> {
    Ok(match v {
        Value::Scalar(s) => match s.tag {
            Tag::Str if !json_text => match yaml11_bool(&s.text) {
                Some(b) if !is_quoted(doc, src, path) => Json::Bool(b),
                _ => Json::Str(s.text.clone()),
            },
            // v2 keeps timestamps as strings when decoding into interface{}.
            Tag::Timestamp => Json::Str(s.text.clone()),
            _ => scalar_to_json(s)?,
        },
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                push_segment(path, &i.to_string());
                out.push(to_json_patch_value(item, doc, src, json_text, path)?);
                path.truncate(len);
            }
            Json::Arr(out)
        }
        Value::Map(m) => {
            let mut o = IndexMap::with_capacity(m.len());
            for (k, v) in m {
                let len = path.len();
                push_segment(path, k);
                let key = if json_text {
                    k.clone()
                } else {
                    yaml11_key(k, src)
                };
                o.insert(key, to_json_patch_value(v, doc, src, json_text, path)?);
                path.truncate(len);
            }
            Json::Obj(o)
        }
    })
}

/// JSON back to YAML as kyaml's `FromMap` does (marshal with go-yaml v3,
/// parse again): numbers in Go's shortest form, typed by their text.
pub fn from_json(j: &Json) -> Value {
    crate::yaml::deep(|| from_json_inner(j))
}

// Body of `from_json`, run with stack to spare.
fn from_json_inner(j: &Json) -> Value {
    match j {
        Json::Null => Value::Scalar(Scalar::new(Tag::Null, "null")),
        Json::Bool(b) => Value::bool(*b),
        Json::Num(f) => {
            let text = format_float(*f, FloatFormat::G, 64);
            Value::Scalar(Scalar::new(crate::transform::plain_tag(&text), text))
        }
        // go-yaml v3's `Marshal` double-quotes a string that would not read
        // back as one; that style then stays with the node.
        Json::Str(s) => Value::Scalar(Scalar {
            quoted: crate::transform::plain_tag(s) != Tag::Str,
            ..Scalar::new(Tag::Str, s.clone())
        }),
        Json::Arr(items) => Value::Seq(items.iter().map(from_json).collect()),
        Json::Obj(o) => {
            let mut m = map_with_capacity(o.len());
            for (k, v) in o {
                m.insert(k.clone(), from_json(v));
            }
            Value::from_map(m)
        }
    }
}

// ---- evanphx/json-patch v4 semantics --------------------------------------

fn missing(what: String) -> Error {
    Error::new(format!("{what}: missing value"))
}

fn invalid_index(idx: i64) -> Error {
    Error::new(format!(
        "Unable to access invalid index: {idx}: invalid index referenced"
    ))
}

/// RFC 6901 unescaping as evanphx does it (`~1` first, then `~0`).
fn decode_key(k: &str) -> String {
    k.replace("~1", "/").replace("~0", "~")
}

/// v4 `findObject`: the container of the path's last token, and that
/// token. `None` when an intermediate step is missing or not a container.
fn find_object<'a>(doc: &'a mut Json, path: &str) -> Option<(&'a mut Json, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let parts = &split[1..split.len() - 1];
    let key = decode_key(split[split.len() - 1]);
    let mut cur = doc;
    for part in parts {
        let part = decode_key(part);
        let next = match cur {
            Json::Obj(m) => m.get_mut(&part)?,
            Json::Arr(a) => {
                let i = array_index(a.len(), &part, false).ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
        if !matches!(next, Json::Obj(_) | Json::Arr(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, key))
}

/// An array index for get/set/remove: in range, negatives from the end.
/// With `insert`, the length itself is allowed.
fn array_index(len: usize, key: &str, insert: bool) -> Result<usize> {
    let idx: i64 = key
        .parse()
        .map_err(|_| Error::new(format!("strconv.Atoi: parsing {key:?}: invalid syntax")))?;
    let len_i = len as i64;
    let mut i = idx;
    if i < 0 {
        if i < -len_i {
            return Err(invalid_index(idx));
        }
        i += len_i;
    }
    let limit = if insert { len_i } else { len_i - 1 };
    if i > limit {
        return Err(invalid_index(idx));
    }
    Ok(i as usize)
}

fn get(con: &Json, key: &str) -> Result<Option<Json>> {
    match con {
        Json::Obj(m) => Ok(m.get(key).cloned()),
        Json::Arr(a) => {
            let i = array_index(a.len(), key, false)?;
            Ok(a.get(i).cloned())
        }
        _ => Ok(None),
    }
}

fn add(con: &mut Json, key: &str, val: Json) -> Result<()> {
    match con {
        Json::Obj(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Json::Arr(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let i = array_index(a.len(), key, true)?;
            a.insert(i, val);
            Ok(())
        }
        _ => Err(Error::new("invalid container")),
    }
}

fn set(con: &mut Json, key: &str, val: Json) -> Result<()> {
    match con {
        Json::Obj(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Json::Arr(a) => {
            let i = array_index(a.len(), key, false)?;
            a[i] = val;
            Ok(())
        }
        _ => Err(Error::new("invalid container")),
    }
}

fn remove(con: &mut Json, key: &str) -> Result<()> {
    match con {
        Json::Obj(m) => {
            if m.shift_remove(key).is_none() {
                return Err(missing(format!("Unable to remove nonexistent key: {key}")));
            }
            Ok(())
        }
        Json::Arr(a) => {
            let i = array_index(a.len(), key, false)?;
            a.remove(i);
            Ok(())
        }
        _ => Err(Error::new("invalid container")),
    }
}

fn apply_op(doc: &mut Json, op: &Operation) -> Result<()> {
    let path = op
        .path
        .clone()
        .ok_or_else(|| Error::new("operation missing path field"))?;
    let value = || op.value.clone().unwrap_or(Json::Null);
    match op.op.as_str() {
        "add" => {
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "add operation does not apply: doc is missing path: {path:?}"
                ))
            })?;
            add(con, &key, value())
                .map_err(|e| e.context(format!("error in add for path: '{path}'")))
        }
        "remove" => {
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "remove operation does not apply: doc is missing path: {path:?}"
                ))
            })?;
            remove(con, &key).map_err(|e| e.context(format!("error in remove for path: '{path}'")))
        }
        "replace" => {
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "replace operation does not apply: doc is missing path: {path}"
                ))
            })?;
            // v4 reads a missing object key as "nothing there", not an error.
            get(con, &key).map_err(|_| {
                missing(format!(
                    "replace operation does not apply: doc is missing key: {path}"
                ))
            })?;
            set(con, &key, value())
                .map_err(|e| e.context(format!("error in replace for path: '{path}'")))
        }
        "move" => {
            let from = op
                .from
                .clone()
                .ok_or_else(|| Error::new("operation missing from field"))?;
            let (con, key) = find_object(doc, &from).ok_or_else(|| {
                missing(format!(
                    "move operation does not apply: doc is missing from path: {from}"
                ))
            })?;
            let val = get(con, &key)
                .map_err(|e| e.context(format!("error in move for path: '{key}'")))?;
            remove(con, &key).map_err(|e| e.context(format!("error in move for path: '{key}'")))?;
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "move operation does not apply: doc is missing destination path: {path}"
                ))
            })?;
            add(con, &key, val.unwrap_or(Json::Null))
                .map_err(|e| e.context(format!("error in move for path: '{path}'")))
        }
        "copy" => {
            let from = op
                .from
                .clone()
                .ok_or_else(|| Error::new("operation missing from field"))?;
            let (con, key) = find_object(doc, &from).ok_or_else(|| {
                missing(format!(
                    "copy operation does not apply: doc is missing from path: {from}"
                ))
            })?;
            let val = get(con, &key)
                .map_err(|e| e.context(format!("error in copy for from: '{from}'")))?
                .ok_or_else(|| {
                    missing(format!(
                        "copy operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "copy operation does not apply: doc is missing destination path: {path}"
                ))
            })?;
            add(con, &key, val).map_err(|e| e.context(format!("error in copy for path: '{path}'")))
        }
        "test" => {
            let (con, key) = find_object(doc, &path).ok_or_else(|| {
                missing(format!(
                    "test operation does not apply: is missing path: {path}"
                ))
            })?;
            let got = get(con, &key)
                .map_err(|e| e.context(format!("error in test for path: '{path}'")))?;
            let want = op.value.clone().unwrap_or(Json::Null);
            let ok = match got {
                None => want == Json::Null,
                Some(g) => g == want,
            };
            if ok {
                Ok(())
            } else {
                Err(Error::new(format!(
                    "testing value {path} failed: test failed"
                )))
            }
        }
        other => Err(Error::new(format!("Unexpected kind: {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(src: &str) -> Value {
        parse_documents(src.as_bytes(), &ParseOptions::default()).unwrap()[0]
            .value
            .clone()
    }

    fn apply(doc: &str, patch: &str) -> Result<Value> {
        JsonPatch::decode(patch)?.apply_to(&obj(doc))
    }

    #[test]
    fn timestamps_as_go_json() {
        assert_eq!(rfc3339("2001-12-14"), "2001-12-14T00:00:00Z");
        assert_eq!(rfc3339("2001-1-4"), "2001-01-04T00:00:00Z");
        assert_eq!(
            rfc3339("2001-12-14T21:59:43.10-05:00"),
            "2001-12-14T21:59:43.1-05:00"
        );
        assert_eq!(rfc3339("2001-12-14 21:59:43.0"), "2001-12-14T21:59:43Z");
        assert_eq!(rfc3339("2001-12-14t1:2:3+00:00"), "2001-12-14T01:02:03Z");
    }

    #[test]
    fn floats_print_like_go() {}

    #[test]
    fn replace_of_missing_key_adds_it() {
        let out = apply("a: {b: 1}", "- op: replace\n  path: /a/c\n  value: x\n").unwrap();
        assert_eq!(out.str_at(&["a", "c"]), Some("x"));
    }

    #[test]
    fn negative_index_and_append() {
        let out = apply(
            "l: [1, 2, 3]",
            r#"[{"op":"replace","path":"/l/-1","value":9},{"op":"add","path":"/l/-","value":4}]"#,
        )
        .unwrap();
        let texts: Vec<&str> = out
            .get("l")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|v| v.as_scalar_text().unwrap())
            .collect();
        assert_eq!(texts, ["1", "2", "9", "4"]);
    }

    #[test]
    fn errors_read_like_evanphx() {
        let e = apply("a: 1", "- op: remove\n  path: /nope\n").unwrap_err();
        assert!(e
            .to_string()
            .contains("Unable to remove nonexistent key: nope: missing value"));
        let e = apply("l: [1]", "- op: add\n  path: /l/5\n  value: 1\n").unwrap_err();
        assert!(e.to_string().contains("Unable to access invalid index: 5"));
        let e = apply("a: 1", "- op: test\n  path: /a\n  value: 2\n").unwrap_err();
        assert!(e
            .to_string()
            .contains("testing value /a failed: test failed"));
        let e = apply("a: 1", "- op: add\n  path: /x/y\n  value: 2\n").unwrap_err();
        assert!(e.to_string().contains("doc is missing path"));
    }

    #[test]
    fn escapes_and_yaml11_values() {
        let out = apply(
            "m: {}",
            "- op: add\n  path: /m/a~1b~0c\n  value: on\n- op: add\n  path: /m/q\n  value: \"on\"\n",
        )
        .unwrap();
        let m = out.get("m").unwrap();
        assert_eq!(m.get("a/b~c").unwrap(), &Value::bool(true));
        assert_eq!(m.get("q").unwrap(), &Value::string("on"));
    }
}
