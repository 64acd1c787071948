//! Patches: strategic merge patches and JSON 6902 patches, in every form a
//! kustomization declares them (`patchesStrategicMerge:`, `patches:`,
//! `patchesJson6902:`, and the three builtin transformer configs), applied
//! as kustomize v5.8.1 applies them.
//!
//! * [`smp`] merges like kyaml's `merge2` walk, with merge keys from the
//!   OpenAPI schema in force ([`schema`]; `openapi:` may replace it).
//! * [`json6902`] applies JSON patches with evanphx/json-patch v4 semantics
//!   through the JSON round trip kustomize makes.

pub mod json6902;
pub mod schema;
pub mod smp;

pub use schema::OpenApi;

use super::Transformer;
use crate::error::Location;
use crate::error::{Error, Result};
use crate::kustomization::plugins::{
    PatchJson6902TransformerPlugin, PatchStrategicMergeTransformerPlugin, PatchTransformerPlugin,
};
use crate::kustomization::{
    decode_plugin_config, Embedded, Entries, Kustomization, Patch, Selector,
};
use crate::load::Loader;
use crate::resource::{
    CompiledSelector, ResId, ResMap, Resource, ALLOW_KIND_CHANGE, ALLOW_NAME_CHANGE, ENABLED,
};
use crate::yaml::Value;
use indexmap::IndexMap;
use json6902::JsonPatch;
use std::path::PathBuf;

/// The transformers kustomize runs first: one PatchStrategicMergeTransformer
/// for all of `patchesStrategicMerge`, then a PatchTransformer per entry
/// of `patches`.
pub fn strategic_merge_transformers(
    k: &Kustomization,
    ldr: &Loader,
) -> Result<Vec<Box<dyn Transformer>>> {
    let mut out: Vec<Box<dyn Transformer>> = Vec::new();
    if !k.patches_strategic_merge.is_empty() {
        out.push(Box::new(
            StrategicMergeTransformer::of_kustomization(k, ldr)
                .map_err(|e| e.context("configuring patchesStrategicMerge"))?,
        ));
    }
    for (i, p) in k.patches.iter().enumerate() {
        let place = Place::of_entry(k, ldr, "patches", i, &p.path, &p.patch, p.patch.trim());
        let t = PatchTransformer::new(p, ldr).map_err(|e| place.error(e))?;
        out.push(place.wrap(Box::new(t)));
    }
    Ok(out)
}

/// One PatchJson6902Transformer per entry of `patchesJson6902` (kustomize
/// runs them after the annotations transformer).
pub fn json6902_transformers(k: &Kustomization, ldr: &Loader) -> Result<Vec<Box<dyn Transformer>>> {
    k.patches_json6902
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let place = Place::of_entry(k, ldr, "patchesJson6902", i, &p.path, &p.patch, &p.patch);
            let t = Json6902Transformer::new(p.target.as_ref(), &p.path, &p.patch, ldr)
                .map_err(|e| place.error(e))?;
            Ok(place.wrap(Box::new(t)))
        })
        .collect()
}

/// Where a patch's text is: a file, or a string of the kustomization.
enum Text {
    File(PathBuf),
    Embedded(Embedded),
}

/// Where errors of one patch entry point: the patch text (positions in it
/// become the file's lines) and the kustomization entry that declared it.
struct Place {
    text: Option<Text>,
    entry: Option<(String, Location)>,
}

impl Place {
    /// The place of entry `index` of `field`, whose patch is the file
    /// `path` or else the string `patch` of which `used` was parsed.
    fn of_entry(
        k: &Kustomization,
        ldr: &Loader,
        field: &str,
        index: usize,
        path: &str,
        patch: &str,
        used: &str,
    ) -> Place {
        let text = if path.is_empty() {
            k.entries
                .embedded(field, index, "patch", patch, used)
                .map(Text::Embedded)
        } else {
            Some(Text::File(ldr.resolve(path)))
        };
        Place {
            text,
            entry: Some((
                format!("{field}[{index}]"),
                k.entries.at(field, Some(index)),
            )),
        }
    }

