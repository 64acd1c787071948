//! The document model every stage of the pipeline shares.
//!
//! kustomize keeps resources as YAML nodes: a scalar keeps its source text and
//! the tag the go-yaml v3 resolver gave it, and only at output time is it typed
//! (the JSON hop). [`Value`] mirrors that: a [`Scalar`] holds the text and a
//! resolved [`Tag`], so transformers that read a field as text (names, image
//! references) see what the user wrote, while the emitter types it exactly as
//! kustomize's JSON round trip does.

use std::fmt;

use super::deep;
pub use super::map::Map;
pub use super::shared::Shared;

/// An empty [`Map`] with room for `n` entries.
pub fn map_with_capacity(n: usize) -> Map {
    Map::with_capacity(n)
}

/// The type go-yaml v3's resolver assigned to a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `~`, `null`, empty.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only).
    Bool,
    /// An integer (decimal, `0x`, `0o`, `0b`, leading-zero octal).
    Int,
    /// A floating-point number.
    Float,
    /// A timestamp (`2001-12-14`); typed as a string after the JSON hop.
    Timestamp,
    /// A string.
    Str,
}

impl Tag {
    /// The YAML short tag (`!!int`, ...), as go-yaml names it in errors.
    pub fn short_name(self) -> &'static str {
        match self {
            Tag::Null => "!!null",
            Tag::Bool => "!!bool",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Timestamp => "!!timestamp",
            Tag::Str => "!!str",
        }
    }
}

/// A scalar: its text, its resolved tag and whether it is quoted.
///
/// For [`Tag::Str`] the text is the string itself (after unquoting and
/// escape processing). For other tags it is the plain text as written
/// (`0x1F`, `1.50`, `~`), which the emitter normalises.
///
/// Equality compares tag and text only: `"a"` and `a` are the same data.
#[derive(Clone, Debug)]
pub struct Scalar {
    /// The resolved tag.
    pub tag: Tag,
    /// The scalar's text (see the type's docs).
    pub text: String,
    /// The node's style is a quoted or block one (go-yaml's `Style`), so the
    /// JSON hop reads it as a string whatever text it is given later: kyaml's
    /// setters and strategic-merge patches keep the style of the node they
    /// overwrite (see [`Scalar::restyle`]). Only a [`Tag::Str`] is quoted.
    pub quoted: bool,
    /// The node was written plain inside a flow collection and is
    /// [`Scalar::quoted`] only because go-yaml must quote it there (see
    /// `flow_quotes_plain`): moved into a block collection it is plain again.
    pub plain_in_flow: bool,
    /// kyaml built the node with an empty tag (a field a setter creates), so
    /// its tag is only `tag` once decoded: refvar still takes it for a string.
    pub untagged: bool,
    /// How many flow collections enclosed the scalar where it was parsed (0
    /// in block context, and for a scalar built later). It records the style
    /// of the collections above it, which kyaml keeps on its nodes and which
    /// decides how go-yaml re-encodes what is put into them: see
    /// [`Value::is_flow`].
    pub flow_depth: u32,
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        self.tag == other.tag && self.text == other.text
    }
}

impl Scalar {
    /// A plain (unquoted) scalar.
    pub fn new(tag: Tag, text: impl Into<String>) -> Scalar {
        Scalar {
            tag,
            text: text.into(),
            quoted: false,
            plain_in_flow: false,
            untagged: false,
            flow_depth: 0,
        }
    }

    /// This scalar as kyaml re-reads it once its flow parent is emitted in
    /// block style: a plain-in-flow one gets its plain tag back (go-yaml
    /// need not quote `2001-12-14t21:59:43.10-05:00` there), others are kept.
    pub fn unflowed(self) -> Scalar {
        if self.plain_in_flow {
            Scalar::new(crate::yaml::resolve_plain(&self.text), self.text)
        } else {
            self
        }
    }

