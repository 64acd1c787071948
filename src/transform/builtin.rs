//! Builtin transformers from configuration: the ones a kustomization's own
//! fields configure, in kustomize's order (`transformers:` documents are
//! built by the plugin registry, `src/plugin.rs`).

use super::annotations::AnnotationsTransformer;
use super::fieldspec::TransformerConfig;
use super::images::ImageTagTransformer;
use super::labels::LabelTransformer;
use super::namespace::NamespaceTransformer;
use super::prefix_suffix::NameAffixTransformer;
use super::replicas::ReplicaCountTransformer;
use super::Transformer;
use crate::error::Result;
use crate::kustomization::Kustomization;
use crate::load::Loader;
use crate::resource::ResMap;

/// Transformers run one after the other (kustomize's `MultiTransformer`,
/// which is what `PrefixSuffixTransformer` is).
pub struct Sequence {
    /// The builtin kind the sequence is configured as.
    pub kind: &'static str,
    /// The steps, in order.
    pub steps: Vec<Box<dyn Transformer>>,
}

impl Transformer for Sequence {
    fn builtin_kind(&self) -> &str {
        self.kind
    }

    fn transform(&self, m: &mut ResMap, env: &crate::transform::Env) -> Result<()> {
        self.steps.iter().try_for_each(|t| t.transform(m, env))
    }
}

/// The transformers a kustomization's fields configure, in the order
/// kustomize runs them: patchesStrategicMerge, patches, namespace,
/// namePrefix, nameSuffix, labels then commonLabels, commonAnnotations,
/// patchesJson6902, replicas, images (`imageTags` appended), replacements.
pub fn kustomization_transformers(
    k: &Kustomization,
    tc: &TransformerConfig,
    ldr: &Loader,
) -> Result<Vec<Box<dyn Transformer>>> {
    let mut out: Vec<Box<dyn Transformer>> = super::patch::strategic_merge_transformers(k, ldr)?;
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
    out.extend(super::patch::json6902_transformers(k, ldr)?);
    for r in &k.replicas {
        out.push(Box::new(ReplicaCountTransformer::from_replica(r, tc)));
    }
    for i in k.images.iter().chain(&k.image_tags) {
        out.push(Box::new(ImageTagTransformer::from_image(i, tc)?));
    }
    // Replacements run last.
    if let Some(t) = super::replacements::replacement_transformer(k, ldr)? {
        out.push(t);
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::kustomization::{Image, Patch};

    /// A loader on a scratch directory (for configs that read no files).
    pub(crate) fn ldr() -> Loader {
        let dir = std::env::temp_dir();
        Loader::new(
            std::sync::Arc::new(crate::load::DiskFs),
            &dir,
            crate::load::LoadRestrictor::RootOnly,
        )
        .unwrap()
    }

    #[test]
    fn patches_are_refused() {
        let tc = TransformerConfig::builtin();
        let k = Kustomization {
            patches: vec![Patch::default()],
            ..Kustomization::default()
        };
        // WIP wiring: patches are built now; an empty entry is a config error.
        let e = kustomization_transformers(&k, tc, &ldr()).err().unwrap();
        assert_eq!(e.message, "must specify one of patch and path");
    }

    #[test]
    fn one_transformer_per_configured_field() {
        let tc = TransformerConfig::builtin();
        let k = Kustomization {
            namespace: "ns".into(),
            name_prefix: "p-".into(),
            images: vec![Image {
                name: "a".into(),
                ..Image::default()
            }],
            image_tags: vec![Image {
                name: "b".into(),
                ..Image::default()
            }],
            ..Kustomization::default()
        };
        assert_eq!(kustomization_transformers(&k, tc, &ldr()).unwrap().len(), 4);
        assert!(
            kustomization_transformers(&Kustomization::default(), tc, &ldr())
                .unwrap()
                .is_empty()
        );
    }
}