    /// The place of a patch config's `path` file (none when empty).
    fn of_file(ldr: &Loader, path: &str) -> Place {
        Place {
            text: (!path.is_empty()).then(|| Text::File(ldr.resolve(path))),
            entry: None,
        }
    }

    /// `t` with its errors placed here.
    fn wrap(self, t: Box<dyn Transformer>) -> Box<dyn Transformer> {
        Box::new(Placed {
            inner: t,
            place: self,
        })
    }

    /// `e` placed: a position in the patch text (with no file of its own)
    /// in the patch's file, then the entry as its outer context.
    fn error(&self, e: Error) -> Error {
        let e = match &self.text {
            Some(Text::Embedded(t)) => e.in_embedded(t),
            Some(Text::File(f)) if e.file.is_none() && e.mark.is_some() => e.in_file(f),
            _ => e,
        };
        match &self.entry {
            Some((what, at)) => e.entry(what.clone(), at.clone()),
            None => e,
        }
    }
}

/// A transformer whose errors are placed (see [`Place`]).
struct Placed {
    inner: Box<dyn Transformer>,
    place: Place,
}

impl Transformer for Placed {
    fn transform(&self, m: &mut ResMap, env: &crate::transform::Env) -> Result<()> {
        self.inner
            .transform(m, env)
            .map_err(|e| self.place.error(e))
    }

    fn builtin_kind(&self) -> &str {
        self.inner.builtin_kind()
    }
}

/// The transformer a `transformers:` document of kind PatchTransformer,
/// PatchStrategicMergeTransformer or PatchJson6902Transformer configures;
/// `None` for any other kind.
pub fn patch_transformer_from_config(
    doc: &Value,
    ldr: &Loader,
) -> Result<Option<Box<dyn Transformer>>> {
    let kind = doc.str_at(&["kind"]).unwrap_or("");
    let wrap = |e: Error| e.context(format!("configuring builtin {kind}"));
    let t: Box<dyn Transformer> = match kind {
        "PatchTransformer" => {
            let c: PatchTransformerPlugin = decode_plugin_config(doc).map_err(wrap)?;
            let options = ["allowNameChange", "allowKindChange"]
                .into_iter()
                .map(|o| (o.to_string(), c.options.get(o).copied().unwrap_or(false)))
                .collect();
            let p = Patch {
                path: c.path,
                patch: c.patch,
                target: c.target,
                options,
            };
            let t = PatchTransformer::new(&p, ldr).map_err(wrap)?;
            Place::of_file(ldr, &p.path).wrap(Box::new(t))
        }
        "PatchStrategicMergeTransformer" => {
            let c: PatchStrategicMergeTransformerPlugin =
                decode_plugin_config(doc).map_err(wrap)?;
            Box::new(StrategicMergeTransformer::new(&c.paths, &c.patches, ldr).map_err(wrap)?)
        }
        "PatchJson6902Transformer" => {
            let c: PatchJson6902TransformerPlugin = decode_plugin_config(doc).map_err(wrap)?;
            let t = Json6902Transformer::new(c.target.as_ref(), &c.path, &c.json_op, ldr)
                .map_err(wrap)?;
            Place::of_file(ldr, &c.path).wrap(Box::new(t))
        }
        _ => return Ok(None),
    };
    Ok(Some(t))
}

/// Reads strategic merge patches from text: resources, as kustomize's
/// resource factory reads them (kind and name required, lists expanded).
fn sm_patches_from_bytes(bytes: &[u8]) -> Result<Vec<Resource>> {
    crate::resource::patches_from_bytes(bytes)
}

/// kustomize's `GetById`: the one resource whose current or a previous id
/// equals `id`.
fn get_by_id(m: &ResMap, id: &ResId) -> Result<usize> {
    let found = m.find_by_any_id(id);
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::new(format!("no matches for Id {id}"))),
        _ => Err(Error::new(format!("multiple matches for Id {id}"))),
    }
}

