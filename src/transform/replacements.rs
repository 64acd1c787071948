//! `replacements:` (kustomize's ReplacementTransformer): copy a value from
//! one field of one resource (or a literal `sourceValue`) into fields of
//! other resources.
//!
//! Field paths are dotted (`spec.template.spec.containers.[name=app].image`)
//! and read two ways, as kustomize reads them: the source path like kyaml's
//! `PathGetter` (exact `[name=value]` matches, `-` for the last element, no
//! wildcards) and target paths like kyaml's `PathMatcher` (`[name=regex]`
//! matches every element whose field matches an unanchored regular
//! expression, `*` visits every element, and `create` adds what is missing).

mod structured;

use super::common::{plain_tag, wrong_kind};
use super::Transformer;
use crate::error::{Error, Location, Result};
pub(crate) use crate::kustomization::FieldOptions;
use crate::kustomization::{
    decode_plugin_config, Entries, Gvk, Kustomization, ReplacementField,
    ReplacementTransformerPlugin, SourceSelector, TargetSelector, KUSTOMIZATION_FILE_NAMES,
};
use crate::load::Loader;
use crate::resource::{LabelSelector, ResId, ResMap, Resource};
use crate::yaml::{parse_documents, ParseOptions, Scalar, Tag, Value};
use regex::Regex;

/// kustomize's default field path for sources and targets.
const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// The builtin kind, for `buildMetadata: [transformerAnnotations]`.
const KIND: &str = "ReplacementTransformer";

impl FieldOptions {
    /// kustomize's `FieldOptions.String()`, used in error messages.
    fn describe(&self) -> String {
        if self.delimiter.is_empty() && !self.create {
            return String::new();
        }
        format!("{}({}), create={}", self.delimiter, self.index, self.create)
    }
}

/// `source` of a replacement.
#[derive(Clone, Debug, Default)]
struct Source {
    id: ResId,
    field_path: String,
    options: FieldOptions,
}

impl Source {
    /// kustomize's `SourceSelector.String()`: id, field path, options.
    fn describe(&self) -> String {
        let mut parts = vec![self.id.to_string()];
        if !self.field_path.is_empty() {
            parts.push(self.field_path.clone());
        }
        let opts = self.options.describe();
        if !opts.is_empty() {
            parts.push(opts);
        }
        parts.join(":")
    }
}

/// A `select` or `reject` entry: id parts as anchored regular expressions,
/// plus label and annotation selectors.
#[derive(Debug)]
struct Selector {
    gvk: Gvk,
    name: String,
    namespace: String,
    regexes: [Option<Regex>; 5],
    label_selector: String,
    annotation_selector: String,
}

fn anchored(pattern: &str) -> Result<Option<Regex>> {
    if pattern.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("^(?:{pattern})$"))
        .map(Some)
        .map_err(|e| Error::new(format!("error creating target selector: {e}")))
}

impl Selector {
    fn new(s: crate::kustomization::Selector) -> Result<Selector> {
        let crate::kustomization::Selector {
            id:
                crate::kustomization::ResIdFields {
                    gvk,
                    name,
                    namespace,
                },
            label_selector,
            annotation_selector,
        } = s;
        let regexes = [
            anchored(&gvk.group)?,
            anchored(&gvk.version)?,
            anchored(&gvk.kind)?,
            anchored(&name)?,
            anchored(&namespace)?,
        ];
        Ok(Selector {
            gvk,
            name,
            namespace,
            regexes,
            label_selector,
            annotation_selector,
        })
    }

    /// Whether no id part is given (a reject without one rejects by labels only).
    fn id_is_empty(&self) -> bool {
        self.gvk == Gvk::default() && self.name.is_empty() && self.namespace.is_empty()
    }

    /// Matches one id: every given part matches (namespace as written, not defaulted).
    fn matches_id(&self, id: &ResId) -> bool {
        let parts = [
            &id.gvk.group,
            &id.gvk.version,
            &id.gvk.kind,
            &id.name,
            &id.namespace,
        ];
        self.regexes
            .iter()
            .zip(parts)
            .all(|(re, s)| re.as_ref().is_none_or(|re| re.is_match(s)))
    }

    /// Whether the resource's labels and annotations satisfy both selectors.
    fn matches_labels(&self, r: &Resource) -> Result<bool> {
        let anno = LabelSelector::parse(&self.annotation_selector)?;
        let label = LabelSelector::parse(&self.label_selector)?;
        Ok(anno.matches(&r.annotations()) && label.matches(&r.labels()))
    }
}

