//! The kustomization file's schema: every field of kustomize v5.8.1's
//! `Kustomization` (and `Component`), deprecated ones included.
//!
//! Field names follow kustomize's JSON names in snake case. Parts that later
//! stages interpret themselves (replacements, helm charts) stay as raw
//! [`Value`]s after their shape has been checked.

use crate::yaml::Value;
use indexmap::IndexMap;

/// `apiVersion`/`kind` of the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeMeta {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`: `Kustomization` (default) or `Component`.
    pub kind: String,
}

/// A decoded kustomization file.
#[derive(Clone, Debug, Default)]
pub struct Kustomization {
    /// `apiVersion` and `kind`.
    pub type_meta: TypeMeta,
    /// `metadata` (name, namespace, labels, annotations; unused by builds),
    /// checked, kept as a mapping with canonical key names.
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
    pub config_map_generator: Vec<GeneratorArgs>,
    /// `secretGenerator`.
    pub secret_generator: Vec<GeneratorArgs>,
    /// `helmGlobals` (`chartHome`, `configHome`), checked, kept as a mapping
    /// with canonical key names.
    pub helm_globals: Option<Value>,
    /// `helmCharts`, each checked against `HelmChart`, kept as a mapping with
    /// canonical key names (`valuesInline` typed the YAML 1.1 way).
    pub helm_charts: Vec<Value>,
    /// `helmChartInflationGenerator` (deprecated), each checked against
    /// `HelmChartArgs`, kept as a mapping with canonical key names.
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gvk {
    /// API group (`apps`; empty for core).
    pub group: String,
    /// Version (`v1`).
    pub version: String,
    /// Kind (`Deployment`).
    pub kind: String,
}

/// A field spec: where in which kinds a transformer acts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// The kinds it applies to (empty parts match anything).
    pub gvk: Gvk,
    /// Slash-separated path; `[]` marks a list.
    pub path: String,
    /// Create the field when missing.
    pub create: bool,
}

/// An entry of `labels`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Label {
    /// `pairs`.
    pub pairs: IndexMap<String, String>,
    /// `includeSelectors`.
    pub include_selectors: bool,
    /// `includeTemplates`.
    pub include_templates: bool,
    /// `includeVolumeClaimTemplates`: not a field of kustomize v5.8.1 (it
    /// rejects the key), so always false; kept for later versions.
    pub include_volume_claim_templates: bool,
    /// `fields`.
    pub fields: Vec<FieldSpec>,
}

/// An entry of `images`.
#[derive(Clone, Debug, Default, PartialEq)]
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replica {
    /// `name`.
    pub name: String,
    /// `count`.
    pub count: i64,
}

/// A resource selector (`target:` of patches, etc.).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    /// group/version/kind (regular expressions).
    pub gvk: Gvk,
    /// `name` (regular expression).
    pub name: String,
    /// `namespace` (regular expression).
    pub namespace: String,
    /// `labelSelector`.
    pub label_selector: String,
    /// `annotationSelector`.
    pub annotation_selector: String,
}

/// An entry of `patches` or `patchesJson6902`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Patch {
    /// `path`: a file holding the patch.
    pub path: String,
    /// `patch`: the patch inline.
    pub patch: String,
    /// `target`.
    pub target: Option<Selector>,
    /// `options` (`allowNameChange`, `allowKindChange`).
    pub options: IndexMap<String, bool>,
}

/// A reference to an object (in `vars`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjRef {
    /// `apiVersion` (or `group` + `version`).
    pub gvk: Gvk,
    /// `name`.
    pub name: String,
    /// `namespace`.
    pub namespace: String,
}

/// An entry of `vars`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Var {
    /// `name`.
    pub name: String,
    /// `objref`.
    pub obj_ref: ObjRef,
    /// `fieldref.fieldpath` (default `metadata.name`).
    pub field_path: String,
}

/// `sortOptions`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SortOptions {
    /// `order`: `legacy` or `fifo`.
    pub order: String,
    /// `legacySortOptions`, when given (even empty: then its lists are used as they are).
    pub legacy: Option<LegacySortOptions>,
}

/// `sortOptions.legacySortOptions`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegacySortOptions {
    /// `orderFirst`: kinds printed first, in this order.
    pub order_first: Vec<String>,
    /// `orderLast`: kinds printed last, in this order.
    pub order_last: Vec<String>,
}

/// `generatorOptions`, and `options` of one generator.
#[derive(Clone, Debug, Default, PartialEq)]
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

/// An entry of `configMapGenerator` or `secretGenerator`.
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
    /// `options`.
    pub options: Option<GeneratorOptions>,
    /// `type` (secrets only).
    pub type_: String,
}

/// An entry of a transformer config's `nameReference` table: objects of
/// this kind are referred to by name at the listed places.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NameBackReference {
    /// The referenced kind (`group`, `version`, `kind`).
    pub gvk: Gvk,
    /// `fieldSpecs`: where referrers hold the name.
    pub field_specs: Vec<FieldSpec>,
}

/// A transformer configuration (a `configurations:` file, or kustomize's
/// builtin defaults): for each builtin transformer, the fields it touches.
#[derive(Clone, Debug, Default, PartialEq)]
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
