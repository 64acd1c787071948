//! The decoding engine: turns a parsed YAML [`Value`] into a *normalised*
//! [`Value`] that follows a static [`Ty`] schema, the way kustomize's
//! `sigs.k8s.io/yaml` + `encoding/json` pipeline would accept or reject it.
//!
//! What that pipeline does, and so what this engine reproduces:
//! * scalars are typed by go-yaml **v2** (YAML 1.1): `yes`/`no`/`on`/`off`/`y`/`n`
//!   are booleans, timestamps stay strings, numbers are numbers;
//! * non-string mapping keys become strings (`012` → `10`, `on` → `true`,
//!   `1.5` → `1.5` via Go's 32-bit `%g`); a null key or an infinite/NaN float
//!   anywhere is an error before any field is looked at;
//! * the JSON object's keys are visited in byte order (Go's `json.Marshal`
//!   sorts them), a key matches a field exactly or else case-insensitively,
//!   an unknown key is an error, and the first error in that order is the one
//!   reported;
//! * a null leaves a string/bool/int field untouched, clears a list, map or
//!   pointer; a second spelling of a field decodes *into* the first (maps and
//!   structs merge, list elements are decoded into in place, scalars are
//!   overwritten).
//!
//! The output keeps only canonical (schema) key names; typed accessors in the
//! parent module read it without further checks.

use crate::error::{Error, Result};
use crate::yaml::{Map, Mark, Marks, Scalar, Tag, Value};
use std::collections::HashSet;

