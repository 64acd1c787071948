//! The decoding engine: a serde [`Deserializer`] over a parsed YAML
//! [`Value`] that accepts and rejects what kustomize's `sigs.k8s.io/yaml` +
//! `encoding/json` pipeline does, for any Go type described as a Rust struct
//! with `#[derive(Deserialize)]` (see `types.rs`).
//!
//! What that pipeline does, and so what this engine reproduces:
//! * scalars are typed by go-yaml **v2** (YAML 1.1): `yes`/`no`/`on`/`off`/`y`/`n`
//!   are booleans, timestamps stay strings, numbers are numbers;
//! * non-string mapping keys become strings (`012` → `10`, `on` → `true`,
//!   `1.5` → `1.5` via Go's 32-bit `%g`); a null key or an infinite/NaN float
//!   anywhere is an error before any field is looked at ([`Engine::precheck`]);
//! * a struct's keys are visited in byte order (Go's `json.Marshal` sorts
//!   them), a key matches a field exactly or else case-insensitively, an
//!   unknown key is an error, and the first error in that order is the one
//!   reported;
//! * a null leaves a string/bool/int/struct field untouched, clears a list,
//!   map or pointer (`Option`); a second spelling of a field decodes *into*
//!   the first (maps and structs merge, list elements are decoded into in
//!   place, scalars are overwritten): a [`Node`] holds every spelling as a
//!   layer and the target type decides how they combine.
//!
//! Two conventions in the structs' serde names: a field renamed
//! `inline:a,b,c` is an embedded Go struct (`json:",inline"`) whose fields
//! `a`, `b`, `c` sit in the parent's mapping; and a struct's serde name is
//! its Go type's name (`SecretArgs`, in package `types` unless it says
//! otherwise: `builtins.PrefixTransformerPlugin`).

use crate::error::{Error, ErrorKind, Result};
use crate::yaml::gostr::strconv::{format_float, FloatFormat};
use crate::yaml::gostr::yaml::{yaml_number, yaml_special_float, YamlNumber};
use crate::yaml::{push_segment, Map, Mark, Marks, Scalar, Tag, Value};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use std::collections::HashSet;
use std::fmt;

/// How scalars are matched to string fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coercion {
    /// `yaml.YAMLToJSON` + `encoding/json`: a number or boolean where a string
    /// is expected is an error (how kustomization files are read).
    None,
    /// `yaml.Unmarshal`/`UnmarshalStrict` with a typed target: a number or
    /// boolean where a string is expected becomes its text (how
    /// `configurations:` files and builtin plugin configs are read), except
    /// under an embedded struct, which `sigs.k8s.io/yaml` does not look into.
    ToString,
    /// go-yaml v3 into a typed struct: any scalar's text fills a string
    /// field as written (how the prefix and suffix plugins read theirs).
    Text,
}

/// Which decoder's behaviour and wording the engine reproduces beyond
/// scalar coercion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `encoding/json` strict, as kustomize reads kustomization and
    /// `configurations:` files: unknown fields are errors; messages are
    /// strata's own (path, line, what was expected, "did you mean").
    Strict,
    /// `encoding/json` non-strict, as builtin plugin configs are read:
    /// unknown fields are ignored, and errors are Go's own text
    /// (`json: cannot unmarshal number into Go struct field
    /// ConfigMapGeneratorPlugin....literals of type string`), which kustomize
    /// prints and users search for.
    GoJson,
    /// go-yaml v3 into a typed struct: keys match field names exactly,
    /// unknown ones are ignored, errors in go-yaml's words.
    GoYamlV3,
}

/// Where the engine reads positions and quoting from.
pub(crate) struct Source<'a> {
    lines: Vec<&'a str>,
    marks: Option<&'a Marks>,
    /// `(mapping path, key text)` of the keys the parser typed as non-strings
    /// (plain `1`, `true`, `~`), when known.
    typed_keys: Option<HashSet<(String, String)>>,
}

