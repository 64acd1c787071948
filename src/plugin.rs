//! The builtin plugins: the one table from a builtin kind
//! (`apiVersion: builtin`) to what it is, a generator or a transformer, and
//! how one is built from its config. Accumulation asks it for both the
//! `generators:` and the `transformers:` entries; it sits above `generate`
//! and `transform`, which know nothing of each other.

use crate::error::{Error, Result};
use crate::generate;
use crate::load::Loader;
use crate::resource::Resource;
use crate::transform::annotations::AnnotationsTransformer;
use crate::transform::builtin::Sequence;
use crate::transform::images::ImageTagTransformer;
use crate::transform::labels::LabelTransformer;
use crate::transform::namespace::NamespaceTransformer;
use crate::transform::prefix_suffix::{Affix, NameAffixTransformer};
use crate::transform::replicas::ReplicaCountTransformer;
use crate::transform::valueadd::ValueAddTransformer;
use crate::transform::{patch, replacements, Transformer};

/// A generator built from its config, run.
type MakeGenerator = fn(&Resource, &Loader) -> Result<Vec<Resource>>;
/// A transformer built from its config.
type MakeTransformer = fn(&Resource, &Loader) -> Result<Box<dyn Transformer>>;

/// What a builtin kind is.
enum Builtin {
    Generator(MakeGenerator),
    Transformer(MakeTransformer),
}

/// kustomize v5.8.1's builtin plugins.
const BUILTINS: [(&str, Builtin); 18] = [
    (
        "ConfigMapGenerator",
        Builtin::Generator(generate::config_map_from_config),
    ),
    (
        "SecretGenerator",
        Builtin::Generator(generate::secret_from_config),
    ),
    (
        "IAMPolicyGenerator",
        Builtin::Generator(generate::iam_policy_from_config),
    ),
    (
        "HelmChartInflationGenerator",
        Builtin::Generator(|_, _| {
            Err(Error::new(
                "builtin HelmChartInflationGenerator is not supported yet",
            ))
        }),
    ),
    (
        "AnnotationsTransformer",
        Builtin::Transformer(|c, _| configured(c, AnnotationsTransformer::from_config(&c.obj))),
    ),
    (
        "HashTransformer",
        Builtin::Transformer(|_, _| Ok(Box::new(crate::transform::hash::HashTransformer))),
    ),
    (
        "ImageTagTransformer",
        Builtin::Transformer(|c, _| configured(c, ImageTagTransformer::from_config(&c.obj))),
    ),
    (
        "LabelTransformer",
        Builtin::Transformer(|c, _| configured(c, LabelTransformer::from_config(&c.obj))),
    ),
    (
        "NamespaceTransformer",
        Builtin::Transformer(|c, _| configured(c, NamespaceTransformer::from_config(&c.obj))),
    ),
    ("PatchJson6902Transformer", Builtin::Transformer(patch_kind)),
    (
        "PatchStrategicMergeTransformer",
        Builtin::Transformer(patch_kind),
    ),
    ("PatchTransformer", Builtin::Transformer(patch_kind)),
    (
        "PrefixSuffixTransformer",
        Builtin::Transformer(|c, _| {
            let steps = [Affix::Prefix, Affix::Suffix]
                .into_iter()
                .map(|a| {
                    NameAffixTransformer::from_config(a, &c.obj)
                        .map(|t| Box::new(t) as Box<dyn Transformer>)
                })
                .collect::<Result<Vec<_>>>();
            configured(
                c,
                steps.map(|steps| Sequence {
                    kind: "PrefixSuffixTransformer",
                    steps,
                }),
            )
        }),
    ),
    (
        "PrefixTransformer",
        Builtin::Transformer(|c, _| {
            configured(c, NameAffixTransformer::from_config(Affix::Prefix, &c.obj))
        }),
    ),
    (
        "SuffixTransformer",
        Builtin::Transformer(|c, _| {
            configured(c, NameAffixTransformer::from_config(Affix::Suffix, &c.obj))
        }),
    ),
    (
        "ReplicaCountTransformer",
        Builtin::Transformer(|c, _| configured(c, ReplicaCountTransformer::from_config(&c.obj))),
    ),
    (
        "ValueAddTransformer",
        Builtin::Transformer(|c, l| configured(c, ValueAddTransformer::from_config(&c.obj, l))),
    ),
    (
        "ReplacementTransformer",
        Builtin::Transformer(|c, l| {
            replacements::replacement_transformer_from_config(&c.obj, l).map_err(|e| fails(c, e))
        }),
    ),
];

/// kustomize's wording for a config its plugin rejects.
fn fails(c: &Resource, e: Error) -> Error {
    e.context(format!("plugin {} fails configuration", c.org_id()))
}

