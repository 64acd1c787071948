//! Accumulation: a kustomization's resources, bases and components gathered
//! into one [`ResMap`], its generators run, then its own transformers
//! applied, recursively (kustomize's `KustTarget`).

mod factory;

pub use factory::resources_from_bytes;

use crate::error::{Error, Result, ResultExt};
use crate::kustomization::{decode_kustomization, Kustomization, KUSTOMIZATION_FILE_NAMES};
use crate::load::Loader;
use crate::resource::{ResMap, Resource};
use crate::transform::builtin::{kustomization_transformers, transformer_from_config};
use crate::transform::fieldspec::TransformerConfig;
use crate::transform::Transformer;
use std::path::PathBuf;

/// What a kustomization (and everything below it) has produced so far.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    /// The resources.
    pub resources: ResMap,
    /// The field-spec tables, the builtin ones merged with every level's
    /// `configurations:` and `crds:`.
    pub config: TransformerConfig,
}

impl Accumulator {
    fn merge_config(&mut self, other: &TransformerConfig) -> Result<()> {
        self.config = self.config.merge(other)?;
        Ok(())
    }

    fn merge(&mut self, other: Accumulator) -> Result<()> {
        self.resources
            .append_all(other.resources.into_resources())?;
        self.merge_config(&other.config)
    }
}

/// Things a build reports besides its output.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// Warnings for stderr, in the order they arose.
    pub warnings: Vec<String>,
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
}

impl Target {
    /// Finds and decodes the kustomization file of the loader's root.
    pub fn load(loader: Loader, diag: &mut Diagnostics) -> Result<Target> {
        let found: Vec<&str> = KUSTOMIZATION_FILE_NAMES
            .iter()
            .copied()
            .filter(|n| loader.is_file(n))
            .collect();
        let name = match found.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::new(format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    loader.root().display()
                )))
            }
            _ => {
                return Err(Error::new(format!(
                    "found multiple kustomization files ({}) in directory '{}'; keep one",
                    found.join(", "),
                    loader.root().display()
                )))
            }
        };
        let file = loader.resolve(name);
        let bytes = loader.load(name)?;
        let decoded = decode_kustomization(&bytes).in_file(&file)?;
        diag.warnings.extend(decoded.warnings);
        Ok(Target {
            loader,
            kustomization: decoded.kustomization,
            file,
        })
    }

    /// Accumulates this kustomization into `ra` (empty for a kustomization,
    /// the parent's accumulator for a component).
    pub fn accumulate(&self, mut ra: Accumulator, diag: &mut Diagnostics) -> Result<Accumulator> {
        let k = &self.kustomization;
        self.refuse_unsupported()?;
        let resources: Vec<String> = k.resources.iter().chain(&k.bases).cloned().collect();
        ra = self
            .accumulate_resources(ra, &resources, diag)
            .context(|| "accumulating resources".to_string())?;
        let mut tc = TransformerConfig::builtin().clone();
        for c in &k.configurations {
            let bytes = self.loader.load(c)?;
            let loaded = TransformerConfig::from_yaml(&bytes).in_file(&self.loader.resolve(c))?;
            tc = tc.merge(&loaded)?;
        }
        ra.merge_config(&tc)?;
        for comp in &k.components {
            ra = self
                .accumulate_directory(ra, comp, true, diag)
                .context(|| format!("accumulating component '{comp}'"))?;
        }
        let mut transformers = kustomization_transformers(k, &ra.config)?;
        transformers.extend(self.external_transformers(&ra.config, diag)?);
        for t in &transformers {
            t.transform(&mut ra.resources)?;
        }
        Ok(ra)
    }

    /// Fields whose features are not built yet: a clear error, not a wrong output.
    fn refuse_unsupported(&self) -> Result<()> {
        let k = &self.kustomization;
        let mut missing = Vec::new();
        if !k.config_map_generator.is_empty() {
            missing.push("configMapGenerator");
        }
        if !k.secret_generator.is_empty() {
            missing.push("secretGenerator");
        }
        if !k.generators.is_empty() {
            missing.push("generators");
        }
        if !k.vars.is_empty() {
            missing.push("vars");
        }
        if !k.crds.is_empty() {
            missing.push("crds");
        }
        if !k.validators.is_empty() {
            missing.push("validators");
        }
        if !k.helm_charts.is_empty()
            || k.helm_globals.is_some()
            || !k.helm_chart_inflation_generator.is_empty()
        {
            missing.push("helmCharts");
        }
        if k.build_metadata
            .iter()
            .any(|b| b == "originAnnotations" || b == "transformerAnnotations")
        {
            missing.push("buildMetadata origin/transformer annotations");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Error::new(format!(
                "not supported yet by strata: {}",
                missing.join(", ")
            ))
            .in_file(&self.file))
        }
    }

    fn accumulate_resources(
        &self,
        mut ra: Accumulator,
        paths: &[String],
        diag: &mut Diagnostics,
    ) -> Result<Accumulator> {
        for path in paths {
            let full = self.loader.resolve(path);
            if self.loader.fs().is_dir(&full) {
                ra = self.accumulate_directory(ra, path, false, diag)?;
                continue;
            }
            let bytes = match self.loader.load(path) {
                Ok(b) => b,
                Err(e) if !self.loader.fs().is_file(&full) && is_remote(path) => {
                    return Err(Error::new(format!(
                        "remote resources are not supported yet: '{path}'"
                    ))
                    .context(e.message))
                }
                Err(e) => return Err(e),
            };
            let resources = resources_from_bytes(&bytes).in_file(&full)?;
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
        diag: &mut Diagnostics,
    ) -> Result<Accumulator> {
        let loader = self.loader.child(path)?;
        let root = loader.root().to_path_buf();
        let sub = Target::load(loader, diag)?;
        let sub_is_component = sub.kustomization.is_component();
        if is_component && !sub_is_component {
            return Err(Error::new(format!(
                "'{}' is listed under components but its kind is '{}', not 'Component'",
                root.display(),
                sub.kustomization.type_meta.kind
            )));
        }
        if !is_component && sub_is_component {
            return Err(Error::new(format!(
                "'{}' is a Component; list it under components, not resources",
                root.display()
            )));
        }
        if is_component {
            // A component works on its parent's accumulator.
            sub.accumulate(ra, diag)
        } else {
            let sub_ra = sub.accumulate(Accumulator::default(), diag)?;
            let mut ra = ra;
            ra.merge(sub_ra)?;
            Ok(ra)
        }
    }

    /// The transformers listed under `transformers:`: inline documents or
    /// files/directories of builtin plugin configs.
    fn external_transformers(
        &self,
        tc: &TransformerConfig,
        diag: &mut Diagnostics,
    ) -> Result<Vec<Box<dyn Transformer>>> {
        let mut configs: Vec<Resource> = Vec::new();
        let mut paths = Vec::new();
        for entry in &self.kustomization.transformers {
            // Like kustomize: an entry that parses as resources is inline.
            match resources_from_bytes(entry.as_bytes()) {
                Ok(rs) if !rs.is_empty() => configs.extend(rs),
                _ => paths.push(entry.clone()),
            }
        }
        let ra = self.accumulate_resources(Accumulator::default(), &paths, diag)?;
        configs.extend(ra.resources.into_resources());
        configs
            .iter()
            .map(|c| transformer_from_config(&c.obj, tc))
            .collect()
    }
}

fn is_remote(path: &str) -> bool {
    path.starts_with("https://")
        || path.starts_with("http://")
        || path.starts_with("git@")
        || path.starts_with("github.com/")
        || path.contains("://")
}