impl<'a> Source<'a> {
    /// A source for `text` with the parser's node `marks`.
    pub fn new(text: &'a str, marks: Option<&'a Marks>) -> Source<'a> {
        Source {
            lines: text.lines().collect(),
            marks,
            typed_keys: None,
        }
    }

    /// Adds the parser's list of non-string keys (`Document::non_string_keys`
    /// as `(map_path, text)`), so quoted `"1"` and plain `1` keys are told
    /// apart exactly rather than by looking at the source line.
    pub fn with_typed_keys(mut self, keys: impl IntoIterator<Item = (String, String)>) -> Self {
        self.typed_keys = Some(keys.into_iter().collect());
        self
    }

    /// Whether the key `key`, whose value is at `value_path`, was written
    /// plain (so go-yaml v2 types it).
    fn key_is_plain(&self, value_path: &str, key: &str) -> bool {
        if self.marks.is_none() && self.typed_keys.is_none() {
            // A value without source (hand-built, or after the JSON hop):
            // its keys are the strings they hold.
            return false;
        }
        if let Some(typed) = &self.typed_keys {
            // The parser knows YAML 1.2 typing; `yes`/`on` keys are strings
            // to it, so those still need the source text.
            if !YAML11_ONLY_BOOLS.contains(&key) {
                let map_path = value_path.rfind('/').map_or("", |i| &value_path[..i]);
                return typed.contains(&(map_path.to_string(), key.to_string()));
            }
        }
        !self.key_is_quoted(value_path, key)
    }

    /// No source text: scalars are taken as the parser tagged them.
    pub fn none() -> Source<'static> {
        Source {
            lines: Vec::new(),
            marks: None,
            typed_keys: None,
        }
    }

    /// The recorded position of the node at a marks path, else of its
    /// nearest recorded ancestor.
    pub fn nearest_mark(&self, path: &str) -> Option<Mark> {
        let mut p = path;
        loop {
            if let Some(m) = self.mark(p) {
                return Some(m);
            }
            p = &p[..p.rfind('/')?];
        }
    }

    /// The JSON key a YAML mapping key becomes (v2 typing of plain keys).
    fn json_key(&self, key: &str, value_path: &str) -> String {
        if key.is_empty() {
            return String::new();
        }
        let first = key.as_bytes()[0];
        let maybe_non_string = YAML11_ONLY_BOOLS.contains(&key)
            || matches!(key, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
            || first.is_ascii_digit()
            || matches!(first, b'-' | b'+' | b'.');
        if !maybe_non_string || !self.key_is_plain(value_path, key) {
            return key.to_string();
        }
        let v = if YAML11_ONLY_BOOLS.contains(&key) {
            V2::Bool(matches!(first, b'y' | b'Y' | b'o' | b'O') && !key.eq_ignore_ascii_case("off"))
        } else if let Some(b) = match key {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        } {
            V2::Bool(b)
        } else if is_timestamp(key) {
            V2::Str(key.to_string())
        } else {
            number(key).unwrap_or_else(|| V2::Str(key.to_string()))
        };
        key_text(&v)
    }

    /// The recorded position of the node at a marks path.
    pub fn mark(&self, path: &str) -> Option<Mark> {
        self.marks.and_then(|m| m.get(path).copied())
    }

    /// The source text from `mark` to the end of its line.
    fn text_at(&self, mark: Mark) -> Option<&'a str> {
        let line = self.lines.get(mark.line.checked_sub(1)?)?;
        let skip = mark.column.checked_sub(1)?;
        line.char_indices()
            .nth(skip)
            .map(|(i, _)| &line[i..])
            .or(if line.chars().count() == skip {
                Some("")
            } else {
                None
            })
    }

    /// Whether the scalar at `path` with text `text` was written plain
    /// (unquoted, untagged). Without source text the answer is "no", so
    /// hand-built values keep the parser's typing.
    fn is_plain(&self, path: &str, text: &str) -> bool {
        let Some(mark) = self.mark(path) else {
            return false;
        };
        let Some(mut rest) = self.text_at(mark) else {
            return false;
        };
        // An alias: look at the scalar its anchor is on.
        if let Some(alias) = rest.strip_prefix('*') {
            let name: String = alias
                .chars()
                .take_while(|c| !is_flow_or_space(*c))
                .collect();
            let anchor = format!("&{name}");
            let def = self.lines[..mark.line.min(self.lines.len())]
                .iter()
                .rev()
                .find_map(|l| {
                    l.match_indices(&anchor)
                        .map(|(i, _)| &l[i + anchor.len()..])
                        .find(|after| after.starts_with([' ', '\t']))
                });
            match def {
                Some(after) => rest = after,
                None => return false,
            }
        } else if let Some(anchored) = rest.strip_prefix('&') {
            // An anchor before the scalar: skip it.
            let end = anchored.find([' ', '\t']).unwrap_or(anchored.len());
            rest = &anchored[end..];
        }
        rest.trim_start_matches([' ', '\t']).starts_with(text)
    }

    /// The position of the key `key` whose value is at `value`: the key's
    /// last occurrence before the value on the value's line, else the value.
    fn key_mark(&self, value: Mark, key: &str) -> Mark {
        let Some(line) = self.lines.get(value.line.wrapping_sub(1)) else {
            return value;
        };
        let cut = line
            .char_indices()
            .nth(value.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        match line[..cut].rfind(key) {
            Some(i) => Mark {
                line: value.line,
                column: line[..i].chars().count() + 1,
            },
            None => value,
        }
    }

    /// Whether the key `key` of the node at `value_path` was quoted: the key
    /// is the last occurrence of its text before the value, on its line or
    /// the few lines above.
    fn key_is_quoted(&self, value_path: &str, key: &str) -> bool {
        let Some(mark) = self.mark(value_path) else {
            return false;
        };
        let first = mark.line.saturating_sub(4);
        for ln in (first..mark.line).rev() {
            let Some(line) = self.lines.get(ln) else {
                continue;
            };
            let upto: &str = if ln + 1 == mark.line {
                let cut = line
                    .char_indices()
                    .nth(mark.column.saturating_sub(1))
                    .map_or(line.len(), |(i, _)| i);
                &line[..cut]
            } else {
                line
            };
            if let Some(pos) = upto.rfind(key) {
                let before = upto[..pos].chars().last();
                return matches!(before, Some('"') | Some('\''));
            }
        }
        false
    }
}

