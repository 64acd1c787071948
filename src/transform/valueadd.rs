//! The builtin `ValueAddTransformer` (alpha): writes one value into chosen
//! fields, either as the whole field or as one part of a slash-separated
//! path (`projects/data` with position 2 → `projects/VALUE/data`); a
//! `metadata/namespace` target runs the namespace filter instead.

use super::common::set_scalar;
use super::namespace::{NamespaceTransformer, SubjectMode};
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::plugins::ValueAddTransformerPlugin;
use crate::kustomization::{decode_plugin_config, decode_selector, Selector};
use crate::load::Loader;
use crate::resource::{CompiledSelector, ResMap};
use crate::yaml::{parse_documents, ParseOptions, Tag, Value};

/// One place to write the value.
#[derive(Clone, Debug)]
struct Target {
    selector: Option<Selector>,
    field_path: String,
    file_path_position: i64,
}

/// The `ValueAddTransformer`.
#[derive(Clone, Debug)]
pub struct ValueAddTransformer {
    value: String,
    targets: Vec<Target>,
}

fn targets_of(v: Option<&Value>) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    for t in v.and_then(Value::as_seq).into_iter().flatten() {
        let selector = match t.get("selector") {
            Some(s) if !s.is_null() => Some(decode_selector(s)?),
            _ => None,
        };
        let position = match t.get("filePathPosition").and_then(Value::as_scalar_text) {
            Some(p) => p.parse::<i64>().map_err(|_| {
                Error::new(format!("filePathPosition must be an integer, found '{p}'"))
            })?,
            None => 0,
        };
        out.push(Target {
            selector,
            field_path: t.str_at(&["fieldPath"]).unwrap_or("").to_string(),
            file_path_position: position,
        });
    }
    Ok(out)
}

impl ValueAddTransformer {
    /// Decodes a `ValueAddTransformer` config: `value` (default: the
    /// kustomization directory's name), `targets`, and `targetFilePath`, a
    /// file of more targets.
    pub fn from_config(doc: &Value, ldr: &Loader) -> Result<ValueAddTransformer> {
        let c: ValueAddTransformerPlugin = decode_plugin_config(doc)?;
        let mut value = c.value.trim().to_string();
        if value.is_empty() {
            value = ldr
                .root()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        let mut targets = targets_of(doc.get("targets"))?;
        let file = c.target_file_path;
        if !file.is_empty() {
            let bytes = ldr.load(&file)?;
            let docs = parse_documents(&bytes, &ParseOptions::default())
                .map_err(|e| Error::from(e).in_file(ldr.resolve(&file)))?;
            if let Some(d) = docs.first() {
                targets.extend(targets_of(d.value.get("targets"))?);
            }
        }
        if targets.is_empty() {
            return Err(Error::new("must specify at least one target"));
        }
        for t in &targets {
            if t.field_path.is_empty() {
                return Err(Error::new("fieldPath cannot be empty"));
            }
            if t.file_path_position < 0 {
                return Err(Error::new(format!(
                    "value of FilePathPosition ({}) cannot be negative",
                    t.file_path_position
                )));
            }
        }
        Ok(ValueAddTransformer { value, targets })
    }
}

/// Splits at `/`, where `\/` escapes a slash (kustomize's value-add split:
/// a field spec's segments, a leading `/` kept as an empty first field).
fn split_fields(path: &str) -> Vec<String> {
    crate::kustomization::segments(path)
}

/// Inserts `part` into a slash-separated path at `pos` (kustomize's
/// `filesys.InsertPathPart`): clamped to the ends, after a leading `/`.
fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    if part.is_empty() {
        return path.to_string();
    }
    let mut parts: Vec<&str> = if path.is_empty() {
        Vec::new()
    } else {
        path.split('/').collect()
    };
    let mut pos = pos.min(parts.len());
    if parts.first() == Some(&"") && pos < parts.len() {
        pos += 1;
    }
    parts.insert(pos, part);
    parts.join("/")
}

impl ValueAddTransformer {
    fn add(&self, obj: &mut Value, t: &Target) -> Result<()> {
        let mut node = obj;
        for f in split_fields(&t.field_path) {
            let Value::Map(m) = node else {
                return Err(Error::new(format!(
                    "wrong node kind on the way to '{}': expected a mapping",
                    t.field_path
                )));
            };
            node = m.entry(f).or_insert_with(|| {
                Value::Scalar(crate::yaml::Scalar::new(Tag::Null, String::new()))
            });
        }
        let Value::Scalar(s) = &*node else {
            return Err(Error::new(format!(
                "wrong node kind at '{}': expected a scalar",
                t.field_path
            )));
        };
        let value = if t.file_path_position > 0 {
            insert_path_part(&s.text, (t.file_path_position - 1) as usize, &self.value)
        } else {
            self.value.clone()
        };
        set_scalar(node, &value, Some(Tag::Str))
    }
}

impl Transformer for ValueAddTransformer {
    fn builtin_kind(&self) -> &str {
        "ValueAddTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        for t in &self.targets {
            let indices: Vec<usize> = match &t.selector {
                Some(s) => CompiledSelector::new(s)?.select(m),
                None => (0..m.len()).collect(),
            };
            for i in indices {
                let obj = &mut m.resources_mut()[i].obj;
                if t.field_path == "metadata/namespace" {
                    NamespaceTransformer {
                        namespace: self.value.clone(),
                        field_specs: Vec::new(),
                        unset_only: false,
                        subjects: SubjectMode::DefaultOnly,
                    }
                    .filter(obj)?;
                } else {
                    self.add(obj, t)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts() {
        assert_eq!(insert_path_part("projects/data", 1, "x"), "projects/x/data");
        assert_eq!(insert_path_part("projects/data", 9, "x"), "projects/data/x");
        assert_eq!(insert_path_part("/a/b", 0, "x"), "/x/a/b");
        assert_eq!(insert_path_part("", 0, "x"), "x");
        assert_eq!(split_fields(r"a/b\/c/d"), ["a", "b/c", "d"]);
    }
}
