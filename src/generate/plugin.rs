//! Generator plugin configs (`generators:` entries of kind
//! `ConfigMapGenerator` or `SecretGenerator`, `apiVersion: builtin`).
//!
//! kustomize prints the config resource as YAML and decodes it with
//! `sigs.k8s.io/yaml` into the plugin's struct: through JSON, so field names
//! match case-insensitively (of several spellings the last in key order
//! wins), unknown fields are ignored, `null` leaves a field unset, and types
//! are strict: a number is not a string, `"true"` is not a boolean. `name`
//! and `namespace` default to the config's `metadata.name`/`namespace`; the
//! deprecated `env` is read but, unlike in a kustomization, ignored; the
//! kustomization's `generatorOptions` do not apply.

use super::make::Kind;
use crate::error::{Error, Result};
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use crate::resource::Resource;
use crate::yaml::{Tag, Value};
use indexmap::IndexMap;

/// The JSON type name `encoding/json` reports for a value.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "object",
        Value::Seq(_) => "array",
        Value::Scalar(s) => match s.tag {
            Tag::Null => "null",
            Tag::Bool => "bool",
            Tag::Int | Tag::Float => "number",
            Tag::Str | Tag::Timestamp => "string",
        },
    }
}

/// Decodes one struct level of the config.
pub(super) struct Fields<'a> {
    /// The Go struct path for errors (`ConfigMapGeneratorPlugin.ConfigMapArgs.GeneratorArgs`).
    go_path: String,
    map: Option<&'a crate::yaml::Map>,
}

impl<'a> Fields<'a> {
    pub(super) fn new(go_path: impl Into<String>, v: Option<&'a Value>) -> Result<Fields<'a>> {
        let go_path = go_path.into();
        let map = match v {
            None => None,
            Some(Value::Map(m)) => Some(m),
            Some(v) if v.is_null() => None,
            Some(v) => {
                return Err(Error::new(format!(
                    "json: cannot unmarshal {} into Go struct field {go_path} of type struct",
                    json_type(v)
                )))
            }
        };
        Ok(Fields { go_path, map })
    }

    /// The value of field `name`: keys matched case-insensitively, nulls
    /// skipped, the last in byte order winning (Go visits the sorted keys,
    /// each overwriting the field).
    pub(super) fn get(&self, name: &str) -> Option<&'a Value> {
        let m = self.map?;
        let mut hits: Vec<(&String, &Value)> = m
            .iter()
            .filter(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_null())
            .collect();
        hits.sort_by(|a, b| a.0.cmp(b.0));
        hits.last().map(|h| h.1)
    }

    fn type_error(&self, name: &str, v: &Value, ty: &str) -> Error {
        Error::new(format!(
            "json: cannot unmarshal {} into Go struct field {}.{name} of type {ty}",
            json_type(v),
            self.go_path
        ))
    }

    pub(super) fn string(&self, name: &str) -> Result<String> {
        match self.get(name) {
            None => Ok(String::new()),
            Some(v) => scalar_string(v).ok_or_else(|| self.type_error(name, v, "string")),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Scalar(s)) if s.tag == Tag::Bool => {
                Ok(Some(s.text.eq_ignore_ascii_case("true")))
            }
            Some(v) => Err(self.type_error(name, v, "bool")),
        }
    }

    fn strings(&self, name: &str) -> Result<Vec<String>> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Seq(items)) => items
                .iter()
                .map(|i| {
                    if i.is_null() {
                        Ok(String::new())
                    } else {
                        scalar_string(i).ok_or_else(|| self.type_error(name, i, "string"))
                    }
                })
                .collect(),
            Some(v) => Err(self.type_error(name, v, "[]string")),
        }
    }

    fn string_map(&self, name: &str) -> Result<IndexMap<String, String>> {
        match self.get(name) {
            None => Ok(IndexMap::new()),
            Some(Value::Map(m)) => m
                .iter()
                .map(|(k, v)| {
                    let text = if v.is_null() {
                        Some(String::new())
                    } else {
                        scalar_string(v)
                    };
                    text.map(|t| (k.clone(), t))
                        .ok_or_else(|| self.type_error(name, v, "string"))
                })
                .collect(),
            Some(v) => Err(self.type_error(name, v, "map[string]string")),
        }
    }
}

