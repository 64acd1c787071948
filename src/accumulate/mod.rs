//! Accumulation: a kustomization's resources, bases and components gathered
//! into one [`ResMap`], its generators run, then its own transformers
//! applied, recursively (kustomize's `KustTarget`).

mod crds;
pub mod memo;
mod origin;

pub use origin::{add_transformation, Origin};

use crate::error::{Error, ErrorKind, Result, ResultExt};
use crate::generate;
use crate::kustomization::{
    decode_kustomization_with_warnings, Kustomization, Var, KUSTOMIZATION_FILE_NAMES,
};
use crate::load::{EntryKind, Loader, RemoteResolver};
use crate::resource::{resources_from_bytes, NameIndex, ResMap, Resource, ORIGIN};
use crate::transform::builtin::kustomization_transformers;
use crate::transform::fieldspec::TransformerConfig;
use crate::transform::vars::{merge_var_sets, merge_vars, record_var_targets};
use crate::transform::{Env, Transformer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a kustomization (and everything below it) has produced so far.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    /// The resources.
    pub resources: ResMap,
    /// The field-spec tables, the builtin ones merged with every level's
    /// `configurations:` and `crds:`.
    pub config: TransformerConfig,
    /// The `vars:` of every level.
    pub vars: Vec<Var>,
}

impl Accumulator {
    fn merge_config(&mut self, other: &TransformerConfig) -> Result<()> {
        // Every level merges the builtin tables again: skip the common no-op.
        if self.config != *other {
            self.config = self.config.merge(other)?;
        }
        Ok(())
    }

    fn merge(&mut self, other: Accumulator) -> Result<()> {
        self.resources
            .append_all(other.resources.into_resources())?;
        self.merge_config(&other.config)?;
        merge_var_sets(&mut self.vars, other.vars)
    }
}

/// A transformer and, when `buildMetadata` tracks it, where it was configured.
type Configured = (Box<dyn Transformer>, Option<Origin>);

/// The state one build shares across all its levels, passed down the call
/// chain (there is no global state: builds are values that can run side by
/// side).
#[derive(Debug, Default)]
pub struct Context {
    /// Warnings for stderr, in the order they arose.
    pub warnings: Vec<String>,
    /// What transformers consult of the build (the OpenAPI schema choice).
    pub env: Env,
    /// The top kustomization's `buildMetadata`, which kustomize hands down
    /// to every level: an option of the whole build, not of one level.
    pub build_metadata: Vec<String>,
    /// The run's shared work (parsed files, accumulated bases), if any.
    pub sharing: memo::Sharing,
    /// Where remote bases come from; without one they are refused.
    pub remote: Option<Arc<dyn RemoteResolver>>,
}

impl Context {
    /// Whether `buildMetadata` asks for origins to be tracked.
    fn tracks_origins(&self) -> bool {
        !self.build_metadata.is_empty()
    }
}

/// One loaded kustomization directory.
#[derive(Debug)]
pub struct Target {
    /// Its loader (root directory, restrictor).
    pub loader: Loader,
    /// The decoded kustomization file.
    pub kustomization: Kustomization,
    /// The kustomization file's path.
    pub file: PathBuf,
    /// Origin tracking for `buildMetadata`: this directory's path relative
    /// to the top kustomization, when tracking is on.
    pub origin: Option<Origin>,
}