/// Applies a strategic merge patch to one resource (kustomize's
/// `Resource.ApplySmPatch`): the name, kind and namespace survive unless
/// the patch allows changing them; the resource becomes empty (and is
/// dropped) when the patch deletes it.
fn apply_sm(r: &mut Resource, patch: Resource, openapi: &OpenApi) -> Result<()> {
    let (name, ns, kind) = (
        r.name().to_string(),
        r.namespace().to_string(),
        r.kind().to_string(),
    );
    let allow_name = patch.name_change_allowed();
    let allow_kind = patch.kind_change_allowed();
    if allow_name || allow_kind {
        r.store_previous_id();
    }
    let schemas = openapi.current();
    let obj = std::mem::take(&mut r.obj);
    match smp::merge(&schemas, obj, patch.obj)? {
        Some(v @ Value::Map(_)) => r.obj = v,
        _ => r.obj = Value::map(),
    }
    // kyaml's merge overwrites existing scalars in place.
    crate::resource::shared::reconcile(&mut r.obj, &mut r.shared);
    if r.obj.as_map().is_some_and(|m| m.is_empty()) {
        return Ok(());
    }
    if !allow_kind {
        r.set_kind(&kind);
    }
    if !allow_name {
        r.set_name(&name);
    }
    r.set_namespace(&ns);
    Ok(())
}

/// kustomize's `ResMap.ApplySmPatch`: a copy of the patch per selected
/// resource, its metadata maps rebuilt as strings and its apiVersion taken
/// from the resource; afterwards emptied resources are dropped and ids
/// must still be unique.
fn apply_sm_to_selected(
    m: &mut ResMap,
    selected: &[usize],
    patch: &Resource,
    openapi: &OpenApi,
) -> Result<()> {
    for &i in selected {
        let res = &mut m.resources_mut()[i];
        let mut copy = patch.clone();
        let labels = meta_texts(&copy, "labels");
        copy.set_labels(&labels);
        let annotations = meta_texts(&copy, "annotations");
        copy.set_annotations(&annotations);
        let (n, ns) = (copy.name().to_string(), copy.namespace().to_string());
        copy.set_name(&n);
        copy.set_namespace(&ns);
        let api_version = res.api_version().to_string();
        if let Some(o) = copy.obj.as_map_mut() {
            o.insert("apiVersion".into(), Value::string(api_version));
        }
        let kind = patch.kind().to_string();
        copy.set_kind(&kind);
        apply_sm(res, copy, openapi)?;
    }
    let list: Vec<Resource> = std::mem::take(m.resources_mut())
        .into_iter()
        .filter(|r| r.obj.as_map().is_some_and(|o| !o.is_empty()))
        .collect();
    let mut fresh = ResMap::new();
    fresh.append_all(list)?;
    *m = fresh;
    Ok(())
}

/// The annotations kustomize keeps across a JSON patch
/// (`kioutil.GetInternalAnnotations`).
fn is_internal_annotation(k: &str) -> bool {
    k.starts_with("internal.config.kubernetes.io/")
        || k == "config.kubernetes.io/path"
        || k == "config.kubernetes.io/index"
        || k == "config.k8s.io/id"
}

/// A resource's annotations as kyaml reads them: each value's text.
fn annotation_texts(r: &Resource) -> IndexMap<String, String> {
    meta_texts(r, "annotations")
}

/// A string map of `metadata` as kyaml's `GetLabels`/`GetAnnotations` read
/// it: each value's text as written, so a null reads `null` or `~`.
fn meta_texts(r: &Resource, field: &str) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    if let Some(Value::Map(m)) = r.obj.get_path(&["metadata", field]) {
        for (k, v) in m {
            out.insert(k.clone(), v.as_scalar_text().unwrap_or("").to_string());
        }
    }
    out
}