/// One entry of `targets`.
#[derive(Debug)]
struct Target {
    select: Option<Selector>,
    reject: Vec<Selector>,
    field_paths: Vec<String>,
    options: FieldOptions,
}

/// One replacement, with where it was written (for error messages).
#[derive(Debug)]
struct Replacement {
    source: Option<Source>,
    source_value: Option<String>,
    targets: Option<Vec<Target>>,
    origin: String,
    /// Where it was written, outermost first (the kustomization entry,
    /// then the item of its `path:` file), when known: errors then name
    /// these places instead of `origin`.
    places: Vec<(String, Location)>,
}

/// `e` with `places` (outermost first) as located context steps.
fn placed(e: Error, places: &[(String, Location)]) -> Error {
    places
        .iter()
        .rev()
        .fold(e, |e, (what, at)| e.entry(what.clone(), at.clone()))
}

/// The ReplacementTransformer: replacements applied in order, each seeing
/// the result of the ones before.
#[derive(Debug)]
pub struct ReplacementTransformer {
    replacements: Vec<Replacement>,
}

impl Transformer for ReplacementTransformer {
    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        for r in &self.replacements {
            apply_replacement(m, r).map_err(|e| match r.places.is_empty() {
                true => e.context(r.origin.clone()),
                false => placed(e, &r.places),
            })?;
        }
        Ok(())
    }

    fn builtin_kind(&self) -> &str {
        KIND
    }
}

/// The ReplacementTransformer a kustomization's `replacements:` configure
/// (inline entries, or `path:` files holding one replacement or a list);
/// `None` when there are none.
pub fn replacement_transformer(
    k: &Kustomization,
    ldr: &Loader,
) -> Result<Option<Box<dyn Transformer>>> {
    if k.replacements.is_empty() {
        return Ok(None);
    }
    let file = KUSTOMIZATION_FILE_NAMES
        .iter()
        .find(|n| matches!(ldr.is_file(n), Ok(true)))
        .map(|n| ldr.resolve(n).display().to_string())
        .unwrap_or_else(|| ldr.root().display().to_string());
    let replacements = from_values(&k.replacements, ldr, &file, &k.entries)?;
    Ok(Some(Box::new(ReplacementTransformer { replacements })))
}

/// The ReplacementTransformer a `transformers:` document of kind
/// `ReplacementTransformer` configures (its `replacements:` list, entries as
/// in a kustomization).
pub fn replacement_transformer_from_config(
    doc: &Value,
    ldr: &Loader,
) -> Result<Box<dyn Transformer>> {
    let name = doc.str_at(&["metadata", "name"]).unwrap_or("");
    let here = format!("{KIND} '{name}'");
    let entries = decode_plugin_config::<ReplacementTransformerPlugin>(doc)?.replacements;
    let replacements = from_entries(entries, ldr, &here, None)?;
    Ok(Box::new(ReplacementTransformer { replacements }))
}

/// Decodes `replacements:` entries kept by the kustomization decoder (each
/// a `ReplacementField` as a value), as the ReplacementTransformer reads
/// its config.
fn from_values(
    entries: &[Value],
    ldr: &Loader,
    origin: &str,
    at: &Entries,
) -> Result<Vec<Replacement>> {
    let fields = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            decode_plugin_config::<ReplacementField>(e)
                .map_err(|e| e.entry(format!("replacements[{i}]"), at.at("replacements", Some(i))))
        })
        .collect::<Result<Vec<_>>>()?;
    from_entries(fields, ldr, origin, Some(at))
}

