//! The OpenAPI schema strategic merge patches consult, as kyaml reads it:
//! definitions indexed by name and by the group/version/kind they declare,
//! `$ref`s resolved on every step, a field's patch strategy and merge keys.
//!
//! kustomize keeps one schema for the whole build (a global in kyaml): the
//! builtin Kubernetes v1.21.2 schema unless a kustomization's `openapi:`
//! field names another. [`OpenApi`] reproduces that choice as data of one
//! build; the transformers read the choice in force when they run.

use crate::data::KUSTOMIZATION_API;
use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::load::Loader;
use crate::resource::ResMap;
use crate::yaml::{parse_documents, ParseOptions, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The only Kubernetes version whose schema kustomize v5.8.1 builds in.
pub const BUILTIN_VERSION: &str = "v1.21.2";

/// A set of definitions (one swagger document, or several merged).
#[derive(Debug, Default)]
pub struct SchemaDoc {
    defs: HashMap<String, Value>,
    by_type: HashMap<(String, String), String>,
}

impl SchemaDoc {
    /// Reads the `definitions` of a swagger document (JSON or YAML).
    pub fn from_bytes(bytes: &[u8]) -> Result<SchemaDoc> {
        let mut doc = SchemaDoc::default();
        doc.add_bytes(bytes)?;
        Ok(doc)
    }

    /// Adds the definitions of a swagger document; later ones win.
    pub fn add_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        // Schemas are mostly JSON, and large: read JSON with a JSON parser
        // (the builtin one takes 1 ms instead of 30 through the YAML parser).
        let first = match json_value(bytes) {
            Some(v) => v,
            None => {
                let docs = parse_documents(bytes, &ParseOptions::default())?;
                let Some(first) = docs.into_iter().next() else {
                    return Ok(());
                };
                first.value
            }
        };
        // Taken out of the document, not copied (the builtin one is 0.2 MB).
        let mut first = first;
        if let Some(Value::Map(defs)) = first.get_mut("definitions") {
            let mut leaves = HashMap::new();
            for (name, mut d) in std::mem::take(&mut **defs) {
                share_leaves(&mut d, &mut leaves);
                self.add_definition(&name, d);
            }
        }
        Ok(())
    }

    /// Adds every definition of another document; its ones win.
    pub fn add_all(&mut self, other: &SchemaDoc) {
        for (name, d) in &other.defs {
            self.add_definition(name, d.clone());
        }
    }

    fn add_definition(&mut self, name: &str, d: Value) {
        // Index by every group/version/kind the definition declares.
        if let Some(Value::Seq(gvks)) = d.get("x-kubernetes-group-version-kind") {
            for g in gvks {
                let group = g.str_at(&["group"]).unwrap_or("");
                let version = g.str_at(&["version"]).unwrap_or("");
                let kind = g.str_at(&["kind"]).unwrap_or("");
                let api_version = if group.is_empty() {
                    version.to_string()
                } else {
                    format!("{group}/{version}")
                };
                self.by_type
                    .insert((api_version, kind.to_string()), name.to_string());
            }
        }
        self.defs.insert(name.to_string(), d);
    }

    /// The schema of a resource type, if the document defines it.
    pub fn for_type(&self, api_version: &str, kind: &str) -> Option<Schema<'_>> {
        let name = self
            .by_type
            .get(&(api_version.to_string(), kind.to_string()))?;
        Some(Schema {
            doc: self,
            node: self.defs.get(name)?,
        })
    }

    /// Follows `$ref`s until a schema without one; `None` if one dangles.
    fn resolve<'a>(&'a self, mut node: &'a Value) -> Option<Schema<'a>> {
        while let Some(r) = node.str_at(&["$ref"]) {
            if r.is_empty() {
                break;
            }
            let name = r.strip_prefix("#/definitions/")?;
            node = self.defs.get(&unescape_pointer(name))?;
        }
        Some(Schema { doc: self, node })
    }
}

