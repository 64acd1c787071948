//! The kustomization file's schema: every field of kustomize v5.8.1's
//! `Kustomization` (and `Component`), deprecated ones included.
//!
//! Each struct is the one description of its Go type: field names follow
//! kustomize's JSON names in snake case, and the serde attributes give the
//! JSON names, embedded (`inline:`) structs and conversions, which the
//! decoder (`decode/engine.rs`) applies with kustomize's coercion rules.
//! Parts that later stages interpret themselves (replacements, helm charts)
//! are checked against their Go types (the private structs at the end) and
//! kept as [`Value`]s.

use super::decode::{generator_args, kept, kept_list, patch_options};
use super::spec_path::SpecPath;
use crate::yaml::Value;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `apiVersion`/`kind` of the file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TypeMeta {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`: `Kustomization` (default) or `Component`.
    pub kind: String,
}

/// A decoded kustomization file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Kustomization {
    /// Where the file and its entries are, for errors (not a field of the
    /// schema: set by the decoder and the loader).
    #[serde(skip)]
    pub entries: super::entries::Entries,
    /// `apiVersion` and `kind`.
    #[serde(rename = "inline:kind,apiVersion")]
    pub type_meta: TypeMeta,
    /// `metadata` (name, namespace, labels, annotations; unused by builds),
    /// checked, kept as a mapping with canonical key names.
    #[serde(deserialize_with = "kept::<ObjectMeta, _>")]
    pub metadata: Option<Value>,
    /// `openapi`: `path` or `version` of the schema for strategic merge.
    pub openapi: IndexMap<String, String>,
    /// `namePrefix`.
    pub name_prefix: String,
    /// `nameSuffix`.
    pub name_suffix: String,
    /// `namespace`.
    pub namespace: String,
    /// `commonLabels` (deprecated in favour of `labels`, but no warning).
    pub common_labels: IndexMap<String, String>,
    /// `labels`.
    pub labels: Vec<Label>,
    /// `commonAnnotations`.
    pub common_annotations: IndexMap<String, String>,
    /// `patchesStrategicMerge` (deprecated): file paths or inline patches.
    pub patches_strategic_merge: Vec<String>,
    /// `patchesJson6902` (deprecated).
    pub patches_json6902: Vec<Patch>,
    /// `patches`.
    pub patches: Vec<Patch>,
    /// `images`.
    pub images: Vec<Image>,
    /// `imageTags` (deprecated; merged into `images`).
    pub image_tags: Vec<Image>,
    /// `replacements`: each `{path}` or `{source, targets, sourceValue}`,
    /// checked against kustomize's `ReplacementField` and kept as a mapping
    /// with canonical key names and JSON-typed scalars.
    #[serde(deserialize_with = "kept_list::<ReplacementField, _>")]
    pub replacements: Vec<Value>,
    /// `replicas`.
    pub replicas: Vec<Replica>,
    /// `vars` (deprecated).
    pub vars: Vec<Var>,
    /// `sortOptions`.
    pub sort_options: Option<SortOptions>,
    /// `resources`.
    pub resources: Vec<String>,
    /// `components`.
    pub components: Vec<String>,
    /// `crds`.
    pub crds: Vec<String>,
    /// `bases` (deprecated; merged into `resources`).
    pub bases: Vec<String>,
    /// `configMapGenerator`.
    #[serde(deserialize_with = "generator_args::<super::plugins::ConfigMapArgs, _>")]
    pub config_map_generator: Vec<GeneratorArgs>,
    /// `secretGenerator`.
    #[serde(deserialize_with = "generator_args::<super::plugins::SecretArgs, _>")]
    pub secret_generator: Vec<GeneratorArgs>,
    /// `helmGlobals` (`chartHome`, `configHome`), checked, kept as a mapping
    /// with canonical key names.
    #[serde(deserialize_with = "kept::<HelmGlobals, _>")]
    pub helm_globals: Option<Value>,
    /// `helmCharts`, each checked against `HelmChart`, kept as a mapping with
    /// canonical key names (`valuesInline` typed the YAML 1.1 way).
    #[serde(deserialize_with = "kept_list::<HelmChart, _>")]
    pub helm_charts: Vec<Value>,
    /// `helmChartInflationGenerator` (deprecated), each checked against
    /// `HelmChartArgs`, kept as a mapping with canonical key names.
    #[serde(deserialize_with = "kept_list::<HelmChartArgs, _>")]
    pub helm_chart_inflation_generator: Vec<Value>,
    /// `generatorOptions`.
    pub generator_options: Option<GeneratorOptions>,
    /// `configurations`: transformer configuration files.
    pub configurations: Vec<String>,
    /// `generators`: files (or inline documents) of generator configs.
    pub generators: Vec<String>,
    /// `transformers`: files (or inline documents) of transformer configs.
    pub transformers: Vec<String>,
    /// `validators`.
    pub validators: Vec<String>,
    /// `inventory`: not a field of kustomize v5.8.1 (it rejects the key), so
    /// never set by the decoder; kept for later versions.
    #[serde(skip)]
    pub inventory: Option<Value>,
    /// `buildMetadata`: `originAnnotations`, `transformerAnnotations`, `managedByLabel`.
    pub build_metadata: Vec<String>,
}

impl Kustomization {
    /// Whether this file declares `kind: Component`.
    pub fn is_component(&self) -> bool {
        self.type_meta.kind == "Component"
    }
}

/// A group/version/kind, each part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Gvk {
    /// API group (`apps`; empty for core).
    pub group: String,
    /// Version (`v1`).
    pub version: String,
    /// Kind (`Deployment`).
    pub kind: String,
}

/// A field spec: where in which kinds a transformer acts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldSpec {
    /// The kinds it applies to (empty parts match anything).
    #[serde(rename = "inline:group,version,kind")]
    pub gvk: Gvk,
    /// Slash-separated path; `[]` marks a list.
    pub path: SpecPath,
    /// Create the field when missing.
    pub create: bool,
}

/// An entry of `labels`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Label {
    /// `pairs`.
    pub pairs: IndexMap<String, String>,
    /// `includeSelectors`.
    pub include_selectors: bool,
    /// `includeTemplates`.
    pub include_templates: bool,
    /// `includeVolumeClaimTemplates`: not a field of kustomize v5.8.1 (it
    /// rejects the key), so always false; kept for later versions.
    #[serde(skip)]
    pub include_volume_claim_templates: bool,
    /// `fields`.
    pub fields: Vec<FieldSpec>,
}

/// An entry of `images`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Image {
    /// `name`: the image to match.
    pub name: String,
    /// `newName`.
    pub new_name: String,
    /// `newTag`.
    pub new_tag: String,
    /// `digest`.
    pub digest: String,
    /// `tagSuffix`.
    pub tag_suffix: String,
}

/// An entry of `replicas`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Replica {
    /// `name`.
    pub name: String,
    /// `count`.
    pub count: i64,
}

/// A resource selector (`target:` of patches, etc.).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Selector {
    /// The embedded `ResId`: group/version/kind, name and namespace
    /// (regular expressions).
    #[serde(rename = "inline:group,version,kind,name,namespace")]
    pub id: ResIdFields,
    /// `labelSelector`.
    pub label_selector: String,
    /// `annotationSelector`.
    pub annotation_selector: String,
}

/// An entry of `patches` or `patchesJson6902`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Patch {
    /// `path`: a file holding the patch.
    pub path: String,
    /// `patch`: the patch inline.
    pub patch: String,
    /// `target`.
    pub target: Option<Selector>,
    /// `options` (`allowNameChange`, `allowKindChange`).
    #[serde(deserialize_with = "patch_options")]
    pub options: IndexMap<String, bool>,
}

/// A reference to an object (in `vars`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(from = "Target")]
pub struct ObjRef {
    /// `apiVersion` (or `group` + `version`).
    pub gvk: Gvk,
    /// `name`.
    pub name: String,
    /// `namespace`.
    pub namespace: String,
}

/// An entry of `vars`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(from = "GoVar")]
pub struct Var {
    /// `name`.
    pub name: String,
    /// `objref`.
    pub obj_ref: ObjRef,
    /// `fieldref.fieldpath` (default `metadata.name`).
    pub field_path: String,
}

/// `sortOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SortOptions {
    /// `order`: `legacy` or `fifo`.
    pub order: String,
    /// `legacySortOptions`, when given (even empty: then its lists are used as they are).
    #[serde(rename = "legacySortOptions")]
    pub legacy: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LegacySortOptions {
    /// `orderFirst`: kinds printed first, in this order.
    pub order_first: Vec<String>,
    /// `orderLast`: kinds printed last, in this order.
    pub order_last: Vec<String>,
}

/// `generatorOptions`, and `options` of one generator.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GeneratorOptions {
    /// `labels`.
    pub labels: IndexMap<String, String>,
    /// `annotations`.
    pub annotations: IndexMap<String, String>,
    /// `disableNameSuffixHash`.
    pub disable_name_suffix_hash: Option<bool>,
    /// `immutable`.
    pub immutable: Option<bool>,
}

/// An entry of `configMapGenerator` or `secretGenerator`, flattened from
/// the Go types it is decoded as (`ConfigMapArgs`, `SecretArgs`: see
/// `plugins.rs`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GeneratorArgs {
    /// `name`.
    pub name: String,
    /// `namespace`.
    pub namespace: String,
    /// `behavior`: `create` (default), `merge` or `replace`.
    pub behavior: String,
    /// `literals`: `KEY=VALUE`.
    pub literals: Vec<String>,
    /// `files`: `path` or `key=path`.
    pub files: Vec<String>,
    /// `envs`, with the deprecated `env` appended.
    pub envs: Vec<String>,
    /// The deprecated `env`: decoding a kustomization appends it to `envs`
    /// and empties it (kustomize's `FixKustomization`).
    pub env: String,
    /// `options`.
    pub options: Option<GeneratorOptions>,
    /// `type` (secrets only).
    pub type_: String,
}

