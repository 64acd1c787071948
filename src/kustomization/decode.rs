//! Strict decoding of kustomization files, accepting and rejecting exactly
//! what kustomize v5.8.1 does, with clearer messages.
//!
//! kustomize reads the file with `sigs.k8s.io/yaml.YAMLToJSON` (go-yaml v2,
//! YAML 1.1, first document only) and decodes the JSON with `encoding/json`
//! (unknown fields rejected, field names matched case-insensitively). The
//! [`engine`] module reproduces that pipeline over our parsed [`Value`] as a
//! serde deserializer; this module runs it with the kustomization's types
//! (`types.rs`), then does what `KustTarget.Load` does next: deprecation
//! warnings, the "empty" check, and the kind/apiVersion check.
//!
//! Facts reproduced (each checked against the oracle, see
//! `testdata/kustomization/`): only the first YAML document is read (later
//! ones are not even parsed); a key repeated in one mapping is no error, the
//! last wins; two spellings of a field (`namePrefix`, `nameprefix`) are
//! decoded in byte order of the key, later into earlier (scalars overwrite,
//! maps and structs merge, list elements are decoded into in place); plain
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans and numbers are numbers, so
//! either is an error where a string is expected (`namePrefix: 012`); a
//! float without fraction is fine as an integer (`count: 3.0`); null leaves a
//! field unset; UTF-8 with a BOM and UTF-16 files are read.
//!
//! The same engine decodes transformer configuration files
//! ([`decode_transformer_config`]), field spec lists ([`decode_field_specs`])
//! and selectors ([`decode_selector`]) with the strictness kustomize applies
//! to those.

mod engine;

use super::types::PatchArgs;
use super::*;
use crate::error::{Error, ErrorKind, Result};
use crate::yaml::{parse_documents, DuplicateKeys, Marks, ParseOptions, Value};
use engine::{Coercion, Dialect, Engine, Source};
use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// The file names kustomize recognises as a kustomization, in its order of preference.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `apiVersion` of a `kind: Kustomization` file.
pub const KUSTOMIZATION_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a `kind: Component` file.
pub const COMPONENT_API_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// A decoded kustomization.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    /// The kustomization, deprecated fields still in place; `kind` and
    /// `apiVersion` defaulted as kustomize does (`Kustomization`, and the
    /// version that goes with the kind).
    pub kustomization: Kustomization,
}