/// Applies a JSON patch to one resource as the patch transformers do:
/// internal annotations survive the patch, and the annotations are
/// rebuilt as strings afterwards.
fn apply_json(r: &mut Resource, patch: &JsonPatch) -> Result<()> {
    let internal: IndexMap<String, String> = annotation_texts(r)
        .into_iter()
        .filter(|(k, _)| is_internal_annotation(k))
        .collect();
    r.obj = patch.apply_to(&r.obj)?;
    // Through JSON and back: every node is new.
    r.shared.clear();
    let mut annotations = annotation_texts(r);
    for (k, v) in internal {
        annotations.insert(k, v);
    }
    r.set_annotations(&annotations);
    Ok(())
}

fn compile(target: &Selector) -> Result<CompiledSelector> {
    CompiledSelector::new(target)
}

/// Go's `%q` for a patch source.
/// Go's `%q` of the text, as kustomize's messages spell a patch source.
fn quoted(s: &str) -> String {
    crate::yaml::gostr::strconv::quote(s)
}

/// The builtin PatchStrategicMergeTransformer (`patchesStrategicMerge:`):
/// each patch goes to the one resource with the patch's id.
pub struct StrategicMergeTransformer {
    /// Each patch with where it came from, for error messages (and the
    /// index of the `paths` entry it came from).
    patches: Vec<(Resource, String, Option<usize>)>,
    /// The kustomization whose `patchesStrategicMerge:` these are, to name
    /// the entry and its line in errors.
    entries: Option<Entries>,
}

impl StrategicMergeTransformer {
    /// Loads the patches: each entry of `paths` is inline YAML if it reads
    /// as resources, else a file; `patches` is inline YAML.
    pub fn new(paths: &[String], patches: &str, ldr: &Loader) -> Result<StrategicMergeTransformer> {
        StrategicMergeTransformer::load(paths, patches, ldr, None)
    }

    /// [`StrategicMergeTransformer::new`] for a kustomization's
    /// `patchesStrategicMerge:` (`paths`), its errors naming the entry.
    fn of_kustomization(k: &Kustomization, ldr: &Loader) -> Result<StrategicMergeTransformer> {
        StrategicMergeTransformer::load(&k.patches_strategic_merge, "", ldr, Some(&k.entries))
            .map_err(|e| {
                match e.contexts().iter().any(|c| c.location().is_some()) {
                    true => e,
                    // Not about one entry: the field.
                    false => e.entry(
                        "patchesStrategicMerge",
                        k.entries.at("patchesStrategicMerge", None),
                    ),
                }
            })
    }

    fn load(
        paths: &[String],
        patches: &str,
        ldr: &Loader,
        entries: Option<&Entries>,
    ) -> Result<StrategicMergeTransformer> {
        if paths.is_empty() && patches.is_empty() {
            return Err(Error::new("empty file path and empty patch content"));
        }
        let mut t = StrategicMergeTransformer {
            patches: Vec::new(),
            entries: entries.cloned(),
        };
        for (i, p) in paths.iter().enumerate() {
            match sm_patches_from_bytes(p.as_bytes()) {
                Ok(ps) => {
                    let source = format!("[patch: {}]", quoted(p));
                    t.patches
                        .extend(ps.into_iter().map(|r| (r, source.clone(), Some(i))));
                }
                Err(_) => {
                    let bytes = ldr.load(p).map_err(|e| t.place(e, Some(i)))?;
                    let ps = sm_patches_from_bytes(&bytes)
                        .map_err(|e| t.place(e.in_file(ldr.resolve(p)), Some(i)))?;
                    let source = format!("[path: {}]", quoted(p));
                    t.patches
                        .extend(ps.into_iter().map(|r| (r, source.clone(), Some(i))));
                }
            }
        }
        if !patches.is_empty() {
            let source = format!("[patch: {}]", quoted(patches));
            let ps = sm_patches_from_bytes(patches.as_bytes())?;
            t.patches
                .extend(ps.into_iter().map(|r| (r, source.clone(), None)));
        }
        if t.patches.is_empty() {
            return Err(Error::new(format!(
                "patch appears to be empty; files={paths:?}, Patch={patches}"
            )));
        }
        Ok(t)
    }