/// An entry of a transformer config's `nameReference` table: objects of
/// this kind are referred to by name at the listed places.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", rename = "NameBackReferences")]
pub struct NameBackReference {
    /// The referenced kind (`group`, `version`, `kind`).
    #[serde(rename = "inline:group,version,kind")]
    pub gvk: Gvk,
    /// `fieldSpecs`: where referrers hold the name.
    pub field_specs: Vec<FieldSpec>,
}

/// A transformer configuration (a `configurations:` file, or kustomize's
/// builtin defaults): for each builtin transformer, the fields it touches.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TransformerConfig {
    /// `namePrefix`.
    pub name_prefix: Vec<FieldSpec>,
    /// `nameSuffix`.
    pub name_suffix: Vec<FieldSpec>,
    /// `namespace`.
    pub namespace: Vec<FieldSpec>,
    /// `commonLabels`.
    pub common_labels: Vec<FieldSpec>,
    /// `labels`.
    pub labels: Vec<FieldSpec>,
    /// `templateLabels`.
    pub template_labels: Vec<FieldSpec>,
    /// `commonAnnotations`.
    pub common_annotations: Vec<FieldSpec>,
    /// `nameReference`.
    pub name_reference: Vec<NameBackReference>,
    /// `varReference`.
    pub var_reference: Vec<FieldSpec>,
    /// `images`.
    pub images: Vec<FieldSpec>,
    /// `replicas`.
    pub replicas: Vec<FieldSpec>,
}

