//! One resource: its object tree plus the bookkeeping kustomize keeps in
//! build annotations (previous names, prefixes, generator behaviour...).
//!
//! The bookkeeping lives in `metadata.annotations` exactly as in kustomize,
//! because patches and merges see it there and it shapes what they do; it is
//! stripped before output by [`Resource::remove_build_annotations`].

use super::id::ResId;
use crate::kustomization::Gvk;
use crate::yaml::{Map, Value};
use indexmap::IndexMap;

/// Previous names, comma-separated, oldest first.
pub const PREVIOUS_NAMES: &str = "internal.config.kubernetes.io/previousNames";
/// Previous namespaces, parallel to [`PREVIOUS_NAMES`].
pub const PREVIOUS_NAMESPACES: &str = "internal.config.kubernetes.io/previousNamespaces";
/// Previous kinds, parallel to [`PREVIOUS_NAMES`].
pub const PREVIOUS_KINDS: &str = "internal.config.kubernetes.io/previousKinds";
/// Name prefixes applied, in order.
pub const PREFIXES: &str = "internal.config.kubernetes.io/prefixes";
/// Name suffixes applied, in order.
pub const SUFFIXES: &str = "internal.config.kubernetes.io/suffixes";
/// Ids of the resources that refer to this one.
pub const REF_BY: &str = "internal.config.kubernetes.io/refBy";
/// Generator behaviour: create, merge, replace.
pub const GEN_BEHAVIOR: &str = "internal.config.kubernetes.io/generatorBehavior";
/// Set when the name gets a content hash suffix.
pub const NEEDS_HASH: &str = "internal.config.kubernetes.io/needsHashSuffix";
/// A patch may change the name.
pub const ALLOW_NAME_CHANGE: &str = "internal.config.kubernetes.io/allowNameChange";
/// A patch may change the kind.
pub const ALLOW_KIND_CHANGE: &str = "internal.config.kubernetes.io/allowKindChange";
/// Where a resource came from (buildMetadata: originAnnotations).
pub const ORIGIN: &str = "config.kubernetes.io/origin";
/// Which transformers touched it (buildMetadata: transformerAnnotations).
pub const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";
/// A resource with this annotation (not `"false"`) is dropped from output.
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
/// The value of the boolean build annotations.
pub const ENABLED: &str = "enabled";

/// The annotations kustomize removes before output (its `BuildAnnotations`).
const BUILD_ANNOTATIONS: [&str; 19] = [
    PREVIOUS_KINDS,
    PREVIOUS_NAMES,
    PREFIXES,
    SUFFIXES,
    PREVIOUS_NAMESPACES,
    ALLOW_NAME_CHANGE,
    ALLOW_KIND_CHANGE,
    REF_BY,
    GEN_BEHAVIOR,
    NEEDS_HASH,
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
    "internal.config.kubernetes.io/helm-generated",
];

/// Whether `key` is one of kustomize's build annotations (removed before
/// output; a generator merge takes them from the resource merged into).
pub fn is_build_annotation(key: &str) -> bool {
    // All of them start so: most keys are told apart by their first bytes.
    (key.starts_with("internal.") || key.starts_with("config.")) && BUILD_ANNOTATIONS.contains(&key)
}

/// Appends `value` to the comma-separated list annotation `key` of `a`, as
/// a string: a null starts it empty (`,value`), a non-scalar is replaced.
/// The old text is extended in place, not copied.
fn append_csv_to(a: &mut Map, key: &str, value: &str) {
    let Some(v) = a.get_mut(key) else {
        a.insert(key.to_string(), Value::string(value));
        return;
    };
    let mut text = match v {
        _ if v.is_null() => String::new(),
        Value::Scalar(s) => std::mem::take(&mut s.text),
        _ => {
            *v = Value::string(value);
            return;
        }
    };
    text.push(',');
    text.push_str(value);
    *v = Value::string(text);
}

/// The items of a comma-separated list, as `split(',')` gives them (cut by
/// a byte scan: see `id::cut`).
fn csv_items(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        let (item, after) = match super::id::cut(r, b',') {
            Some((item, after)) => (item, Some(after)),
            None => (r, None),
        };
        rest = after;
        Some(item)
    })
}

/// Sets `key` of `a` to `value`; most calls replace an existing entry, so
/// the key is allocated only when missing.
fn put(a: &mut Map, key: &str, value: Value) {
    match a.get_mut(key) {
        Some(v) => *v = value,
        None => {
            a.insert(key.to_string(), value);
        }
    }
}

/// A Kubernetes object being built.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The object: a mapping.
    pub obj: Value,
    /// Names of the vars this resource's fields refer to.
    pub ref_var_names: Vec<String>,
    /// Fields that are one node in kustomize (see [`super::shared`]).
    pub shared: Vec<super::shared::SharedScalar>,
    /// The file it was read from, if any, for errors about it.
    pub source: Provenance,
}

