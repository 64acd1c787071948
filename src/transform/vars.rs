//! The legacy `vars:`: `$(VAR)` references in the varReference fields
//! replaced by values taken from other resources.
//!
//! PLACEHOLDER API: the bodies are being written (issue 4).

use super::fieldspec::TransformerConfig;
use crate::error::{Error, Result};
use crate::kustomization::Var;
use crate::resource::ResMap;

/// Adds one level's vars to those accumulated so far (a name may be declared once).
pub fn merge_vars(acc: &mut Vec<Var>, incoming: &[Var]) -> Result<()> {
    if !incoming.is_empty() {
        return Err(Error::new("vars are not supported yet"));
    }
    let _ = acc;
    Ok(())
}

/// Resolves every var and substitutes `$(NAME)` in the varReference fields
/// (run once, at the end of the top-level build, after name references).
pub fn resolve_vars(_m: &mut ResMap, vars: &[Var], _tc: &TransformerConfig) -> Result<()> {
    if !vars.is_empty() {
        return Err(Error::new("vars are not supported yet"));
    }
    Ok(())
}