/// Characters that end an anchor or alias name in practice.
fn is_flow_or_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | ',' | ']' | '}' | '[' | '{')
}

/// The go-yaml v2 (YAML 1.1) booleans that go-yaml v3 reads as strings.
const YAML11_ONLY_BOOLS: [&str; 16] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// A scalar as go-yaml v2 types it, then as it crosses into JSON.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum V2 {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

/// Types a scalar like go-yaml v2 would, using the source text to tell
/// plain `yes` (a v2 boolean) from quoted `"yes"`.
fn classify(s: &Scalar, src: &Source, path: &str) -> V2 {
    match s.tag {
        Tag::Null => V2::Null,
        Tag::Bool => V2::Bool(s.text.eq_ignore_ascii_case("true")),
        Tag::Timestamp => V2::Str(s.text.clone()),
        Tag::Str => {
            if YAML11_ONLY_BOOLS.contains(&s.text.as_str()) && src.is_plain(path, &s.text) {
                V2::Bool(
                    matches!(s.text.as_bytes()[0], b'y' | b'Y' | b'o' | b'O') && {
                        !s.text.eq_ignore_ascii_case("off")
                    },
                )
            } else {
                V2::Str(s.text.clone())
            }
        }
        Tag::Int | Tag::Float => number(&s.text).unwrap_or_else(|| V2::Str(s.text.clone())),
    }
}

/// The number go-yaml v2 reads from plain text, if any.
fn number(text: &str) -> Option<V2> {
    match yaml_number(text)? {
        YamlNumber::Int(i) => Some(match i64::try_from(i) {
            Ok(v) => V2::Int(v),
            Err(_) => V2::Uint(u64::try_from(i).ok()?),
        }),
        // `.inf` and `.nan` are floats; out-of-range text is not a number.
        YamlNumber::Float(f) if f.is_finite() || yaml_special_float(text).is_some() => {
            Some(V2::Float(f))
        }
        YamlNumber::Float(_) => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: how `sigs.k8s.io/yaml` turns a
/// float mapping key (or, with [`Coercion::ToString`], a float value) into text.
pub(crate) fn go_format_float32(f: f64) -> String {
    format_float(f, FloatFormat::G, 32)
}

/// The text a v2 scalar becomes as a JSON map key.
fn key_text(v: &V2) -> String {
    match v {
        V2::Null => String::new(),
        V2::Bool(b) => b.to_string(),
        V2::Int(i) => i.to_string(),
        V2::Uint(u) => u.to_string(),
        V2::Float(f) => go_format_float32(*f),
        V2::Str(s) => s.clone(),
    }
}

/// Go `encoding/json`'s case folding of field names: ASCII upper case, and
/// for other characters upper(lower(c)) (so `ſ` matches `s`, `K` matches `k`).
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
        } else {
            let mut low = c.to_lowercase();
            let l = match (low.next(), low.next()) {
                (Some(l), None) => l,
                _ => c,
            };
            let mut up = l.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => out.push(u),
                _ => out.push(l),
            }
        }
    }
    out
}

/// Levenshtein distance, for "did you mean" hints.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The decoder's settings: where positions and quoting come from, how
/// scalars fill string fields, and what the whole document is called.
pub(crate) struct Engine<'a> {
    src: &'a Source<'a>,
    coercion: Coercion,
    /// What the top-level value is called in messages (`Kustomization`).
    root: &'static str,
    dialect: Dialect,
}

impl<'a> Engine<'a> {
    /// An engine reading from `src`.
    pub fn new(src: &'a Source<'a>, coercion: Coercion, root: &'static str) -> Engine<'a> {
        Engine {
            src,
            coercion,
            root,
            dialect: Dialect::Strict,
        }
    }

    /// The same engine reproducing another decoder (see [`Dialect`]).
    pub fn dialect(self, dialect: Dialect) -> Engine<'a> {
        Engine { dialect, ..self }
    }

    /// Decodes `v` as the Go type `T` describes.
    pub fn decode<T: DeserializeOwned>(&self, v: &Value) -> Result<T> {
        let node = Node {
            eng: self,
            layers: vec![Layer {
                v,
                at: String::new(),
            }],
            path: String::new(),
            only: None,
            inline: false,
            go_struct: "",
            go_path: String::new(),
        };
        T::deserialize(node).map_err(|e| decode_error(e.0))
    }

    /// Checks what `sigs.k8s.io/yaml` checks before any field is decoded:
    /// no null mapping key, no infinite or NaN number (JSON has none).
    pub fn precheck(&self, v: &Value) -> Result<()> {
        if !may_fail_precheck(v) {
            return Ok(());
        }
        self.precheck_at(v, &mut String::new(), "")
            .map_err(decode_error)
    }