/// Makes equal small mappings of scalars (`{type: string}`, a `$ref`) one
/// shared value: a schema holds thousands of them, and it is only read
/// (the builtin one: 1.5 MiB of values, most of it those). `leaves` holds
/// the ones seen, by a hash of their keys and texts.
fn share_leaves(v: &mut Value, leaves: &mut HashMap<u64, Vec<Value>>) {
    use std::hash::{BuildHasher, Hash, Hasher};
    crate::yaml::deep(|| match v {
        Value::Map(m) => {
            let leaf = m.len() <= 4 && m.values().all(|x| matches!(x, Value::Scalar(_)));
            if !leaf {
                for x in m.values_mut() {
                    share_leaves(x, leaves);
                }
                return;
            }
            // A fixed seed: the hash only groups candidates, equality decides.
            let mut h = foldhash::fast::FixedState::default().build_hasher();
            for (k, x) in m.iter() {
                k.hash(&mut h);
                if let Value::Scalar(s) = x {
                    (s.tag, &s.text).hash(&mut h);
                }
            }
            let seen = leaves.entry(h.finish()).or_default();
            // Equal as data (keys, tags and texts): all a schema's reader sees.
            match seen.iter().find(|s| **s == *v) {
                Some(shared) => *v = shared.clone(),
                None => seen.push(v.clone()),
            }
        }
        Value::Seq(items) => {
            for x in items.iter_mut() {
                share_leaves(x, leaves);
            }
        }
        Value::Scalar(_) => {}
    })
}

fn unescape_pointer(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// One schema node, with the document its references resolve in.
#[derive(Clone, Copy, Debug)]
pub struct Schema<'a> {
    doc: &'a SchemaDoc,
    node: &'a Value,
}

impl<'a> Schema<'a> {
    /// The schema of a field: a declared property, else the value schema of
    /// a map type (`additionalProperties`).
    pub fn field(&self, name: &str) -> Option<Schema<'a>> {
        let s = self.node.get_path(&["properties", name]).or_else(|| {
            match self.node.get("additionalProperties") {
                Some(v @ Value::Map(_)) => Some(v),
                _ => None,
            }
        })?;
        self.doc.resolve(s)
    }

    /// The schema of an array's elements (only for `type: array`).
    pub fn elements(&self) -> Option<Schema<'a>> {
        let is_array = match self.node.get("type") {
            Some(Value::Seq(t)) => t.len() == 1 && t[0].as_scalar_text() == Some("array"),
            Some(t) => t.as_scalar_text() == Some("array"),
            None => false,
        };
        if !is_array {
            return None;
        }
        self.doc.resolve(self.node.get("items")?)
    }

    /// `x-kubernetes-patch-strategy` and the merge keys
    /// (`x-kubernetes-list-map-keys`, else `x-kubernetes-patch-merge-key`).
    pub fn strategy_and_keys(&self) -> (String, Vec<String>) {
        let Some(ps) = self.node.str_at(&["x-kubernetes-patch-strategy"]) else {
            return (String::new(), Vec::new());
        };
        if let Some(Value::Seq(keys)) = self.node.get("x-kubernetes-list-map-keys") {
            let keys = keys
                .iter()
                .map(|k| k.as_scalar_text().unwrap_or("").to_string())
                .collect();
            return (ps.to_string(), keys);
        }
        match self.node.str_at(&["x-kubernetes-patch-merge-key"]) {
            Some(k) => (ps.to_string(), vec![k.to_string()]),
            None => (ps.to_string(), Vec::new()),
        }
    }

    /// Whether lists of this schema merge (the strategy includes `merge`).
    pub fn has_merge_strategy(&self) -> bool {
        self.node
            .str_at(&["x-kubernetes-patch-strategy"])
            .is_some_and(|s| s.split(',').any(|p| p == "merge"))
    }
}

/// A JSON document as a [`Value`]; `None` if the bytes are not JSON.
fn json_value(bytes: &[u8]) -> Option<Value> {
    let trimmed = bytes.trim_ascii_start();
    if !trimmed.starts_with(b"{") {
        return None;
    }
    crate::yaml::from_json_slice(bytes).ok()
}

/// The builtin schema (Kubernetes v1.21.2 plus the kustomization API).
pub fn builtin() -> Arc<SchemaDoc> {
    static DOC: OnceLock<Arc<SchemaDoc>> = OnceLock::new();
    DOC.get_or_init(|| {
        let src = crate::data::OPENAPI_V1_21_2;
        Arc::new(SchemaDoc::from_bytes(src).expect("embedded OpenAPI schema parses"))
    })
    .clone()
}

#[derive(Debug, Default)]
struct State {
    /// Set by a kustomization's `openapi:` field; `None` means the builtin.
    custom: Option<Arc<SchemaDoc>>,
    /// Whether some kustomization has chosen already (kyaml's
    /// "schema is set": a version or a custom schema).
    chosen: bool,
    /// Whether the builtin definitions were loaded (a merge consulted them).
    builtin_loaded: bool,
    /// Whether a resource of a type outside kyaml's precomputed scope table
    /// was read (kyaml then defers loading the builtin schema).
    deferred_builtin: bool,
}

/// The OpenAPI schema choice of one build. kyaml keeps it in a process
/// global that every kustomization of a build reads and may set; here it is
/// a value each build owns, so builds on many threads stay apart and a
/// build's result never depends on what ran before it.
#[derive(Debug, Default)]
pub struct OpenApi {
    state: Mutex<State>,
}

