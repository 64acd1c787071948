//! Turning YAML bytes into resources, as kustomize's resource factory does:
//! empty documents dropped, `kind` and `metadata.name` required, `*List`
//! kinds expanded into their items.

use crate::error::{Error, Result};
use crate::resource::Resource;
use crate::yaml::{Document, ParseOptions, Value};

/// Parses a resource file's bytes into resources.
pub fn resources_from_bytes(bytes: &[u8]) -> Result<Vec<Resource>> {
    // kustomize splits resource files itself before parsing each piece.
    let docs = Document::read_resources(bytes, &ParseOptions::default())?;
    let mut queue: std::collections::VecDeque<(Value, crate::yaml::Mark)> =
        docs.into_iter().map(|d| (d.value, d.start)).collect();
    let mut out = Vec::new();
    while let Some((v, mark)) = queue.pop_front() {
        if is_empty(&v) {
            continue;
        }
        validate(&v).map_err(|e| e.at(Some(mark)))?;
        let kind = v.str_at(&["kind"]).unwrap_or("");
        if kind.ends_with("List") {
            match v.get("items") {
                None => {}
                Some(items) if items.is_null() => continue,
                Some(Value::Seq(items)) => {
                    for item in items {
                        if is_empty(item) {
                            continue;
                        }
                        validate(item).map_err(|e| e.at(Some(mark)))?;
                        queue.push_back((item.clone(), mark));
                    }
                    continue;
                }
                Some(other) => {
                    return Err(Error::new(format!(
                        "expected a list in {kind}/items, but found a {}",
                        other.kind_name()
                    ))
                    .at(Some(mark)))
                }
            }
        }
        out.push(Resource::new(v));
    }
    Ok(out)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Scalar(_) => v.is_null(),
        Value::Map(m) => m.is_empty(),
        Value::Seq(_) => false,
    }
}

/// kustomize's `GetValidatedMetadata`.
fn validate(v: &Value) -> Result<()> {
    if v.as_map().is_none() {
        return Err(Error::new(format!(
            "a resource must be a mapping, found a {}",
            v.kind_name()
        )));
    }
    let kind = v.str_at(&["kind"]).unwrap_or("");
    if kind.is_empty() {
        return Err(Error::new(
            "missing kind in object (every resource needs `kind`)",
        ));
    }
    if !kind.ends_with("List") && v.str_at(&["metadata", "name"]).unwrap_or("").is_empty() {
        return Err(Error::new(format!(
            "missing metadata.name in object of kind {kind}"
        )));
    }
    Ok(())
}