/// Builds the replacements of `replacements:` entries, loading `path:`
/// entries' files (one replacement or a list, read as
/// `sigs.k8s.io/yaml.Unmarshal` reads them). `at`, for a kustomization's
/// entries, places errors on the entry's line (and the item's line in a
/// `path:` file).
fn from_entries(
    entries: Vec<ReplacementField>,
    ldr: &Loader,
    origin: &str,
    at: Option<&Entries>,
) -> Result<Vec<Replacement>> {
    let mut out = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let here = format!("replacements[{i}] in {origin}");
        let entry_at: Vec<(String, Location)> = at
            .map(|a| (format!("replacements[{i}]"), a.at("replacements", Some(i))))
            .into_iter()
            .collect();
        // The entry's place (and an item's), else the `here` text.
        let place = |e: Error, places: &[(String, Location)], here: &str| match at {
            Some(_) => placed(e, places),
            None => e.context(here.to_string()),
        };
        if entry.path.is_empty() {
            let mut r = replacement(entry, here.clone()).map_err(|e| place(e, &entry_at, &here))?;
            r.places = entry_at;
            out.push(r);
            continue;
        }
        let has_targets = entry.targets.as_ref().is_some_and(|t| !t.is_empty());
        if entry.source.is_some() || has_targets {
            return Err(place(
                Error::new("cannot specify both path and inline replacement"),
                &entry_at,
                &here,
            ));
        }
        let path = entry.path;
        let file = ldr.resolve(&path).display().to_string();
        let bytes = ldr.load(&path).map_err(|e| place(e, &entry_at, &here))?;
        let opts = ParseOptions {
            record_marks: true,
            ..ParseOptions::default()
        };
        let docs = parse_documents(&bytes, &opts)
            .map_err(|e| place(Error::from(e).in_file(&file), &entry_at, &here))?;
        let (doc, marks) = docs
            .into_iter()
            .next()
            .map(|d| (d.value, d.marks))
            .unwrap_or_default();
        // The places of an item of the file: the entry, then the item.
        let item_at = |what: String, segment: Option<String>| -> Vec<(String, Location)> {
            let mark = marks.as_ref().and_then(|m| {
                m.get(&segment.map_or(String::new(), |s| format!("/{s}")))
                    .copied()
            });
            let mut p = entry_at.clone();
            p.push((what, Location::new(&file, mark)));
            p
        };
        match &doc {
            Value::Seq(items) => {
                for (j, item) in items.iter().enumerate() {
                    let here = format!("{here} (item {j} of {path})");
                    let places = item_at(format!("item {j} of {path}"), Some(j.to_string()));
                    let mut r = decode_plugin_config::<ReplacementField>(item)
                        .and_then(|f| replacement(f, here.clone()))
                        .map_err(|e| place(e, &places, &here))?;
                    r.places = if at.is_some() { places } else { Vec::new() };
                    out.push(r);
                }
            }
            Value::Map(_) => {
                let here = format!("{here} (from {path})");
                let places = item_at(path.clone(), None);
                let mut r = decode_plugin_config::<ReplacementField>(&doc)
                    .and_then(|f| replacement(f, here.clone()))
                    .map_err(|e| place(e, &places, &here))?;
                r.places = if at.is_some() { places } else { Vec::new() };
                out.push(r);
            }
            other => {
                let e = Error::new(format!(
                    "unsupported replacement type encountered within replacement path: {}",
                    match other {
                        Value::Scalar(s) if s.tag == Tag::Null => "invalid",
                        _ => "string",
                    }
                ))
                .in_file(&file);
                return Err(place(e, &entry_at, &here));
            }
        }
    }
    Ok(out)
}