/// The file a resource was read from, for errors that concern it (a value
/// kustomize cannot print). Takes no part in comparisons: two resources
/// with the same object are equal wherever they came from.
#[derive(Clone, Debug, Default)]
pub struct Provenance(pub Option<std::sync::Arc<std::path::Path>>);

impl PartialEq for Provenance {
    fn eq(&self, _: &Provenance) -> bool {
        true
    }
}

impl Resource {
    /// Wraps an object (a mapping).
    pub fn new(obj: Value) -> Resource {
        Resource {
            obj,
            ref_var_names: Vec::new(),
            shared: Vec::new(),
            source: Provenance::default(),
        }
    }

    #[inline]
    fn text(&self, path: &[&str]) -> &str {
        self.obj.str_at(path).unwrap_or("")
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> &str {
        self.text(&["apiVersion"])
    }
    /// `kind`.
    pub fn kind(&self) -> &str {
        self.text(&["kind"])
    }
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.text(&["metadata", "name"])
    }
    /// `metadata.namespace`.
    pub fn namespace(&self) -> &str {
        self.text(&["metadata", "namespace"])
    }
    /// The group/version/kind.
    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }
    /// The current id.
    pub fn cur_id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    /// The key of the current id (as [`ResId::key`]), borrowed.
    pub fn id_key(&self) -> super::id::IdKey<'_> {
        super::id::IdKey::new(
            self.api_version(),
            self.kind(),
            self.name(),
            self.namespace(),
        )
    }

    /// `metadata`, created when missing.
    pub fn metadata_mut(&mut self) -> &mut Map {
        let obj = self.obj.as_map_mut().expect("resource is a mapping");
        // The key is allocated only when metadata is missing.
        if !obj.contains_key("metadata") {
            obj.insert("metadata".to_string(), Value::map());
        }
        let md = obj.get_mut("metadata").expect("just made");
        if !matches!(md, Value::Map(_)) {
            *md = Value::map();
        }
        md.as_map_mut().expect("metadata is a mapping")
    }

    /// Sets `metadata.name` (a string).
    pub fn set_name(&mut self, name: &str) {
        self.metadata_mut()
            .insert("name".into(), Value::string(name));
    }
    /// Sets `metadata.namespace`; an empty one removes the field.
    pub fn set_namespace(&mut self, ns: &str) {
        let md = self.metadata_mut();
        if ns.is_empty() {
            md.shift_remove("namespace");
        } else {
            md.insert("namespace".into(), Value::string(ns));
        }
    }
    /// Sets `kind`.
    pub fn set_kind(&mut self, kind: &str) {
        if let Some(m) = self.obj.as_map_mut() {
            m.insert("kind".into(), Value::string(kind));
        }
    }

    fn string_map(&self, field: &str) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        if let Some(Value::Map(m)) = self.obj.get_path(&["metadata", field]) {
            for (k, v) in m {
                // kyaml reads a node's `Value`: a null keeps its spelling
                // (`~`, `null`), which `SetAnnotations` then sets as a string.
                let text = match v {
                    Value::Scalar(s) => s.text.clone(),
                    _ => String::new(),
                };
                out.insert(k.clone(), text);
            }
        }
        out
    }

    /// Replaces a string map in metadata the way kustomize does: the field is
    /// rebuilt with string values, and removed when empty.
    fn set_string_map(&mut self, field: &str, map: &IndexMap<String, String>) {
        let md = self.metadata_mut();
        if map.is_empty() {
            md.shift_remove(field);
            return;
        }
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        let mut m = crate::yaml::map_with_capacity(map.len());
        for k in keys {
            m.insert(k.clone(), Value::string(map[k].clone()));
        }
        md.insert(field.to_string(), Value::from_map(m));
    }

    /// `metadata.annotations` as strings (kustomize's `GetAnnotations`).
    pub fn annotations(&self) -> IndexMap<String, String> {
        self.string_map("annotations")
    }
    /// Replaces `metadata.annotations` (kustomize's `SetAnnotations`).
    pub fn set_annotations(&mut self, a: &IndexMap<String, String>) {
        self.set_string_map("annotations", a)
    }
    /// `metadata.labels` as strings.
    pub fn labels(&self) -> IndexMap<String, String> {
        self.string_map("labels")
    }
    /// Replaces `metadata.labels` (kustomize's `SetLabels`).
    pub fn set_labels(&mut self, l: &IndexMap<String, String>) {
        self.set_string_map("labels", l)
    }

    /// One annotation's text.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        match self.obj.get_path(&["metadata", "annotations", key]) {
            Some(v) if v.is_null() => Some(""),
            Some(v) => v.as_scalar_text(),
            None => None,
        }
    }

    /// Sets one annotation, leaving the others as they are.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        put(self.annotations_mut(), key, Value::string(value));
    }

    /// `metadata.annotations`, made a mapping when missing or not one.
    fn annotations_mut(&mut self) -> &mut Map {
        let md = self.metadata_mut();
        if !matches!(md.get("annotations"), Some(Value::Map(_))) {
            md.insert("annotations".to_string(), Value::map());
        }
        md.get_mut("annotations")
            .and_then(Value::as_map_mut)
            .expect("annotations is a mapping")
    }

    fn csv(&self, key: &str) -> Vec<String> {
        self.csv_items(key).map(str::to_string).collect()
    }

    /// The items of a comma-separated annotation (none when it is missing).
    fn csv_items(&self, key: &str) -> impl Iterator<Item = &str> + '_ {
        self.annotation(key).into_iter().flat_map(csv_items)
    }

    fn append_csv(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            append_csv_to(self.annotations_mut(), key, value);
        }
    }

    /// Name prefixes applied so far, oldest first.
    pub fn name_prefixes(&self) -> Vec<String> {
        self.csv(PREFIXES)
    }
    /// Name suffixes applied so far, oldest first.
    pub fn name_suffixes(&self) -> Vec<String> {
        self.csv(SUFFIXES)
    }
    /// Records a prefix.
    pub fn add_name_prefix(&mut self, p: &str) {
        self.append_csv(PREFIXES, p)
    }
    /// Records a suffix.
    pub fn add_name_suffix(&mut self, s: &str) {
        self.append_csv(SUFFIXES, s)
    }

    /// Records the current name, namespace and kind as a previous id
    /// (before a rename). The namespace is the effective one.
    pub fn store_previous_id(&mut self) {
        // The extended lists are made while the object is only read (the
        // id is borrowed from it), then set in one visit to the annotations.
        // As `append_csv_to`: a null starts the list empty, a non-scalar
        // (no text) is replaced.
        let id = self.id_key();
        let lists = [
            (PREVIOUS_NAMES, id.name),
            (PREVIOUS_NAMESPACES, id.namespace),
            (PREVIOUS_KINDS, id.kind),
        ]
        .map(|(key, value)| {
            (!value.is_empty()).then(|| {
                let old = self.annotation(key);
                let mut text = String::with_capacity(old.map_or(0, |o| o.len() + 1) + value.len());
                if let Some(o) = old {
                    text.push_str(o);
                    text.push(',');
                }
                text.push_str(value);
                (key, text)
            })
        });
        let a = self.annotations_mut();
        for (key, text) in lists.into_iter().flatten() {
            put(a, key, Value::string(text));
        }
    }

    /// The ids this resource had before renames, oldest first.
    pub fn prev_ids(&self) -> Vec<ResId> {
        if self.annotation(PREVIOUS_NAMES).is_none() {
            return Vec::new();
        }
        // The three lists are read in step, straight from the annotations
        // (a shorter list gives empty parts).
        let list = |key| self.csv_items(key);
        let (mut nss, mut kinds) = (list(PREVIOUS_NAMESPACES), list(PREVIOUS_KINDS));
        let av = self.api_version();
        let (group, version) = Gvk::split_api_version(av);
        list(PREVIOUS_NAMES)
            .map(|n| ResId {
                gvk: Gvk::new(group, version, kinds.next().unwrap_or("")),
                name: n.to_string(),
                namespace: nss.next().unwrap_or("").to_string(),
                cluster_scoped: false,
            })
            .collect()
    }

    /// Whether the current name or a previous one is `name`: a cheap test
    /// before [`Resource::prev_ids`] builds ids.
    pub fn had_name(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The current name, then the previous ones, oldest first.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        std::iter::once(self.name()).chain(self.csv_items(PREVIOUS_NAMES))
    }

    /// The original id: the oldest previous id, or the current one.
    pub fn org_id(&self) -> ResId {
        // The first of each list, as `prev_ids` pairs them.
        let Some(name) = self.csv_items(PREVIOUS_NAMES).next() else {
            return self.cur_id();
        };
        let (group, version) = Gvk::split_api_version(self.api_version());
        let kind = self.csv_items(PREVIOUS_KINDS).next().unwrap_or("");
        let namespace = self.csv_items(PREVIOUS_NAMESPACES).next().unwrap_or("");
        ResId {
            gvk: Gvk::new(group, version, kind),
            name: name.to_string(),
            namespace: namespace.to_string(),
            cluster_scoped: false,
        }
    }

    /// The ids of the resources referring to this one.
    #[cfg(test)]
    pub fn ref_by(&self) -> Vec<ResId> {
        self.csv(REF_BY).iter().map(|s| ResId::parse(s)).collect()
    }

    /// Records a referrer.
    pub fn append_ref_by(&mut self, id: &ResId) {
        self.append_csv(REF_BY, &id.to_string())
    }

    /// Whether the name gets a content hash.
    pub fn needs_hash_suffix(&self) -> bool {
        self.annotation(NEEDS_HASH) == Some(ENABLED)
    }
    /// Whether a patch (this resource) may rename its target.
    pub fn name_change_allowed(&self) -> bool {
        self.annotation(ALLOW_NAME_CHANGE) == Some(ENABLED)
    }
    /// Whether a patch (this resource) may change its target's kind.
    pub fn kind_change_allowed(&self) -> bool {
        self.annotation(ALLOW_KIND_CHANGE) == Some(ENABLED)
    }

    /// Removes kustomize's bookkeeping annotations before output.
    ///
    /// As kustomize's, this rewrites the annotations the way
    /// [`Resource::set_annotations`] does (sorted, string values), done in
    /// place: the map is filtered, its values made strings and its keys sorted.
    pub fn remove_build_annotations(&mut self) {
        let Some(Value::Map(md)) = self.obj.get_mut("metadata") else {
            return;
        };
        let Some(Value::Map(a)) = md.get_mut("annotations") else {
            return;
        };
        if a.is_empty() {
            return;
        }
        a.retain(|k, _| !is_build_annotation(k));
        if a.is_empty() {
            md.shift_remove("annotations");
            return;
        }
        for v in a.values_mut() {
            // The text a string map reads (see `string_map`), as a string.
            let text = match v {
                Value::Scalar(s) => std::mem::take(&mut s.text),
                _ => String::new(),
            };
            *v = Value::string(text);
        }
        a.sort_keys();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `store_previous_id` as it was: the id copied, each list extended
    /// with `append_csv_to`.
    fn store_previous_id_by_appends(r: &mut Resource) {
        let id = r.cur_id();
        let ns = id.effective_namespace().to_string();
        let a = r.annotations_mut();
        for (key, value) in [
            (PREVIOUS_NAMES, &id.name),
            (PREVIOUS_NAMESPACES, &ns),
            (PREVIOUS_KINDS, &id.gvk.kind),
        ] {
            if !value.is_empty() {
                append_csv_to(a, key, value);
            }
        }
    }

    #[test]
    fn build_annotations_are_told_by_the_whole_list() {
        for k in BUILD_ANNOTATIONS {
            assert!(is_build_annotation(k), "{k}");
            assert!(!is_build_annotation(&k[1..]), "{k}");
        }
        assert!(!is_build_annotation("config.kubernetes.io/other"));
    }

    #[test]
    fn csv_items_split_as_str_split() {
        for s in ["", ",", "a", "a,", ",a", "a,b", "a,,b", "é,ü,", ",,"] {
            let ours: Vec<&str> = super::csv_items(s).collect();
            let std: Vec<&str> = s.split(',').collect();
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn previous_ids_are_stored_as_by_appends() {
        // Every list annotation state (missing, null, text, number,
        // mapping) under ids with and without each part.
        let states = ["", "~", "a", "5", "{x: y}"];
        let mut n = 0;
        for kind in ["Service", "Namespace", ""] {
            for name in ["n", ""] {
                for namespace in ["ns", ""] {
                    for (i, state) in states.iter().enumerate() {
                        let mut text = format!(
                            "apiVersion: v1\nkind: {kind:?}\nmetadata:\n  name: {name:?}\n  namespace: {namespace:?}\n  annotations:\n    other: o\n"
                        );
                        if !state.is_empty() {
                            for key in [PREVIOUS_NAMES, PREVIOUS_NAMESPACES, PREVIOUS_KINDS] {
                                // The three lists in different states.
                                let s = states[(i + key.len()) % states.len()];
                                let s = if s.is_empty() { state } else { &s };
                                text.push_str(&format!("    {key}: {s}\n"));
                            }
                        }
                        let docs = crate::yaml::Document::read_resources(
                            text.as_bytes(),
                            &Default::default(),
                        )
                        .unwrap();
                        let r = Resource::new(docs.into_iter().next().unwrap().value);
                        let (mut old, mut new) = (r.clone(), r.clone());
                        store_previous_id_by_appends(&mut old);
                        new.store_previous_id();
                        // The original id is the first previous one, however
                        // the lists stand (before and after a store).
                        for r in [&r, &new] {
                            let first = r.prev_ids().into_iter().next();
                            assert_eq!(r.org_id(), first.unwrap_or_else(|| r.cur_id()));
                        }
                        assert_eq!(
                            format!("{:?}", old.obj),
                            format!("{:?}", new.obj),
                            "on\n{text}"
                        );
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 60);
    }
}