/// Decodes a kustomization file's bytes (unknown fields are an error naming
/// the field and its line), with the warnings kustomize prints, even when
/// it then fails: the deprecation warnings come out before the
/// "empty" and kind/apiVersion checks (an error there still prints them).
pub fn decode_kustomization_with_warnings(bytes: &[u8]) -> (Vec<String>, Result<Decoded>) {
    let text = match source_text(bytes) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let doc = match first_document(&text, DuplicateKeys::KeepLast) {
        Ok(d) => d,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let src = Source::new(&text, doc.marks.as_ref()).with_typed_keys(doc.typed_keys);
    let (warnings, mut result) = decode_with_source(&doc.value, &src);
    if let Ok(d) = &mut result {
        d.kustomization.entries.set_source(
            doc.marks.map(std::sync::Arc::new),
            Some(std::sync::Arc::from(text.as_str())),
        );
    }
    (warnings, result)
}

/// The file as text: UTF-8, with or without a byte-order mark, or UTF-16
/// with one (go-yaml reads all three).
fn source_text(bytes: &[u8]) -> Result<String> {
    let utf16 = |be: bool| {
        let units = bytes[2..].chunks(2).map(|c| {
            let pair = [c[0], *c.get(1).unwrap_or(&0)];
            if be {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| {
                Error::of(
                    ErrorKind::Decode,
                    format!("invalid UTF-16 in the file: {e}"),
                )
            })
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        _ => {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(b.to_vec()).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                Error::of(
                    ErrorKind::Decode,
                    format!("the file is not valid UTF-8 (bad byte at offset {at})"),
                )
            })
        }
    }
}

fn decode_with_source(value: &Value, src: &Source) -> (Vec<String>, Result<Decoded>) {
    let eng = Engine::new(src, Coercion::None, "Kustomization");
    let decoded = eng
        .precheck(value)
        .and_then(|()| eng.decode::<Kustomization>(value));
    let mut k = match decoded {
        Ok(k) => k,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let warnings = deprecation_warnings(value);
    let result = check(&mut k, value, src).map(|()| Decoded { kustomization: k });
    (warnings, result)
}

/// Parses the first YAML document of `text` the way go-yaml v2's
/// `Unmarshal` does: later documents are not even parsed (a syntax error in
/// them goes unnoticed). A key repeated in one mapping is no error for the
/// non-strict `Unmarshal` kustomization files get (the last one wins),
/// an error for `UnmarshalStrict`.
fn first_document(text: &str, duplicate_keys: DuplicateKeys) -> Result<FirstDocument> {
    let head = &text[..first_document_end(text)];
    let opts = ParseOptions {
        record_marks: true,
        duplicate_keys,
        go_alias_ratio: true,
    };
    let docs = parse_documents(head.as_bytes(), &opts)?;
    Ok(match docs.into_iter().next() {
        Some(d) => FirstDocument {
            value: d.value,
            marks: d.marks,
            typed_keys: d
                .non_string_keys
                .into_iter()
                .map(|k| (k.map_path, k.text))
                .collect(),
        },
        None => FirstDocument {
            value: Value::null(),
            marks: None,
            typed_keys: Vec::new(),
        },
    })
}

/// The parts of a parsed document the decoder uses.
struct FirstDocument {
    value: Value,
    marks: Option<Marks>,
    /// `(mapping path, key text)` of plain keys that are not strings.
    typed_keys: Vec<(String, String)>,
}

/// The byte offset where the first document of a stream ends: at the second
/// `---` marker line (or the first, if content came before it), or at a
/// `...` line after content. Lines are kept whole, so positions in the
/// first document do not move.
fn first_document_end(text: &str) -> usize {
    let mut started = false; // a `---` or content was seen
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let marker = |m: &str| {
            body.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        };
        if marker("---") {
            if started {
                return offset;
            }
            started = true;
        } else if marker("...") {
            if started {
                return offset;
            }
        } else {
            let t = body.trim_start();
            let directive = !started && body.starts_with('%');
            if !t.is_empty() && !t.starts_with('#') && !directive {
                started = true;
            }
        }
        offset += line.len();
    }
    text.len()
}

/// The value the last spelling (in byte order) of a top-level field has,
/// when given: for a list, map or pointer, non-null means "non-nil" in Go
/// terms (an empty list still counts).
fn last_spelling<'v>(raw: &'v Value, field: &str) -> Option<&'v Value> {
    let m = raw.as_map()?;
    let mut hits: Vec<_> = m
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(field))
        .collect();
    hits.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    hits.last().map(|(_, v)| *v)
}

fn non_nil(raw: &Value, field: &str) -> bool {
    last_spelling(raw, field).is_some_and(|v| !v.is_null())
}

/// kustomize's `CheckDeprecatedFields`, same order and words.
fn deprecation_warnings(raw: &Value) -> Vec<String> {
    const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
    let mut out = Vec::new();
    let mut warn = |field: &str, instead: &str, experimental: bool| {
        if non_nil(raw, field) {
            out.push(format!(
                "# Warning: '{field}' is deprecated. Please use '{instead}' instead. {}{FIX}",
                if experimental { "[EXPERIMENTAL] " } else { "" }
            ));
        }
    };
    warn("bases", "resources", false);
    warn("commonLabels", "labels", false);
    warn("imageTags", "images", false);
    warn("patchesJson6902", "patches", false);
    warn("patchesStrategicMerge", "patches", false);
    warn("vars", "replacements", true);
    out
}