/// One decoded replacement, its selectors compiled.
fn replacement(f: ReplacementField, origin: String) -> Result<Replacement> {
    let source = f.source.map(|s: SourceSelector| Source {
        id: ResId::new(s.id.gvk, &s.id.name, &s.id.namespace),
        field_path: s.field_path,
        options: s.options.unwrap_or_default(),
    });
    let targets = f
        .targets
        .map(|ts| {
            ts.into_iter()
                .flatten()
                .map(|t: TargetSelector| {
                    Ok(Target {
                        select: t.select.map(Selector::new).transpose()?,
                        reject: t
                            .reject
                            .into_iter()
                            .flatten()
                            .map(Selector::new)
                            .collect::<Result<_>>()?,
                        field_paths: t.field_paths,
                        options: t.options.unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    Ok(Replacement {
        source,
        source_value: f.source_value,
        targets,
        origin,
        places: Vec::new(),
    })
}

/// A resource's current id followed by its previous ones (kustomize's
/// `MakeResIds`; previous ids keep the current group and version).
fn all_ids(r: &Resource) -> Vec<ResId> {
    let mut ids = vec![r.cur_id()];
    ids.extend(
        r.prev_ids()
            .into_iter()
            .map(|p| ResId::new(p.gvk, &p.name, &p.namespace)),
    );
    ids
}

fn apply_replacement(m: &mut ResMap, r: &Replacement) -> Result<()> {
    let (Some(targets), true) = (&r.targets, r.source.is_some() || r.source_value.is_some()) else {
        return Err(Error::new(
            "replacements must specify a source and at least one target",
        ));
    };
    let value = source_value(m, r)?;
    for t in targets {
        apply_target(m, &value, t)?;
    }
    Ok(())
}

/// The value a replacement copies (kustomize's `getReplacement`).
fn source_value(m: &ResMap, r: &Replacement) -> Result<Value> {
    let source = match (&r.source, &r.source_value) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                "value and resource selectors are mutually exclusive",
            ))
        }
        // A literal is a plain scalar: typed by its text wherever it lands.
        (None, Some(v)) => return Ok(super::common::scalar(v, None)),
        (Some(s), None) => s,
        (None, None) => unreachable!("checked by the caller"),
    };
    let mut found: Option<&Resource> = None;
    for res in m.resources() {
        if all_ids(res).iter().any(|id| id.is_selected_by(&source.id)) {
            if found.is_some() {
                return Err(Error::new(format!(
                    "multiple matches for selector {}",
                    source.describe()
                )));
            }
            found = Some(res);
        }
    }
    let Some(res) = found else {
        return Err(Error::new(format!(
            "nothing selected by {}",
            source.describe()
        )));
    };
    let fp = if source.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &source.field_path
    };
    let node = lookup(&res.obj, &smarter_split(fp))
        .map_err(|e| e.context("error looking up replacement source"))?;
    let node = match node {
        Some(n) if !is_nil_or_empty(n) => n,
        _ => {
            return Err(Error::new(format!(
                "fieldPath `{fp}` is missing for replacement source {}",
                source.id
            )))
        }
    };
    refine(&source.options, node)
}

/// kyaml's `IsNilOrEmpty`: null, `{}` or `[]` count as missing.
fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Scalar(_) => v.is_null(),
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
    }
}

/// The source value after `options.delimiter`/`index`: one part of the text,
/// keeping the source's type.
fn refine(opts: &FieldOptions, node: &Value) -> Result<Value> {
    if opts.delimiter.is_empty() {
        return Ok(node.clone());
    }
    let Value::Scalar(s) = node else {
        return Err(Error::new(
            "delimiter option can only be used with scalar nodes",
        ));
    };
    let parts: Vec<&str> = s.text.split(opts.delimiter.as_str()).collect();
    if opts.index < 0 || opts.index as usize >= parts.len() {
        return Err(Error::new(format!(
            "options.index {} is out of bounds for value {}",
            opts.index, s.text
        )));
    }
    Ok(Value::Scalar(Scalar::new(
        s.tag,
        parts[opts.index as usize].to_string(),
    )))
}

fn apply_target(m: &mut ResMap, value: &Value, t: &Target) -> Result<()> {
    let Some(select) = &t.select else {
        return Err(Error::new("target must specify resources to select"));
    };
    let default_paths = [DEFAULT_FIELD_PATH.to_string()];
    let paths: &[String] = if t.field_paths.is_empty() {
        &default_paths
    } else {
        &t.field_paths
    };
    for res in m.resources_mut() {
        if !select.matches_labels(res)? {
            continue;
        }
        let mut rejected = false;
        for rej in &t.reject {
            if (!rej.annotation_selector.is_empty() || !rej.label_selector.is_empty())
                && rej.matches_labels(res)?
            {
                rejected = true;
            }
        }
        if rejected {
            continue;
        }
        let ids = all_ids(res);
        if t.reject
            .iter()
            .any(|rej| !rej.id_is_empty() && ids.iter().any(|id| rej.matches_id(id)))
        {
            continue;
        }
        if ids.iter().any(|id| select.matches_id(id)) {
            let id = res.cur_id();
            for fp in paths {
                copy_to_field(&mut res.obj, value, fp, &t.options)
                    .map_err(|e| e.context(format!("target {id}")))?;
            }
        }
    }
    Ok(())
}

/// What a missing field is created as (kustomize's `yaml.Kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Scalar,
    Seq,
    Map,
}

impl Kind {
    pub(crate) fn of(v: &Value) -> Kind {
        match v {
            Value::Scalar(_) => Kind::Scalar,
            Value::Seq(_) => Kind::Seq,
            Value::Map(_) => Kind::Map,
        }
    }

