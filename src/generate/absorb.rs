//! Adding a generated resource to what has been accumulated, following its
//! behaviour (kustomize's `appendReplaceOrMerge`): create appends and the id
//! must be new; merge and replace need exactly one resource whose current
//! or any previous id is the generated one's, and take its place.

use super::make::{check_keys, Behavior};
use crate::error::{Error, Result};
use crate::resource::{
    is_build_annotation, NameIndex, ResId, ResMap, Resource, GEN_BEHAVIOR, NEEDS_HASH, ORIGIN,
};
use crate::yaml::{Map, Value};
use indexmap::IndexMap;

/// kustomize's `%#v` of a resource id, as its errors print it.
fn go_id(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:\"{}\", Version:\"{}\", Kind:\"{}\", isClusterScoped:{}}}, Name:\"{}\", Namespace:\"{}\"}}",
        id.gvk.group, id.gvk.version, id.gvk.kind, id.cluster_scoped, id.name, id.namespace
    )
}

/// Adds one generated resource to `m`.
pub fn absorb_one(m: &mut ResMap, index: &mut NameIndex, mut res: Resource) -> Result<()> {
    let id = res.cur_id();
    let behavior = Behavior::parse(res.annotation(GEN_BEHAVIOR).unwrap_or(""));
    let matches = index.find_by_any_id(m, &id);
    match matches.as_slice() {
        [] => match behavior {
            Behavior::Merge | Behavior::Replace => Err(Error::new(format!(
                "id {} does not exist; cannot merge or replace",
                go_id(&id)
            ))),
            // No current id matched either, so the id is new.
            _ => {
                index.add(m.len(), &res);
                m.resources_mut().push(res);
                Ok(())
            }
        },
        [at] => {
            let old = &m.resources()[*at];
            match behavior {
                Behavior::Replace => copy_merge_metadata(&mut res, old),
                Behavior::Merge => {
                    let origin = old.annotation(ORIGIN).map(str::to_string);
                    copy_merge_metadata(&mut res, old);
                    merge_string_field(&mut res, old, "data")?;
                    merge_string_field(&mut res, old, "binaryData")?;
                    if let Some(o) = origin {
                        res.set_annotation(ORIGIN, &o);
                    }
                }
                _ => {
                    return Err(Error::new(format!(
                    "id {} exists; can not use behavior: '{}', behavior must be merge or replace",
                    go_id(&id),
                    behavior.as_str()
                )))
                }
            }
            index.add(*at, &res);
            m.replace(*at, res);
            Ok(())
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|&i| m.resources()[i].cur_id().to_string())
                .collect();
            Err(Error::new(format!(
                "found multiple objects [{}] that could accept merge of {id}",
                ids.join(" ")
            )))
        }
    }
}

/// Merges two string maps, later maps winning.
fn merged(maps: [&IndexMap<String, String>; 2]) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    for m in maps {
        for (k, v) in m {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// kustomize's `CopyMergeMetaDataFieldsFrom`: labels and annotations merged
/// (the new resource's win), except the build annotations, which all come
/// from the old one, and the hash request, kept only if both ask for it;
/// then the old name, namespace and var references.
fn copy_merge_metadata(res: &mut Resource, old: &Resource) {
    res.set_labels(&merged([&old.labels(), &res.labels()]));
    let new_annotations = res.annotations();
    let old_annotations = old.annotations();
    let mut a = merged([&old_annotations, &new_annotations]);
    a.retain(|k, _| !is_build_annotation(k));
    for (k, v) in &old_annotations {
        if is_build_annotation(k) {
            a.insert(k.clone(), v.clone());
        }
    }
    if !new_annotations.contains_key(NEEDS_HASH) {
        a.shift_remove(NEEDS_HASH);
    }
    res.set_annotations(&a);
    res.set_name(old.name());
    res.set_namespace(old.namespace());
    res.ref_var_names = old.ref_var_names.clone();
}

/// A `data`-like field as a map of strings (kyaml's `GetDataMap`: each
/// value's scalar text; missing or not a mapping is empty).
fn string_field(res: &Resource, key: &str) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    if let Some(Value::Map(m)) = res.obj.get(key) {
        for (k, v) in m {
            let text = match v {
                Value::Scalar(s) => s.text.clone(),
                _ => String::new(),
            };
            out.insert(k.clone(), text);
        }
    }
    out
}

/// kustomize's `MergeDataMapFrom`/`MergeBinaryDataMapFrom`: the old map
/// under the new one, rewritten with string values (sorted), or removed
/// when empty. The keys are written anew, untagged, so quoted ones that
/// look like numbers stop being strings ([`check_keys`]).
fn merge_string_field(res: &mut Resource, old: &Resource, key: &str) -> Result<()> {
    let all = merged([&string_field(old, key), &string_field(res, key)]);
    check_keys(res.kind(), res.name(), all.keys())?;
    let Some(obj) = res.obj.as_map_mut() else {
        return Ok(());
    };
    obj.shift_remove(key);
    if all.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&String> = all.keys().collect();
    keys.sort();
    let m: Map = keys
        .into_iter()
        .map(|k| (k.clone(), Value::string(all[k].clone())))
        .collect();
    obj.insert(key.to_string(), Value::from_map(m));
    Ok(())
}
