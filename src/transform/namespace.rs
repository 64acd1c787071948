//! The namespace transformer (kustomization `namespace:`, builtin
//! `NamespaceTransformer`).
//!
//! Sets `metadata.namespace` on every kind the scope table does not know as
//! cluster-scoped, the namespace table's other fields, and the namespace of
//! (Cluster)RoleBinding subjects according to `setRoleBindingSubjects`.

use super::common::{compact_json, is_nil_or_empty, set_scalar, wrong_kind};
use super::fieldspec::{apply_spec, CreateKind, TransformerConfig};
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::plugins::NamespaceTransformerPlugin;
use crate::kustomization::{decode_plugin_config, FieldSpec, Gvk};
use crate::resource::ResMap;
use crate::yaml::{Tag, Value};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Which RoleBinding/ClusterRoleBinding subjects get the namespace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SubjectMode {
    /// Subjects named `default` (kustomize's default).
    #[default]
    DefaultOnly,
    /// Every subject of kind ServiceAccount.
    AllServiceAccounts,
    /// None.
    None,
}

/// kustomize's annotation marking resources a helm chart generated; the
/// namespace transformer leaves those alone.
const HELM_GENERATED: &str = "internal.config.kubernetes.io/helm-generated";

/// Sets namespaces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NamespaceTransformer {
    /// The namespace to set; empty means do nothing.
    pub namespace: String,
    /// Where, besides `metadata.namespace`.
    pub field_specs: Vec<FieldSpec>,
    /// Only set fields that are empty.
    pub unset_only: bool,
    /// RoleBinding subjects handling.
    pub subjects: SubjectMode,
}

impl NamespaceTransformer {
    /// The transformer a kustomization's `namespace:` configures.
    pub fn from_kustomization(namespace: &str, tc: &TransformerConfig) -> NamespaceTransformer {
        NamespaceTransformer {
            namespace: namespace.to_string(),
            field_specs: tc.namespace.clone(),
            unset_only: false,
            subjects: SubjectMode::DefaultOnly,
        }
    }