impl Target {
    /// Finds and decodes the kustomization file of the loader's root.
    pub fn load(loader: Loader, cx: &mut Context) -> Result<Target> {
        let found: Vec<&str> = KUSTOMIZATION_FILE_NAMES
            .iter()
            .copied()
            .filter_map(|n| match loader.is_file(n) {
                Ok(true) => Some(Ok(n)),
                Ok(false) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_>>()?;
        let name = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::of(ErrorKind::NotFound, format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    loader.display(loader.root())
                )))
            }
            _ => {
                return Err(Error::new(format!(
                    "found multiple kustomization files ({}) in directory '{}'; keep one",
                    found.join(", "),
                    loader.display(loader.root())
                )))
            }
        };
        let file = loader.resolve(name);
        let bytes = loader.load(name)?;
        // Warnings come first, even when decoding then fails, as in kustomize.
        let decoded = match &cx.sharing.memo {
            Some(memo) => {
                let d = memo.decoded(&bytes);
                cx.warnings.extend(d.0.iter().cloned());
                d.1.clone()
            }
            None => {
                let (warnings, decoded) = decode_kustomization_with_warnings(&bytes);
                cx.warnings.extend(warnings);
                decoded
            }
        };
        let decoded = decoded.in_file(&file)?;
        let origin = (!decoded.kustomization.build_metadata.is_empty()).then(Origin::default);
        let mut kustomization = decoded.kustomization;
        kustomization.entries.file = file.clone();
        Ok(Target {
            loader,
            kustomization,
            file,
            origin,
        })
    }

    /// Accumulates this kustomization into `ra` (empty for a kustomization,
    /// the parent's accumulator for a component).
    pub fn accumulate(&self, mut ra: Accumulator, cx: &mut Context) -> Result<Accumulator> {
        let k = &self.kustomization;
        self.refuse_unsupported()?;
        let resources: Vec<Listed> = listed(&k.resources, "resources")
            .chain(listed(&k.bases, "bases"))
            .collect();
        ra = self
            .accumulate_resources(ra, &resources, cx)
            .context(|| "accumulating resources".to_string())?;
        let mut tc = TransformerConfig::builtin().clone();
        for (i, c) in k.configurations.iter().enumerate() {
            let loaded = self
                .loader
                .load(c)
                .and_then(|bytes| {
                    TransformerConfig::from_yaml(&bytes).in_file(&self.loader.resolve(c))
                })
                .entry(
                    || format!("configurations[{i}]"),
                    || k.entries.at("configurations", Some(i)),
                )?;
            tc = tc.merge(&loaded)?;
        }
        ra.merge_config(&tc)?;
        for (i, c) in k.crds.iter().enumerate() {
            let crd = self
                .loader
                .load(c)
                .and_then(|bytes| {
                    crds::config_from_crd_file(&bytes)
                        .in_file(&self.loader.resolve(c))
                        .context(|| format!("loading CRD definitions '{c}'"))
                })
                .entry(|| format!("crds[{i}]"), || k.entries.at("crds", Some(i)))?;
            ra.merge_config(&crd)?;
        }
        self.run_generators(&mut ra, cx)?;
        for (i, comp) in k.components.iter().enumerate() {
            ra = self
                .accumulate_directory(ra, comp, true, cx)
                .entry(
                    || format!("components[{i}]"),
                    || k.entries.at("components", Some(i)),
                )
                .context(|| format!("accumulating component '{comp}'"))?;
        }
        let mut transformers: Vec<Configured> =
            kustomization_transformers(k, &ra.config, &self.loader)?
                .into_iter()
                .map(|t| {
                    let origin = self.origin.as_ref().map(|o| {
                        o.configured(self.file_name(), ["builtin", t.builtin_kind(), "", ""])
                    });
                    (t, origin)
                })
                .collect();
        transformers.extend(self.external_transformers(cx)?);
        for (t, origin) in &transformers {
            t.transform(&mut ra.resources, &cx.env)?;
            // kyaml's setters (replacements, vars, patches) overwrite scalars
            // in place, so a field that shares its node passes the value on.
            for r in ra.resources.resources_mut() {
                crate::resource::shared::reconcile(&mut r.obj, &mut r.shared);
            }
            // A patch may have deleted resources (kustomize's DropEmpties).
            ra.resources
                .resources_mut()
                .retain(|r| r.obj.as_map().is_some_and(|m| !m.is_empty()));
            if let Some(o) = origin {
                for r in ra.resources.resources_mut() {
                    add_transformation(r, o);
                }
            }
        }
        record_var_targets(&mut ra.resources, &k.vars)?;
        merge_vars(&mut ra.vars, &k.vars).context(|| "merging vars".to_string())?;
        Ok(ra)
    }

    /// Runs the kustomization's generators (its own fields first, then the
    /// `generators:` configs) and absorbs what they make.
    fn run_generators(&self, ra: &mut Accumulator, cx: &mut Context) -> Result<()> {
        let k = &self.kustomization;
        // Built at the first generator's output, then kept up to date.
        let mut index = None;
        for g in generate::kustomization_generators(k, &self.loader)? {
            let mut resources = g.resources;
            if let Some(o) = &self.origin {
                let text = o
                    .configured(self.file_name(), ["builtin", g.kind, "", ""])
                    .to_annotation();
                for r in &mut resources {
                    if r.annotation(ORIGIN).is_none() {
                        r.set_annotation(ORIGIN, &text);
                    }
                }
            }
            let index = index.get_or_insert_with(|| NameIndex::new(&ra.resources));
            generate::absorb(&mut ra.resources, index, resources)?;
        }
        for (config, origin, file) in self.plugin_configs("generators", &k.generators, cx)? {
            let mut resources = crate::plugin::generator(&config, &self.loader)
                .map_err(|e| in_config_file(e, file.as_deref()))?;
            if let Some(o) = origin {
                let text = o.to_annotation();
                for r in &mut resources {
                    if r.annotation(ORIGIN).is_none() {
                        r.set_annotation(ORIGIN, &text);
                    }
                }
            }
            let index = index.get_or_insert_with(|| NameIndex::new(&ra.resources));
            generate::absorb(&mut ra.resources, index, resources)?;
        }
        Ok(())
    }

    /// The kustomization file's name (`kustomization.yaml`, ...).
    fn file_name(&self) -> &str {
        self.file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("kustomization.yaml")
    }

    /// Fields whose features are not built yet: a clear error, not a wrong output.
    fn refuse_unsupported(&self) -> Result<()> {
        let k = &self.kustomization;
        let mut missing = Vec::new();
        if !k.validators.is_empty() {
            missing.push("validators");
        }
        if !k.helm_charts.is_empty()
            || k.helm_globals.is_some()
            || !k.helm_chart_inflation_generator.is_empty()
        {
            missing.push("helmCharts");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::of(
                ErrorKind::Unsupported,
                format!("not supported yet by strata: {}", missing.join(", ")),
            )
            .in_file(&self.file))
        }
    }

    fn accumulate_resources(
        &self,
        ra: Accumulator,
        paths: &[Listed],
        cx: &mut Context,
    ) -> Result<Accumulator> {
        let mut ra = ra;
        for (field, i, path) in paths {
            ra = self.accumulate_resource(ra, path, cx).entry(
                || format!("{field}[{i}]"),
                || self.kustomization.entries.at(field, Some(*i)),
            )?;
        }
        Ok(ra)
    }

    /// Accumulates one `resources:` entry (a file or a directory).
    fn accumulate_resource(
        &self,
        mut ra: Accumulator,
        path: &str,
        cx: &mut Context,
    ) -> Result<Accumulator> {
        {
            let full = self.loader.resolve(path);
            let kind = self.loader.kind(path)?;
            if kind == Some(EntryKind::Dir) {
                return self.accumulate_directory(ra, path, false, cx);
            }
            let bytes = match self.loader.load(path) {
                Ok(b) => b,
                // Neither a file nor a directory here: perhaps a remote
                // file, else a remote base (kustomize's order: a download
                // that is not YAML may still be a git URL).
                Err(e) if kind.is_none() => {
                    let file = self.remote_file(path, cx)?;
                    match file {
                        Some(b) if resources_from_bytes(&b).is_ok() => b,
                        file => match (self.remote_loader(path, cx), file) {
                            (Ok(Some(loader)), _) => {
                                return self.accumulate_remote(ra, loader, path, false, cx);
                            }
                            // Its parse error is the one to report.
                            (_, Some(b)) => b,
                            (Ok(None), None) => return Err(e),
                            (Err(g), None) => return Err(g),
                        },
                    }
                }
                Err(e) => return Err(e),
            };
            let mut resources = match &cx.sharing.memo {
                Some(m) => m.parsed(&full, &bytes)?,
                None => resources_from_bytes(&bytes).in_file(&full)?,
            };
            let source: std::sync::Arc<std::path::Path> = full.as_path().into();
            for r in &mut resources {
                r.source.0 = Some(source.clone());
            }
            if let Some(o) = &self.origin {
                let text = o.append(path).to_annotation();
                for r in &mut resources {
                    r.set_annotation(ORIGIN, &text);
                }
            }
            ra.resources
                .append_all(resources)
                .context(|| format!("merging resources from '{path}'"))?;
        }
        Ok(ra)
    }

    fn accumulate_directory(
        &self,
        ra: Accumulator,
        path: &str,
        is_component: bool,
        cx: &mut Context,
    ) -> Result<Accumulator> {
        let remote = match self.loader.kind(path)? {
            None => self.remote_loader(path, cx)?,
            Some(_) => None,
        };
        match remote {
            Some(loader) => self.accumulate_remote(ra, loader, path, is_component, cx),
            None => {
                let loader = self.loader.child(path)?;
                self.accumulate_loaded(ra, loader, path, is_component, cx)
            }
        }
    }

    /// [`Self::accumulate_loaded`] for a remote base: its errors name
    /// files as its own tree does (`URL@COMMIT:path`).
    fn accumulate_remote(
        &self,
        ra: Accumulator,
        loader: Loader,
        path: &str,
        is_component: bool,
        cx: &mut Context,
    ) -> Result<Accumulator> {
        let tree = loader.clone();
        self.accumulate_loaded(ra, loader, path, is_component, cx)
            .map_err(|mut e| {
                if let Some(f) = &mut e.file {
                    if tree.owns(&f.path) {
                        f.path = PathBuf::from(tree.display(&f.path));
                    }
                }
                e
            })
    }

    /// The bytes of `path` when the build's resolver finds it is a remote file.
    fn remote_file(&self, path: &str, cx: &Context) -> Result<Option<Vec<u8>>> {
        match &cx.remote {
            Some(r) => r.fetch_file(path).map_err(|e| e.in_file(&self.file)),
            None => Ok(None),
        }
    }

    /// The loader for `path` when it names a remote base (the build's
    /// resolver fetches it); `None` when it is not a remote URL.
    fn remote_loader(&self, path: &str, cx: &mut Context) -> Result<Option<Loader>> {
        let Some(resolver) = cx.remote.clone() else {
            return if is_remote(path) {
                Err(Error::of(
                    ErrorKind::Unsupported,
                    format!("remote bases need a resolver (the strata command has one): '{path}'"),
                )
                .in_file(&self.file))
            } else {
                Ok(None)
            };
        };
        let Some(root) = resolver.resolve(path).map_err(|e| e.in_file(&self.file))? else {
            return Ok(None);
        };
        for w in &root.warnings {
            // Once per build, however often the base is included.
            if !cx.warnings.contains(w) {
                cx.warnings.push(w.clone());
            }
        }
        self.loader.remote(path, root).map(Some)
    }

    /// Accumulates the base or component at `loader`, named `path` here.
    fn accumulate_loaded(
        &self,
        ra: Accumulator,
        loader: Loader,
        path: &str,
        is_component: bool,
        cx: &mut Context,
    ) -> Result<Accumulator> {
        let root = loader.display(loader.root());
        let mut sub = Target::load(loader, cx)?;
        cx.sharing.schema_set |= !sub.kustomization.openapi.is_empty();
        cx.sharing.entered.push(sub.loader.root().to_path_buf());
        cx.env
            .openapi
            .apply(&sub.kustomization, &sub.loader, false, &ra.resources)?;
        // kustomize hands the top kustomization's buildMetadata down to every level.
        sub.kustomization.build_metadata = cx.build_metadata.clone();
        let sub_is_component = sub.kustomization.is_component();
        if is_component && !sub_is_component {
            return Err(Error::new(format!(
                "'{root}' is listed under components but its kind is '{}', not 'Component'",
                sub.kustomization.type_meta.kind
            )));
        }
        if !is_component && sub_is_component {
            return Err(Error::new(format!(
                "'{root}' is a Component; list it under components, not resources"
            )));
        }
        cx.sharing.stack.push(sub.loader.root().to_path_buf());
        let done = self.accumulate_sub(ra, sub, path, is_component, cx);
        cx.sharing.stack.pop();
        done
    }

    /// Accumulates base or component `sub`, named `path` here.
    fn accumulate_sub(
        &self,
        ra: Accumulator,
        mut sub: Target,
        path: &str,
        is_component: bool,
        cx: &mut Context,
    ) -> Result<Accumulator> {
        if is_component {
            // A component works on its parent's accumulator, so it records
            // origins relative to the parent's root, like the parent.
            sub.origin = self.origin.as_ref().map(|o| o.append(path));
            sub.accumulate(ra, cx)
        } else {
            // A base is built on its own: its result depends only on its
            // directory, its contents and the build's options, never on who
            // includes it, so it could be built once and shared. Its origins
            // are relative to its own root; what this level contributes (the
            // path it names the base by) is applied here.
            sub.origin = cx.tracks_origins().then(Origin::default);
            let mut sub_ra = sub.accumulate_base(cx)?;
            if self.origin.is_some() {
                for r in sub_ra.resources.resources_mut() {
                    origin::prefix_origins(r, path);
                }
            }
            let mut ra = ra;
            ra.merge(sub_ra)?;
            Ok(ra)
        }
    }

    /// Accumulates this base on its own, or reuses the run's result for it
    /// (see [`memo`]); warnings are replayed on reuse.
    fn accumulate_base(&self, cx: &mut Context) -> Result<Accumulator> {
        let Some((memo, key)) = cx.sharing.key(self.loader.root(), &cx.build_metadata) else {
            return self.accumulate(Accumulator::default(), cx);
        };
        let held = match memo.claim(&key, cx.sharing.claims == 0) {
            memo::Claim::Found(e) if cx.sharing.fits(&e) => {
                memo.count_reuse();
                cx.sharing.reused = true;
                cx.warnings.extend(e.warnings.iter().cloned());
                cx.sharing.entered.extend(e.inner_roots.iter().cloned());
                return Ok(e.ra.clone());
            }
            memo::Claim::Mine(held) => held,
            _ => return self.accumulate(Accumulator::default(), cx),
        };
        let (w0, r0) = (cx.warnings.len(), cx.sharing.entered.len());
        cx.sharing.claims += 1;
        let ra = self.accumulate(Accumulator::default(), cx);
        cx.sharing.claims -= 1;
        // Shared only if the schema state stayed the initial one throughout.
        let entry = match &ra {
            Ok(ra) if !cx.sharing.schema_set => Some(memo::BaseEntry {
                ra: ra.clone(),
                warnings: cx.warnings[w0..].to_vec(),
                inner_roots: cx.sharing.entered[r0..].to_vec(),
            }),
            _ => None,
        };
        held.finish(entry);
        ra
    }

    /// The transformers listed under `transformers:`: inline documents or
    /// files/directories of builtin plugin configs.
    fn external_transformers(&self, cx: &mut Context) -> Result<Vec<Configured>> {
        self.plugin_configs("transformers", &self.kustomization.transformers, cx)?
            .into_iter()
            .map(|(c, origin, file)| {
                let t = crate::plugin::transformer(&c, &self.loader)
                    .map_err(|e| in_config_file(e, file.as_deref()))?;
                Ok((t, origin))
            })
            .collect()
    }

    /// Plugin configs listed under `generators:` or `transformers:`: each
    /// entry is an inline document or a file or directory of documents.
    /// With origin tracking on, each comes with its origin (kustomize's
    /// `OriginFromCustomPlugin`: configured in the file it came from); an
    /// inline one comes with the kustomization file, which its errors name.
    fn plugin_configs(
        &self,
        field: &'static str,
        entries: &[String],
        cx: &mut Context,
    ) -> Result<Vec<PluginConfig>> {
        let mut configs: Vec<(Resource, Option<PathBuf>)> = Vec::new();
        let mut paths = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            // Like kustomize: an entry that parses as resources is inline.
            match resources_from_bytes(entry.as_bytes()) {
                Ok(rs) if !rs.is_empty() => {
                    for mut r in rs {
                        if let Some(o) = &self.origin {
                            r.set_annotation(ORIGIN, &o.append(self.file_name()).to_annotation());
                        }
                        configs.push((r, Some(self.file.clone())));
                    }
                }
                _ => paths.push((field, i, entry.clone())),
            }
        }
        // One path at a time (as the list is read anyway), to know which
        // file or directory each config came from.
        let mut ra = Accumulator::default();
        let mut files = Vec::new();
        for p in &paths {
            let before = ra.resources.len();
            ra = self.accumulate_resources(ra, std::slice::from_ref(p), cx)?;
            let added = ra.resources.len().saturating_sub(before);
            files.extend(std::iter::repeat_n(self.loader.resolve(&p.2), added));
        }
        let mut files = files.into_iter();
        configs.extend(
            ra.resources
                .into_resources()
                .into_iter()
                .map(|r| (r, files.next())),
        );
        Ok(configs
            .into_iter()
            .map(|(c, file)| {
                let origin = c.annotation(ORIGIN).map(|text| Origin {
                    path: String::new(),
                    configured_in: Origin::from_annotation(text).path,
                    configured_by: [c.api_version(), c.kind(), c.name(), c.namespace()]
                        .map(str::to_string),
                });
                (c, origin, file)
            })
            .collect())
    }
}

/// A plugin config, its origin, and the file it was read from if known.
type PluginConfig = (Resource, Option<Origin>, Option<PathBuf>);

/// Names the file a plugin config was read from in its error, if known.
fn in_config_file(e: Error, file: Option<&Path>) -> Error {
    match file {
        Some(f) => e.in_file(f),
        None => e,
    }
}

/// A path listed in a kustomization: its field, index there, and text.
type Listed = (&'static str, usize, String);

/// The entries of a list field, for [`Target::accumulate_resources`].
fn listed<'a>(paths: &'a [String], field: &'static str) -> impl Iterator<Item = Listed> + 'a {
    paths
        .iter()
        .enumerate()
        .map(move |(i, p)| (field, i, p.clone()))
}

/// Whether `path` looks like a URL (for the error when no resolver is set,
/// and for a URL given as the build target).
pub(crate) fn is_remote(path: &str) -> bool {
    path.starts_with("https://")
        || path.starts_with("http://")
        || path.starts_with("git@")
        || path.starts_with("github.com/")
        || path.contains("://")
}
