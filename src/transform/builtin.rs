//! PLACEHOLDER until the transformers branch lands.
use super::fieldspec::TransformerConfig;
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::yaml::Value;

/// Placeholder.
pub fn kustomization_transformers(
    _k: &Kustomization,
    _tc: &TransformerConfig,
) -> Result<Vec<Box<dyn Transformer>>> {
    Ok(Vec::new())
}

/// Placeholder.
pub fn transformer_from_config(_doc: &Value, _tc: &TransformerConfig) -> Result<Box<dyn Transformer>> {
    Err(Error::new("not supported yet"))
}
