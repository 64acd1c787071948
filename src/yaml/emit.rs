//! The emitter: prints [`Value`]s exactly as kustomize does (JSON hop, then
//! go-yaml v2's block style). The rules are in docs/output-format.md.

use super::Value;

/// A value kustomize cannot print (it fails the build the same way).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EmitError(pub String);

/// Appends one document (no `---` separator) to `out`.
pub fn emit_document(_value: &Value, _out: &mut String) -> Result<(), EmitError> {
    Err(EmitError("YAML emitting not implemented yet".into()))
}

/// Prints a stream of documents separated by `---\n`, as `kustomize build` does.
pub fn emit_stream<'a>(docs: impl IntoIterator<Item = &'a Value>) -> Result<String, EmitError> {
    let mut out = String::new();
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_document(doc, &mut out)?;
    }
    Ok(out)
}
