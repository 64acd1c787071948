//! Replica counts (kustomization `replicas:`, builtin
//! `ReplicaCountTransformer`): sets the count, as an integer, on resources
//! whose current or any previous name matches, through the `replicas` table.
//! An entry that matches no resource is an error.

use super::common::set_scalar;
use super::fieldspec::{apply_spec, CreateKind, TransformerConfig};
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::plugins::ReplicaCountTransformerPlugin;
use crate::kustomization::{decode_plugin_config, FieldSpec, Replica};
use crate::resource::ResMap;
use crate::yaml::{Tag, Value};

/// Sets one resource's replica count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicaCountTransformer {
    /// Name and count.
    pub replica: Replica,
    /// Where the count goes, per kind.
    pub field_specs: Vec<FieldSpec>,
}

impl ReplicaCountTransformer {
    /// The transformer for one `replicas:` entry (the `replicas` table).
    pub fn from_replica(replica: &Replica, tc: &TransformerConfig) -> ReplicaCountTransformer {
        ReplicaCountTransformer {
            replica: replica.clone(),
            field_specs: tc.replicas.clone(),
        }
    }

    /// Decodes a `ReplicaCountTransformer` config: `replica` (`name`,
    /// `count`) and `fieldSpecs`.
    pub fn from_config(doc: &Value) -> Result<ReplicaCountTransformer> {
        let c: ReplicaCountTransformerPlugin = decode_plugin_config(doc)?;
        Ok(ReplicaCountTransformer {
            replica: c.replica,
            field_specs: c.field_specs,
        })
    }
}

impl Transformer for ReplicaCountTransformer {
    fn builtin_kind(&self) -> &str {
        "ReplicaCountTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        let count = self.replica.count.to_string();
        let mut found = false;
        for fs in &self.field_specs {
            for r in m.resources_mut() {
                let matches = r.had_name(&self.replica.name)
                    && r.prev_ids()
                        .into_iter()
                        .chain(std::iter::once(r.cur_id()))
                        .any(|id| id.name == self.replica.name && id.gvk.is_selected_by(&fs.gvk));
                if !matches || super::common::is_nil_or_empty(&r.obj) {
                    continue;
                }
                found = true;
                apply_spec(&mut r.obj, fs, CreateKind::Scalar, &mut |n| {
                    set_scalar(n, &count, Some(Tag::Int))
                })?;
            }
        }
        if !found {
            let gvks: Vec<String> = self.field_specs.iter().map(|f| f.gvk.to_string()).collect();
            return Err(Error::new(format!(
                "resource with name {} does not match a config with the following GVK [{}]",
                self.replica.name,
                gvks.join(" ")
            )));
        }
        Ok(())
    }
}
