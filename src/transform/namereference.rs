//! PLACEHOLDER until the transformers branch lands.
use super::fieldspec::NameBackRef;
use crate::error::Result;
use crate::resource::ResMap;

/// Placeholder.
pub fn fix_name_references(_m: &mut ResMap, _b: &[NameBackRef]) -> Result<()> {
    Ok(())
}
