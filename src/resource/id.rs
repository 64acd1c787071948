//! Resource identity: group/version/kind plus name and namespace, with
//! kustomize's rules for namespace equality and cluster scope.

use crate::kustomization::Gvk;
use crate::yaml::{parse_documents, ParseOptions};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The namespace kustomize treats an empty namespace as.
pub const DEFAULT_NAMESPACE: &str = "default";
/// The effective namespace of cluster-scoped objects (never equal to a real one).
const CLUSTER_NAMESPACE: &str = "_non_namespaceable_";

impl Gvk {
    /// A gvk from its parts.
    pub fn new(group: &str, version: &str, kind: &str) -> Gvk {
        Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
        }
    }

    /// Splits `apiVersion` at its first `/` into group and version.
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = Gvk::split_api_version(api_version);
        Gvk::new(group, version, kind)
    }

    /// `apiVersion`'s group and version, borrowed: split at the first `/`,
    /// the core group (no `/`) empty.
    pub fn split_api_version(api_version: &str) -> (&str, &str) {
        cut(api_version, b'/').unwrap_or(("", api_version))
    }

    /// Whether `selector` (empty parts match anything) selects this gvk.
    pub fn is_selected_by(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || selector.group == self.group)
            && (selector.version.is_empty() || selector.version == self.version)
            && (selector.kind.is_empty() || selector.kind == self.kind)
    }

    /// Whether the builtin schema knows this kind as cluster-scoped. Unknown
    /// kinds (custom resources) count as namespaced, as in kustomize.
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped(&self.group, &self.version, &self.kind)
    }

    /// The sort key kustomize uses to break ties between kinds:
    /// `group_version_kind` with `~G`, `~V`, `~K` for empty parts.
    pub fn stable_sort_string(&self) -> String {
        let parts = [
            or(&self.group, "~G"),
            or(&self.version, "~V"),
            or(&self.kind, "~K"),
        ];
        let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        join_to(&mut out, &parts, '_');
        out
    }

    /// The parts of kustomize's `Kind.version.group` form (the `Display`
    /// text), with `[noKind]` etc. for empty ones.
    pub fn display_parts(&self) -> [&str; 3] {
        [
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]"),
        ]
    }
}

