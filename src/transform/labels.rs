//! Labels (kustomization `labels:` and `commonLabels:`, builtin
//! `LabelTransformer`): each pair is set as a string in every field the
//! specs name, creating mappings where a spec says `create`.

use super::common::set_entry;
use super::fieldspec::{apply_spec_at, merge_specs, CreateKind, TransformerConfig};
use super::Transformer;
use crate::error::Result;
use crate::kustomization::plugins::LabelTransformerPlugin;
use crate::kustomization::{decode_plugin_config, FieldSpec, Label};
use crate::resource::shared::{write_through, SharedScalar, Step};
use crate::resource::ResMap;
use crate::yaml::Value;
use indexmap::IndexMap;

/// Sets labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelTransformer {
    /// The labels.
    pub labels: IndexMap<String, String>,
    /// Where to set them.
    pub field_specs: Vec<FieldSpec>,
}

impl LabelTransformer {
    /// The transformer for one `labels:` entry. Its own `fields` come first,
    /// then the `labels` table; `includeSelectors` adds the `commonLabels`
    /// table, otherwise `includeTemplates` adds `templateLabels` and
    /// `metadata/labels` is always created.
    pub fn from_label(label: &Label, tc: &TransformerConfig) -> Result<LabelTransformer> {
        // kustomize's FsSlice merge only says "conflicting fieldspecs".
        let merge = |a: Vec<FieldSpec>, b: &[FieldSpec], what: &str| {
            merge_specs(a, b)
                .map_err(|_| crate::Error::new("conflicting fieldspecs").context(what.to_string()))
        };
        let labels_err = "failed to merge labels";
        let mut fss = merge(label.fields.clone(), &tc.labels, labels_err)?;
        if label.include_selectors {
            fss = merge(fss, &tc.common_labels, labels_err)?;
        } else {
            if label.include_templates {
                fss = merge(
                    fss,
                    &tc.template_labels,
                    "failed to merge template fieldSpec",
                )?;
            }
            let meta = FieldSpec {
                path: "metadata/labels".into(),
                create: true,
                ..FieldSpec::default()
            };
            fss = merge(fss, &[meta], labels_err)?;
        }
        Ok(LabelTransformer {
            labels: label.pairs.clone(),
            field_specs: fss,
        })
    }

    /// The transformer for `commonLabels:` (the `commonLabels` table).
    pub fn common(labels: &IndexMap<String, String>, tc: &TransformerConfig) -> LabelTransformer {
        LabelTransformer {
            labels: labels.clone(),
            field_specs: tc.common_labels.clone(),
        }
    }

    /// Decodes a `LabelTransformer` config: `labels`, `fieldSpecs`.
    pub fn from_config(doc: &Value) -> Result<LabelTransformer> {
        let c: LabelTransformerPlugin = decode_plugin_config(doc)?;
        Ok(LabelTransformer {
            labels: c.labels,
            field_specs: c.field_specs,
        })
    }
}

/// Sets each pair, in key order, through every spec (shared with annotations).
pub(crate) fn set_pairs(
    m: &mut ResMap,
    pairs: &IndexMap<String, String>,
    specs: &[FieldSpec],
) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&String> = pairs.keys().collect();
    keys.sort();
    for r in m.resources_mut() {
        for k in &keys {
            let text = &pairs[*k];
            // Where the key was added (one shared node) and where it was
            // overwritten in place (see `resource::shared`).
            let (mut added, mut overwritten) = (Vec::new(), Vec::new());
            for fs in specs {
                apply_spec_at(&mut r.obj, fs, CreateKind::Map, &mut |n, at| {
                    let existed = n.get(k).is_some();
                    set_entry(n, k, text)?;
                    if n.as_map().is_some() {
                        let mut p = at.to_vec();
                        p.push(Step::Key(k.to_string()));
                        if existed {
                            overwritten.push(p);
                        } else {
                            added.push(p);
                        }
                    }
                    Ok(())
                })?;
            }
            let value = Value::string(text.as_str());
            for p in &overwritten {
                write_through(&mut r.obj, &mut r.shared, p, &value);
            }
            // An added location held nothing before: any group naming it is stale.
            for g in &mut r.shared {
                g.paths.retain(|p| !added.contains(p));
            }
            r.shared.retain(|g| g.paths.len() > 1);
            if added.len() > 1 {
                r.shared.push(SharedScalar {
                    paths: added,
                    value,
                });
            }
        }
    }
    Ok(())
}

impl Transformer for LabelTransformer {
    fn builtin_kind(&self) -> &str {
        "LabelTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        set_pairs(m, &self.labels, &self.field_specs)
    }
}
