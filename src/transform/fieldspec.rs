//! Field specs: the tables that tell each builtin transformer where to act,
//! and the walker that visits the fields a spec names in one object.
//!
//! kustomize is a small set of transformers driven by these tables; the
//! defaults are embedded from `data/default-fieldspecs.yaml` and extended by
//! `configurations:` files and `crds:`.

use crate::error::{Error, Result};
use crate::kustomization::{decode_transformer_config, FieldSpec, Gvk};
use crate::resource::shared::Step;
use crate::yaml::Value;
use std::borrow::Cow;
use std::sync::OnceLock;

pub use crate::kustomization::{NameBackReference as NameBackRef, TransformerConfig};

impl TransformerConfig {
    /// The builtin tables.
    pub fn builtin() -> &'static TransformerConfig {
        static DEFAULT: OnceLock<TransformerConfig> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            let src = crate::data::DEFAULT_FIELD_SPECS;
            let raw =
                TransformerConfig::from_yaml(src.as_bytes()).expect("embedded field specs decode");
            // In merged (sorted) form, so that merging it into tables that
            // already hold it can be recognised as a no-op.
            TransformerConfig::default()
                .merge(&raw)
                .expect("embedded field specs merge")
        })
    }

    /// Decodes a configuration file (as `configurations:` lists) with
    /// kustomize's rules for it (see [`decode_transformer_config`]).
    pub fn from_yaml(bytes: &[u8]) -> Result<TransformerConfig> {
        decode_transformer_config(bytes)
    }

    /// Merges another config into this one (kustomize's `Merge`): specs
    /// already present are kept once, conflicting `create` flags are an
    /// error, and each table ends sorted by kind.
    pub fn merge(&self, other: &TransformerConfig) -> Result<TransformerConfig> {
        let m = |a: &Vec<FieldSpec>, b: &Vec<FieldSpec>| -> Result<Vec<FieldSpec>> {
            let mut out = merge_specs(a.clone(), b)?;
            sort_specs(&mut out);
            Ok(out)
        };
        let mut name_reference = self.name_reference.clone();
        for nbr in &other.name_reference {
            match name_reference.iter_mut().find(|x| x.gvk == nbr.gvk) {
                Some(x) => x.field_specs = merge_specs(x.field_specs.clone(), &nbr.field_specs)?,
                None => name_reference.push(nbr.clone()),
            }
        }
        name_reference.sort_by(|a, b| gvk_order(&a.gvk, &b.gvk));
        Ok(TransformerConfig {
            name_prefix: m(&self.name_prefix, &other.name_prefix)?,
            name_suffix: m(&self.name_suffix, &other.name_suffix)?,
            namespace: m(&self.namespace, &other.namespace)?,
            common_labels: m(&self.common_labels, &other.common_labels)?,
            labels: m(&self.labels, &other.labels)?,
            template_labels: m(&self.template_labels, &other.template_labels)?,
            common_annotations: m(&self.common_annotations, &other.common_annotations)?,
            name_reference,
            var_reference: m(&self.var_reference, &other.var_reference)?,
            images: m(&self.images, &other.images)?,
            replicas: m(&self.replicas, &other.replicas)?,
        })
    }
}

/// Adds specs not already present; the same spec with another `create` flag conflicts.
pub fn merge_specs(mut base: Vec<FieldSpec>, incoming: &[FieldSpec]) -> Result<Vec<FieldSpec>> {
    for x in incoming {
        match base
            .iter()
            .find(|b| b.gvk.is_selected_by(&x.gvk) && b.path == x.path)
        {
            Some(b) if b.create != x.create => {
                return Err(Error::new(format!(
                    "conflicting fieldspecs for path '{}' of kind '{}'",
                    x.path, x.gvk.kind
                )))
            }
            Some(_) => {}
            None => base.push(x.clone()),
        }
    }
    Ok(base)
}

/// kustomize's kind order for field specs: the legacy resource order, then
/// the `group_version_kind` string.
fn gvk_order(a: &Gvk, b: &Gvk) -> std::cmp::Ordering {
    let ra = crate::sort::kind_rank(&a.kind);
    let rb = crate::sort::kind_rank(&b.kind);
    ra.cmp(&rb)
        .then_with(|| a.stable_sort_string().cmp(&b.stable_sort_string()))
}

fn sort_specs(specs: &mut [FieldSpec]) {
    specs.sort_by(|a, b| gvk_order(&a.gvk, &b.gvk));
}