    fn make(self) -> Value {
        match self {
            Kind::Scalar => Value::null(),
            Kind::Seq => Value::from_seq(Vec::new()),
            Kind::Map => Value::map(),
        }
    }
}

fn retrieval_error(fp: &str, create: bool) -> String {
    if create {
        format!("unable to find or create field \"{fp}\" in replacement target")
    } else {
        format!("unable to find field \"{fp}\" in replacement target")
    }
}

/// Writes `value` at every field `fp` reaches in `obj`.
fn copy_to_field(obj: &mut Value, value: &Value, fp: &str, opts: &FieldOptions) -> Result<()> {
    let create = opts.create.then(|| Kind::of(value));
    let path = smarter_split(fp);
    if structured::set_in_scalar(obj, value, &path, create).is_ok() {
        return Ok(());
    }
    // An error setting a value is reported as it is, not as a failure to
    // find the field.
    let mut set_error = None;
    let mut set = |node: &mut Value, fresh: bool| {
        set_field(node, fresh, value, opts).inspect_err(|e| set_error = Some(e.clone()))
    };
    let found = match_path(obj, &path, create, false, &mut set);
    if let Some(e) = set_error {
        return Err(e);
    }
    let n = found.map_err(|e| e.context(retrieval_error(fp, create.is_some())))?;
    if n == 0 {
        return Err(Error::new(retrieval_error(fp, create.is_some())));
    }
    Ok(())
}

pub(crate) type Setter<'a> = dyn FnMut(&mut Value, bool) -> Result<()> + 'a;

/// kyaml's `IsIdxNumber`: a non-negative decimal integer.
fn index_number(p: &str) -> Option<usize> {
    // Go's Atoi takes a sign; "-0" is still index 0.
    let digits = p.strip_prefix(['+', '-']).unwrap_or(p);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = digits.parse().ok()?;
    (!p.starts_with('-') || n == 0).then_some(n)
}

/// kyaml's `IsListIndex`: `[...]`.
fn is_list_index(p: &str) -> bool {
    p.starts_with('[') && p.ends_with(']')
}

/// Splits `[name=value]` into its field name and value.
fn split_index(p: &str) -> Result<(&str, &str)> {
    let inner = p.strip_prefix('[').unwrap_or(p);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    inner.split_once('=').ok_or_else(|| {
        Error::new("list path element must contain fieldName=fieldValue for element to match")
    })
}

/// What a created node on the way is: a list when the next part indexes
/// one, the created value's kind at the end, else a mapping.
fn part_kind(next: Option<&String>, last: Kind) -> Kind {
    match next {
        None => last,
        Some(n) if is_list_index(n) || index_number(n).is_some() => Kind::Seq,
        Some(_) => Kind::Map,
    }
}

fn elements_mut(node: &mut Value) -> Result<Option<&mut Vec<Value>>> {
    match node {
        Value::Seq(items) => Ok(Some(items)),
        v if v.is_null() => Ok(None),
        v => Err(wrong_kind("SequenceNode", v)),
    }
}

/// The text an element is matched against (kyaml serialises it).
fn match_text(v: &Value) -> Option<&str> {
    match v {
        Value::Scalar(s) if s.tag != Tag::Null => Some(s.text.trim()),
        _ => None,
    }
}

