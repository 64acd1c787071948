//! Turning YAML bytes into resources, as kustomize's resource factory does:
//! empty documents dropped, `kind` and `metadata.name` required, `*List`
//! kinds expanded into their items.

use crate::error::{Error, Result};
use crate::resource::Resource;
use crate::yaml::{Document, ParseOptions, Value};

/// Parses a resource file's bytes into resources. A mapping key that is not
/// a string (`9000:`, `true:`, `~:`) is an error at the key: kustomize reads
/// it but fails when it writes the resource out (its JSON encoder takes
/// string keys only). Strategic-merge patches are read by
/// [`patches_from_bytes`].
pub fn resources_from_bytes(bytes: &[u8]) -> Result<Vec<Resource>> {
    resources_from_docs(read(bytes)?)
}

/// Parses strategic-merge patches as [`resources_from_bytes`] parses
/// resources, except that a non-string key whose value is null is accepted:
/// kyaml matches fields by their text, so `9000: null` only deletes the
/// resource's `"9000"` and puts no such key into kustomize's output.
pub(crate) fn patches_from_bytes(bytes: &[u8]) -> Result<Vec<Resource>> {
    let opts = ParseOptions {
        record_marks: true,
        ..ParseOptions::default()
    };
    let mut docs = Document::read_resources(bytes, &opts)?;
    for d in &mut docs {
        let root = &d.value;
        d.non_string_keys.retain(|k| {
            !at_pointer(root, &k.map_path)
                .and_then(|m| m.get(&k.text))
                .is_some_and(Value::is_null)
        });
    }
    resources_from_docs(docs)
}

/// The node at a [`crate::yaml::Marks`] path (`/spec/0/name`, `~1` for `/`
/// and `~0` for `~` in a segment; empty for the root).
fn at_pointer<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return pointer.is_empty().then_some(root);
    };
    rest.split('/').try_fold(root, |v, seg| {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        match v {
            Value::Seq(items) => items.get(seg.parse::<usize>().ok()?),
            _ => v.get(&seg),
        }
    })
}

fn read(bytes: &[u8]) -> Result<Vec<Document>> {
    // kustomize splits resource files itself before parsing each piece.
    Ok(Document::read_resources(bytes, &ParseOptions::default())?)
}

/// The error for a key go-yaml v3 does not type as a string.
pub(crate) fn non_string_key_error(text: &str, tag: crate::yaml::Tag) -> Error {
    Error::new(format!(
        "mapping key {text:?} is read as {} {}, not a string, and kustomize cannot write \
         such a key out (json: unsupported type); quote it to make it a string",
        if tag == crate::yaml::Tag::Int {
            "an"
        } else {
            "a"
        },
        tag.short_name()
    ))
}

fn resources_from_docs(docs: Vec<Document>) -> Result<Vec<Resource>> {
    if let Some(k) = docs.iter().find_map(|d| d.non_string_keys.first()) {
        return Err(non_string_key_error(&k.text, k.tag).at(Some(k.mark)));
    }
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
    // Oracle: kustomize rebuilds every resource's annotations with unquoted
    // keys, so even a quoted `"9000":` annotation key fails on output.
    if let Some(Value::Map(a)) = v.get_path(&["metadata", "annotations"]) {
        if let Some((k, tag)) = a.keys().find_map(|k| added_key_type(k).map(|t| (k, t))) {
            return Err(set_key_error(k, tag).context("metadata.annotations".to_string()));
        }
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

/// The type a key that kyaml sets in a mapping (a label, an annotation) has
/// when kustomize writes the resource out, unless it is a string. Oracle
/// (kustomize v5.8.1): such a key is never quoted (written `"9000"` in the
/// kustomization or not, and even over a quoted key), so it fails where
/// go-yaml v3 reads it as no string (`9000`, `1_000`, `0o10`, `1e3`, `true`,
/// `~`, `2002-12-14`); `1:30` and `n` are strings.
pub(crate) fn added_key_type(key: &str) -> Option<&'static str> {
    match crate::yaml::resolve_plain(key) {
        crate::yaml::Tag::Str => None,
        t => Some(t.short_name()),
    }
}

/// The error for a key [`added_key_type`] finds no string.
pub(crate) fn set_key_error(key: &str, tag: &str) -> Error {
    Error::new(format!(
        "key {key:?} would be written out as a {tag} key, not a string, and kustomize \
         cannot write such a key (json: unsupported type)"
    ))
}