    /// Decodes a `NamespaceTransformer` plugin config: `metadata.namespace`,
    /// `fieldSpecs`, `unsetOnly`, `setRoleBindingSubjects`.
    pub fn from_config(doc: &Value) -> Result<NamespaceTransformer> {
        let c: NamespaceTransformerPlugin = decode_plugin_config(doc)
            .map_err(|e| e.context("unmarshalling NamespaceTransformer config"))?;
        let mut t = NamespaceTransformer {
            namespace: c.metadata.namespace,
            field_specs: c.field_specs,
            unset_only: c.unset_only,
            subjects: SubjectMode::DefaultOnly,
        };
        let mode = c.set_role_binding_subjects;
        t.subjects = match mode.as_str() {
            "" | "defaultOnly" => SubjectMode::DefaultOnly,
            "allServiceAccounts" => SubjectMode::AllServiceAccounts,
            "none" => SubjectMode::None,
            other => {
                return Err(Error::new(format!(
                    "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \
                     \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                )))
            }
        };
        Ok(t)
    }

    /// kyaml's setter for this transformer: replace the scalar, or with
    /// `unsetOnly` only when it is empty.
    fn set(&self, node: &mut Value) -> Result<()> {
        if self.unset_only && has_value(node) {
            return Ok(());
        }
        set_scalar(node, &self.namespace, Some(Tag::Str))
    }

    /// The namespace filter on one object.
    pub(crate) fn filter(&self, obj: &mut Value) -> Result<()> {
        let api_version = obj.str_at(&["apiVersion"]).unwrap_or("").to_string();
        let kind = obj.str_at(&["kind"]).unwrap_or("").to_string();
        // metadata/namespace is handled below for every namespaced kind, and
        // metadata/name (the Namespace kind's own name) only for core v1.
        let mut specs: Vec<&FieldSpec> = self
            .field_specs
            .iter()
            .filter(|fs| {
                fs.path != "metadata/namespace"
                    && (api_version == "v1" || fs.path != "metadata/name")
            })
            .collect();
        let gvk = Gvk::from_api_version(&api_version, &kind);
        if !gvk.is_cluster_scoped() {
            // Made once: a spec's path is split when it is made.
            static META: LazyLock<FieldSpec> = LazyLock::new(|| FieldSpec {
                gvk: Gvk::default(),
                path: "metadata/namespace".into(),
                create: true,
            });
            apply_spec(obj, &META, CreateKind::Scalar, &mut |n| self.set(n))?;
        }
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            specs.retain(|fs| {
                !((fs.gvk.kind == "RoleBinding" || fs.gvk.kind == "ClusterRoleBinding")
                    && fs.path == "subjects/namespace")
            });
            self.role_binding_subjects(obj)
                .map_err(|e| e.context("setting namespace on (cluster)role binding subjects"))?;
        }
        for fs in specs {
            apply_spec(obj, fs, CreateKind::Scalar, &mut |n| self.set(n)).map_err(|e| {
                if e.message.starts_with("wrong node kind") {
                    e.context("namespace field specs must target scalar nodes")
                } else {
                    e.context("namespace transformation failed")
                }
            })?;
        }
        Ok(())
    }

    fn role_binding_subjects(&self, obj: &mut Value) -> Result<()> {
        if self.subjects == SubjectMode::None {
            return Ok(());
        }
        let Some(subjects) = obj.get_mut("subjects") else {
            return Ok(());
        };
        if subjects.is_null() {
            return Ok(());
        }
        let Value::Seq(items) = subjects else {
            return Err(wrong_kind("SequenceNode", subjects));
        };
        for s in items {
            let (field, wanted) = match self.subjects {
                SubjectMode::AllServiceAccounts => ("kind", "ServiceAccount"),
                _ => ("name", "default"),
            };
            let matched = match &*s {
                v if v.is_null() => false,
                Value::Map(m) => match m.get(field) {
                    Some(Value::Scalar(x)) => x.text == wanted,
                    Some(v) if !v.is_null() => return Err(wrong_kind("ScalarNode", v)),
                    _ => false,
                },
                v => return Err(wrong_kind("MappingNode", v)),
            };
            if !matched {
                continue;
            }
            let m = s.as_map_mut().expect("checked mapping");
            let ns = m
                .entry("namespace".to_string())
                .or_insert_with(|| Value::string(""));
            self.set(ns)?;
        }
        Ok(())
    }
}

/// kustomize's `hasExistingValue` for a scalar target.
fn has_value(node: &Value) -> bool {
    match node {
        Value::Scalar(s) => !node.is_null() && !s.text.is_empty(),
        Value::Map(m) => m
            .get("")
            .and_then(Value::as_scalar_text)
            .is_some_and(|t| !t.is_empty()),
        Value::Seq(_) => false,
    }
}

impl Transformer for NamespaceTransformer {
    fn builtin_kind(&self) -> &str {
        "NamespaceTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        if self.namespace.is_empty() {
            return Ok(());
        }
        // Current ids, counted, kept up to date as resources move: each
        // moved resource must be alone with its new id.
        let mut keys: Vec<_> = m
            .resources()
            .iter()
            .map(|r| r.cur_id().into_key())
            .collect();
        let mut counts: HashMap<_, usize, foldhash::fast::RandomState> = HashMap::default();
        for k in &keys {
            *counts.entry(k.clone()).or_default() += 1;
        }
        for (i, slot) in keys.iter_mut().enumerate() {
            let r = &mut m.resources_mut()[i];
            if is_nil_or_empty(&r.obj) || r.annotation(HELM_GENERATED) == Some("true") {
                continue;
            }
            r.store_previous_id();
            self.filter(&mut r.obj)?;
            let id = r.cur_id();
            let key = id.key();
            if key != *slot {
                if let Some(c) = counts.get_mut(slot) {
                    *c -= 1;
                }
                *counts.entry(key.clone()).or_default() += 1;
                *slot = key.clone();
            }
            if counts[&key] != 1 {
                let objs: Vec<String> = m
                    .find_by_cur_id(&id)
                    .iter()
                    .map(|&j| compact_json(&m.resources()[j].obj))
                    .collect();
                return Err(Error::new(format!(
                    "namespace transformation produces ID conflict: [{}]",
                    objs.join(" ")
                )));
            }
        }
        Ok(())
    }
}