    /// `e` with the `paths` entry `index` it concerns, when known.
    fn place(&self, e: Error, index: Option<usize>) -> Error {
        match (&self.entries, index) {
            (Some(en), Some(i)) => e.entry(
                format!("patchesStrategicMerge[{i}]"),
                en.at("patchesStrategicMerge", Some(i)),
            ),
            _ => e,
        }
    }
}

impl Transformer for StrategicMergeTransformer {
    fn builtin_kind(&self) -> &str {
        "PatchStrategicMergeTransformer"
    }

    fn transform(&self, m: &mut ResMap, env: &crate::transform::Env) -> Result<()> {
        for (patch, source, index) in &self.patches {
            let id = patch.org_id();
            let i = get_by_id(m, &id).map_err(|e| {
                let e = e
                    .context(format!(
                        "no resource matches strategic merge patch \"{id}\""
                    ))
                    .context(format!("applying patch {source}"));
                self.place(e, *index)
            })?;
            apply_sm_to_selected(m, &[i], patch, &env.openapi).map_err(|e| {
                let e = e.context(format!("applying strategic merge patch {id} from {source}"));
                self.place(e, *index)
            })?;
        }
        Ok(())
    }
}

/// What a `patches:` entry turned out to be.
enum Body {
    /// Strategic merge patches (possibly none: then nothing happens).
    Smp(Vec<Resource>),
    /// A JSON 6902 patch.
    Json(JsonPatch),
}

/// The builtin PatchTransformer (`patches:`): a strategic merge patch or a
/// JSON 6902 patch, detected from its text, for a target selector or (for
/// strategic merge patches) the resources the patches name.
pub struct PatchTransformer {
    body: Body,
    target: Option<(Selector, CompiledSelector)>,
    source: String,
}

impl PatchTransformer {
    /// Reads the patch (inline or from `path`) and decides its type.
    pub fn new(p: &Patch, ldr: &Loader) -> Result<PatchTransformer> {
        let inline = p.patch.trim();
        let (text, source) = match (inline.is_empty(), p.path.is_empty()) {
            (true, true) => return Err(Error::new("must specify one of patch and path")),
            (false, false) => {
                return Err(Error::new("patch and path can't be set at the same time"))
            }
            (false, true) => (inline.to_string(), format!("[patch: {}]", quoted(inline))),
            (true, false) => {
                let bytes = ldr.load(&p.path).map_err(|e| {
                    e.context(format!(
                        "failed to get the patch file from path({})",
                        p.path
                    ))
                })?;
                (
                    String::from_utf8_lossy(&bytes).into_owned(),
                    format!("[path: {}]", quoted(&p.path)),
                )
            }
        };
        let sm = sm_patches_from_bytes(text.as_bytes());
        let json = if text.is_empty() {
            Err(Error::new("empty json patch operations"))
        } else {
            JsonPatch::decode(&text)
        };
        let body = match (sm, json) {
            (Ok(s), Ok(j)) if !s.is_empty() && !j.is_empty() => {
                return Err(Error::new(format!(
                    "illegally qualifies as both an SM and JSON patch: {source}"
                )))
            }
            // kustomize's message, then why the YAML did not read (a
            // syntax error or the depth limit, with its line).
            // The reason keeps its kind and position, in the patch file
            // when the patch came from one.
            (Err(e), Err(_)) => {
                let mut err = Error::of(
                    e.kind(),
                    format!("unable to parse SM or JSON patch from {source}: {e}"),
                )
                .at(e.mark);
                if !p.path.is_empty() {
                    err = err.in_file(ldr.resolve(&p.path));
                }
                return Err(err);
            }
            (Ok(mut s), _) => {
                for r in &mut s {
                    if p.options.get("allowNameChange") == Some(&true) {
                        r.set_annotation(ALLOW_NAME_CHANGE, ENABLED);
                    }
                    if p.options.get("allowKindChange") == Some(&true) {
                        r.set_annotation(ALLOW_KIND_CHANGE, ENABLED);
                    }
                }
                Body::Smp(s)
            }
            (Err(_), Ok(j)) => Body::Json(j),
        };
        let target = match &p.target {
            Some(t) => Some((t.clone(), compile(t)?)),
            None => None,
        };
        Ok(PatchTransformer {
            body,
            target,
            source,
        })
    }
}