/// `s` split at the first `sep`, an ASCII byte (so both sides are whole
/// characters), as `split_once` would: a byte scan, where `split_once`
/// with a char pattern went through the generic searcher (a tenth of a
/// field-spec walk's kind test, a fifth of the name references' lookups).
pub(super) fn cut(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = s.bytes().position(|b| b == sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s`, or `default` when it is empty.
fn or<'a>(s: &'a str, default: &'static str) -> &'a str {
    if s.is_empty() {
        default
    } else {
        s
    }
}

/// Appends `parts` to `out`, `sep` between them.
pub(crate) fn join_to(out: &mut String, parts: &[&str], sep: char) {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        out.push_str(p);
    }
}

impl fmt::Display for Gvk {
    /// kustomize's `Kind.version.group` form, with `[noKind]` etc. for empty parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [k, v, g] = self.display_parts();
        write!(f, "{k}.{v}.{g}")
    }
}

/// Whether the builtin schema knows a group, version and kind as
/// cluster-scoped. Looked up by kind, then group and version, so that no
/// key is built.
pub fn is_cluster_scoped(group: &str, version: &str, kind: &str) -> bool {
    cluster_scope_table()
        .get(kind)
        .and_then(|entries| entries.iter().find(|(g, v, _)| g == group && v == version))
        .is_some_and(|&(_, _, cluster)| cluster)
}

/// What [`ResId::key`] holds, borrowed from a resource: equal for ids
/// kustomize considers equal, and built without copying anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IdKey<'a> {
    /// API group.
    pub group: &'a str,
    /// Version.
    pub version: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Name.
    pub name: &'a str,
    /// The effective namespace (see [`ResId::effective_namespace`]).
    pub namespace: &'a str,
}

impl<'a> IdKey<'a> {
    /// The key of an id with these parts (`namespace` as written).
    pub fn new(api_version: &'a str, kind: &'a str, name: &'a str, namespace: &'a str) -> Self {
        let (group, version) = Gvk::split_api_version(api_version);
        let namespace = if is_cluster_scoped(group, version, kind) {
            CLUSTER_NAMESPACE
        } else if namespace.is_empty() {
            DEFAULT_NAMESPACE
        } else {
            namespace
        };
        IdKey {
            group,
            version,
            kind,
            name,
            namespace,
        }
    }
}

/// kind → (group, version, cluster-scoped) entries, from the embedded
/// namespace-scope table.
type ScopeTable = HashMap<String, Vec<(String, String, bool)>, foldhash::fast::RandomState>;

/// The embedded namespace-scope table, read once.
fn cluster_scope_table() -> &'static ScopeTable {
    static TABLE: OnceLock<ScopeTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let src = crate::data::NAMESPACE_SCOPE;
        let docs = parse_documents(src.as_bytes(), &ParseOptions::default())
            .expect("embedded namespace-scope table parses");
        let mut table = ScopeTable::default();
        let entries = docs[0].value.get("resources").and_then(|v| v.as_seq());
        for e in entries.into_iter().flatten() {
            let av = e.str_at(&["apiVersion"]).unwrap_or_default();
            let kind = e.str_at(&["kind"]).unwrap_or_default().to_string();
            let namespaced = e.str_at(&["namespaced"]) == Some("true");
            let gvk = Gvk::from_api_version(av, "");
            let list = table.entry(kind).or_default();
            // A later entry for the same apiVersion and kind replaces an
            // earlier one (none are duplicated today).
            if let Some(x) = list
                .iter_mut()
                .find(|(g, v, _)| *g == gvk.group && *v == gvk.version)
            {
                x.2 = !namespaced;
            } else {
                list.push((gvk.group, gvk.version, !namespaced));
            }
        }
        table
    })
}

/// A resource's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResId {
    /// Group, version, kind.
    pub gvk: Gvk,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` as written (may be empty).
    pub namespace: String,
    /// Whether the kind is known to be cluster-scoped. Computed by
    /// [`ResId::new`]; kustomize leaves it false for ids rebuilt from a
    /// resource's previous names, and so do we.
    pub cluster_scoped: bool,
}

impl ResId {
    /// An id from its parts.
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> ResId {
        ResId {
            cluster_scoped: gvk.is_cluster_scoped(),
            gvk,
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
    }

    /// The namespace used for comparisons: `default` for an empty one, a
    /// sentinel for cluster-scoped kinds.
    pub fn effective_namespace(&self) -> &str {
        if self.cluster_scoped {
            CLUSTER_NAMESPACE
        } else if self.namespace.is_empty() {
            DEFAULT_NAMESPACE
        } else {
            &self.namespace
        }
    }

    /// Same effective namespace.
    pub fn ns_equals(&self, other: &ResId) -> bool {
        self.effective_namespace() == other.effective_namespace()
    }

    /// kustomize's id equality: gvk, name and effective namespace.
    pub fn equals(&self, other: &ResId) -> bool {
        self.name == other.name && self.gvk == other.gvk && self.ns_equals(other)
    }

    /// Whether `selector` (empty fields match anything) selects this id.
    pub fn is_selected_by(&self, selector: &ResId) -> bool {
        (selector.name.is_empty() || selector.name == self.name)
            && (selector.namespace.is_empty() || selector.ns_equals(self))
            && self.gvk.is_selected_by(&selector.gvk)
    }

    /// A key equal for ids kustomize considers equal.
    pub fn key(&self) -> (Gvk, String, String) {
        self.clone().into_key()
    }

    /// [`ResId::key`], taking the id.
    pub fn into_key(self) -> (Gvk, String, String) {
        let ns = self.effective_namespace().to_string();
        (self.gvk, self.name, ns)
    }

    /// Parses kustomize's string form (see [`fmt::Display`]).
    #[cfg(test)]
    pub fn parse(s: &str) -> ResId {
        let (gvk_s, rest) = s.split_once('/').unwrap_or((s, ""));
        let parts: Vec<&str> = gvk_s.split('.').collect();
        let gvk = if parts.len() < 3 {
            Gvk::default()
        } else {
            let un = |s: &str, d: &str| if s == d { String::new() } else { s.to_string() };
            Gvk {
                kind: un(parts[0], "[noKind]"),
                version: un(parts[1], "[noVer]"),
                group: un(&parts[2..].join("."), "[noGrp]"),
            }
        };
        let (name, ns) = rest.rsplit_once('.').unwrap_or((rest, ""));
        let name = if name == "[noName]" { "" } else { name };
        let ns = if ns == "[noNs]" { "" } else { ns };
        ResId::new(gvk, name, ns)
    }
}

impl fmt::Display for ResId {
    /// kustomize's `Kind.version.group/name.namespace` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.name.is_empty() {
            "[noName]"
        } else {
            &self.name
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(f, "{}/{}.{}", self.gvk, name, ns)
    }
}
