//! The builtin `HashTransformer` as a `transformers:` config: the generators'
//! content-hash step, on the resources at that point of the build. Its
//! config has no fields.

use super::{Env, Transformer};
use crate::error::Result;
use crate::generate::add_hash_suffixes;
use crate::resource::ResMap;

/// Appends the content hash to the names of resources that asked for one.
pub struct HashTransformer;

impl Transformer for HashTransformer {
    fn transform(&self, resources: &mut ResMap, _env: &Env) -> Result<()> {
        add_hash_suffixes(resources)
    }

    fn builtin_kind(&self) -> &str {
        "HashTransformer"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{ResMap, Resource};
    use crate::transform::Transformer;
    use crate::yaml::{parse_documents, ParseOptions};

    fn resources(text: &str) -> ResMap {
        parse_documents(text.as_bytes(), &ParseOptions::default())
            .unwrap()
            .into_iter()
            .map(|d| Resource::new(d.value))
            .collect()
    }

    #[test]
    fn hash_step_renames_only_what_asked_and_keeps_the_old_name() {
        let mut m = resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gen\n  annotations:\n    \
             internal.config.kubernetes.io/needsHashSuffix: enabled\n",
        );
        HashTransformer
            .transform(&mut m, &Default::default())
            .unwrap();
        let r = m.resources();
        assert_eq!(r[0].name(), "plain");
        // The empty ConfigMap's suffix, as kubectl kustomize prints it.
        assert_eq!(r[1].name(), "gen-6ct58987ht");
        assert_eq!(r[1].prev_ids()[0].name, "gen");
    }
}