impl Transformer for PatchTransformer {
    fn builtin_kind(&self) -> &str {
        "PatchTransformer"
    }

    fn transform(&self, m: &mut ResMap, env: &crate::transform::Env) -> Result<()> {
        match &self.body {
            Body::Smp(patches) if patches.is_empty() => Ok(()),
            Body::Smp(patches) => {
                if let Some((_, sel)) = &self.target {
                    if patches.len() > 1 {
                        return Err(Error::new(format!(
                            "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {}",
                            self.source
                        )));
                    }
                    let selected = sel.select(m);
                    return apply_sm_to_selected(m, &selected, &patches[0], &env.openapi)
                        .map_err(|e| e.context(format!("applying patch {}", self.source)));
                }
                for patch in patches {
                    let id = patch.org_id();
                    let i = get_by_id(m, &id).map_err(|e| {
                        e.context(format!(
                            "no resource matches strategic merge patch \"{id}\""
                        ))
                        .context(format!("applying patch {}", self.source))
                    })?;
                    apply_sm(&mut m.resources_mut()[i], patch.clone(), &env.openapi)
                        .map_err(|e| e.context(format!("applying patch {}", self.source)))?;
                }
                Ok(())
            }
            Body::Json(patch) => {
                let Some((_, sel)) = &self.target else {
                    return Err(Error::new(format!(
                        "must specify a target for JSON patch {}",
                        self.source
                    )));
                };
                for i in sel.select(m) {
                    let r = &mut m.resources_mut()[i];
                    r.store_previous_id();
                    apply_json(r, patch)
                        .map_err(|e| e.context(format!("applying JSON patch {}", self.source)))?;
                }
                Ok(())
            }
        }
    }
}

/// The builtin PatchJson6902Transformer (`patchesJson6902:`): a JSON patch
/// for the resources a target selects.
pub struct Json6902Transformer {
    patch: JsonPatch,
    selector: CompiledSelector,
    source: String,
}

impl Json6902Transformer {
    /// Reads the patch from `path` or `json_op` (YAML or JSON text).
    pub fn new(
        target: Option<&Selector>,
        path: &str,
        json_op: &str,
        ldr: &Loader,
    ) -> Result<Json6902Transformer> {
        let target = target.ok_or_else(|| Error::new("must specify a target for the patch"))?;
        if target.id.name.is_empty() {
            return Err(Error::new("must specify the target name"));
        }
        if path.is_empty() && json_op.is_empty() {
            return Err(Error::new("empty file path and empty jsonOp"));
        }
        let (text, source) = if !path.is_empty() {
            if !json_op.is_empty() {
                return Err(Error::new("must specify a file path or jsonOp, not both"));
            }
            let bytes = ldr.load(path)?;
            if bytes.is_empty() {
                return Err(Error::new(format!(
                    "patch file '{path}' empty seems to be empty"
                )));
            }
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                format!("[path: {}]", quoted(path)),
            )
        } else {
            (
                json_op.to_string(),
                format!("[jsonOp: {}]", quoted(json_op)),
            )
        };
        let patch = JsonPatch::decode(&text).map_err(|e| {
            let e = e.context(format!("decoding {source}"));
            if path.is_empty() {
                e
            } else {
                e.in_file(ldr.resolve(path))
            }
        })?;
        if patch.is_empty() {
            return Err(Error::new(format!(
                "patch appears to be empty; file={path}, JsonOp={json_op}"
            )));
        }
        Ok(Json6902Transformer {
            patch,
            selector: compile(target)?,
            source,
        })
    }
}

impl Transformer for Json6902Transformer {
    fn builtin_kind(&self) -> &str {
        "PatchJson6902Transformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        for i in self.selector.select(m) {
            apply_json(&mut m.resources_mut()[i], &self.patch)
                .map_err(|e| e.context(format!("applying JSON patch {}", self.source)))?;
        }
        Ok(())
    }
}