/// What to create at the end of a missing path (when the spec allows creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateKind {
    /// Never create.
    Nothing,
    /// An empty scalar.
    Scalar,
    /// An empty mapping.
    Map,
    /// An empty sequence.
    Seq,
}

impl CreateKind {
    fn make(self) -> Value {
        match self {
            CreateKind::Map => Value::map(),
            CreateKind::Seq => Value::from_seq(Vec::new()),
            _ => Value::Scalar(crate::yaml::Scalar::new(
                crate::yaml::Tag::Null,
                String::new(),
            )),
        }
    }
}

/// Whether a spec's group/version/kind selects an object.
pub fn spec_matches(fs: &FieldSpec, obj: &Value) -> bool {
    let kind = obj.str_at(&["kind"]).unwrap_or("");
    if !fs.gvk.kind.is_empty() && fs.gvk.kind != kind {
        return false;
    }
    let av = obj.str_at(&["apiVersion"]).unwrap_or("");
    let (group, version) = Gvk::split_api_version(av);
    (fs.gvk.group.is_empty() || fs.gvk.group == group)
        && (fs.gvk.version.is_empty() || fs.gvk.version == version)
}

/// A spec path without the leading `/` it may be written with.
pub(crate) fn strip_root(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

/// The first segment of a spec path (split at `/`; a `\/` in it is a `/`) and the path
/// after the `/` that ends it, if any. Borrowed unless a slash was escaped,
/// so walking a path allocates nothing.
pub(crate) fn next_segment(path: &str) -> (Cow<'_, str>, Option<&str>) {
    let bytes = path.as_bytes();
    let mut owned: Option<String> = None;
    let (mut start, mut from) = (0, 0);
    loop {
        // A byte loop: segments are short, too short for memchr to pay off.
        let Some(j) = bytes[from..].iter().position(|&b| b == b'/') else {
            return (joined(owned, path, start, path.len()), None);
        };
        let at = from + j;
        if at > 0 && bytes[at - 1] == b'\\' {
            let o = owned.get_or_insert_with(String::new);
            o.push_str(&path[start..at - 1]);
            o.push('/');
            start = at + 1;
            from = at + 1;
            continue;
        }
        return (joined(owned, path, start, at), Some(&path[at + 1..]));
    }
}

/// Every segment of a spec path, as [`next_segment`] reads them (a leading
/// `/` gives an empty first segment: strip it with [`strip_root`] first
/// where the walk would).
pub(crate) fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = Some(path);
    while let Some(p) = rest {
        let (segment, next) = next_segment(p);
        out.push(segment.into_owned());
        rest = next;
    }
    out
}