/// kyaml's `PathMatcher`: visits every node `path` reaches, creating what is
/// missing when `create` gives the kind of the value to be set. Returns how
/// many nodes were visited.
pub(crate) fn match_path(
    node: &mut Value,
    path: &[String],
    create: Option<Kind>,
    fresh: bool,
    set: &mut Setter<'_>,
) -> Result<usize> {
    let Some(part) = path.first() else {
        set(node, fresh)?;
        return Ok(1);
    };
    let rest = &path[1..];
    if let Some(idx) = index_number(part) {
        let len = match elements_mut(node)? {
            Some(items) => items.len(),
            None => 0,
        };
        if len == idx {
            if let Some(k) = create {
                let elem = part_kind(rest.first(), k).make();
                match elements_mut(node)? {
                    Some(items) => {
                        items.push(elem);
                        let e = items.last_mut().expect("just pushed");
                        return match_path(e, rest, create, true, set);
                    }
                    // Appending to a null node changes nothing visible.
                    None => {
                        let mut detached = elem;
                        return match_path(&mut detached, rest, create, true, set);
                    }
                }
            }
        }
        if len < idx + 1 {
            return Err(Error::new(format!(
                "index {idx} specified but only {len} elements found"
            )));
        }
        let items = elements_mut(node)?.expect("non-empty list");
        return match_path(&mut items[idx], rest, create, false, set);
    }
    if is_list_index(part) {
        return match_seq(node, part, rest, create, set, true);
    }
    if part == "*" {
        let mut n = 0;
        if let Some(items) = elements_mut(node)? {
            for item in items {
                n += match_path(item, rest, create, false, set)?;
            }
        }
        return Ok(n);
    }
    // A field of a mapping.
    let map = match node {
        Value::Map(m) => m,
        v if v.is_null() => {
            if create.is_none() {
                return Ok(0);
            }
            // Setting a field on a null node changes nothing visible.
            let mut detached = part_kind(rest.first(), create.expect("create")).make();
            return match_path(&mut detached, rest, create, true, set);
        }
        v => return Err(wrong_kind("MappingNode", v)),
    };
    let mut created = false;
    if !map.contains_key(part.as_str()) {
        let Some(k) = create else {
            return Ok(0);
        };
        map.insert(part.clone(), part_kind(rest.first(), k).make());
        created = true;
    }
    let field = map.get_mut(part.as_str()).expect("present");
    if matches!(field, Value::Scalar(_)) && !rest.is_empty() {
        // kyaml reads the scalar as YAML and goes on in that copy: whatever
        // it sets there is lost, but errors and matches count.
        let text = field.as_scalar_text().unwrap_or("").to_string();
        let mut parsed = match parse_documents(text.as_bytes(), &ParseOptions::default()) {
            Ok(docs) => match docs.into_iter().next() {
                Some(d) => d.value,
                None => return Err(Error::new("wrong node kind: expected MappingNode")),
            },
            Err(e) => return Err(Error::from(e)),
        };
        return match_path(&mut parsed, rest, create, false, set);
    }
    match_path(field, rest, create, created, set)
}

/// `[field=regex]` (or `[=regex]` for a list of scalars) in a target path.
fn match_seq(
    node: &mut Value,
    part: &str,
    rest: &[String],
    create: Option<Kind>,
    set: &mut Setter<'_>,
    first_try: bool,
) -> Result<usize> {
    let (field, pattern) = split_index(part)?;
    let re = Regex::new(pattern).map_err(|e| Error::new(e.to_string()))?;
    let mut n = 0;
    if let Some(items) = elements_mut(node)? {
        for item in items.iter_mut() {
            if field.is_empty() {
                // A primitive element is itself the match, whatever follows.
                if match_text(item).is_some_and(|t| re.is_match(t)) {
                    set(item, false)?;
                    n += 1;
                }
                continue;
            }
            let hit = item
                .get(field)
                .and_then(match_text)
                .is_some_and(|t| re.is_match(t));
            if hit {
                n += match_path(item, rest, create, false, set)?;
            }
        }
    }
    if n > 0 || create.is_none() || !first_try {
        return Ok(n);
    }
    let value = super::common::scalar(pattern, None);
    let elem = if field.is_empty() {
        value
    } else {
        let mut m = crate::yaml::Map::default();
        m.insert(field.to_string(), value);
        Value::from_map(m)
    };
    match elements_mut(node)? {
        Some(items) => items.push(elem),
        // Appending to a null node changes nothing visible.
        None => return Ok(0),
    }
    match_seq(node, part, rest, create, set, false)
}