    /// The node kyaml leaves when it puts `new`'s value into this node's
    /// place but keeps this node's style (`FieldSetter`, merge2's
    /// `SetStyle`): under a quoted style go-yaml reads any text back as a
    /// string (`image: "nginx"` given `010` stays `"010"`); under a plain
    /// one `new` is typed as it is (`image: nginx` given `010` prints 8).
    pub fn restyle(&self, new: Scalar) -> Scalar {
        if self.quoted {
            Scalar {
                tag: Tag::Str,
                text: new.text,
                quoted: true,
                plain_in_flow: false,
                untagged: false,
                flow_depth: self.flow_depth,
            }
        } else {
            Scalar {
                quoted: false,
                plain_in_flow: false,
                untagged: false,
                flow_depth: self.flow_depth,
                ..new
            }
        }
    }
}

/// A YAML value: scalar, sequence or mapping.
///
/// Clone, equality, `Debug` and drop are written out rather than derived so
/// that they run through [`deep`]: derived ones recurse once per nesting
/// level and overflow a default thread stack on deep documents. Because of
/// the `Drop` impl a value cannot be destructured by move: use
/// [`Value::into_map`], [`Value::into_seq`] or [`Value::into_scalar`].
pub enum Value {
    /// A scalar of any tag, null included.
    Scalar(Scalar),
    /// A sequence (shared between copies until one writes: [`Shared`]).
    Seq(Shared<Vec<Value>>),
    /// A mapping with string keys (shared as sequences are).
    Map(Shared<Map>),
}

