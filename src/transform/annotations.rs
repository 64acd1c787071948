//! Annotations (kustomization `commonAnnotations:`, builtin
//! `AnnotationsTransformer`): like labels, set as strings per the table.

use super::fieldspec::TransformerConfig;
use super::labels::set_pairs;
use super::Transformer;
use crate::error::Result;
use crate::kustomization::plugins::AnnotationsTransformerPlugin;
use crate::kustomization::{decode_plugin_config, FieldSpec};
use crate::resource::ResMap;
use crate::yaml::Value;
use indexmap::IndexMap;

/// Sets annotations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnnotationsTransformer {
    /// The annotations.
    pub annotations: IndexMap<String, String>,
    /// Where to set them.
    pub field_specs: Vec<FieldSpec>,
}

impl AnnotationsTransformer {
    /// The transformer for `commonAnnotations:`.
    pub fn common(
        annotations: &IndexMap<String, String>,
        tc: &TransformerConfig,
    ) -> AnnotationsTransformer {
        AnnotationsTransformer {
            annotations: annotations.clone(),
            field_specs: tc.common_annotations.clone(),
        }
    }

    /// Decodes an `AnnotationsTransformer` config: `annotations`, `fieldSpecs`.
    pub fn from_config(doc: &Value) -> Result<AnnotationsTransformer> {
        let c: AnnotationsTransformerPlugin = decode_plugin_config(doc)?;
        Ok(AnnotationsTransformer {
            annotations: c.annotations,
            field_specs: c.field_specs,
        })
    }
}

impl Transformer for AnnotationsTransformer {
    fn builtin_kind(&self) -> &str {
        "AnnotationsTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        set_pairs(m, &self.annotations, &self.field_specs)
    }
}
