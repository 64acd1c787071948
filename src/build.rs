//! The whole build of one kustomization directory: accumulate, fix name
//! references, drop local configs, sort, label, strip bookkeeping, print.

use crate::accumulate::{Accumulator, Context, Target};
use crate::error::Result;
use crate::load::{DiskFs, FileSystem, LoadRestrictor, Loader};
use crate::output::Output;
use crate::resource::{Resource, LOCAL_CONFIG, ORIGIN, TRANSFORMATIONS};
use crate::transform::namereference::fix_name_references;
use crate::yaml::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kustomize version strata reproduces (used in the managed-by label).
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";

/// The `--reorder` flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reorder {
    /// Not given: legacy order unless the kustomization sets `sortOptions`.
    #[default]
    Unspecified,
    /// `--reorder legacy`.
    Legacy,
    /// `--reorder none`: accumulation order.
    None,
}

/// Options of a build (the `build` command's flags).
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// `--load-restrictor`.
    pub restrictor: LoadRestrictor,
    /// `--reorder`.
    pub reorder: Reorder,
    /// `--enable-managedby-label`.
    pub managed_by_label: bool,
}

/// A build's outcome: its output or the error that stopped it, and the
/// warnings it gave either way (kustomize prints them before the error).
#[derive(Debug)]
pub struct Build {
    /// The output, or why there is none.
    pub result: Result<Output>,
    /// Warnings (deprecated fields, unused vars), in the order they arose.
    pub warnings: Vec<String>,
}

/// Builds the kustomization in directory `dir` of the machine's file system.
pub fn build_dir(dir: &Path, opts: &BuildOptions) -> Build {
    build(Arc::new(DiskFs), dir, opts)
}

/// Builds the kustomization in directory `dir` of `fs`, as `kustomize
/// build` does.
pub fn build(fs: Arc<dyn FileSystem>, dir: &Path, opts: &BuildOptions) -> Build {
    let mut cx = Context::default();
    let result = build_with(fs.clone(), dir, opts, &mut cx)
        .map(|resources| Output { resources })
        .map_err(|mut e| {
            // Errors name files as the file system does (`REV:path` for git).
            if let Some(f) = &e.file {
                e.file = Some(PathBuf::from(fs.display(f)));
            }
            e
        });
    Build {
        result,
        warnings: cx.warnings,
    }
}

/// The build, with the state its levels share in `cx`.
fn build_with(
    fs: Arc<dyn FileSystem>,
    dir: &Path,
    opts: &BuildOptions,
    cx: &mut Context,
) -> Result<Vec<Resource>> {
    let loader = Loader::new(fs, dir, opts.restrictor)?;
    let target = Target::load(loader, cx)?;
    cx.build_metadata = target.kustomization.build_metadata.clone();
    cx.env.openapi.apply(
        &target.kustomization,
        &target.loader,
        true,
        &Default::default(),
    )?;
    let ra = target.accumulate(Accumulator::default(), cx)?;
    let Accumulator {
        mut resources,
        config,
        vars,
    } = ra;
    // The last steps run once, at the top, not at every level.
    crate::generate::add_hash_suffixes(&mut resources)?;
    fix_name_references(&mut resources, &config.name_reference)?;
    let unused = crate::transform::vars::resolve_vars_reporting(&mut resources, &vars, &config)?;
    if !unused.is_empty() {
        cx.warnings.push(format!(
            "well-defined vars that were never replaced: {}",
            unused.join(",")
        ));
    }
    let mut list = resources.into_resources();
    list.retain(|r| matches!(r.annotation(LOCAL_CONFIG), None | Some("false")));

    let k = &target.kustomization;
    if let Some(so) = &k.sort_options {
        if opts.reorder != Reorder::Unspecified {
            cx.warnings.push("Warning: Sorting order is set both in 'kustomization.yaml' ('sortOptions') and in a CLI flag ('--reorder'). Using the kustomization file over the CLI flag.".to_string());
        }
        crate::sort::apply_sort_options(&mut list, Some(so))?;
    } else if opts.reorder != Reorder::None {
        crate::sort::apply_sort_options(&mut list, None)?;
    }
    if opts.managed_by_label || k.build_metadata.iter().any(|b| b == "managedByLabel") {
        let value = format!("kustomize-{KUSTOMIZE_VERSION}");
        for r in &mut list {
            // Set one label, as kustomize's label transformer does, leaving the others untouched.
            let md = r.metadata_mut();
            let labels = md.entry("labels".to_string()).or_insert_with(Value::map);
            if !matches!(labels, Value::Map(_)) {
                *labels = Value::map();
            }
            if let Value::Map(m) = labels {
                m.insert(
                    "app.kubernetes.io/managed-by".into(),
                    Value::string(value.clone()),
                );
            }
        }
    }
    // kustomize rebuilds every resource's annotations here (so `{}` and null
    // annotations vanish and values print as strings), dropping its bookkeeping
    // and the origin annotations not asked for.
    let keep_origin = k.build_metadata.iter().any(|b| b == "originAnnotations");
    let keep_transformations = k
        .build_metadata
        .iter()
        .any(|b| b == "transformerAnnotations");
    for r in &mut list {
        r.remove_build_annotations();
        let mut a = r.annotations();
        if !keep_origin {
            a.shift_remove(ORIGIN);
        }
        if !keep_transformations {
            a.shift_remove(TRANSFORMATIONS);
        }
        r.set_annotations(&a);
    }
    Ok(list)
}