impl OpenApi {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain data, valid whatever a panicking holder did.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The schema in force.
    pub fn current(&self) -> Arc<SchemaDoc> {
        let mut s = self.state();
        match &s.custom {
            Some(c) => c.clone(),
            None => {
                s.builtin_loaded = true;
                builtin()
            }
        }
    }

    /// Applies a kustomization's `openapi:` field as kustomize does when it
    /// loads that kustomization: the top one (`top`) always decides; below
    /// it, the first kustomization that sets the field wins and later ones
    /// are ignored.
    ///
    /// `loaded` are the resources accumulated before this kustomization at
    /// its parent's level (those of levels further up were seen when those
    /// levels were entered).
    /// kyaml keeps every definition it ever loaded: a custom schema set below
    /// the top joins the builtin definitions if a merge already used them,
    /// and is joined by them (builtin ones win) if a resource of a type
    /// outside the precomputed scope table was read before (kyaml then
    /// defers loading the builtin schema until the next lookup).
    pub fn apply(&self, k: &Kustomization, ldr: &Loader, top: bool, loaded: &ResMap) -> Result<()> {
        if top {
            *self.state() = State::default();
        }
        let (chosen, builtin_loaded, deferred_builtin) = {
            let mut s = self.state();
            // kyaml's flag is process-wide: a resource read in a kustomization
            // above this one counts too, though it is not in `loaded` (each
            // level accumulates on its own), so the flag is kept here.
            s.deferred_builtin |= loaded
                .resources()
                .iter()
                .any(|r| !precomputed(r.api_version(), r.kind()));
            (s.chosen, s.builtin_loaded, s.deferred_builtin)
        };
        if chosen && !top {
            return Ok(());
        }
        let version = k.openapi.get("version");
        let custom = match k.openapi.get("path") {
            Some(p) => {
                let bytes = ldr.load(p)?;
                if version.is_some() {
                    return Err(Error::new(
                        "builtin version and custom schema provided, cannot use both",
                    ));
                }
                let mut doc = SchemaDoc::default();
                if builtin_loaded {
                    doc.add_all(&builtin());
                }
                doc.add_bytes(&bytes)
                    .map_err(|e| Error::new(format!("invalid schema file: {e}")))?;
                if deferred_builtin {
                    doc.add_all(&builtin());
                }
                doc.add_bytes(KUSTOMIZATION_API.as_bytes())?;
                Some(Arc::new(doc))
            }
            None => None,
        };
        if custom.is_none() {
            if let Some(v) = version {
                if !v.is_empty() && v != BUILTIN_VERSION {
                    return Err(Error::new("the specified OpenAPI version is not built in"));
                }
            }
        }
        let now_chosen = custom.is_some() || version.is_some_and(|v| !v.is_empty());
        let mut s = self.state();
        if custom.is_some() || now_chosen {
            s.custom = custom;
        }
        s.chosen = now_chosen;
        Ok(())
    }
}

/// Whether kyaml's precomputed namespace-scope table knows a type; asking
/// about any other type makes kyaml load its builtin schema later on.
fn precomputed(api_version: &str, kind: &str) -> bool {
    static TABLE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let src = crate::data::NAMESPACE_SCOPE;
            let docs = parse_documents(src.as_bytes(), &ParseOptions::default())
                .expect("embedded namespace-scope table parses");
            let entries = docs[0].value.get("resources").and_then(Value::as_seq);
            entries
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e.str_at(&["apiVersion"]).unwrap_or("").to_string(),
                        e.str_at(&["kind"]).unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .iter()
        .any(|(a, k)| a == api_version && k == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_merge_keys() {
        let doc = builtin();
        let dep = doc.for_type("apps/v1", "Deployment").expect("Deployment");
        let containers = dep
            .field("spec")
            .and_then(|s| s.field("template"))
            .and_then(|s| s.field("spec"))
            .and_then(|s| s.field("containers"))
            .expect("containers");
        assert!(containers.has_merge_strategy());
        assert_eq!(
            containers.strategy_and_keys(),
            ("merge".to_string(), vec!["name".to_string()])
        );
        let ports = containers
            .elements()
            .and_then(|c| c.field("ports"))
            .expect("ports");
        assert_eq!(
            ports.strategy_and_keys().1,
            vec!["containerPort".to_string(), "protocol".to_string()]
        );
        let args = containers.elements().and_then(|c| c.field("args")).unwrap();
        assert!(!args.has_merge_strategy());
        assert!(doc.for_type("example.com/v1", "MyCRD").is_none());
    }
}