/// kyaml's `PathGetter` (no create): the node a source path names, if any.
pub(crate) fn lookup<'a>(obj: &'a Value, path: &[String]) -> Result<Option<&'a Value>> {
    let mut cur = obj;
    for part in path.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = if let Some(idx) = signed_int(part) {
            if idx < 0 {
                return Err(Error::new(format!("array index {idx} cannot be negative")));
            }
            seq_items(cur)?.get(idx as usize)
        } else if part == "-" {
            seq_items(cur)?.last()
        } else if part == "*" {
            return Err(Error::new("wildcard is not supported in PathGetter"));
        } else if is_list_index(part) {
            let (field, want) = split_index(part)?;
            let items = seq_items(cur)?;
            if field.is_empty() {
                items.iter().find(|i| i.as_scalar_text() == Some(want))
            } else {
                items.iter().find(|i| {
                    i.get(field)
                        .and_then(Value::as_scalar_text)
                        .is_some_and(|t| t == want)
                })
            }
        } else {
            match cur {
                Value::Map(m) => m.get(part),
                v if v.is_null() => None,
                v => return Err(wrong_kind("MappingNode", v)),
            }
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// Go's `strconv.Atoi` accepts an optional sign and decimal digits.
fn signed_int(p: &str) -> Option<i64> {
    let digits = p.strip_prefix(['+', '-']).unwrap_or(p);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

fn seq_items(v: &Value) -> Result<&[Value]> {
    match v {
        Value::Seq(items) => Ok(items),
        v if v.is_null() => Ok(&[]),
        v => Err(wrong_kind("SequenceNode", v)),
    }
}

/// kustomize's `setFieldValue`: a scalar target keeps its type and takes the
/// value's text (after `delimiter`/`index` splicing); any other target is
/// replaced by the value. `fresh` marks a scalar just created, which is typed
/// by its new text.
pub(crate) fn set_field(
    target: &mut Value,
    fresh: bool,
    value: &Value,
    opts: &FieldOptions,
) -> Result<()> {
    let mut value = value.clone();
    if !opts.delimiter.is_empty() {
        let Value::Scalar(t) = &*target else {
            return Err(Error::new(
                "delimiter option can only be used with scalar nodes",
            ));
        };
        // A scalar just created has empty text.
        let old_text = if fresh { "" } else { t.text.as_str() };
        let mut parts: Vec<String> = old_text
            .split(opts.delimiter.as_str())
            .map(str::to_string)
            .collect();
        let v = value.as_scalar_text().unwrap_or("").to_string();
        if opts.index < 0 {
            parts.insert(0, v);
        } else if opts.index as usize >= parts.len() {
            parts.push(v);
        } else {
            parts[opts.index as usize] = v;
        }
        let joined = parts.join(&opts.delimiter);
        value = match value.into_scalar() {
            Ok(s) => Value::Scalar(Scalar::new(s.tag, joined)),
            // kyaml sets the text of a non-scalar node, which only a scalar target reads.
            _ => Value::Scalar(Scalar::new(Tag::Str, joined)),
        };
    }
    let Value::Scalar(old) = &*target else {
        *target = value;
        return Ok(());
    };
    // kyaml copies only the text of a non-scalar value ("" for collections).
    let text = match &value {
        Value::Scalar(s) => s.text.clone(),
        _ => String::new(),
    };
    *target = if fresh {
        super::common::scalar(&text, None)
    } else {
        retyped(old, text)?
    };
    Ok(())
}

/// A scalar of tag `old.tag` given new text. go-yaml keeps the tag on
/// output, so a string stays a string, and a number, bool or null must get
/// text of its own type (an int may become a float's text): anything else is
/// the error kustomize gives when it prints the resource.
fn retyped(old: &Scalar, text: String) -> Result<Value> {
    // A node a setter created (an earlier replacement with `create`, in this
    // kustomization or a base) has no tag to keep: go-yaml types it by its
    // text when it is printed, whatever text it holds by then.
    if old.untagged {
        return Ok(super::common::scalar(&text, None));
    }
    let resolved = plain_tag(&text);
    let ok = old.tag == Tag::Str
        || resolved == old.tag
        || (old.tag == Tag::Float && resolved == Tag::Int);
    if !ok {
        return Err(Error::new(format!(
            "cannot decode !!{} `{text}` as a !!{} (a replacement keeps the type of the field it overwrites)",
            tag_name(resolved),
            tag_name(old.tag),
        )));
    }
    // The target keeps its tag and its style; only the text is new.
    Ok(Value::Scalar(Scalar {
        tag: old.tag,
        text,
        quoted: old.quoted,
        plain_in_flow: false,
        untagged: false,
        flow_depth: old.flow_depth,
    }))
}

fn tag_name(t: Tag) -> &'static str {
    match t {
        Tag::Null => "null",
        Tag::Bool => "bool",
        Tag::Int => "int",
        Tag::Float => "float",
        Tag::Timestamp => "timestamp",
        Tag::Str => "str",
    }
}

/// kyaml's `SmarterPathSplitter` on `.`: `\.` escapes a dot, and a
/// bracketed part may hold dots (`[a.b]` names the key `a.b`; with `=` it
/// stays a list selector `[name=a.b]`).
pub fn smarter_split(path: &str) -> Vec<String> {
    // PathSplitter: split, drop one leading empty part, join `\`-escaped dots.
    let mut ps: Vec<&str> = path.split('.').collect();
    if ps.len() > 1 && ps[0].is_empty() {
        ps.remove(0);
    }
    let mut split: Vec<String> = vec![ps[0].to_string()];
    for p in &ps[1..] {
        let last = split.last_mut().expect("one part");
        if let Some(stripped) = last.strip_suffix('\\') {
            *last = format!("{stripped}.{p}");
        } else {
            split.push(p.to_string());
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paths() {
        assert_eq!(smarter_split("a.b.c"), ["a", "b", "c"]);
        assert_eq!(smarter_split("/a.b"), ["/a", "b"]);
        assert_eq!(
            smarter_split("metadata.annotations.[a.b/c]"),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(
            smarter_split("spec.containers.[name=a.b].image"),
            ["spec", "containers", "[name=a.b]", "image"]
        );
        assert_eq!(smarter_split(r"data.a\.b"), ["data", "a.b"]);
        // A bracketed part without dots stays a (malformed) list selector.
        assert_eq!(smarter_split("a.[b]"), ["a", "[b]"]);
    }

    fn doc(src: &str) -> Value {
        parse_documents(src.as_bytes(), &ParseOptions::default())
            .unwrap()
            .remove(0)
            .value
    }

    fn path(p: &str) -> Vec<String> {
        smarter_split(p)
    }

    #[test]
    fn source_lookup() {
        let d = doc("a:\n  l: [x, y, ~]\n  o: [{n: p, v: 1}, {n: q, v: 2}]\n  s: str\n");
        let text = |p: &str| {
            lookup(&d, &path(p))
                .unwrap()
                .and_then(|v| v.as_scalar_text().map(str::to_string))
        };
        assert_eq!(text("a.l.1").as_deref(), Some("y"));
        assert_eq!(text("a.l.-").as_deref(), Some("~"));
        assert_eq!(text("a.o.[n=q].v").as_deref(), Some("2"));
        assert_eq!(text("a.l.[=x]").as_deref(), Some("x"));
        assert_eq!(text("a.l.7"), None);
        assert_eq!(text("a.missing.deeper"), None);
        // Exact matches only in a source path.
        assert_eq!(text("a.o.[n=.*].v"), None);
        assert!(lookup(&d, &path("a.l.*")).is_err());
        assert!(lookup(&d, &path("a.s.x")).is_err());
        assert!(lookup(&d, &path("a.0")).is_err());
    }

    fn visit(d: &mut Value, p: &str, create: Option<Kind>) -> Result<usize> {
        let mut set = |v: &mut Value, fresh: bool| {
            set_field(v, fresh, &Value::string("new"), &FieldOptions::default())
        };
        match_path(d, &path(p), create, false, &mut set)
    }

    #[test]
    fn target_matching() {
        let mut d = doc("c: [{name: app, i: a}, {name: app-2, i: b}, {name: db, i: c}]\n");
        // Unanchored regular expressions in a target path.
        assert_eq!(visit(&mut d, "c.[name=app].i", None).unwrap(), 2);
        assert_eq!(visit(&mut d, "c.*.i", None).unwrap(), 3);
        assert_eq!(visit(&mut d, "c.[name=^db$].x", None).unwrap(), 0);
        assert_eq!(
            visit(&mut d, "c.[name=web].i", Some(Kind::Scalar)).unwrap(),
            1
        );
        assert_eq!(d.get("c").unwrap().as_seq().unwrap().len(), 4);
        assert_eq!(visit(&mut d, "c.4.i", Some(Kind::Scalar)).unwrap(), 1);
        assert!(visit(&mut d, "c.9.i", Some(Kind::Scalar)).is_err());
        assert!(visit(&mut d, "c.x", None).is_err());
    }

    #[test]
    fn retyping_scalars() {
        let int = Scalar::new(Tag::Int, "1");
        assert!(retyped(&int, "2".into()).is_ok());
        assert!(retyped(&int, "x".into()).is_err());
        let s = Scalar::new(Tag::Str, "a");
        assert_eq!(retyped(&s, "2".into()).unwrap(), Value::string("2"));
        let f = Scalar::new(Tag::Float, "1.5");
        assert!(retyped(&f, "3".into()).is_ok());
    }
}
