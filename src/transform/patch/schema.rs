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
    defs: HashMap<String, Def>,
    by_type: HashMap<(String, String), String>,
}

/// One definition: read when the document is, or (the builtin ones) kept as
/// the embedded JSON text and read when a merge first consults it. A build
/// consults a few of the builtin's 600-odd definitions (18 for a Deployment
/// patch); reading them all cost every build with a patch 7 M instructions
/// (docs/performance.md, seventh round).
#[derive(Clone, Debug)]
struct Def {
    body: Body,
    /// The group/version/kinds it declares (`x-kubernetes-group-version-kind`).
    types: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
enum Body {
    Read(Value),
    Embedded(Arc<Embedded>),
}

/// A builtin definition's text and, once consulted, its value (shared by
/// every document the definition is added to).
#[derive(Debug)]
struct Embedded {
    text: &'static serde_json::value::RawValue,
    value: OnceLock<Value>,
}

impl Def {
    fn value(&self) -> &Value {
        match &self.body {
            Body::Read(v) => v,
            // The text was checked as JSON when the index was read.
            Body::Embedded(e) => e.value.get_or_init(|| {
                crate::yaml::from_json_slice(e.text.get().as_bytes()).unwrap_or_default()
            }),
        }
    }
}

impl SchemaDoc {
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
                let types = declared_types(&d);
                self.add_definition(
                    &name,
                    Def {
                        body: Body::Read(d),
                        types,
                    },
                );
            }
        }
        Ok(())
    }

    /// The embedded builtin document: its definitions indexed by name and
    /// type, each read when first consulted.
    fn embedded(bytes: &'static [u8]) -> serde_json::Result<SchemaDoc> {
        use serde_json::value::RawValue;
        #[derive(serde::Deserialize)]
        struct Doc<'a> {
            // Sorted by name, as a document read into values iterates.
            #[serde(borrow)]
            definitions: std::collections::BTreeMap<String, &'a RawValue>,
        }
        // Only the definitions of API types have this key, and only at
        // their top: each is searched for it and, where it is, the list
        // after it read, rather than every definition parsed to find it
        // (a test holds the result equal to reading the whole document).
        const TYPES: &str = "\"x-kubernetes-group-version-kind\"";
        let finder = memchr::memmem::Finder::new(TYPES);
        let doc: Doc<'static> = serde_json::from_slice(bytes)?;
        let mut out = SchemaDoc::default();
        for (name, text) in doc.definitions {
            let types: Vec<crate::kustomization::Gvk> = match finder.find(text.get().as_bytes()) {
                None => Vec::new(),
                Some(at) => {
                    let rest = text.get()[at + TYPES.len()..].trim_start();
                    let list = rest.strip_prefix(':').unwrap_or(rest);
                    serde::Deserialize::deserialize(&mut serde_json::Deserializer::from_str(list))?
                }
            };
            let types = types
                .into_iter()
                .map(|g| (api_version(&g.group, &g.version), g.kind))
                .collect();
            let body = Body::Embedded(Arc::new(Embedded {
                text,
                value: OnceLock::new(),
            }));
            out.add_definition(&name, Def { body, types });
        }
        Ok(out)
    }

    /// Adds every definition of another document; its ones win.
    pub fn add_all(&mut self, other: &SchemaDoc) {
        for (name, d) in &other.defs {
            self.add_definition(name, d.clone());
        }
    }

    fn add_definition(&mut self, name: &str, d: Def) {
        // Indexed by every group/version/kind the definition declares.
        for t in &d.types {
            self.by_type.insert(t.clone(), name.to_string());
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
            node: self.defs.get(name)?.value(),
        })
    }

    /// Follows `$ref`s until a schema without one; `None` if one dangles.
    fn resolve<'a>(&'a self, mut node: &'a Value) -> Option<Schema<'a>> {
        while let Some(r) = node.str_at(&["$ref"]) {
            if r.is_empty() {
                break;
            }
            let name = r.strip_prefix("#/definitions/")?;
            node = self.defs.get(&unescape_pointer(name))?.value();
        }
        Some(Schema { doc: self, node })
    }
}

/// Makes equal small mappings of scalars (`{type: string}`, a `$ref`) one
/// shared value: a schema holds thousands of them, and it is only read
/// (the builtin one read whole was 1.5 MiB of values, most of it those).
/// `leaves` holds the ones seen, by a hash of their keys and texts.
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

/// The types a read definition declares (`x-kubernetes-group-version-kind`).
fn declared_types(d: &Value) -> Vec<(String, String)> {
    let Some(Value::Seq(gvks)) = d.get("x-kubernetes-group-version-kind") else {
        return Vec::new();
    };
    gvks.iter()
        .map(|g| {
            let group = g.str_at(&["group"]).unwrap_or("");
            let version = g.str_at(&["version"]).unwrap_or("");
            let kind = g.str_at(&["kind"]).unwrap_or("");
            (api_version(group, version), kind.to_string())
        })
        .collect()
}

/// `group/version`, or the version alone for the core group.
fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
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
        Arc::new(SchemaDoc::embedded(src).expect("embedded OpenAPI schema parses"))
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

    #[test]
    fn embedded_definitions_read_as_the_whole_document() {
        // The builtin read lazily, definition by definition, against the
        // same bytes read at once: the same names, types and values.
        let lazy = SchemaDoc::embedded(crate::data::OPENAPI_V1_21_2).unwrap();
        let mut eager = SchemaDoc::default();
        eager.add_bytes(crate::data::OPENAPI_V1_21_2).unwrap();
        assert!(lazy.defs.len() > 500, "{}", lazy.defs.len());
        assert_eq!(lazy.by_type, eager.by_type);
        let mut names: Vec<_> = lazy.defs.keys().collect();
        let mut eager_names: Vec<_> = eager.defs.keys().collect();
        names.sort();
        eager_names.sort();
        assert_eq!(names, eager_names);
        for (name, d) in &lazy.defs {
            assert!(d.value() == eager.defs[name].value(), "{name}");
            assert_eq!(d.types, eager.defs[name].types, "{name}");
        }
    }
}