/// `types.Target` (a var's `objref`): `apiVersion` plus an inline Gvk.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Target {
    api_version: String,
    #[serde(rename = "inline:group,version,kind")]
    gvk: Gvk,
    name: String,
    namespace: String,
}

impl From<Target> for ObjRef {
    fn from(t: Target) -> ObjRef {
        let mut gvk = t.gvk;
        // types.Target.GVK(): a non-empty apiVersion overrides group/version.
        match t.api_version.split('/').collect::<Vec<_>>()[..] {
            [""] => {}
            [g, v] => (gvk.group, gvk.version) = (g.to_string(), v.to_string()),
            [v] => gvk.version = v.to_string(),
            _ => {}
        }
        ObjRef {
            gvk,
            name: t.name,
            namespace: t.namespace,
        }
    }
}

/// `types.Var`.
#[derive(Default, Deserialize)]
#[serde(default, rename = "Var")]
struct GoVar {
    name: String,
    objref: Target,
    fieldref: FieldSelector,
}

/// `types.FieldSelector`.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct FieldSelector {
    field_path: String,
}

impl From<GoVar> for Var {
    fn from(v: GoVar) -> Var {
        let field_path = match v.fieldref.field_path {
            p if p.is_empty() => "metadata.name".to_string(),
            p => p,
        };
        Var {
            name: v.name,
            obj_ref: v.objref.into(),
            field_path,
        }
    }
}