/// A configured transformer, boxed; its configuration error worded as
/// kustomize's plugin loader words it.
fn configured<T: Transformer + 'static>(
    c: &Resource,
    t: Result<T>,
) -> Result<Box<dyn Transformer>> {
    match t {
        Ok(t) => Ok(Box::new(t)),
        Err(e) => Err(fails(c, e)),
    }
}

/// The patch transformers (they word their own configuration errors).
fn patch_kind(c: &Resource, ldr: &Loader) -> Result<Box<dyn Transformer>> {
    patch::patch_transformer_from_config(&c.obj, ldr)?
        .ok_or_else(|| Error::new(format!("{} is not a patch transformer", c.kind())))
}

/// The builtin a config names: an external plugin (any other apiVersion)
/// or a kind kustomize does not know are kustomize's errors.
fn builtin(c: &Resource) -> Result<&'static Builtin> {
    if c.api_version() != "builtin" {
        return Err(Error::external_plugin(c.api_version(), c.kind()));
    }
    BUILTINS
        .iter()
        .find(|(kind, _)| *kind == c.kind())
        .map(|(_, b)| b)
        .ok_or_else(|| Error::new(format!("unable to load builtin {}", c.gvk())))
}

/// Runs a `generators:` config.
pub(crate) fn generator(config: &Resource, ldr: &Loader) -> Result<Vec<Resource>> {
    match builtin(config)? {
        Builtin::Generator(make) => make(config, ldr),
        Builtin::Transformer(_) => Err(Error::new(format!(
            "plugin {} not a generator",
            config.org_id()
        ))),
    }
}

/// The transformer a `transformers:` config configures; its field specs
/// come from the config alone, as in kustomize.
pub(crate) fn transformer(config: &Resource, ldr: &Loader) -> Result<Box<dyn Transformer>> {
    match builtin(config)? {
        Builtin::Transformer(make) => make(config, ldr),
        Builtin::Generator(_) => Err(Error::new(format!(
            "plugin {} not a transformer",
            config.org_id()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::builtin::tests::ldr;
    use crate::yaml::{parse_documents, ParseOptions};

    fn config(src: &str) -> Resource {
        Resource::new(
            parse_documents(src.as_bytes(), &ParseOptions::default())
                .unwrap()
                .remove(0)
                .value,
        )
    }

    fn transformer_error(src: &str) -> String {
        transformer(&config(src), &ldr()).err().unwrap().message
    }

    #[test]
    fn plugin_configs() {
        let ok = "apiVersion: builtin\nkind: PrefixTransformer\nprefix: a-\nfieldSpecs: []\n";
        assert!(transformer(&config(ok), &ldr()).is_ok());
        let nil = "apiVersion: builtin\nkind: PrefixTransformer\nprefix: a-\n";
        assert!(transformer_error(nil).contains("fieldSpecs is not expected to be nil"));
        let bad = "apiVersion: builtin\nkind: NamespaceTransformer\nsetRoleBindingSubjects: some\n";
        assert!(
            transformer_error(bad).contains("invalid value \"some\" for setRoleBindingSubjects")
        );
        let unknown = "apiVersion: builtin\nkind: FooTransformer\n";
        assert_eq!(
            transformer_error(unknown),
            "unable to load builtin FooTransformer.builtin.[noGrp]"
        );
        let patch = "apiVersion: builtin\nkind: PatchTransformer\n";
        assert_eq!(
            transformer_error(patch),
            "must specify one of patch and path"
        );
        let ext = "apiVersion: example.com/v1\nkind: Foo\n";
        assert!(transformer_error(ext).contains("external plugins disabled"));
        let generator = "apiVersion: builtin\nkind: SecretGenerator\nmetadata: {name: s}\n";
        assert_eq!(
            transformer_error(generator),
            "plugin SecretGenerator.builtin.[noGrp]/s.[noNs] not a transformer"
        );
    }

    #[test]
    fn every_kind_is_one_or_the_other() {
        let l = ldr();
        for (kind, b) in &BUILTINS {
            let c = config(&format!(
                "apiVersion: builtin\nkind: {kind}\nmetadata: {{name: x}}\n"
            ));
            let as_generator = generator(&c, &l).err().map(|e| e.message);
            let as_transformer = transformer(&c, &l).err().map(|e| e.message);
            let not_gen = as_generator.is_some_and(|m| m.ends_with("not a generator"));
            let not_tr = as_transformer.is_some_and(|m| m.ends_with("not a transformer"));
            match b {
                Builtin::Generator(_) => assert!(!not_gen && not_tr, "{kind}"),
                Builtin::Transformer(_) => assert!(not_gen && !not_tr, "{kind}"),
            }
        }
    }
}
