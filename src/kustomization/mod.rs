//! The kustomization file: its schema ([`Kustomization`]) and its strict
//! decoding, with kustomize's warnings for deprecated fields.

mod decode;
pub(crate) mod plugins;
mod types;

pub use decode::{
    decode_field_specs, decode_kustomization, decode_kustomization_value,
    decode_kustomization_with_warnings, decode_selector, decode_transformer_config, Decoded,
    COMPONENT_API_VERSION, KUSTOMIZATION_API_VERSION, KUSTOMIZATION_FILE_NAMES,
};
pub(crate) use decode::{decode_plugin_config, decode_plugin_config_v3};
pub use types::*;