    fn precheck_at(&self, v: &Value, at: &mut String, shown: &str) -> Result<()> {
        crate::yaml::deep(|| {
            let here = || if shown.is_empty() { self.root } else { shown };
            match v {
                Value::Scalar(s) => {
                    if let V2::Float(f) = classify(s, self.src, at) {
                        if !f.is_finite() {
                            return Err(Error::new(format!(
                            "{}: {} is not a number JSON can hold (kustomize fails on infinities and NaN)",
                            here(),
                            s.text
                        ))
                        .at(self.src.nearest_mark(at)));
                        }
                    }
                }
                Value::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = at.len();
                        push_segment(at, &i.to_string());
                        self.precheck_at(item, at, &format!("{shown}[{i}]"))?;
                        at.truncate(len);
                    }
                }
                Value::Map(m) => {
                    let mut entries: Vec<_> = m.iter().collect();
                    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                    for (k, item) in entries {
                        let len = at.len();
                        push_segment(at, k);
                        let shown = join(shown, k);
                        if spelled_null(k) && self.src.key_is_plain(at, k) {
                            return Err(Error::new(format!(
                            "{shown}: a mapping key may not be null ({k}); quote it to use it as text"
                        ))
                        .at(self.src.nearest_mark(at)));
                        }
                        self.precheck_at(item, at, &shown)?;
                        at.truncate(len);
                    }
                }
            }
            Ok(())
        })
    }
}

/// Whether [`Engine::precheck`] could find anything in `v`: a number that
/// may be infinite or NaN, or a key spelled as null. Most files hold
/// neither, and this look costs no allocation, where the checking walk
/// builds each node's path to report the first failure in Go's order.
fn may_fail_precheck(v: &Value) -> bool {
    crate::yaml::deep(|| match v {
        // Only numbers classify as floats, and their class does not depend
        // on the source (`classify`).
        Value::Scalar(s) => {
            matches!(s.tag, Tag::Int | Tag::Float)
                && matches!(number(&s.text), Some(V2::Float(f)) if !f.is_finite())
        }
        Value::Seq(items) => items.iter().any(may_fail_precheck),
        Value::Map(m) => m
            .iter()
            .any(|(k, item)| spelled_null(k) || may_fail_precheck(item)),
    })
}

/// Whether a key is written as one of YAML's nulls (when plain, go-yaml
/// v2 makes it a null key, which the precheck rejects).
fn spelled_null(k: &str) -> bool {
    matches!(k, "~" | "null" | "Null" | "NULL")
}

/// The engine's errors are of kind [`ErrorKind::Decode`]: the input was
/// well-formed but does not fit its Go type.
fn decode_error(mut e: Error) -> Error {
    e.kind = ErrorKind::Decode;
    e
}

/// `a.b` for messages (`b` alone at the top).
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The decoder's error: a crate [`Error`] with its position.
#[derive(Debug)]
pub(crate) struct DeError(pub Error);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.message.fmt(f)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(Error::new(msg.to_string()))
    }
}

type DeResult<T> = std::result::Result<T, DeError>;

/// One spelling of a field: its value and the marks path it was parsed at.
#[derive(Clone)]
struct Layer<'a> {
    v: &'a Value,
    at: String,
}

/// A value being decoded: every spelling of it (earliest first, each
/// decoded into the ones before), and where it is.
#[derive(Clone)]
pub(crate) struct Node<'a> {
    eng: &'a Engine<'a>,
    layers: Vec<Layer<'a>>,
    /// The path for messages: `patches[0].target`.
    path: String,
    /// An embedded struct: only these keys of the layers' mappings are its
    /// own (the others belong to the parent).
    only: Option<Vec<&'static str>>,
    /// Under a field of an embedded struct: strings are not coerced
    /// (`sigs.k8s.io/yaml` finds no target type for anything below it).
    inline: bool,
    /// For Go's messages: the Go struct whose JSON object holds this value
    /// (`FieldSpec`), and the field path to it from the top, embedded
    /// structs' Go names included (`commonLabels.Gvk.kind`).
    go_struct: &'static str,
    go_path: String,
}

impl<'a> Node<'a> {
    fn child(&self, path: String, layers: Vec<Layer<'a>>) -> Node<'a> {
        Node {
            eng: self.eng,
            layers,
            path,
            only: None,
            inline: self.inline,
            go_struct: self.go_struct,
            go_path: self.go_path.clone(),
        }
    }

    fn src(&self) -> &'a Source<'a> {
        self.eng.src
    }

    fn classify(&self, l: &Layer) -> Option<V2> {
        match l.v {
            Value::Scalar(s) => Some(classify(s, self.src(), &l.at)),
            _ => None,
        }
    }

    fn is_null(&self, l: &Layer) -> bool {
        self.classify(l) == Some(V2::Null)
    }

    /// The layers after the last null one (a null clears a list, map or
    /// pointer).
    fn after_last_null(&self) -> Vec<Layer<'a>> {
        let from = self
            .layers
            .iter()
            .rposition(|l| self.is_null(l))
            .map_or(0, |i| i + 1);
        self.layers[from..].to_vec()
    }

    fn where_(&self) -> &str {
        if self.path.is_empty() {
            self.eng.root
        } else {
            &self.path
        }
    }

    fn err(&self, l: &Layer, msg: String) -> DeError {
        DeError(Error::new(msg).at(self.src().nearest_mark(&l.at)))
    }