/// `types.PatchArgs` (`options` of a patch): only the fields given.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct PatchArgs {
    pub(super) allow_name_change: Option<bool>,
    pub(super) allow_kind_change: Option<bool>,
}

/// `types.ObjectMeta`: a kustomization's `metadata` (checked, then kept),
/// and a plugin config's.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ObjectMeta {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) labels: IndexMap<String, String>,
    pub(crate) annotations: IndexMap<String, String>,
}

/// `types.ReplacementField`: an inline `Replacement` plus `path` (also read
/// for a `Replacement` alone, whose `path` is then not looked at).
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ReplacementField {
    pub(crate) source: Option<SourceSelector>,
    pub(crate) targets: Option<Vec<Option<TargetSelector>>>,
    pub(crate) source_value: Option<String>,
    pub(crate) path: String,
}

/// `types.ResId` as embedded in selectors: an inline Gvk, `name`,
/// `namespace`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename = "ResId")]
pub struct ResIdFields {
    /// group/version/kind.
    #[serde(rename = "inline:group,version,kind")]
    pub gvk: Gvk,
    /// `name`.
    pub name: String,
    /// `namespace`.
    pub namespace: String,
}

/// `types.SourceSelector`: an inline ResId plus `fieldPath` and `options`.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SourceSelector {
    #[serde(rename = "inline:group,version,kind,name,namespace")]
    pub(crate) id: ResIdFields,
    pub(crate) field_path: String,
    pub(crate) options: Option<FieldOptions>,
}

/// `types.TargetSelector`.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct TargetSelector {
    pub(crate) select: Option<Selector>,
    pub(crate) reject: Vec<Option<Selector>>,
    pub(crate) field_paths: Vec<String>,
    pub(crate) options: Option<FieldOptions>,
}

/// `types.FieldOptions`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct FieldOptions {
    pub(crate) delimiter: String,
    pub(crate) index: i64,
    pub(crate) encoding: String,
    pub(crate) create: bool,
}

/// `builtins.ReplacementTransformerPlugin`: its `replacements` list.
#[derive(Default, Deserialize)]
#[serde(default, rename = "builtins.ReplacementTransformerPlugin")]
pub(crate) struct ReplacementTransformerPlugin {
    pub(crate) replacements: Vec<ReplacementField>,
}

/// `types.HelmGlobals`.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
struct HelmGlobals {
    chart_home: String,
    config_home: String,
}

/// `types.HelmChart`.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
struct HelmChart {
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    additional_values_files: Vec<String>,
    values_file: String,
    values_inline: serde_json::Map<String, serde_json::Value>,
    values_merge: String,
    #[serde(rename = "includeCRDs")]
    include_crds: bool,
    skip_hooks: bool,
    api_versions: Vec<String>,
    kube_version: String,
    name_template: String,
    skip_tests: bool,
    debug: bool,
    devel: bool,
}

/// `types.HelmChartArgs` (deprecated `helmChartInflationGenerator`).
#[derive(Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
struct HelmChartArgs {
    chart_name: String,
    chart_version: String,
    chart_repo_url: String,
    chart_home: String,
    chart_repo_name: String,
    helm_bin: String,
    helm_home: String,
    values: String,
    values_local: serde_json::Map<String, serde_json::Value>,
    values_merge: String,
    release_name: String,
    release_namespace: String,
    extra_args: Vec<String>,
}
