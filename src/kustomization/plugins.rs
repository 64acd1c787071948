//! The builtin plugins' configuration types, one struct per Go type
//! (`builtins.<Kind>Plugin` and the `types` structs they embed), decoded by
//! [`decode_plugin_config`](super::decode_plugin_config) (or its go-yaml v3
//! variant) with kustomize's rules. The serde names carry the Go type names
//! the decoder's messages use; `inline:` fields are embedded Go structs.

use super::types::{self, FieldSpec, GeneratorOptions, Image, ObjectMeta, Replica, Selector};
use indexmap::IndexMap;
use serde::Deserialize;

/// `builtins.NamespaceTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.NamespaceTransformerPlugin"
)]
pub(crate) struct NamespaceTransformerPlugin {
    pub(crate) metadata: ObjectMeta,
    pub(crate) field_specs: Vec<FieldSpec>,
    pub(crate) unset_only: bool,
    pub(crate) set_role_binding_subjects: String,
}

/// `builtins.ReplicaCountTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.ReplicaCountTransformerPlugin"
)]
pub(crate) struct ReplicaCountTransformerPlugin {
    pub(crate) replica: Replica,
    pub(crate) field_specs: Vec<FieldSpec>,
}

/// `builtins.AnnotationsTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.AnnotationsTransformerPlugin"
)]
pub(crate) struct AnnotationsTransformerPlugin {
    pub(crate) annotations: IndexMap<String, String>,
    pub(crate) field_specs: Vec<FieldSpec>,
}

/// `builtins.LabelTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.LabelTransformerPlugin"
)]
pub(crate) struct LabelTransformerPlugin {
    pub(crate) labels: IndexMap<String, String>,
    pub(crate) field_specs: Vec<FieldSpec>,
}

/// `builtins.ImageTagTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.ImageTagTransformerPlugin"
)]
pub(crate) struct ImageTagTransformerPlugin {
    pub(crate) image_tag: Image,
    pub(crate) field_specs: Vec<FieldSpec>,
}

/// `builtins.PrefixTransformerPlugin` and `SuffixTransformerPlugin` (read
/// with go-yaml v3): the affix under its own key, and `fieldSpecs`, which
/// must be given (`None` when absent or null).
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.PrefixSuffixTransformerPlugin"
)]
pub(crate) struct AffixTransformerPlugin {
    pub(crate) prefix: String,
    pub(crate) suffix: String,
    pub(crate) field_specs: Option<Vec<FieldSpec>>,
}

/// `builtins.PatchTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.PatchTransformerPlugin"
)]
pub(crate) struct PatchTransformerPlugin {
    pub(crate) path: String,
    pub(crate) patch: String,
    pub(crate) target: Option<Selector>,
    pub(crate) options: IndexMap<String, bool>,
}

/// `builtins.PatchStrategicMergeTransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.PatchStrategicMergeTransformerPlugin"
)]
pub(crate) struct PatchStrategicMergeTransformerPlugin {
    pub(crate) paths: Vec<String>,
    pub(crate) patches: String,
}

/// `builtins.PatchJson6902TransformerPlugin`.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.PatchJson6902TransformerPlugin"
)]
pub(crate) struct PatchJson6902TransformerPlugin {
    pub(crate) target: Option<Selector>,
    pub(crate) path: String,
    pub(crate) json_op: String,
}

/// `builtins.ValueAddTransformerPlugin`'s scalar fields (its `targets` are
/// read by the transformer).
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    rename = "builtins.ValueAddTransformerPlugin"
)]
pub(crate) struct ValueAddTransformerPlugin {
    pub(crate) value: String,
    pub(crate) target_file_path: String,
}

/// `types.KvPairSources`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "KvPairSources")]
pub(crate) struct KvPairSources {
    pub(crate) literals: Vec<String>,
    pub(crate) files: Vec<String>,
    pub(crate) envs: Vec<String>,
    pub(crate) env: String,
}

/// `types.GeneratorArgs`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "GeneratorArgs")]
pub(crate) struct GeneratorArgs {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) behavior: String,
    #[serde(rename = "inline:literals,files,envs,env")]
    pub(crate) kv: KvPairSources,
    pub(crate) options: Option<GeneratorOptions>,
}

/// `types.ConfigMapArgs`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "ConfigMapArgs")]
pub(crate) struct ConfigMapArgs {
    #[serde(rename = "inline:namespace,name,behavior,literals,files,envs,env,options")]
    pub(crate) args: GeneratorArgs,
}

/// `types.SecretArgs`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "SecretArgs")]
pub(crate) struct SecretArgs {
    #[serde(rename = "inline:namespace,name,behavior,literals,files,envs,env,options")]
    pub(crate) args: GeneratorArgs,
    #[serde(rename = "type")]
    pub(crate) type_: String,
}

impl GeneratorArgs {
    /// The flat form the generators take, with a secret's `type`.
    fn flatten(self, type_: String) -> types::GeneratorArgs {
        types::GeneratorArgs {
            name: self.name,
            namespace: self.namespace,
            behavior: self.behavior,
            literals: self.kv.literals,
            files: self.kv.files,
            envs: self.kv.envs,
            env: self.kv.env,
            options: self.options,
            type_,
        }
    }
}

impl From<ConfigMapArgs> for types::GeneratorArgs {
    fn from(a: ConfigMapArgs) -> types::GeneratorArgs {
        a.args.flatten(String::new())
    }
}

impl From<SecretArgs> for types::GeneratorArgs {
    fn from(a: SecretArgs) -> types::GeneratorArgs {
        a.args.flatten(a.type_)
    }
}

/// `builtins.ConfigMapGeneratorPlugin`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "builtins.ConfigMapGeneratorPlugin")]
pub(crate) struct ConfigMapGeneratorPlugin {
    pub(crate) metadata: ObjectMeta,
    #[serde(rename = "inline:namespace,name,behavior,literals,files,envs,env,options")]
    pub(crate) args: ConfigMapArgs,
}

/// `builtins.SecretGeneratorPlugin`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "builtins.SecretGeneratorPlugin")]
pub(crate) struct SecretGeneratorPlugin {
    pub(crate) metadata: ObjectMeta,
    #[serde(rename = "inline:namespace,name,behavior,literals,files,envs,env,options,type")]
    pub(crate) args: SecretArgs,
}

/// `types.KubernetesService` (of an IAM policy generator).
#[derive(Default, Deserialize)]
#[serde(default, rename = "KubernetesService")]
pub(crate) struct KubernetesService {
    pub(crate) namespace: String,
    pub(crate) name: String,
}

/// `types.ServiceAccount` (of an IAM policy generator).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase", rename = "ServiceAccount")]
pub(crate) struct ServiceAccount {
    pub(crate) name: String,
    pub(crate) project_id: String,
}

/// `types.IAMPolicyGeneratorArgs`.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase", rename = "IAMPolicyGeneratorArgs")]
pub(crate) struct IamPolicyGeneratorArgs {
    pub(crate) cloud: String,
    pub(crate) kubernetes_service: KubernetesService,
    pub(crate) service_account: ServiceAccount,
}

/// `builtins.IAMPolicyGeneratorPlugin`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "builtins.IAMPolicyGeneratorPlugin")]
pub(crate) struct IamPolicyGeneratorPlugin {
    #[serde(rename = "inline:cloud,kubernetesService,serviceAccount")]
    pub(crate) args: IamPolicyGeneratorArgs,
}