    fn type_error(&self, expected: &str, l: &Layer) -> DeError {
        if self.eng.dialect != Dialect::Strict {
            let go_type = match expected {
                "a string" => "string".to_string(),
                "a boolean" => "bool".to_string(),
                "an integer" => "int64".to_string(),
                other => other.to_string(),
            };
            return self.go_error(l, None, &go_type);
        }
        let what = match l.v {
            Value::Scalar(s) => {
                let v = classify(s, self.src(), &l.at);
                let hint = match (&v, expected) {
                    (V2::Bool(_), "a string") if s.tag == Tag::Str => format!(
                        "; kustomization files are read as YAML 1.1, where {} is a boolean: quote it (\"{}\") to keep the text",
                        s.text, s.text
                    ),
                    (V2::Bool(_) | V2::Int(_) | V2::Uint(_) | V2::Float(_), "a string") => {
                        format!("; quote it (\"{}\") to make it a string", s.text)
                    }
                    (V2::Str(_), "an integer") => "; write it without quotes".to_string(),
                    (V2::Str(_), "a boolean") => {
                        "; write true or false without quotes".to_string()
                    }
                    _ => String::new(),
                };
                match v {
                    V2::Null => format!("null ({}){hint}", s.text),
                    V2::Bool(_) => format!("a boolean ({}){hint}", s.text),
                    V2::Int(_) | V2::Uint(_) | V2::Float(_) => {
                        format!("a number ({}){hint}", s.text)
                    }
                    V2::Str(_) => format!("a string ({:?}){hint}", s.text),
                }
            }
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        };
        if self.path.is_empty() {
            // The whole document has the wrong shape.
            return self.err(
                l,
                format!(
                    "invalid {}: the file must be a mapping of fields, but it holds {what}",
                    self.eng.root
                ),
            );
        }
        self.err(
            l,
            format!("{}: expected {expected}, found {what}", self.where_()),
        )
    }

    /// Go's own message for a value of the wrong type (`go_type` is the Go
    /// type of the target; `shown`, when given, the number Go names).
    fn go_error(&self, l: &Layer, shown: Option<&str>, go_type: &str) -> DeError {
        let msg = if self.eng.dialect == Dialect::GoYamlV3 {
            let what = match l.v {
                Value::Scalar(s) => format!("{} `{}`", s.tag.short_name(), s.text),
                Value::Seq(_) => "!!seq".to_string(),
                Value::Map(_) => "!!map".to_string(),
            };
            format!("yaml: unmarshal errors:\n  cannot unmarshal {what} into {go_type}")
        } else {
            let mut what = match l.v {
                Value::Map(_) => "object".to_string(),
                Value::Seq(_) => "array".to_string(),
                Value::Scalar(_) => match self.classify(l) {
                    Some(V2::Bool(_)) => "bool".to_string(),
                    Some(V2::Str(_)) => "string".to_string(),
                    _ => "number".to_string(),
                },
            };
            if let Some(n) = shown {
                what = format!("{what} {n}");
            }
            let into = if self.go_path.is_empty() {
                format!("Go value of type {go_type}")
            } else {
                format!(
                    "Go struct field {}.{} of type {go_type}",
                    self.go_struct, self.go_path
                )
            };
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into {into}"
            )
        };
        DeError(Error::new(msg))
    }

    /// The string the layers decode to (later ones overwrite, nulls leave).
    fn string(&self) -> DeResult<String> {
        let mut out = String::new();
        for l in &self.layers {
            out = match (self.classify(l), l.v) {
                (Some(V2::Null), _) => continue,
                (Some(V2::Str(s)), _) => s,
                (Some(_), Value::Scalar(s)) if self.eng.coercion == Coercion::Text => {
                    s.text.clone()
                }
                (Some(other), Value::Scalar(s))
                    if self.eng.coercion == Coercion::ToString && !self.inline =>
                {
                    match other {
                        V2::Float(f) => go_format_float32(f),
                        V2::Bool(b) => b.to_string(),
                        V2::Int(i) => i.to_string(),
                        V2::Uint(u) => u.to_string(),
                        _ => s.text.clone(),
                    }
                }
                _ => return Err(self.type_error("a string", l)),
            };
        }
        Ok(out)
    }

    fn boolean(&self) -> DeResult<bool> {
        let mut out = false;
        for l in &self.layers {
            out = match self.classify(l) {
                Some(V2::Null) => continue,
                Some(V2::Bool(b)) => b,
                _ => return Err(self.type_error("a boolean", l)),
            };
        }
        Ok(out)
    }

    fn int(&self) -> DeResult<i64> {
        let mut out = 0;
        for l in &self.layers {
            out = match self.classify(l) {
                Some(V2::Null) => continue,
                Some(V2::Int(i)) => i,
                Some(V2::Float(f))
                    if f.fract() == 0.0
                        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
                {
                    f as i64
                }
                Some(V2::Uint(_)) | Some(V2::Float(_)) if self.eng.dialect != Dialect::Strict => {
                    return Err(self.go_error(l, l.v.as_scalar_text(), "int64"))
                }
                Some(V2::Uint(_)) | Some(V2::Float(_)) => {
                    return Err(self.err(
                        l,
                        format!(
                            "{}: expected an integer, found {} (not a whole number that fits in 64 bits)",
                            self.where_(),
                            l.v.as_scalar_text().unwrap_or_default()
                        ),
                    ))
                }
                _ => return Err(self.type_error("an integer", l)),
            };
        }
        Ok(out)
    }

    /// The mappings of the layers (after the last null), checked to be mappings.
    fn maps(&self, expected: &str) -> DeResult<Vec<(Layer<'a>, &'a Map)>> {
        self.after_last_null()
            .into_iter()
            .map(|l| match l.v {
                Value::Map(m) => Ok((l, &**m)),
                _ => Err(self.type_error(expected, &l)),
            })
            .collect()
    }

    /// A mapping's entries with their JSON keys and marks paths, in the
    /// order `encoding/json` decodes them (JSON keys by bytes).
    fn json_entries(&self, l: &Layer, m: &'a Map) -> Vec<(String, &'a String, Layer<'a>)> {
        let mut out: Vec<_> = m
            .iter()
            .map(|(k, v)| {
                let mut at = l.at.clone();
                push_segment(&mut at, k);
                (self.src().json_key(k, &at), k, Layer { v, at })
            })
            .collect();
        out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        out
    }

    /// `written` is the key as in the file, `key` as kustomize sees it
    /// (they differ for plain keys YAML 1.1 types: `on` is `true`).
    fn unknown_field(
        &self,
        l: &Layer,
        written: &str,
        key: &str,
        st: &str,
        names: &[&str],
    ) -> DeError {
        let place = if self.path.is_empty() {
            st.to_string()
        } else {
            format!("{} ({st})", self.path)
        };
        let mut msg = if written == key {
            format!("unknown field \"{key}\" in {place}")
        } else {
            format!(
                "unknown field \"{written}\" in {place} (a plain {written} key is read as \"{key}\")"
            )
        };
        let best = names.iter().map(|n| (distance(key, n), *n)).min();
        match best {
            Some((d, n)) if d <= 2 || n.to_lowercase().contains(&key.to_lowercase()) => {
                msg.push_str(&format!("; did you mean \"{n}\"?"));
            }
            _ if names.len() <= 12 => {
                msg.push_str(&format!("; known fields: {}", names.join(", ")));
            }
            _ => {}
        }
        // Point at the key itself when the parser recorded it.
        let mut at = l.at.clone();
        push_segment(&mut at, written);
        let mark = self
            .src()
            .mark(&at)
            .map(|m| self.src().key_mark(m, written))
            .or_else(|| self.src().nearest_mark(&l.at));
        DeError(Error::new(msg).at(mark))
    }
}

