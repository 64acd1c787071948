//! Builtin transformers from configuration: the ones a kustomization's own
//! fields configure, in kustomize's order, and one `transformers:` document
//! of a builtin kind.

use super::annotations::AnnotationsTransformer;
use super::fieldspec::TransformerConfig;
use super::images::ImageTagTransformer;
use super::labels::LabelTransformer;
use super::namespace::NamespaceTransformer;
use super::prefix_suffix::{Affix, NameAffixTransformer};
use super::replicas::ReplicaCountTransformer;
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::load::Loader;
use crate::resource::ResMap;
use crate::yaml::Value;

/// Transformers run one after the other (kustomize's `MultiTransformer`,
/// which is what `PrefixSuffixTransformer` is).
pub struct Sequence(pub Vec<Box<dyn Transformer>>);

impl Transformer for Sequence {
    fn transform(&self, m: &mut ResMap) -> Result<()> {
        self.0.iter().try_for_each(|t| t.transform(m))
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(format!("{what} not supported yet"))
}

/// The transformers a kustomization's fields configure, in the order
/// kustomize runs them: (patchesStrategicMerge, patches), namespace,
/// namePrefix, nameSuffix, labels then commonLabels, commonAnnotations,
/// (patchesJson6902), replicas, images (`imageTags` appended), (replacements).
///
/// The bracketed steps are not implemented here: a kustomization using them
/// gets an error rather than a build that silently skips them.
pub fn kustomization_transformers(
    k: &Kustomization,
    tc: &TransformerConfig,
    _ldr: &Loader,
) -> Result<Vec<Box<dyn Transformer>>> {
    // Slots for the patch transformers, which run first.
    if !k.patches_strategic_merge.is_empty() {
        return Err(unsupported("patchesStrategicMerge"));
    }
    if !k.patches.is_empty() {
        return Err(unsupported("patches"));
    }
    let mut out: Vec<Box<dyn Transformer>> = Vec::new();
    if !k.namespace.is_empty() {
        out.push(Box::new(NamespaceTransformer::from_kustomization(
            &k.namespace,
            tc,
        )));
    }
    if !k.name_prefix.is_empty() {
        out.push(Box::new(NameAffixTransformer::prefix(&k.name_prefix, tc)));
    }
    if !k.name_suffix.is_empty() {
        out.push(Box::new(NameAffixTransformer::suffix(&k.name_suffix, tc)));
    }
    if !k.labels.is_empty() || !k.common_labels.is_empty() {
        for l in &k.labels {
            out.push(Box::new(LabelTransformer::from_label(l, tc)?));
        }
        out.push(Box::new(LabelTransformer::common(&k.common_labels, tc)));
    }
    if !k.common_annotations.is_empty() {
        out.push(Box::new(AnnotationsTransformer::common(
            &k.common_annotations,
            tc,
        )));
    }
    // Slot for patchesJson6902, which runs between annotations and replicas.
    if !k.patches_json6902.is_empty() {
        return Err(unsupported("patchesJson6902"));
    }
    for r in &k.replicas {
        out.push(Box::new(ReplicaCountTransformer::from_replica(r, tc)));
    }
    for i in k.images.iter().chain(&k.image_tags) {
        out.push(Box::new(ImageTagTransformer::from_image(i, tc)?));
    }
    // Slot for replacements, which run last.
    if !k.replacements.is_empty() {
        return Err(unsupported("replacements"));
    }
    Ok(out)
}

/// The transformer one `transformers:` document configures. Only builtin
/// kinds (`apiVersion: builtin`) are known; their field specs come from the
/// document alone, as in kustomize (the tables in `tc` are not consulted).
pub fn transformer_from_config(
    doc: &Value,
    _tc: &TransformerConfig,
    _ldr: &Loader,
) -> Result<Box<dyn Transformer>> {
    let api_version = doc.str_at(&["apiVersion"]).unwrap_or("");
    let kind = doc.str_at(&["kind"]).unwrap_or("");
    if api_version != "builtin" {
        return Err(Error::new(format!(
            "external plugins disabled; unable to load external plugin '{kind}'"
        )));
    }
    let wrap = |e: Error| e.context(format!("configuring builtin {kind}"));
    let t: Box<dyn Transformer> = match kind {
        "NamespaceTransformer" => Box::new(NamespaceTransformer::from_config(doc).map_err(wrap)?),
        "PrefixTransformer" => {
            Box::new(NameAffixTransformer::from_config(Affix::Prefix, doc).map_err(wrap)?)
        }
        "SuffixTransformer" => {
            Box::new(NameAffixTransformer::from_config(Affix::Suffix, doc).map_err(wrap)?)
        }
        "PrefixSuffixTransformer" => Box::new(Sequence(vec![
            Box::new(NameAffixTransformer::from_config(Affix::Prefix, doc).map_err(wrap)?),
            Box::new(NameAffixTransformer::from_config(Affix::Suffix, doc).map_err(wrap)?),
        ])),
        "LabelTransformer" => Box::new(LabelTransformer::from_config(doc).map_err(wrap)?),
        "AnnotationsTransformer" => {
            Box::new(AnnotationsTransformer::from_config(doc).map_err(wrap)?)
        }
        "ImageTagTransformer" => Box::new(ImageTagTransformer::from_config(doc).map_err(wrap)?),
        "ReplicaCountTransformer" => {
            Box::new(ReplicaCountTransformer::from_config(doc).map_err(wrap)?)
        }
        "PatchTransformer"
        | "PatchStrategicMergeTransformer"
        | "PatchJson6902Transformer"
        | "ReplacementTransformer"
        | "HashTransformer" => return Err(unsupported(&format!("builtin {kind}"))),
        _ => {
            return Err(Error::new(format!(
                "unable to load builtin {kind}: not supported yet"
            )))
        }
    };
    Ok(t)
}
