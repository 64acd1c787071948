//! Generators: configMapGenerator, secretGenerator and their plugin
//! configs; absorbing generated resources with create/merge/replace; the
//! content-hash name suffix.
//!
//! PLACEHOLDER API: the bodies are being written (issue 3).

use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::load::Loader;
use crate::resource::{ResMap, Resource};

/// What one generator produced, and which builtin kind it is
/// (`ConfigMapGenerator`, `SecretGenerator`), for origin annotations.
pub struct Generated {
    /// The builtin generator kind.
    pub kind: &'static str,
    /// The generated resources.
    pub resources: Vec<Resource>,
}

/// Runs the generators a kustomization's own fields configure
/// (`configMapGenerator`, then `secretGenerator`), reading files through `ldr`.
pub fn kustomization_generators(k: &Kustomization, _ldr: &Loader) -> Result<Vec<Generated>> {
    if !k.config_map_generator.is_empty() || !k.secret_generator.is_empty() {
        return Err(Error::new(
            "configMapGenerator and secretGenerator are not supported yet",
        ));
    }
    Ok(Vec::new())
}

/// Runs one generator plugin config (a `generators:` entry of a builtin
/// kind such as `ConfigMapGenerator`).
pub fn generator_from_config(config: &Resource, _ldr: &Loader) -> Result<Vec<Resource>> {
    Err(Error::new(format!(
        "generator kind '{}' is not supported yet",
        config.kind()
    )))
}

/// Adds generated resources to `m` following their behavior annotation:
/// create (the id must be new), merge or replace (the id must exist).
pub fn absorb(m: &mut ResMap, generated: Vec<Resource>) -> Result<()> {
    m.append_all(generated)
}

/// Appends the content hash to the names of resources that asked for one
/// (run once, at the end of the top-level build).
pub fn add_hash_suffixes(_m: &mut ResMap) -> Result<()> {
    Ok(())
}