/// Hands the visitor prepared elements.
struct Items<'a>(std::vec::IntoIter<Node<'a>>);

impl<'de, 'a> de::SeqAccess<'de> for Items<'a> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> DeResult<Option<T::Value>> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }
}

/// Hands the visitor prepared entries.
struct Entries<'a> {
    entries: std::vec::IntoIter<(String, Node<'a>)>,
    value: Option<Node<'a>>,
}

impl<'de, 'a> de::MapAccess<'de> for Entries<'a> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        let Some((k, node)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        seed.deserialize(k.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        seed.deserialize(self.value.take().expect("a key came first"))
    }
}

fn entries<'a>(entries: Vec<(String, Node<'a>)>) -> Entries<'a> {
    Entries {
        entries: entries.into_iter(),
        value: None,
    }
}

impl<'de, 'a> de::Deserializer<'de> for Node<'a> {
    type Error = DeError;

    /// `interface{}`: any value, retyped the go-yaml v2 way (the last
    /// spelling wins).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        crate::yaml::deep(move || {
            let Some(l) = self.layers.last().cloned() else {
                return visitor.visit_unit();
            };
            match l.v {
                Value::Scalar(_) => match self.classify(&l).expect("a scalar") {
                    V2::Null => visitor.visit_unit(),
                    V2::Bool(b) => visitor.visit_bool(b),
                    V2::Int(i) => visitor.visit_i64(i),
                    V2::Uint(u) => visitor.visit_u64(u),
                    V2::Float(f) => visitor.visit_f64(f),
                    V2::Str(s) => visitor.visit_string(s),
                },
                Value::Seq(_) => self.deserialize_seq(visitor),
                Value::Map(_) => self.deserialize_map(visitor),
            }
        })
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_bool(self.boolean()?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_i64(self.int()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_string(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_string(self.string()?)
    }

    /// A pointer: a null makes it nil, later spellings decode into it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let layers = self.after_last_null();
        if layers.is_empty() {
            return visitor.visit_none();
        }
        visitor.visit_some(Node { layers, ..self })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    /// A slice: element `i` of each spelling decodes into element `i` of
    /// the one before, when that one was as long.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let layers = self.after_last_null();
        let mut seqs = Vec::with_capacity(layers.len());
        for l in &layers {
            match l.v {
                Value::Seq(items) => seqs.push((l, items)),
                _ if self.eng.dialect != Dialect::Strict => {
                    return Err(self.go_error(l, None, &probe::seq(visitor)))
                }
                _ => return Err(self.type_error("a list", l)),
            }
        }
        let len = seqs.last().map_or(0, |(_, items)| items.len());
        let items = (0..len)
            .map(|i| {
                // The spellings since the last one too short to hold `i`.
                let from = seqs
                    .iter()
                    .rposition(|(_, items)| items.len() <= i)
                    .map_or(0, |j| j + 1);
                let element_layers = seqs[from..]
                    .iter()
                    .map(|(l, items)| {
                        let mut at = l.at.clone();
                        push_segment(&mut at, &i.to_string());
                        Layer { v: &items[i], at }
                    })
                    .collect();
                self.child(format!("{}[{i}]", self.path), element_layers)
            })
            .collect::<Vec<_>>();
        visitor.visit_seq(Items(items.into_iter()))
    }

    /// `map[string]T`: later spellings add and overwrite keys; entries in
    /// document order.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.eng.dialect != Dialect::Strict {
            if let Some(l) = self
                .after_last_null()
                .iter()
                .find(|l| !matches!(l.v, Value::Map(_)))
            {
                return Err(self.go_error(l, None, &probe::map(visitor)));
            }
        }
        let mut out = Vec::new();
        for (l, m) in self.maps("a mapping")? {
            for (k, v) in m {
                let mut at = l.at.clone();
                push_segment(&mut at, k);
                let key = self.src().json_key(k, &at);
                let path = join(&self.path, &key);
                out.push((key, self.child(path, vec![Layer { v, at }])));
            }
        }
        visitor.visit_map(entries(out))
    }

    /// A struct: keys matched to fields in byte order, exactly or else
    /// case-insensitively; every spelling of a field becomes one layer.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        // JSON names, embedded structs' fields in their place: (JSON name,
        // the serde field it belongs to).
        let mut names: Vec<(&'static str, &'static str)> = Vec::new();
        for f in fields {
            match f.strip_prefix("inline:") {
                Some(inner) => names.extend(inner.split(',').map(|n| (n, *f))),
                None => names.push((f, f)),
            }
        }
        let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        // Go's names: the struct whose object this is, and the field path
        // (an embedded struct adds its type's name).
        let short = name.rsplit('.').next().unwrap_or(name);
        let (go_struct, go_prefix) = if self.only.is_some() {
            (self.go_struct, join(&self.go_path, short))
        } else {
            (short, self.go_path.clone())
        };
        let expected = match self.eng.dialect {
            Dialect::Strict => format!("a mapping ({name})"),
            _ => probe::struct_type(name),
        };
        let layers: Vec<Layer<'a>> = self
            .layers
            .iter()
            .filter(|l| !self.is_null(l))
            .cloned()
            .collect();
        let layers = Node {
            layers,
            ..self.clone()
        }
        .maps(&expected)?;
        let mut out: Vec<(&'static str, Node<'a>)> = Vec::new();
        for (l, m) in &layers {
            for (key, written, item) in self.json_entries(l, m) {
                if let Some(own) = &self.only {
                    if !own.iter().any(|n| fold(n) == fold(&key)) {
                        continue; // the parent's field
                    }
                }
                let exact = names.iter().find(|(n, _)| *n == key);
                let hit = match self.eng.dialect {
                    Dialect::GoYamlV3 => exact,
                    _ => exact.or_else(|| names.iter().find(|(n, _)| fold(n) == fold(&key))),
                };
                let Some(&(json, field)) = hit else {
                    if self.eng.dialect != Dialect::Strict {
                        continue; // non-strict decoders skip unknown keys
                    }
                    return Err(self.unknown_field(l, written, &key, name, &known));
                };
                let slot = match out.iter().position(|(f, _)| *f == field) {
                    Some(i) => i,
                    None if field != json => {
                        // An embedded struct reads the same mappings.
                        let own = field["inline:".len()..].split(',').collect();
                        let view = Node {
                            only: Some(own),
                            go_struct,
                            go_path: go_prefix.clone(),
                            ..self.child(
                                self.path.clone(),
                                layers.iter().map(|(l, _)| l.clone()).collect(),
                            )
                        };
                        out.push((field, view));
                        continue;
                    }
                    None => {
                        let node = Node {
                            go_struct,
                            go_path: join(&go_prefix, json),
                            ..self.child(join(&self.path, json), Vec::new())
                        };
                        out.push((field, node));
                        out.len() - 1
                    }
                };
                if field == json {
                    let node = &mut out[slot].1;
                    node.layers.push(item);
                    node.inline = self.inline || self.only.is_some();
                }
            }
        }
        visitor.visit_map(entries(
            out.into_iter().map(|(f, n)| (f.to_string(), n)).collect(),
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct tuple tuple_struct enum identifier
    }
}

