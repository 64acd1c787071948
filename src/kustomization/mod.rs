//! The kustomization file: its schema ([`Kustomization`]) and its strict
//! decoding, with kustomize's warnings for deprecated fields.

mod decode;
mod types;

pub use decode::{decode_kustomization, Decoded, KUSTOMIZATION_FILE_NAMES};
pub use types::*;