/// The segment `path[start..end]` after the escaped part `owned`, if any.
fn joined(owned: Option<String>, path: &str, start: usize, end: usize) -> Cow<'_, str> {
    match owned {
        Some(mut o) => {
            o.push_str(&path[start..end]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(&path[start..end]),
    }
}

/// Calls `set` on every node the spec's path reaches in `obj` (lists along
/// the way are entered element by element), creating missing fields when
/// the spec says `create` and `create_kind` allows.
pub fn apply_spec(
    obj: &mut Value,
    fs: &FieldSpec,
    create_kind: CreateKind,
    set: &mut dyn FnMut(&mut Value) -> Result<()>,
) -> Result<()> {
    if !spec_matches(fs, obj) {
        return Ok(());
    }
    apply_path(obj, &fs.path, fs.create, create_kind, set)
}

/// [`apply_spec`], telling `set` where each node is.
pub fn apply_spec_at(
    obj: &mut Value,
    fs: &FieldSpec,
    create_kind: CreateKind,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    if !spec_matches(fs, obj) {
        return Ok(());
    }
    let mut trail = Vec::new();
    walk_from(obj, &fs.path, fs.create, create_kind, Some(&mut trail), set)
}

/// [`apply_spec`] without the kind check, for a caller that has selected
/// the object already: the spec's `path` and `create` flag.
pub fn apply_path(
    obj: &mut Value,
    spec_path: &str,
    create: bool,
    create_kind: CreateKind,
    set: &mut dyn FnMut(&mut Value) -> Result<()>,
) -> Result<()> {
    walk_from(obj, spec_path, create, create_kind, None, &mut |v, _| {
        set(v)
    })
}

/// Walks a spec path from the object's top; the trail of steps is kept
/// only when asked for (it costs a key copy per level).
fn walk_from(
    obj: &mut Value,
    spec_path: &str,
    create: bool,
    create_kind: CreateKind,
    trail: Option<&mut Vec<Step>>,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    let path = Some(strip_root(spec_path));
    walk(obj, path, create, create_kind, trail, set).map_err(|e| {
        e.context(format!(
            "considering field '{}' of object {}",
            spec_path,
            object_id(obj)
        ))
    })
}

/// The id of an object as kustomize prints it in errors.
fn object_id(obj: &Value) -> crate::resource::ResId {
    let kind = obj.str_at(&["kind"]).unwrap_or("");
    let gvk = Gvk::from_api_version(obj.str_at(&["apiVersion"]).unwrap_or(""), kind);
    crate::resource::ResId::new(
        gvk,
        obj.str_at(&["metadata", "name"]).unwrap_or(""),
        obj.str_at(&["metadata", "namespace"]).unwrap_or(""),
    )
}

/// Walks `path` (the spec path left, `None` past its end) from `node`.
fn walk(
    node: &mut Value,
    path: Option<&str>,
    create: bool,
    ck: CreateKind,
    mut trail: Option<&mut Vec<Step>>,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    let Some(path) = path else {
        return set(node, trail.map_or(&[], |t| t.as_slice()));
    };
    if node.is_null() {
        return Ok(());
    }
    match node {
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(t) = trail.as_deref_mut() {
                    t.push(Step::Index(i));
                }
                walk(item, Some(path), create, ck, trail.as_deref_mut(), set)?;
                if let Some(t) = trail.as_deref_mut() {
                    t.pop();
                }
            }
            Ok(())
        }
        Value::Map(m) => {
            let (segment, rest) = next_segment(path);
            let (name, is_seq) = match segment.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (segment.as_ref(), false),
            };
            if name.is_empty() {
                return Err(Error::new("cannot set or create an empty field name"));
            }
            let creating = create && ck != CreateKind::Nothing && !is_seq;
            let last = rest.is_none();
            let kind = if is_seq {
                Some(CreateKind::Seq)
            } else if !creating {
                None
            } else if last {
                Some(ck)
            } else {
                Some(CreateKind::Map)
            };
            let field = if creating {
                m.entry(name.to_string())
                    .or_insert_with(|| kind.unwrap_or(CreateKind::Map).make())
            } else {
                match m.get_mut(name) {
                    Some(f) => f,
                    None => return Ok(()),
                }
            };
            // A null field becomes the kind being created (kustomize retypes it).
            if let Some(k) = kind {
                if field.is_null() && k != CreateKind::Nothing {
                    *field = k.make();
                }
            }
            if let Some(t) = trail.as_deref_mut() {
                t.push(Step::Key(name.to_string()));
            }
            walk(field, rest, create, ck, trail.as_deref_mut(), set)?;
            if let Some(t) = trail {
                t.pop();
            }
            Ok(())
        }
        Value::Scalar(_) => Err(Error::new("expected sequence or mapping node")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path's segments, as the walk reads them.
    fn split_path(path: &str) -> Vec<String> {
        segments(strip_root(path))
    }

    /// The splitting the walk replaced: split at every `/`, then join a
    /// part to the next while it ends with `\` (dropping the backslash);
    /// with `strip`, a leading empty part goes when there are others (the
    /// value-add transformer's split keeps it).
    fn split_by_parts(path: &str, strip: bool) -> Vec<String> {
        let mut parts: Vec<&str> = path.split('/').collect();
        if strip && parts.len() > 1 && parts[0].is_empty() {
            parts.remove(0);
        }
        let mut out: Vec<String> = Vec::new();
        for p in parts {
            match out.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push('/');
                    last.push_str(p);
                }
                _ => out.push(p.to_string()),
            }
        }
        out
    }

    #[test]
    fn segments_split_as_parts_do() {
        // Every path of up to 7 characters over an alphabet of the
        // characters that matter.
        let alphabet = ['a', '/', '\\', '[', ']'];
        let mut paths = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..7 {
            level = level
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            paths.extend(level.iter().cloned());
        }
        for p in &paths {
            assert_eq!(split_path(p), split_by_parts(p, true), "path {p:?}");
            assert_eq!(segments(p), split_by_parts(p, false), "path {p:?}");
        }
    }
}