/// The Go type a target asks for, found by handing its visitor a probe:
/// every request of the probe fails with the Go name of what was asked
/// (`[]*types.TargetSelector`), for Go's type-mismatch messages.
mod probe {
    use super::{DeError, DeResult};
    use crate::error::Error;
    use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

    /// The Go type of the element list a visitor builds (`[]string`).
    pub(super) fn seq<'de, V: Visitor<'de>>(v: V) -> String {
        named(v.visit_seq(Elements).map(|_| ()), "[]")
    }

    /// The Go type of the map a visitor builds (`map[string]string`).
    pub(super) fn map<'de, V: Visitor<'de>>(v: V) -> String {
        named(v.visit_map(Entry(false)).map(|_| ()), "map[string]")
    }

    /// A struct's Go type: its serde name, in package `types` unless it
    /// names its own (`builtins.PrefixTransformerPlugin`).
    pub(super) fn struct_type(name: &str) -> String {
        match name {
            n if n.contains('.') => n.to_string(),
            n => format!("types.{n}"),
        }
    }

    fn named(r: DeResult<()>, prefix: &str) -> String {
        match r {
            Err(DeError(e)) => format!("{prefix}{}", e.message),
            Ok(()) => format!("{prefix}interface {{}}"),
        }
    }

    fn found(go_type: impl Into<String>) -> DeError {
        DeError(Error::new(go_type.into()))
    }