/// kustomize's `FixKustomization` (the deprecated `env` joins `envs`), then
/// its defaults and checks: `kind`/`apiVersion`, the empty file.
fn check(k: &mut Kustomization, raw: &Value, src: &Source) -> Result<()> {
    for g in k
        .config_map_generator
        .iter_mut()
        .chain(&mut k.secret_generator)
    {
        if !g.env.is_empty() {
            let env = std::mem::take(&mut g.env);
            g.envs.push(env);
        }
    }
    let tm = &mut k.type_meta;
    if tm.kind.is_empty() {
        tm.kind = "Kustomization".to_string();
    }
    let required = if tm.kind == "Component" {
        COMPONENT_API_VERSION
    } else {
        KUSTOMIZATION_API_VERSION
    };
    if tm.api_version.is_empty() {
        tm.api_version = required.to_string();
    }
    if is_empty(k, raw) {
        return Err(Error::of(
            ErrorKind::Decode,
            "kustomization.yaml is empty: it sets no field besides kind/apiVersion \
             (kustomize rejects such a file)",
        ));
    }
    let (kind, api_version) = (&k.type_meta.kind, &k.type_meta.api_version);
    let bad_kind = kind != "Kustomization" && kind != "Component";
    let mut problems = Vec::new();
    if bad_kind {
        problems.push(format!(
            "kind is {kind:?}, but must be \"Kustomization\" or \"Component\""
        ));
    }
    if api_version != required {
        problems.push(format!(
            "apiVersion is {api_version:?}, but a {kind} must have apiVersion {required:?}"
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    // Point at the field that is wrong first (kind, else apiVersion).
    let at = if bad_kind { "/kind" } else { "/apiVersion" };
    Err(Error::of(
        ErrorKind::Decode,
        format!("invalid kustomization file: {}", problems.join("; ")),
    )
    .at(src.mark(at)))
}

/// Whether kustomize's `CheckEmpty` would call this file empty: every field
/// but kind/apiVersion zero (nil lists and maps, empty strings), after
/// `bases`, `imageTags` and `helmChartInflationGenerator` were moved to
/// their replacements (so an empty `bases: []` adds nothing).
fn is_empty(k: &Kustomization, raw: &Value) -> bool {
    let Some(m) = raw.as_map() else {
        return true;
    };
    m.keys().all(|key| match key.to_ascii_lowercase().as_str() {
        "kind" | "apiversion" => true,
        "nameprefix" | "namesuffix" | "namespace" => {
            k.name_prefix.is_empty() && k.name_suffix.is_empty() && k.namespace.is_empty()
        }
        "bases" => k.bases.is_empty(),
        "imagetags" => k.image_tags.is_empty(),
        "helmchartinflationgenerator" => k.helm_chart_inflation_generator.is_empty(),
        _ => !non_nil(raw, key),
    })
}

/// Reads a field of Go type `T` (checked as kustomize does) and keeps it as
/// a [`Value`] with canonical key names and JSON-typed scalars.
pub(crate) fn kept<'de, T, D>(d: D) -> std::result::Result<Option<Value>, D::Error>
where
    T: Deserialize<'de> + Serialize,
    D: Deserializer<'de>,
{
    Ok(Option::<T>::deserialize(d)?.map(|t| json_value(&t)))
}

/// [`kept`] for a list of `T`.
pub(crate) fn kept_list<'de, T, D>(d: D) -> std::result::Result<Vec<Value>, D::Error>
where
    T: Deserialize<'de> + Serialize,
    D: Deserializer<'de>,
{
    Ok(Vec::<T>::deserialize(d)?.iter().map(json_value).collect())
}

/// `t` through JSON, embedded (`inline:`) structs' fields in their parent.
fn json_value<T: Serialize>(t: &T) -> Value {
    fn splice(j: serde_json::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match j {
            J::Array(items) => J::Array(items.into_iter().map(splice).collect()),
            J::Object(o) => {
                let mut out = serde_json::Map::new();
                for (k, v) in o {
                    match (k.starts_with("inline:"), splice(v)) {
                        (true, J::Object(inner)) => out.extend(inner),
                        (_, v) => {
                            out.insert(k, v);
                        }
                    }
                }
                J::Object(out)
            }
            other => other,
        }
    }
    Value::from(splice(
        serde_json::to_value(t).expect("schema types serialize"),
    ))
}

/// `configMapGenerator` or `secretGenerator`: a list of the Go type `A`
/// (`ConfigMapArgs`, `SecretArgs`), flattened.
pub(crate) fn generator_args<'de, A, D>(d: D) -> std::result::Result<Vec<GeneratorArgs>, D::Error>
where
    A: Deserialize<'de> + Into<GeneratorArgs>,
    D: Deserializer<'de>,
{
    Ok(Vec::<A>::deserialize(d)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A patch's `options` (`PatchArgs`): the fields given, by JSON name.
pub(crate) fn patch_options<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<IndexMap<String, bool>, D::Error> {
    let a = Option::<PatchArgs>::deserialize(d)?.unwrap_or_default();
    Ok([
        ("allowNameChange", a.allow_name_change),
        ("allowKindChange", a.allow_kind_change),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), v?)))
    .collect())
}

/// Decodes a transformer configuration file (an entry of `configurations:`):
/// a mapping of table name (`namePrefix`, `commonLabels`, `nameReference`,
/// ...) to a list of field specs, `nameReference` entries being
/// `{group, version, kind, fieldSpecs}`. As kustomize (`yaml.UnmarshalStrict`
/// into `TransformerConfig`): unknown keys are errors, field names match
/// case-insensitively, numbers/booleans become strings where strings are
/// expected, only the first document counts, and an empty file is an empty
/// config.
pub fn decode_transformer_config(bytes: &[u8]) -> Result<TransformerConfig> {
    let text = source_text(bytes)?;
    let doc = first_document(&text, DuplicateKeys::Error)?;
    let src = Source::new(&text, doc.marks.as_ref()).with_typed_keys(doc.typed_keys);
    let eng = Engine::new(&src, Coercion::ToString, "TransformerConfig");
    eng.precheck(&doc.value)?;
    eng.decode(&doc.value)
}

/// Checks a patch target or replacement selector (`group`, `version`,
/// `kind`, `name`, `namespace`, `labelSelector`, `annotationSelector`)
/// with kustomization-file strictness and returns it typed.
pub fn decode_selector(value: &Value) -> Result<Selector> {
    let src = Source::none();
    Engine::new(&src, Coercion::None, "Selector").decode(value)
}

/// Decodes a builtin plugin's configuration document into its Go type `T`
/// as kustomize does: the document is printed through Go's JSON (the JSON
/// hop: [`json_hop`]), then `sigs.k8s.io/yaml.Unmarshal` decodes it
/// non-strictly: field names match case-insensitively, unknown fields are
/// ignored, null leaves a field unset, scalars fill string fields except
/// under embedded structs, and errors are `encoding/json`'s own text.
pub(crate) fn decode_plugin_config<T: DeserializeOwned>(doc: &Value) -> Result<T> {
    decode_hopped(doc, Coercion::ToString, Dialect::GoJson)
}

/// Decodes a builtin plugin's configuration document the way the plugins
/// that use go-yaml v3 do (prefix, suffix): after the same JSON hop
/// (`prefix: 0x10` arrives as `16`), keys match exactly, unknown ones are
/// ignored, any scalar's text fills a string field, go-yaml's errors.
pub(crate) fn decode_plugin_config_v3<T: DeserializeOwned>(doc: &Value) -> Result<T> {
    decode_hopped(doc, Coercion::Text, Dialect::GoYamlV3)
}

fn decode_hopped<T: DeserializeOwned>(doc: &Value, c: Coercion, d: Dialect) -> Result<T> {
    let hopped = json_hop(doc)?;
    let src = Source::none();
    Engine::new(&src, c, "plugin config")
        .dialect(d)
        .decode(&hopped)
}

/// A document as it comes out of kustomize's JSON hop (go-yaml v3 typed it,
/// Go's `json.Marshal` printed it, go-yaml v2 will read it back): booleans
/// and integers in canonical spelling, floats as Go's JSON writes them
/// (integral ones below 1e21 come back as integers), a bare date as the Go
/// time JSON writes (RFC 3339 at midnight UTC). An infinity or NaN anywhere
/// fails, as `json.Marshal` does.
pub(crate) fn json_hop(v: &Value) -> Result<Value> {
    crate::yaml::deep(|| {
        use crate::yaml::gostr::json::float_string;
        use crate::yaml::gostr::strconv::{format_float, parse_float, FloatFormat};
        use crate::yaml::gostr::yaml::{yaml_int, yaml_special_float};
        use crate::yaml::{Scalar, Tag};
        let scalar = |tag, text: String| Value::Scalar(Scalar::new(tag, text));
        Ok(match v {
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), json_hop(v)?)))
                    .collect::<Result<_>>()?,
            ),
            Value::Seq(items) => Value::Seq(items.iter().map(json_hop).collect::<Result<_>>()?),
            Value::Scalar(s) => match s.tag {
                Tag::Bool => Value::bool(s.text.eq_ignore_ascii_case("true")),
                Tag::Int if yaml_int(&s.text).is_some() => {
                    scalar(Tag::Int, yaml_int(&s.text).unwrap_or_default().to_string())
                }
                Tag::Int | Tag::Float => {
                    let f = yaml_special_float(&s.text)
                        .or_else(|| parse_float(&s.text.replace('_', "")).ok());
                    match f {
                        None => v.clone(),
                        Some(f) if !f.is_finite() => {
                            return Err(Error::new(format!(
                                "json: unsupported value: {}",
                                format_float(f, FloatFormat::G, 64)
                            )))
                        }
                        Some(f) => {
                            let text = float_string(f);
                            match yaml_int(&text) {
                                Some(i) => scalar(Tag::Int, i.to_string()),
                                None => scalar(Tag::Float, text),
                            }
                        }
                    }
                }
                Tag::Timestamp => Value::string(date_rfc3339(&s.text)),
                _ => v.clone(),
            },
        })
    })
}