impl Clone for Value {
    fn clone(&self) -> Self {
        // Collections are shared, not copied: no recursion here.
        match self {
            Value::Scalar(s) => Value::Scalar(s.clone()),
            Value::Seq(items) => Value::Seq(items.clone()),
            Value::Map(m) => Value::Map(m.clone()),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        deep(|| match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => a == b,
            (Value::Seq(a), Value::Seq(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            _ => false,
        })
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        deep(|| match self {
            Value::Scalar(s) => f.debug_tuple("Scalar").field(s).finish(),
            Value::Seq(items) => f.debug_tuple("Seq").field(items).finish(),
            Value::Map(m) => f.debug_tuple("Map").field(m).finish(),
        })
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        // The children's drop glue runs inside `deep`, each level again
        // through this impl.
        // A collection another copy still shares is left to its last owner.
        match self {
            Value::Seq(items) => {
                if let Some(items) = items.get_mut_unshared().filter(|i| !i.is_empty()) {
                    let items = std::mem::take(items);
                    deep(move || drop(items));
                }
            }
            Value::Map(m) => {
                if let Some(m) = m.get_mut_unshared().filter(|m| !m.is_empty()) {
                    let m = std::mem::take(m);
                    deep(move || drop(m));
                }
            }
            _ => {}
        }
    }
}

impl Default for Value {
    fn default() -> Self {
        Value::null()
    }
}

impl Value {
    /// The null scalar.
    pub fn null() -> Value {
        Value::Scalar(Scalar::new(Tag::Null, "null".to_string()))
    }

    /// A string scalar.
    pub fn string(s: impl Into<String>) -> Value {
        Value::Scalar(Scalar::new(Tag::Str, s.into()))
    }

    /// An integer scalar.
    pub fn int(i: i64) -> Value {
        Value::Scalar(Scalar::new(Tag::Int, i.to_string()))
    }

    /// A boolean scalar.
    pub fn bool(b: bool) -> Value {
        Value::Scalar(Scalar::new(Tag::Bool, b.to_string()))
    }

    /// An empty mapping.
    pub fn map() -> Value {
        Value::Map(Shared::new(Map::default()))
    }

    /// A mapping value.
    pub fn from_map(m: Map) -> Value {
        Value::Map(Shared::new(m))
    }

    /// A sequence value.
    pub fn from_seq(items: Vec<Value>) -> Value {
        Value::Seq(Shared::new(items))
    }

    /// Whether this collection was written in flow style (`[a]`, `{k: v}`),
    /// as far as its scalars tell: flow collections hold only flow ones, so
    /// a collection is flow exactly when a scalar `d` levels below it (1 for
    /// its own items) sits in at least `d` flow collections
    /// ([`Scalar::flow_depth`]). A collection
    /// without parsed scalars (`[]`, `[[]]`, one built by a transformer)
    /// counts as block. False for a scalar.
    pub fn is_flow(&self) -> bool {
        if matches!(self, Value::Scalar(_)) {
            return false;
        }
        let mut stack = vec![(self, 0u32)];
        while let Some((v, d)) = stack.pop() {
            match v {
                Value::Scalar(s) => {
                    if s.flow_depth >= d {
                        return true;
                    }
                }
                Value::Seq(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Value::Map(m) => stack.extend(m.values().map(|i| (i, d + 1))),
            }
        }
        false
    }

    /// Gives this collection flow or block style, as merge2's `SetStyle` does
    /// to a patch node that replaces a resource's, and reads it back as
    /// go-yaml re-encodes it. In flow style, plain scalars go-yaml must quote
    /// there (an empty null, a timestamp with a `:`: `flow_quotes_plain`)
    /// become strings of their text, at any depth since everything inside a
    /// flow node is emitted in flow; in block style the collection's own
    /// items read as plain again ([`Scalar::unflowed`]) while nested flow
    /// collections keep their style. A scalar is left as it is.
    pub fn set_flow_style(&mut self, flow: bool) {
        if matches!(self, Value::Scalar(_)) || self.is_flow() == flow {
            return;
        }
        let mut stack = vec![(self, 0u32)];
        while let Some((v, d)) = stack.pop() {
            match v {
                Value::Scalar(s) if flow => {
                    if !s.quoted && s.tag != Tag::Str && super::parse::flow_quotes_plain(&s.text) {
                        s.tag = Tag::Str;
                        s.quoted = true;
                        s.plain_in_flow = true;
                        s.untagged = false;
                    }
                    s.flow_depth = s.flow_depth.max(d);
                }
                Value::Scalar(s) => {
                    if d == 1 {
                        *s = s.clone().unflowed();
                    }
                    // Everything below was flow; now only what is below
                    // this collection is.
                    s.flow_depth = d - 1;
                }
                Value::Seq(items) => stack.extend(items.iter_mut().map(|i| (i, d + 1))),
                Value::Map(m) => stack.extend(m.values_mut().map(|i| (i, d + 1))),
            }
        }
    }

    /// Whether this is the null scalar.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Scalar(Scalar { tag: Tag::Null, .. }))
    }

    /// The scalar's text, whatever its tag (kustomize's `YNode().Value`).
    pub fn as_scalar_text(&self) -> Option<&str> {
        match self {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Scalar(Scalar {
                tag: Tag::Str,
                text,
                ..
            }) => Some(text),
            _ => None,
        }
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The mapping, mutably, if this is one.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, if this is one.
    pub fn as_seq(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence, mutably, if this is one.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping, moved out; the value itself if it is no mapping.
    pub fn into_map(mut self) -> Result<Map, Value> {
        match &mut self {
            Value::Map(m) => Ok(std::mem::take(&mut **m)),
            _ => Err(self),
        }
    }

    /// The sequence, moved out; the value itself if it is no sequence.
    pub fn into_seq(mut self) -> Result<Vec<Value>, Value> {
        match &mut self {
            Value::Seq(items) => Ok(std::mem::take(&mut **items)),
            _ => Err(self),
        }
    }

    /// The scalar, moved out; the value itself if it is no scalar.
    pub fn into_scalar(mut self) -> Result<Scalar, Value> {
        match &mut self {
            Value::Scalar(s) => Ok(std::mem::replace(s, Scalar::new(Tag::Null, String::new()))),
            _ => Err(self),
        }
    }

    /// Looks up a key of a mapping.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.get(key)
    }

    /// Looks up a key of a mapping, mutably.
    #[inline]
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_map_mut()?.get_mut(key)
    }

    /// Follows a path of mapping keys.
    #[inline]
    pub fn get_path(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, k| v.get(k))
    }

    /// Follows a path of mapping keys, mutably.
    #[inline]
    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Value> {
        path.iter().try_fold(self, |v, k| v.get_mut(k))
    }

    /// The string text at a path of mapping keys, if it is a scalar.
    #[inline]
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path).and_then(Value::as_scalar_text)
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Scalar(s) => match s.tag {
                Tag::Null => "null",
                Tag::Bool => "bool",
                Tag::Int => "int",
                Tag::Float => "float",
                Tag::Timestamp => "timestamp",
                Tag::Str => "string",
            },
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

/// A JSON document as a value: numbers keep serde_json's spelling.
impl From<serde_json::Value> for Value {
    fn from(j: serde_json::Value) -> Value {
        use serde_json::Value as J;
        match j {
            J::Null => Value::null(),
            J::Bool(b) => Value::bool(b),
            J::Number(n) => number(n),
            J::String(s) => Value::string(s),
            J::Array(a) => Value::from_seq(a.into_iter().map(Value::from).collect()),
            J::Object(o) => {
                Value::from_map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

/// A JSON document read straight into a [`Value`], as the same text read
/// into a `serde_json::Value` and converted would be (keys in `serde_json`'s
/// sorted order, a repeated key's last value, numbers spelled as it prints
/// them) without building that tree first: half the cost of the builtin
/// OpenAPI schema, which every build with a patch reads.
pub fn from_json_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = JsonSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// Builds a [`Value`] from serde's data model (see [`from_json_slice`]).
#[derive(Clone, Copy)]
struct JsonSeed;

impl<'de> serde::de::DeserializeSeed<'de> for JsonSeed {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::null())
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(number(serde_json::Number::from(n)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(number(serde_json::Number::from(n)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // serde_json reads no non-finite number; null is what it makes of one.
        Ok(serde_json::Number::from_f64(n).map_or_else(Value::null, number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::string(s))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::string(s))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(a.size_hint().unwrap_or(0));
        while let Some(v) = a.next_element_seed(JsonSeed)? {
            items.push(v);
        }
        Ok(Value::from_seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut m = map_with_capacity(a.size_hint().unwrap_or(0));
        while let Some(k) = a.next_key::<String>()? {
            let v = a.next_value_seed(JsonSeed)?;
            m.insert(k, v);
        }
        // serde_json's map is sorted by key.
        m.sort_keys();
        Ok(Value::from_map(m))
    }
}

/// A JSON number as a scalar: an integer unless serde_json reads it as a
/// float, spelled as serde_json prints it.
fn number(n: serde_json::Number) -> Value {
    Value::Scalar(Scalar::new(
        if n.is_f64() { Tag::Float } else { Tag::Int },
        n.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_read_as_through_serde_json() {
        let texts: &[&str] = &[
            r#"{"b": 1, "a": [true, null, -2, 1.5, 1e300, "x\u00e9"], "b": {"z": {}, "y": []}}"#,
            r#"[0, 18446744073709551615, -9223372036854775808, 0.1, 2.0, {"": ""}]"#,
            "\"s\"",
            "  12  ",
        ];
        let schema = include_bytes!("../../data/openapi-v1.21.2.json");
        for text in texts.iter().map(|t| t.as_bytes()).chain([&schema[..]]) {
            let through: serde_json::Value = serde_json::from_slice(text).unwrap();
            let direct = from_json_slice(text).unwrap();
            assert_eq!(format!("{:?}", Value::from(through)), format!("{direct:?}"));
        }
        for bad in ["{", "[1,]", "{} x", "nul"] {
            assert!(from_json_slice(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn restyle_keeps_the_old_style() {
        let quoted = Scalar {
            quoted: true,
            ..Scalar::new(Tag::Str, "nginx")
        };
        let got = quoted.restyle(Scalar::new(Tag::Int, "010"));
        assert_eq!(
            (got.tag, got.text.as_str(), got.quoted),
            (Tag::Str, "010", true)
        );
        let plain = Scalar::new(Tag::Str, "nginx");
        let got = plain.restyle(Scalar::new(Tag::Int, "010"));
        assert_eq!((got.tag, got.quoted), (Tag::Int, false));
        // Equality is data equality: the style is not compared.
        assert_eq!(quoted, Scalar::new(Tag::Str, "nginx"));
    }
}