    struct Probe;
    struct Elements;
    struct Entry(bool);

    impl<'de> de::SeqAccess<'de> for Elements {
        type Error = DeError;
        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> DeResult<Option<T::Value>> {
            seed.deserialize(Probe).map(Some)
        }
    }

    impl<'de> de::MapAccess<'de> for Entry {
        type Error = DeError;
        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> DeResult<Option<K::Value>> {
            if self.0 {
                return Ok(None);
            }
            self.0 = true;
            seed.deserialize("k".into_deserializer()).map(Some)
        }
        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
            seed.deserialize(Probe)
        }
    }

    impl<'de> de::Deserializer<'de> for Probe {
        type Error = DeError;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> DeResult<V::Value> {
            Err(found("interface {}"))
        }
        fn deserialize_bool<V: Visitor<'de>>(self, _: V) -> DeResult<V::Value> {
            Err(found("bool"))
        }
        fn deserialize_i64<V: Visitor<'de>>(self, _: V) -> DeResult<V::Value> {
            Err(found("int64"))
        }
        fn deserialize_str<V: Visitor<'de>>(self, _: V) -> DeResult<V::Value> {
            Err(found("string"))
        }
        fn deserialize_string<V: Visitor<'de>>(self, _: V) -> DeResult<V::Value> {
            Err(found("string"))
        }
        fn deserialize_option<V: Visitor<'de>>(self, v: V) -> DeResult<V::Value> {
            Err(found(format!(
                "*{}",
                named(v.visit_some(Probe).map(|_| ()), "")
            )))
        }
        fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> DeResult<V::Value> {
            Err(found(seq(v)))
        }
        fn deserialize_map<V: Visitor<'de>>(self, v: V) -> DeResult<V::Value> {
            Err(found(map(v)))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            _: &'static [&'static str],
            _: V,
        ) -> DeResult<V::Value> {
            Err(found(struct_type(name)))
        }
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            v: V,
        ) -> DeResult<V::Value> {
            v.visit_newtype_struct(Probe)
        }
        serde::forward_to_deserialize_any! {
            i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
            unit_struct tuple tuple_struct enum identifier ignored_any
        }
    }
}

/// go-yaml v2's timestamp forms (`2001-12-14`, with a time part): these
/// stay strings.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precheck_filter_passes_all_it_would_reject() {
        let opts = crate::yaml::ParseOptions {
            record_marks: true,
            ..Default::default()
        };
        let mut rejected = 0;
        for doc in [
            "a: .inf",
            "a: -.Inf",
            "a: [1, .nan]",
            "b: [{c: .NaN}]",
            "~: 1",
            "a: {null: 2}",
            "a: {Null: 2}",
            "NULL: x",
            "'~': 1",
            "a: '.inf'",
            "a: 1e400",
            "a: 0x10",
            "a: 1.5",
            "a: [x, {y: [z, .inf]}]",
            "a: {'null': 1}",
            "a: !!float .inf",
            "a: !!str .inf",
        ] {
            let parsed = crate::yaml::parse_documents(doc.as_bytes(), &opts).expect(doc);
            let src = Source::new(doc, parsed[0].marks.as_ref());
            let eng = Engine::new(&src, Coercion::None, "Kustomization");
            let v = &parsed[0].value;
            let slow = eng.precheck_at(v, &mut String::new(), "");
            if slow.is_err() {
                rejected += 1;
                assert!(
                    may_fail_precheck(v),
                    "{doc}: rejected, but the filter passed it"
                );
            }
            assert_eq!(eng.precheck(v).is_err(), slow.is_err(), "{doc}");
        }
        assert!(rejected >= 9, "{rejected}");
    }

    #[test]
    fn go_ints() {
        assert_eq!(number("1_0"), Some(V2::Int(10)));
        assert_eq!(number("18446744073709551615"), Some(V2::Uint(u64::MAX)));
        assert_eq!(number("3.0"), Some(V2::Float(3.0)));
    }

    #[test]
    fn folding_like_go() {
        assert_eq!(fold("reſources"), fold("resources"));
        assert_eq!(fold("commonlabels"), fold("commonLabels"));
        assert_ne!(fold("names"), fold("name"));
    }
}
