//! Name prefixes and suffixes (kustomization `namePrefix:`/`nameSuffix:`,
//! builtin `PrefixTransformer`, `SuffixTransformer`, `PrefixSuffixTransformer`).
//!
//! Resources are selected by their original id; renaming `metadata/name`
//! records the affix and the previous id, which the name-reference pass
//! later uses to find what referred to the old name.

use super::common::set_scalar;
use super::fieldspec::{apply_spec, CreateKind, TransformerConfig};
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::plugins::AffixTransformerPlugin;
use crate::kustomization::{decode_plugin_config_v3, FieldSpec, Gvk};
use crate::resource::ResMap;
use crate::yaml::Value;

/// Which end of the name an affix goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affix {
    /// Before the name.
    Prefix,
    /// After the name.
    Suffix,
}

/// Adds a prefix or a suffix to names.
#[derive(Clone, Debug, PartialEq)]
pub struct NameAffixTransformer {
    /// Prefix or suffix.
    pub affix: Affix,
    /// The text to add (an empty one still rewrites the fields, as in kustomize).
    pub text: String,
    /// The fields holding names.
    pub field_specs: Vec<FieldSpec>,
}

/// Kinds whose names never get an affix.
fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || (gvk.group == "apiregistration.k8s.io" && gvk.kind == "APIService")
        || gvk.kind == "Namespace"
}

impl NameAffixTransformer {
    /// The transformer for a kustomization's `namePrefix:`.
    pub fn prefix(prefix: &str, tc: &TransformerConfig) -> NameAffixTransformer {
        NameAffixTransformer {
            affix: Affix::Prefix,
            text: prefix.to_string(),
            field_specs: tc.name_prefix.clone(),
        }
    }

    /// The transformer for a kustomization's `nameSuffix:`.
    pub fn suffix(suffix: &str, tc: &TransformerConfig) -> NameAffixTransformer {
        NameAffixTransformer {
            affix: Affix::Suffix,
            text: suffix.to_string(),
            field_specs: tc.name_suffix.clone(),
        }
    }

    /// Decodes a `PrefixTransformer` (`affix` prefix) or `SuffixTransformer`
    /// config: `prefix`/`suffix` and `fieldSpecs`, which must be given.
    pub fn from_config(affix: Affix, doc: &Value) -> Result<NameAffixTransformer> {
        let c: AffixTransformerPlugin = decode_plugin_config_v3(doc)?;
        let Some(field_specs) = c.field_specs else {
            return Err(Error::new("fieldSpecs is not expected to be nil"));
        };
        Ok(NameAffixTransformer {
            affix,
            text: match affix {
                Affix::Prefix => c.prefix,
                Affix::Suffix => c.suffix,
            },
            field_specs,
        })
    }

    fn set(&self, node: &mut Value) -> Result<()> {
        let old = node.as_scalar_text().unwrap_or("").to_string();
        let new = match self.affix {
            Affix::Prefix => format!("{}{old}", self.text),
            Affix::Suffix => format!("{old}{}", self.text),
        };
        // kyaml sets the new name with an empty tag: typed as a plain scalar.
        set_scalar(node, &new, None)
    }
}

impl Transformer for NameAffixTransformer {
    fn builtin_kind(&self) -> &str {
        match self.affix {
            Affix::Prefix => "PrefixTransformer",
            Affix::Suffix => "SuffixTransformer",
        }
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        for r in m.resources_mut() {
            let id = r.org_id();
            if skipped(&id.gvk) {
                continue;
            }
            for fs in &self.field_specs {
                if !id.gvk.is_selected_by(&fs.gvk) {
                    continue;
                }
                if fs.path == "metadata/name" {
                    match self.affix {
                        Affix::Prefix => r.add_name_prefix(&self.text),
                        Affix::Suffix => r.add_name_suffix(&self.text),
                    }
                    if !self.text.is_empty() {
                        r.store_previous_id();
                    }
                }
                apply_spec(&mut r.obj, fs, CreateKind::Scalar, &mut |n| self.set(n))?;
            }
        }
        Ok(())
    }
}
