//! The kustomization file: its schema ([`Kustomization`]) and its strict
//! decoding, with kustomize's warnings for deprecated fields.

mod decode;
mod entries;
pub(crate) use entries::{Embedded, Entries};
pub(crate) mod plugins;
mod spec_path;
mod types;

pub use decode::{
    decode_kustomization_with_warnings, decode_selector, decode_transformer_config, Decoded,
    KUSTOMIZATION_FILE_NAMES,
};
pub(crate) use decode::{decode_plugin_config, decode_plugin_config_v3};
pub(crate) use spec_path::segments;
pub use spec_path::{Segment, SpecPath};
pub use types::*;

#[cfg(test)]
mod oracle_tests;
