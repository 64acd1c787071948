//! Field specs: the tables that tell each builtin transformer where to act,
//! and the walker that visits the fields a spec names in one object.
//!
//! kustomize is a small set of transformers driven by these tables; the
//! defaults are embedded from `data/default-fieldspecs.yaml` and extended by
//! `configurations:` files and `crds:`.

use crate::error::{Error, Result};
use crate::kustomization::{decode_transformer_config, FieldSpec, Gvk, Segment, SpecPath};
use crate::resource::shared::Step;
use crate::yaml::Value;
use std::sync::OnceLock;

pub use crate::kustomization::{NameBackReference as NameBackRef, TransformerConfig};

impl TransformerConfig {
    /// The builtin tables.
    pub fn builtin() -> &'static TransformerConfig {
        static DEFAULT: OnceLock<TransformerConfig> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            let raw = read_builtin(crate::data::DEFAULT_FIELD_SPECS);
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

/// Reads the embedded tables straight from their parsed YAML. They are
/// trusted, so they skip the kustomization decoder, whose checks and
/// messages for users' files cost more than the rest of a small build's
/// start; a test holds this reading equal to that decoder's.
fn read_builtin(src: &str) -> TransformerConfig {
    let docs = crate::yaml::parse_documents(src.as_bytes(), &Default::default())
        .expect("embedded field specs parse");
    let gvk = |v: &Value| {
        let part = |k| v.str_at(&[k]).unwrap_or_default();
        Gvk::new(part("group"), part("version"), part("kind"))
    };
    let specs = |v: &Value| -> Vec<FieldSpec> {
        let items = v.as_seq().map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .map(|s| FieldSpec {
                gvk: gvk(s),
                path: SpecPath::new(s.str_at(&["path"]).unwrap_or_default()),
                create: s.str_at(&["create"]) == Some("true"),
            })
            .collect()
    };
    let mut c = TransformerConfig::default();
    let top = docs[0]
        .value
        .as_map()
        .expect("embedded field specs are a mapping");
    for (key, v) in top.iter() {
        let table = match key.as_str() {
            "namePrefix" => &mut c.name_prefix,
            "nameSuffix" => &mut c.name_suffix,
            "namespace" => &mut c.namespace,
            "commonLabels" => &mut c.common_labels,
            "labels" => &mut c.labels,
            "templateLabels" => &mut c.template_labels,
            "commonAnnotations" => &mut c.common_annotations,
            "varReference" => &mut c.var_reference,
            "images" => &mut c.images,
            "replicas" => &mut c.replicas,
            "nameReference" => {
                let items = v.as_seq().map(Vec::as_slice).unwrap_or_default();
                c.name_reference = items
                    .iter()
                    .map(|r| NameBackRef {
                        gvk: gvk(r),
                        field_specs: r.get("fieldSpecs").map(specs).unwrap_or_default(),
                    })
                    .collect();
                continue;
            }
            other => panic!("embedded field specs: unknown table {other}"),
        };
        *table = specs(v);
    }
    c
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
    if fs.gvk.group.is_empty() && fs.gvk.version.is_empty() {
        return true;
    }
    let av = obj.str_at(&["apiVersion"]).unwrap_or("");
    let (group, version) = Gvk::split_api_version(av);
    (fs.gvk.group.is_empty() || fs.gvk.group == group)
        && (fs.gvk.version.is_empty() || fs.gvk.version == version)
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

/// [`apply_spec`] for a `set` that changes only the nodes `wants` accepts:
/// the object is read first and written only where one of those is.
pub fn apply_spec_where(
    obj: &mut Value,
    fs: &FieldSpec,
    create_kind: CreateKind,
    wants: &dyn Fn(&Value) -> bool,
    set: &mut dyn FnMut(&mut Value) -> Result<()>,
) -> Result<()> {
    if !spec_matches(fs, obj) {
        return Ok(());
    }
    let how = How {
        create: fs.create,
        ck: create_kind,
        wants: Some(wants),
    };
    walk_how(obj, &fs.path, how, None, &mut |v, _| set(v))
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
    spec_path: &SpecPath,
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
    spec_path: &SpecPath,
    create: bool,
    create_kind: CreateKind,
    trail: Option<&mut Vec<Step>>,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    let how = How {
        create,
        ck: create_kind,
        wants: None,
    };
    walk_how(obj, spec_path, how, trail, set)
}

/// [`walk_from`] with the walk's settings made.
fn walk_how(
    obj: &mut Value,
    spec_path: &SpecPath,
    how: How,
    trail: Option<&mut Vec<Step>>,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    // With a test of what `set` would change, the walk reads first: a walk
    // writes through every mapping it passes, which copies the ones shared
    // with other roots, and most nodes such a transformer reaches it leaves
    // alone (an image rule and the containers of other images).
    if how.wants.is_some() && !touches(obj, spec_path.segments(), how) {
        return Ok(());
    }
    walk(obj, spec_path.segments(), how, trail, set).map_err(|e| {
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

/// How a walk goes: what it may create (the spec's `create` flag and the
/// transformer's kind) and, if the caller can tell, which nodes `set`
/// would change (`set` must then leave the others as they are).
#[derive(Clone, Copy)]
struct How<'w> {
    create: bool,
    ck: CreateKind,
    wants: Option<&'w dyn Fn(&Value) -> bool>,
}

/// What a walk does on meeting `seg` in a mapping: whether it creates a
/// missing field, and the kind a missing or null field becomes.
fn plan(seg: &Segment, rest: &[Segment], how: How<'_>) -> (bool, Option<CreateKind>) {
    let creating = how.create && how.ck != CreateKind::Nothing && !seg.seq;
    let kind = if seg.seq {
        Some(CreateKind::Seq)
    } else if !creating {
        None
    } else if rest.is_empty() {
        Some(how.ck)
    } else {
        Some(CreateKind::Map)
    };
    (creating, kind)
}

/// Whether walking `path` from `node` would change anything or fail: it
/// reaches a node `set` changes, creates or retypes a field, or meets a
/// scalar or an empty name where the walk reports one. A walk where this
/// is false does nothing, so it need not run.
fn touches(node: &Value, path: &[Segment], how: How<'_>) -> bool {
    crate::yaml::deep(|| touches_inner(node, path, how))
}

// Body of `touches`, run with stack to spare (a path is short; the lists
// of a document can nest deep).
fn touches_inner(node: &Value, path: &[Segment], how: How<'_>) -> bool {
    let Some((seg, rest)) = path.split_first() else {
        return how.wants.is_none_or(|w| w(node));
    };
    match node {
        _ if node.is_null() => false,
        Value::Seq(items) => items.iter().any(|i| touches(i, path, how)),
        Value::Map(m) => {
            if seg.name.is_empty() {
                return true;
            }
            let (creating, kind) = plan(seg, rest, how);
            match m.get(seg.name.as_str()) {
                None => creating,
                Some(f) if f.is_null() && kind.is_some_and(|k| k != CreateKind::Nothing) => true,
                Some(f) => touches_inner(f, rest, how),
            }
        }
        Value::Scalar(_) => true,
    }
}

/// Walks `path` (the segments left; none past its end) from `node`.
fn walk(
    node: &mut Value,
    path: &[Segment],
    how: How<'_>,
    mut trail: Option<&mut Vec<Step>>,
    set: &mut dyn FnMut(&mut Value, &[Step]) -> Result<()>,
) -> Result<()> {
    let Some((seg, rest)) = path.split_first() else {
        return set(node, trail.map_or(&[], |t| t.as_slice()));
    };
    if node.is_null() {
        return Ok(());
    }
    match node {
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                // Items the walk leaves alone stay shared.
                if how.wants.is_some() && !touches(item, path, how) {
                    continue;
                }
                if let Some(t) = trail.as_deref_mut() {
                    t.push(Step::Index(i));
                }
                walk(item, path, how, trail.as_deref_mut(), set)?;
                if let Some(t) = trail.as_deref_mut() {
                    t.pop();
                }
            }
            Ok(())
        }
        Value::Map(m) => {
            let name = seg.name.as_str();
            if name.is_empty() {
                return Err(Error::new("cannot set or create an empty field name"));
            }
            let (creating, kind) = plan(seg, rest, how);
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
            walk(field, rest, how, trail.as_deref_mut(), set)?;
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

    #[test]
    fn builtin_tables_read_as_the_decoder_reads_them() {
        let src = crate::data::DEFAULT_FIELD_SPECS;
        let decoded = TransformerConfig::from_yaml(src.as_bytes()).expect("decodes");
        let read = read_builtin(src);
        assert_eq!(read, decoded);
        // Not vacuous: every table has entries.
        assert!(!read.name_reference.is_empty() && !read.namespace.is_empty());
        assert!(!read.images.is_empty() && !read.replicas.is_empty());
    }
}
