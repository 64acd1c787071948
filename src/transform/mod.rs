//! Transformers: each builtin kustomize transformer in a module of its own,
//! all driven by the field-spec tables in [`fieldspec`].

pub mod builtin;
pub mod fieldspec;
pub mod namereference;

use crate::error::Result;
use crate::resource::ResMap;

/// A step that rewrites the resources of a build.
pub trait Transformer: Send + Sync {
    /// Applies the transformation to every resource it selects.
    fn transform(&self, resources: &mut ResMap) -> Result<()>;

    /// The builtin plugin kind this transformer is (`PrefixTransformer`,
    /// ...), named in `buildMetadata: [transformerAnnotations]` output.
    fn builtin_kind(&self) -> &str {
        ""
    }
}