/// A bare `Y-M-D` as Go's JSON prints that date at midnight UTC; longer
/// timestamps keep their text.
fn date_rfc3339(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [y, m, d]
            if [y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            let (m, d): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
            format!("{y}-{m:02}-{d:02}T00:00:00Z")
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_rfc3339() {
        assert_eq!(date_rfc3339("2001-1-2"), "2001-01-02T00:00:00Z");
        assert_eq!(date_rfc3339("2001-12-14 21:59:43"), "2001-12-14 21:59:43");
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value() {
        let t = "resources:\n- a.yaml\nnamePrefix: x\nresources:\n- c.yaml\nm: {a: 1, a: 2}\n";
        let d = first_document(t, DuplicateKeys::KeepLast).expect("parsed");
        assert_eq!(
            d.value.get("resources"),
            Some(&Value::from_seq(vec![Value::string("c.yaml")]))
        );
        assert_eq!(
            d.value.as_map().expect("map").keys().collect::<Vec<_>>(),
            ["namePrefix", "resources", "m"]
        );
        assert_eq!(d.value.str_at(&["m", "a"]), Some("2"));
        assert_eq!(d.marks.expect("marks")["/resources"].line, 5);
    }

    #[test]
    fn first_document_cut() {
        let t = "a: 1\n---\nb: 2\n";
        assert_eq!(&t[..first_document_end(t)], "a: 1\n");
        let t = "---\na: 1\n---\nb\n";
        assert_eq!(&t[..first_document_end(t)], "---\na: 1\n");
        let t = "# c\n%YAML 1.1\n---\na: 1\n...\n";
        assert_eq!(&t[..first_document_end(t)], "# c\n%YAML 1.1\n---\na: 1\n");
        let t = "---\n---\na: 1\n";
        assert_eq!(&t[..first_document_end(t)], "---\n");
        let t = "a: |\n  ---\n";
        assert_eq!(first_document_end(t), t.len());
    }
}

#[cfg(test)]
mod value_tests {
    //! Decoding hand-built values (no source text: scalars are taken as the
    //! parser tagged them).
    use super::*;
    use crate::yaml::Map;

    fn map(entries: &[(&str, Value)]) -> Value {
        let mut m = Map::default();
        for (k, v) in entries {
            m.insert(k.to_string(), v.clone());
        }
        Value::from_map(m)
    }

    #[test]
    fn selectors_from_values() {
        let s = decode_selector(&map(&[
            ("kind", Value::string("Deployment")),
            ("labelSelector", Value::string("app=web")),
        ]))
        .expect("selector");
        assert_eq!(s.id.gvk.kind, "Deployment");
        assert_eq!(s.label_selector, "app=web");
        let e = decode_selector(&map(&[("name", Value::int(3))])).unwrap_err();
        assert!(e
            .message
            .starts_with("name: expected a string, found a number (3)"));
    }
}
