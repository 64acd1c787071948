//! Generator plugin configs (`generators:` entries of kind
//! `ConfigMapGenerator` or `SecretGenerator`, `apiVersion: builtin`).
//!
//! kustomize prints the config resource as YAML and decodes it with
//! `sigs.k8s.io/yaml` into the plugin's struct: through JSON, so field names
//! match case-insensitively (of several spellings the last in key order
//! wins), unknown fields are ignored, `null` leaves a field unset, and types
//! are strict: a number is not a string, `"true"` is not a boolean. `name`
//! and `namespace` default to the config's `metadata.name`/`namespace`; the
//! deprecated `env` is read but, unlike in a kustomization, ignored; the
//! kustomization's `generatorOptions` do not apply.

use super::make::Kind;
use crate::error::Result;
use crate::kustomization::plugins::{ConfigMapGeneratorPlugin, SecretGeneratorPlugin};
use crate::kustomization::{decode_plugin_config, GeneratorArgs};
use crate::resource::Resource;

/// Decodes a generator config of builtin `kind` into generator arguments.
pub fn decode(kind: Kind, config: &Resource) -> Result<GeneratorArgs> {
    let (meta, mut args) = match kind {
        Kind::ConfigMap => {
            let p: ConfigMapGeneratorPlugin = decode_plugin_config(&config.obj)?;
            (p.metadata, GeneratorArgs::from(p.args))
        }
        Kind::Secret => {
            let p: SecretGeneratorPlugin = decode_plugin_config(&config.obj)?;
            (p.metadata, GeneratorArgs::from(p.args))
        }
    };
    if args.name.is_empty() {
        args.name = meta.name;
    }
    if args.namespace.is_empty() {
        args.namespace = meta.namespace;
    }
    // Builtin plugins ignore the deprecated `env`.
    args.env.clear();
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, ParseOptions};

    fn res(text: &str) -> Resource {
        let docs = parse_documents(text.as_bytes(), &ParseOptions::default()).unwrap();
        Resource::new(docs[0].value.clone())
    }

    #[test]
    fn fields_and_defaults() {
        let c = res("apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: m\n  namespace: ns\nLiterals: [a=1]\nenv: x.env\noptions:\n  disableNameSuffixHash: true\n  labels: {a: b}\n");
        let a = decode(Kind::ConfigMap, &c).unwrap();
        assert_eq!(a.name, "m");
        assert_eq!(a.namespace, "ns");
        assert_eq!(a.literals, vec!["a=1"]);
        assert!(a.envs.is_empty());
        let o = a.options.unwrap();
        assert_eq!(o.disable_name_suffix_hash, Some(true));
        assert_eq!(o.labels["a"], "b");
    }

    #[test]
    fn top_level_name_wins_over_metadata() {
        let c = res("kind: SecretGenerator\nmetadata:\n  name: m\nNAME: \"0x10\"\ntype: tls\n");
        let a = decode(Kind::Secret, &c).unwrap();
        assert_eq!(a.name, "0x10");
        assert_eq!(a.type_, "tls");
    }

    #[test]
    fn dates_become_rfc3339() {
        // kubectl kustomize names the ConfigMap `2001-12-14T00:00:00Z-<hash>`.
        let c = res("kind: ConfigMapGenerator\nname: 2001-12-14\n");
        assert_eq!(
            decode(Kind::ConfigMap, &c).unwrap().name,
            "2001-12-14T00:00:00Z"
        );
    }

    #[test]
    fn strict_types() {
        for bad in [
            "name: 12\n",
            "literals: [a=1, 12]\n",
            "literals: a=1\n",
            "options:\n  disableNameSuffixHash: \"true\"\n",
            "options:\n  disableNameSuffixHash: yes\n",
            "options:\n  labels:\n    a: 1\n",
            "env: [a]\n",
        ] {
            let c = res(&format!("kind: ConfigMapGenerator\n{bad}"));
            assert!(decode(Kind::ConfigMap, &c).is_err(), "{bad}");
        }
    }

    #[test]
    fn go_json_wording() {
        // The oracle's words (testdata/generators/cases/error-plugin-config-*).
        let go = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
        for (kind, config, error) in [
            (
                Kind::ConfigMap,
                "literals: [a=1, 12]",
                "number into Go struct field ConfigMapGeneratorPlugin.ConfigMapArgs.GeneratorArgs.KvPairSources.literals of type string",
            ),
            (
                Kind::ConfigMap,
                "options:\n  disableNameSuffixHash: \"true\"",
                "string into Go struct field GeneratorOptions.ConfigMapArgs.GeneratorArgs.options.disableNameSuffixHash of type bool",
            ),
            (
                Kind::Secret,
                "files: {a: b}",
                "object into Go struct field SecretGeneratorPlugin.SecretArgs.GeneratorArgs.KvPairSources.files of type []string",
            ),
        ] {
            let c = res(&format!("kind: {}\n{config}\n", kind.generator_kind()));
            let e = decode(kind, &c).unwrap_err();
            assert_eq!(e.message, format!("{go} {error}"), "{config}");
        }
    }
}