/// The text of a value JSON would carry as a string. A date became a Go
/// time on the way, which JSON writes in RFC 3339 (`2001-12-14` →
/// `2001-12-14T00:00:00Z`); longer timestamps keep their text.
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::Scalar(s) if s.tag == Tag::Str => Some(s.text.clone()),
        Value::Scalar(s) if s.tag == Tag::Timestamp => Some(date_rfc3339(&s.text)),
        _ => None,
    }
}

/// `Y-M-D` as Go prints that date at midnight UTC; other text unchanged.
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

/// Decodes a generator config of builtin `kind` into generator arguments.
pub fn decode(kind: Kind, config: &Resource) -> Result<GeneratorArgs> {
    let plugin = format!("{}Plugin", kind.generator_kind());
    let args_struct = match kind {
        Kind::ConfigMap => "ConfigMapArgs",
        Kind::Secret => "SecretArgs",
    };
    let top = Fields::new(
        format!("{plugin}.{args_struct}.GeneratorArgs"),
        Some(&config.obj),
    )?;
    let meta = Fields::new(format!("{plugin}.metadata"), top.get("metadata"))?;
    let opts_value = top.get("options");
    let options = match opts_value {
        None => None,
        Some(_) => {
            let o = Fields::new(
                format!("GeneratorOptions.{args_struct}.GeneratorArgs.options"),
                opts_value,
            )?;
            Some(GeneratorOptions {
                labels: o.string_map("labels")?,
                annotations: o.string_map("annotations")?,
                disable_name_suffix_hash: o.boolean("disableNameSuffixHash")?,
                immutable: o.boolean("immutable")?,
            })
        }
    };
    // Read for its type check only: builtin plugins ignore `env`.
    top.string("env")?;
    let mut args = GeneratorArgs {
        name: top.string("name")?,
        namespace: top.string("namespace")?,
        behavior: top.string("behavior")?,
        literals: top.strings("literals")?,
        files: top.strings("files")?,
        envs: top.strings("envs")?,
        env: String::new(),
        options,
        type_: match kind {
            Kind::Secret => top.string("type")?,
            Kind::ConfigMap => String::new(),
        },
    };
    if args.name.is_empty() {
        args.name = meta.string("name")?;
    }
    if args.namespace.is_empty() {
        args.namespace = meta.string("namespace")?;
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, ParseOptions};

    fn res(text: &str) -> Resource {
        let docs = parse_documents(text.as_bytes(), &ParseOptions::default()).unwrap();
        Resource::new(docs[0].value.clone())
    }

    #[test]
    fn fields_and_defaults() {
        let c = res("apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: m\n  namespace: ns\nLiterals: [a=1]\nenv: x.env\noptions:\n  disableNameSuffixHash: true\n  labels: {a: b}\n");
        let a = decode(Kind::ConfigMap, &c).unwrap();
        assert_eq!(a.name, "m");
        assert_eq!(a.namespace, "ns");
        assert_eq!(a.literals, vec!["a=1"]);
        assert!(a.envs.is_empty());
        let o = a.options.unwrap();
        assert_eq!(o.disable_name_suffix_hash, Some(true));
        assert_eq!(o.labels["a"], "b");
    }

    #[test]
    fn top_level_name_wins_over_metadata() {
        let c = res("kind: SecretGenerator\nmetadata:\n  name: m\nNAME: \"0x10\"\ntype: tls\n");
        let a = decode(Kind::Secret, &c).unwrap();
        assert_eq!(a.name, "0x10");
        assert_eq!(a.type_, "tls");
    }

    #[test]
    fn dates_become_rfc3339() {
        // kubectl kustomize names the ConfigMap `2001-12-14T00:00:00Z-<hash>`.
        let c = res("kind: ConfigMapGenerator\nname: 2001-12-14\n");
        assert_eq!(
            decode(Kind::ConfigMap, &c).unwrap().name,
            "2001-12-14T00:00:00Z"
        );
        assert_eq!(date_rfc3339("2001-1-2"), "2001-01-02T00:00:00Z");
    }

    #[test]
    fn strict_types() {
        for bad in [
            "name: 12\n",
            "literals: [a=1, 12]\n",
            "literals: a=1\n",
            "options:\n  disableNameSuffixHash: \"true\"\n",
            "options:\n  disableNameSuffixHash: yes\n",
            "options:\n  labels:\n    a: 1\n",
            "env: [a]\n",
        ] {
            let c = res(&format!("kind: ConfigMapGenerator\n{bad}"));
            assert!(decode(Kind::ConfigMap, &c).is_err(), "{bad}");
        }
    }
}