/// A field type of the schema, mirroring the Go types kustomize decodes into.
#[derive(Debug)]
pub(crate) enum Ty {
    /// `string` (and string-kinded types such as `SortOrder`).
    Str,
    /// A `string` promoted from an embedded struct (`resid.Gvk`'s `kind` in
    /// a FieldSpec). Same as [`Ty::Str`], except that
    /// [`Coercion::ToString`] does not apply: `sigs.k8s.io/yaml` looks up
    /// the embedded struct, not the string, as the target.
    InlineStr,
    /// `bool`.
    Bool,
    /// `int` / `int64`.
    Int,
    /// `map[string]string`.
    StrMap,
    /// `map[string]interface{}`: any values.
    AnyMap,
    /// A slice.
    List(&'static Ty),
    /// A struct value (a null leaves it as it is).
    Struct(&'static StructTy),
    /// A pointer to a struct (a null makes it nil).
    Ptr(&'static StructTy),
    /// A `*string` (a null makes it nil).
    PtrStr,
}

/// A Go struct: its name (for messages) and its JSON fields, embedded
/// (`,inline`) structs already flattened.
#[derive(Debug)]
pub(crate) struct StructTy {
    /// The name used in messages (`Selector`, `Patch`).
    pub name: &'static str,
    /// JSON field names and types.
    pub fields: &'static [(&'static str, Ty)],
}

/// How scalars are matched to string fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coercion {
    /// `yaml.YAMLToJSON` + `encoding/json`: a number or boolean where a string
    /// is expected is an error (how kustomization files are read).
    None,
    /// `yaml.Unmarshal`/`UnmarshalStrict` with a typed target: a number or
    /// boolean where a string is expected becomes its text (how
    /// `configurations:` files are read).
    ToString,
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

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (sign, `0x`/`0o`/`0b`,
/// a leading `0` for octal), when the value fits int64 or uint64.
fn go_parse_int(s: &str) -> Option<i128> {
    crate::yaml::gojson::parse_int(s)
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
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(V2::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(V2::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(V2::Float(f64::NAN)),
        _ => {}
    }
    let plain = text.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        if let Ok(v) = i64::try_from(i) {
            return Some(V2::Int(v));
        }
        if let Ok(v) = u64::try_from(i) {
            return Some(V2::Uint(v));
        }
    }
    plain
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(V2::Float)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: how `sigs.k8s.io/yaml` turns a
/// float mapping key (or, with [`Coercion::ToString`], a float value) into text.
pub(crate) fn go_format_float32(f: f64) -> String {
    let f = f as f32;
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits: `-1.2345679e8`.
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let (sign, mant) = match mant.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    // Shortest `%g` switches to an exponent below 1e-4 and from 1e6 on.
    if !(-4..6).contains(&exp) {
        let frac = &digits[1..];
        let m = if frac.is_empty() {
            digits[..1].to_string()
        } else {
            format!("{}.{}", &digits[..1], frac)
        };
        let (es, ea) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        return format!("{sign}{m}e{es}{ea:02}");
    }
    // Fixed notation.
    let point = exp + 1;
    let s = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point as usize >= digits.len() {
        format!("{}{}", digits, "0".repeat(point as usize - digits.len()))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    format!("{sign}{s}")
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

/// One step of the path being decoded.
#[derive(Clone, Debug)]
enum Seg {
    /// A mapping key as written (for marks) and its JSON name (for messages).
    Key(String, String),
    /// A sequence index.
    Index(usize),
}

/// The decoder: source, coercion mode and the current path.
pub(crate) struct Engine<'a> {
    src: &'a Source<'a>,
    coercion: Coercion,
    /// What the top-level value is called in messages (`Kustomization`).
    root: &'static str,
    path: Vec<Seg>,
}

impl<'a> Engine<'a> {
    /// An engine reading from `src`.
    pub fn new(src: &'a Source<'a>, coercion: Coercion, root: &'static str) -> Engine<'a> {
        Engine {
            src,
            coercion,
            root,
            path: Vec::new(),
        }
    }

    fn mark_path(&self) -> String {
        mark_path(&self.path)
    }

    /// The current path for messages: `patches[0].target`.
    fn display_path(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(_, k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn mark(&self) -> Option<Mark> {
        // The node's own position, else the nearest ancestor's.
        (0..=self.path.len())
            .rev()
            .find_map(|n| self.src.mark(&mark_path(&self.path[..n])))
    }

    fn err(&self, msg: String) -> Error {
        Error::new(msg).at(self.mark())
    }

    /// Checks what `sigs.k8s.io/yaml` checks before any field is decoded:
    /// no null mapping key, no infinite or NaN number (JSON has none).
    pub fn precheck(&mut self, v: &Value) -> Result<()> {
        crate::yaml::deep(|| self.precheck_inner(v))
    }

    // Body of `precheck`, run with stack to spare.
    fn precheck_inner(&mut self, v: &Value) -> Result<()> {
        match v {
            Value::Scalar(s) => {
                if let V2::Float(f) = classify(s, self.src, &self.mark_path()) {
                    if !f.is_finite() {
                        return Err(self.err(format!(
                            "{}: {} is not a number JSON can hold (kustomize fails on infinities and NaN)",
                            self.where_(),
                            s.text
                        )));
                    }
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.precheck(item)?;
                    self.path.pop();
                }
            }
            Value::Map(m) => {
                for (k, item) in sorted(m) {
                    self.path.push(Seg::Key(k.clone(), k.clone()));
                    let null_key = matches!(k.as_str(), "~" | "null" | "Null" | "NULL")
                        && self.src.key_is_plain(&self.mark_path(), k);
                    if null_key {
                        return Err(self.err(format!(
                            "{}: a mapping key may not be null ({k}); quote it to use it as text",
                            self.where_()
                        )));
                    }
                    self.precheck(item)?;
                    self.path.pop();
                }
            }
        }
        Ok(())
    }

    fn where_(&self) -> String {
        let p = self.display_path();
        if p.is_empty() {
            self.root.to_string()
        } else {
            p
        }
    }

    /// A mapping's entries with their JSON keys, in the order Go's
    /// `json.Marshal` writes them (JSON keys by bytes), which is the order
    /// `encoding/json` decodes them in.
    fn json_entries<'m>(&self, m: &'m Map) -> Vec<(String, &'m String, &'m Value)> {
        let here = self.mark_path();
        let mut out: Vec<_> = m
            .iter()
            .map(|(k, v)| {
                let mut p = here.clone();
                push_segment(&mut p, k);
                (self.json_key(k, &p), k, v)
            })
            .collect();
        out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        out
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
        if !maybe_non_string || !self.src.key_is_plain(value_path, key) {
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

    fn type_error(&self, expected: &str, found: &Value) -> Error {
        let what = match found {
            Value::Scalar(s) => {
                let v = classify(s, self.src, &self.mark_path());
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
                let is_str = matches!(v, V2::Str(_));
                let kind = match v {
                    V2::Null => "null".to_string(),
                    V2::Bool(_) => "a boolean".to_string(),
                    V2::Int(_) | V2::Uint(_) | V2::Float(_) => "a number".to_string(),
                    V2::Str(_) => "a string".to_string(),
                };
                if is_str {
                    format!("{kind} ({:?}){hint}", s.text)
                } else {
                    format!("{kind} ({}){hint}", s.text)
                }
            }
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        };
        if self.path.is_empty() {
            // The whole document has the wrong shape.
            return self.err(format!(
                "invalid {}: the file must be a mapping of fields, but it holds {what}",
                self.root
            ));
        }
        self.err(format!(
            "{}: expected {expected}, found {what}",
            self.where_()
        ))
    }

    /// Decodes `v` as `ty` into the previous value `into` (a second spelling
    /// of the same field). `None` means "leave the field as it was" (a null
    /// for a string, bool, int or struct value).
    pub fn decode(&mut self, v: &Value, ty: &Ty, into: Option<Value>) -> Result<Option<Value>> {
        crate::yaml::deep(|| self.decode_inner(v, ty, into))
    }

    // Body of `decode`, run with stack to spare.
    fn decode_inner(&mut self, v: &Value, ty: &Ty, into: Option<Value>) -> Result<Option<Value>> {
        let path = self.mark_path();
        let scalar = match v {
            Value::Scalar(s) => Some(classify(s, self.src, &path)),
            _ => None,
        };
        let is_null = scalar == Some(V2::Null);
        match ty {
            Ty::Str | Ty::PtrStr | Ty::InlineStr => match (&scalar, v) {
                (Some(V2::Null), _) => Ok(if matches!(ty, Ty::PtrStr) {
                    Some(Value::null())
                } else {
                    into
                }),
                (Some(V2::Str(s)), _) => Ok(Some(Value::string(s.clone()))),
                (Some(other), Value::Scalar(s))
                    if self.coercion == Coercion::ToString && !matches!(ty, Ty::InlineStr) =>
                {
                    let text = match other {
                        V2::Float(f) => go_format_float32(*f),
                        V2::Bool(b) => b.to_string(),
                        V2::Int(i) => i.to_string(),
                        V2::Uint(u) => u.to_string(),
                        _ => s.text.clone(),
                    };
                    Ok(Some(Value::string(text)))
                }
                _ => Err(self.type_error("a string", v)),
            },
            Ty::Bool => match scalar {
                Some(V2::Null) => Ok(into),
                Some(V2::Bool(b)) => Ok(Some(Value::bool(b))),
                _ => Err(self.type_error("a boolean", v)),
            },
            Ty::Int => match scalar {
                Some(V2::Null) => Ok(into),
                Some(V2::Int(i)) => Ok(Some(Value::int(i))),
                Some(V2::Float(f))
                    if f.fract() == 0.0
                        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
                {
                    Ok(Some(Value::int(f as i64)))
                }
                Some(V2::Uint(_)) | Some(V2::Float(_)) => Err(self.err(format!(
                    "{}: expected an integer, found {} (not a whole number that fits in 64 bits)",
                    self.where_(),
                    v.as_scalar_text().unwrap_or_default()
                ))),
                _ => Err(self.type_error("an integer", v)),
            },
            Ty::StrMap | Ty::AnyMap => {
                if is_null {
                    return Ok(Some(Value::null()));
                }
                let Value::Map(m) = v else {
                    return Err(self.type_error("a mapping", v));
                };
                let mut out = into.and_then(|p| p.into_map().ok()).unwrap_or_default();
                // Decoded in byte order (that decides which error comes
                // first), stored in document order.
                let mut decoded = Vec::with_capacity(m.len());
                for (key, k, item) in self.json_entries(m) {
                    self.path.push(Seg::Key(k.clone(), k.clone()));
                    if let Some(Seg::Key(_, shown)) = self.path.last_mut() {
                        *shown = key.clone();
                    }
                    let value = if matches!(ty, Ty::StrMap) {
                        self.decode(item, &Ty::Str, None)?
                            .unwrap_or_else(|| Value::string(""))
                    } else {
                        self.any(item)?
                    };
                    decoded.push((m.get_index_of(k).unwrap_or(0), key, value));
                    self.path.pop();
                }
                decoded.sort_by_key(|(i, _, _)| *i);
                for (_, key, value) in decoded {
                    out.insert(key, value);
                }
                Ok(Some(Value::Map(out)))
            }
            Ty::List(elem) => {
                if is_null {
                    return Ok(Some(Value::null()));
                }
                let Value::Seq(items) = v else {
                    return Err(self.type_error("a list", v));
                };
                let mut prev = into.and_then(|p| p.into_seq().ok()).unwrap_or_default();
                prev.truncate(items.len());
                let mut out = Vec::with_capacity(items.len());
                let mut prev = prev.into_iter();
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    let old = prev.next();
                    let d = self.decode(item, elem, old.clone())?;
                    out.push(d.or(old).unwrap_or_else(|| zero(elem)));
                    self.path.pop();
                }
                Ok(Some(Value::Seq(out)))
            }
            Ty::Struct(st) | Ty::Ptr(st) => {
                if is_null {
                    return Ok(if matches!(ty, Ty::Ptr(_)) {
                        Some(Value::null())
                    } else {
                        into
                    });
                }
                let Value::Map(m) = v else {
                    return Err(self.type_error(&format!("a mapping ({})", st.name), v));
                };
                let mut out = into.and_then(|p| p.into_map().ok()).unwrap_or_default();
                for (key, k, item) in self.json_entries(m) {
                    self.path.push(Seg::Key(k.clone(), k.clone()));
                    let field = st.fields.iter().find(|(n, _)| *n == key).or_else(|| {
                        let f = fold(&key);
                        st.fields.iter().find(|(n, _)| fold(n) == f)
                    });
                    let Some((name, fty)) = field else {
                        self.path.pop();
                        return Err(self.unknown_field(k, &key, st));
                    };
                    if let Some(Seg::Key(_, shown)) = self.path.last_mut() {
                        *shown = name.to_string();
                    }
                    let old = out.get(*name).cloned();
                    if let Some(d) = self.decode(item, fty, old)? {
                        out.insert(name.to_string(), d);
                    }
                    self.path.pop();
                }
                Ok(Some(Value::Map(out)))
            }
        }
    }

    /// `written` is the key as in the file, `key` as kustomize sees it
    /// (they differ for plain keys YAML 1.1 types: `on` is `true`).
    fn unknown_field(&self, written: &str, key: &str, st: &StructTy) -> Error {
        let place = if self.path.is_empty() {
            st.name.to_string()
        } else {
            format!("{} ({})", self.display_path(), st.name)
        };
        let mut msg = if written == key {
            format!("unknown field \"{key}\" in {place}")
        } else {
            format!(
                "unknown field \"{written}\" in {place} (a plain {written} key is read as \"{key}\")"
            )
        };
        let best = st.fields.iter().map(|(n, _)| (distance(key, n), *n)).min();
        match best {
            Some((d, n)) if d <= 2 || n.to_lowercase().contains(&key.to_lowercase()) => {
                msg.push_str(&format!("; did you mean \"{n}\"?"));
            }
            _ if st.fields.len() <= 12 => {
                let names: Vec<&str> = st.fields.iter().map(|(n, _)| *n).collect();
                msg.push_str(&format!("; known fields: {}", names.join(", ")));
            }
            _ => {}
        }
        // Point at the key itself when the parser recorded it.
        let mut path = self.mark_path();
        push_segment(&mut path, written);
        let mark = self
            .src
            .mark(&path)
            .map(|m| self.src.key_mark(m, written))
            .or_else(|| self.mark());
        Error::new(msg).at(mark)
    }

    /// `interface{}`: any value, retyped the go-yaml v2 way.
    fn any(&mut self, v: &Value) -> Result<Value> {
        crate::yaml::deep(|| self.any_inner(v))
    }

    // Body of `any`, run with stack to spare.
    fn any_inner(&mut self, v: &Value) -> Result<Value> {
        Ok(match v {
            Value::Scalar(s) => match classify(s, self.src, &self.mark_path()) {
                V2::Null => Value::null(),
                V2::Bool(b) => Value::bool(b),
                V2::Int(i) => Value::int(i),
                V2::Uint(u) => Value::Scalar(Scalar {
                    tag: Tag::Int,
                    text: u.to_string(),
                }),
                V2::Float(_) => Value::Scalar(Scalar {
                    tag: Tag::Float,
                    text: s.text.clone(),
                }),
                V2::Str(t) => Value::string(t),
            },
            Value::Seq(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    out.push(self.any(item)?);
                    self.path.pop();
                }
                Value::Seq(out)
            }
            Value::Map(m) => {
                let mut out = Map::new();
                for (k, item) in m {
                    self.path.push(Seg::Key(k.clone(), k.clone()));
                    let key = self.json_key(k, &self.mark_path());
                    let d = self.any(item)?;
                    out.insert(key, d);
                    self.path.pop();
                }
                Value::Map(out)
            }
        })
    }
}

/// Appends a path segment escaped as the parser's [`Marks`] keys are (a JSON
/// pointer: `~` → `~0`, `/` → `~1`).
fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
}

/// The key under which the parser recorded a node's position.
fn mark_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k, _) => push_segment(&mut s, k),
            Seg::Index(i) => push_segment(&mut s, &i.to_string()),
        }
    }
    s
}

/// The zero value a list element gets from a null.
fn zero(ty: &Ty) -> Value {
    match ty {
        Ty::Str | Ty::InlineStr => Value::string(""),
        Ty::Bool => Value::bool(false),
        Ty::Int => Value::int(0),
        Ty::Struct(_) => Value::map(),
        _ => Value::null(),
    }
}

/// Entries in the order Go's `json.Marshal` writes them: keys by bytes.
fn sorted(m: &Map) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    v
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
    fn float32_formatting_matches_go() {
        assert_eq!(go_format_float32(1.5), "1.5");
        assert_eq!(go_format_float32(1000.0), "1000");
        assert_eq!(go_format_float32(1.0), "1");
        assert_eq!(go_format_float32(0.1), "0.1");
        assert_eq!(go_format_float32(123456789.0), "1.2345679e+08");
        assert_eq!(go_format_float32(1e20), "1e+20");
        assert_eq!(go_format_float32(0.00001), "1e-05");
        assert_eq!(go_format_float32(123456.0), "123456");
        assert_eq!(go_format_float32(1234567.0), "1.234567e+06");
    }

    #[test]
    fn go_ints() {
        assert_eq!(go_parse_int("012"), Some(10));
        assert_eq!(go_parse_int("0x1F"), Some(31));
        assert_eq!(go_parse_int("0o17"), Some(15));
        assert_eq!(go_parse_int("-0b101"), Some(-5));
        assert_eq!(go_parse_int("08"), None);
        assert_eq!(go_parse_int("0"), Some(0));
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
