//! The content hash kustomize appends to generated names (its
//! `api/hasher`): SHA-256 of a small JSON document, first ten hex digits,
//! with `0 1 3 a e` spelled `g h k m t` so the suffix never looks like a
//! number or a word.
//!
//! The JSON is Go's `encoding/json` output, byte for byte: object keys in
//! byte order, `<` `>` `&` escaped (HTML-safe), `\b \f \n \r \t` short
//! escapes, other control characters and U+2028/U+2029 as `\u00XX`, numbers
//! as Go prints a float64. Only `data` (and `binaryData` for ConfigMaps,
//! `type` and `stringData` for Secrets) and the kind count: the name in
//! the hashed document is always empty, because kustomize looks the name
//! up with one path element `metadata/name`, which finds nothing.

use crate::error::{Error, Result};
use crate::yaml::gostr::json::Json;
use crate::yaml::gostr::yaml::{yaml_number, YamlNumber};
use crate::yaml::{Scalar, Tag, Value};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The hash suffix of a ConfigMap or Secret object.
pub fn hash_suffix(obj: &Value) -> Result<String> {
    let kind = obj.str_at(&["kind"]).unwrap_or("");
    let doc = match kind {
        "ConfigMap" => {
            let mut fields = vec![
                ("data".to_string(), field(obj, "data")?),
                ("kind".to_string(), Json::String("ConfigMap".into())),
                ("name".to_string(), Json::String(String::new())),
            ];
            if let Some(b) = map_field(obj, "binaryData")? {
                fields.push(("binaryData".to_string(), b));
            }
            object(fields)
        }
        "Secret" => {
            let mut fields = vec![
                ("data".to_string(), field(obj, "data")?),
                ("kind".to_string(), Json::String("Secret".into())),
                ("name".to_string(), Json::String(String::new())),
                ("type".to_string(), field(obj, "type")?),
            ];
            if let Some(s) = map_field(obj, "stringData")? {
                fields.push(("stringData".to_string(), s));
            }
            object(fields)
        }
        // kustomize hashes other kinds by JSON-encoding its internal YAML node
        // (line and column numbers included); only exec and function plugins,
        // which strata does not run, can ask for that.
        other => {
            return Err(Error::new(format!(
                "cannot compute a name hash for kind '{other}': only ConfigMap and Secret are supported"
            )))
        }
    };
    let text = doc.to_string(None);
    Ok(encode(&Sha256::digest(text.as_bytes())))
}

/// First ten hex digits of the digest, with kustomize's letter swaps.
fn encode(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(10);
    for b in &digest[..5] {
        let _ = write!(hex, "{b:02x}");
    }
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

fn object(mut fields: Vec<(String, Json)>) -> Json {
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Json::Object(fields)
}

/// kustomize's `getNodeValues` for one top-level field: missing is the
/// empty string, a scalar is its text (whatever its type), a mapping goes
/// through JSON into a Go map (anything else that is not a scalar fails
/// that decoding and becomes a nil map: `null`).
fn field(obj: &Value, key: &str) -> Result<Json> {
    Ok(match obj.get(key) {
        None => Json::String(String::new()),
        Some(Value::Scalar(s)) => Json::String(s.text.clone()),
        Some(v @ Value::Map(_)) => to_json(v)?,
        Some(Value::Seq(_)) => Json::Null,
    })
}

/// `binaryData`/`stringData`: included only when it decoded to a Go map
/// (a mapping, or a sequence, whose failed decoding leaves a nil map).
fn map_field(obj: &Value, key: &str) -> Result<Option<Json>> {
    Ok(match field(obj, key)? {
        Json::String(_) => None,
        other => Some(other),
    })
}

/// A node as `RNode.MarshalJSON` then `json.Unmarshal` into `interface{}`
/// see it: go-yaml v3 typing, numbers as float64.
fn to_json(v: &Value) -> Result<Json> {
    Json::from_value(v, &scalar_json)
}

fn scalar_json(s: &Scalar) -> Result<Json> {
    Ok(match s.tag {
        Tag::Null => Json::Null,
        Tag::Bool => Json::Bool(s.text.eq_ignore_ascii_case("true")),
        Tag::Int | Tag::Float => match yaml_number(&s.text) {
            Some(YamlNumber::Int(i)) => Json::float(i as f64),
            Some(YamlNumber::Float(f)) if f.is_finite() => Json::float(f),
            Some(YamlNumber::Float(_)) => {
                return Err(Error::new(format!("json: unsupported value: {}", s.text)))
            }
            None => Json::String(s.text.clone()),
        },
        // A timestamp (e.g. a field a replacement created, typed by its
        // text) is hashed as the JSON hop prints it.
        Tag::Timestamp => Json::String(
            crate::yaml::timestamp::json_text(&s.text).unwrap_or_else(|| s.text.clone()),
        ),
        Tag::Str => Json::String(s.text.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Map;

    fn json_of(v: &Value) -> String {
        to_json(v).unwrap().to_string(None)
    }

    fn config_map(pairs: &[(&str, &str)]) -> Value {
        let mut data = Map::default();
        for (k, v) in pairs {
            data.insert(k.to_string(), Value::string(*v));
        }
        let mut m = Map::default();
        m.insert("kind".into(), Value::string("ConfigMap"));
        if !pairs.is_empty() {
            m.insert("data".into(), Value::from_map(data));
        }
        Value::from_map(m)
    }

    #[test]
    fn oracle_hashes() {
        // Suffixes kubectl kustomize (v5.8.1) printed for these data.
        assert_eq!(hash_suffix(&config_map(&[])).unwrap(), "6ct58987ht");
        assert_eq!(
            hash_suffix(&config_map(&[("k", "<>&")])).unwrap(),
            "6ghhmcbdd4"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "\u{8}")])).unwrap(),
            "2fhh784dfk"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "\u{c}")])).unwrap(),
            "9578bdg65k"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "\u{1}")])).unwrap(),
            "fhcm6bfft6"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "\u{2028}")])).unwrap(),
            "gc2m9bctfh"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "\"\\/")])).unwrap(),
            "4dmh84hc5t"
        );
        assert_eq!(
            hash_suffix(&config_map(&[("k", "a\tb\r\n")])).unwrap(),
            "g47hktg5hh"
        );
        let mut secret = Map::default();
        secret.insert("kind".into(), Value::string("Secret"));
        secret.insert("type".into(), Value::string("kubernetes.io/tls"));
        secret.insert("data".into(), Value::map());
        assert_eq!(hash_suffix(&Value::from_map(secret)).unwrap(), "694464d966");
    }

    #[test]
    fn go_json() {
        let v = config_map(&[("b", "x"), ("a", "é<")]);
        assert_eq!(
            json_of(&v),
            r#"{"data":{"a":"é\u003c","b":"x"},"kind":"ConfigMap"}"#
        );
        let n = |t: &str, tag: Tag| json_of(&Value::Scalar(Scalar::new(tag, t)));
        assert_eq!(n("12", Tag::Int), "12");
        assert_eq!(n("0x10", Tag::Int), "16");
        assert_eq!(n("1.0", Tag::Float), "1");
        assert_eq!(n("1.5", Tag::Float), "1.5");
        assert_eq!(n("1e21", Tag::Float), "1e+21");
        assert_eq!(n("1e20", Tag::Float), "100000000000000000000");
        assert_eq!(n("0.0000001", Tag::Float), "1e-7");
        assert_eq!(n("0.000001", Tag::Float), "0.000001");
        assert_eq!(n("true", Tag::Bool), "true");
        assert_eq!(n("~", Tag::Null), "null");
    }
}
