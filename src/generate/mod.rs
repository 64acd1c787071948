//! Generators: configMapGenerator, secretGenerator and their plugin
//! configs (plus the builtin IAMPolicyGenerator); absorbing generated
//! resources with create/merge/replace; the content-hash name suffix.
//!
//! A generated resource carries two of kustomize's build annotations: its
//! behaviour, and (unless `disableNameSuffixHash`) the request for a hash
//! suffix. The suffix itself is added once, at the end of the top-level
//! build ([`add_hash_suffixes`]), after every prefix, suffix and patch, and
//! the old name is kept as a previous name so references follow it.
//!
//! kustomize honours the `kustomize.config.k8s.io/needs-hash` and
//! `kustomize.config.k8s.io/behavior` annotations only on what exec and
//! function plugins return; on ordinary resources and builtin generator
//! configs they are plain annotations, and strata treats them so.

mod absorb;
mod hash;
mod iam;
mod kv;
mod make;
mod plugin;
mod reencode;

pub use hash::hash_suffix;
pub use make::{merge_options, Kind};

use crate::error::Result;
use crate::kustomization::{GeneratorArgs, Kustomization};
use crate::load::Loader;
use crate::resource::{NameIndex, ResMap, Resource};

/// What one generator produced, and which builtin kind it is
/// (`ConfigMapGenerator`, `SecretGenerator`), for origin annotations.
pub struct Generated {
    /// The builtin generator kind.
    pub kind: &'static str,
    /// The generated resources.
    pub resources: Vec<Resource>,
}

/// Runs one generator, the kustomization's `generatorOptions` (if any)
/// already merged into its options.
fn run(kind: Kind, args: &GeneratorArgs, ldr: &Loader) -> Result<Generated> {
    let res = make::make(kind, args, ldr)?;
    Ok(Generated {
        kind: kind.generator_kind(),
        resources: vec![res],
    })
}

/// Runs the generators a kustomization's own fields configure
/// (`configMapGenerator`, then `secretGenerator`), reading files through `ldr`.
pub fn kustomization_generators(k: &Kustomization, ldr: &Loader) -> Result<Vec<Generated>> {
    let global = k.generator_options.as_ref();
    let mut out = Vec::new();
    for (kind, field, list) in [
        (
            Kind::ConfigMap,
            "configMapGenerator",
            &k.config_map_generator,
        ),
        (Kind::Secret, "secretGenerator", &k.secret_generator),
    ] {
        for (i, args) in list.iter().enumerate() {
            let mut args = args.clone();
            args.options = merge_options(args.options.as_ref(), global);
            let made = reencode::reencode_args(&args)
                .map_err(|e| e.context(format!("builtin {} marshal", kind.generator_kind())))
                .and_then(|args| run(kind, &args, ldr))
                .map_err(|e| e.entry(format!("{field}[{i}]"), k.entries.at(field, Some(i))))?;
            out.push(made);
        }
    }
    Ok(out)
}

/// Runs a `ConfigMapGenerator` plugin config.
pub fn config_map_from_config(config: &Resource, ldr: &Loader) -> Result<Vec<Resource>> {
    from_config(Kind::ConfigMap, config, ldr)
}

/// Runs a `SecretGenerator` plugin config.
pub fn secret_from_config(config: &Resource, ldr: &Loader) -> Result<Vec<Resource>> {
    from_config(Kind::Secret, config, ldr)
}

/// Runs an `IAMPolicyGenerator` plugin config.
pub fn iam_policy_from_config(config: &Resource, _ldr: &Loader) -> Result<Vec<Resource>> {
    iam::generate(config)
        .map_err(|e| e.context(format!("plugin {} fails configuration", config.org_id())))
}

fn from_config(kind: Kind, config: &Resource, ldr: &Loader) -> Result<Vec<Resource>> {
    let args = plugin::decode(kind, config)
        .and_then(|a| reencode::reencode_args(&a))
        .map_err(|e| e.context(format!("plugin {} fails configuration", config.org_id())))?;
    Ok(run(kind, &args, ldr)?.resources)
}

/// Adds generated resources to `m` following their behavior annotation:
/// create (the id must be new), merge or replace (the id must exist).
/// `index` must list `m`'s resources ([`NameIndex`]); it is kept up to date.
pub fn absorb(m: &mut ResMap, index: &mut NameIndex, generated: Vec<Resource>) -> Result<()> {
    for res in generated {
        absorb::absorb_one(m, index, res).map_err(|e| e.context("merging from generator"))?;
    }
    Ok(())
}

/// Appends the content hash to the names of resources that asked for one
/// (run once, at the end of the top-level build).
pub fn add_hash_suffixes(m: &mut ResMap) -> Result<()> {
    for res in m.resources_mut() {
        if res.needs_hash_suffix() {
            let h = hash_suffix(&res.obj)?;
            res.store_previous_id();
            let name = format!("{}-{h}", res.name());
            res.set_name(&name);
        }
    }
    Ok(())
}
