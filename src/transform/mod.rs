//! Transformers: each builtin kustomize transformer in a module of its own,
//! all driven by the field-spec tables in [`fieldspec`].

pub mod annotations;
pub mod builtin;
mod common;
pub mod fieldspec;
pub mod hash;
pub mod images;
pub mod labels;
pub mod namereference;
pub mod namespace;
pub mod patch;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;
pub mod valueadd;
pub mod vars;

pub use common::plain_tag;

use crate::error::Result;
use crate::resource::ResMap;

pub use patch::OpenApi;

/// What a transformer may consult of the build it runs in: state kustomize
/// keeps in process globals, held here as data of one build so that builds
/// can run side by side.
#[derive(Debug, Default)]
pub struct Env {
    /// The OpenAPI schema in force (kyaml's global schema choice).
    pub openapi: OpenApi,
}

/// A step that rewrites the resources of a build.
pub trait Transformer: Send + Sync {
    /// Applies the transformation to every resource it selects.
    fn transform(&self, resources: &mut ResMap, env: &Env) -> Result<()>;

    /// The builtin plugin kind this transformer is (`PrefixTransformer`,
    /// ...), named in `buildMetadata: [transformerAnnotations]` output.
    fn builtin_kind(&self) -> &str {
        ""
    }
}
