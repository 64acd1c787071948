//! kustomize v5.8.1's kustomization schema as [`StructTy`] tables: the JSON
//! field names and Go types of `api/types`, embedded (`,inline`) structs
//! flattened into their parents.

use super::engine::{StructTy, Ty};

/// `types.FieldSpec`: a Gvk plus `path` and `create`.
pub(crate) const FIELD_SPEC: StructTy = StructTy {
    name: "FieldSpec",
    fields: &[
        ("group", Ty::InlineStr),
        ("version", Ty::InlineStr),
        ("kind", Ty::InlineStr),
        ("path", Ty::Str),
        ("create", Ty::Bool),
    ],
};

/// `types.Selector`: a ResId plus label and annotation selectors.
pub(crate) const SELECTOR: StructTy = StructTy {
    name: "Selector",
    fields: &[
        ("group", Ty::Str),
        ("version", Ty::Str),
        ("kind", Ty::Str),
        ("name", Ty::Str),
        ("namespace", Ty::Str),
        ("annotationSelector", Ty::Str),
        ("labelSelector", Ty::Str),
    ],
};

const OBJECT_META: StructTy = StructTy {
    name: "ObjectMeta",
    fields: &[
        ("name", Ty::Str),
        ("namespace", Ty::Str),
        ("labels", Ty::StrMap),
        ("annotations", Ty::StrMap),
    ],
};

const LABEL: StructTy = StructTy {
    name: "Label",
    fields: &[
        ("pairs", Ty::StrMap),
        ("includeSelectors", Ty::Bool),
        ("includeTemplates", Ty::Bool),
        ("fields", Ty::List(&Ty::Struct(&FIELD_SPEC))),
    ],
};

const PATCH_ARGS: StructTy = StructTy {
    name: "PatchArgs",
    fields: &[("allowNameChange", Ty::Bool), ("allowKindChange", Ty::Bool)],
};

const PATCH: StructTy = StructTy {
    name: "Patch",
    fields: &[
        ("path", Ty::Str),
        ("patch", Ty::Str),
        ("target", Ty::Ptr(&SELECTOR)),
        ("options", Ty::Ptr(&PATCH_ARGS)),
    ],
};

const IMAGE: StructTy = StructTy {
    name: "Image",
    fields: &[
        ("name", Ty::Str),
        ("newName", Ty::Str),
        ("tagSuffix", Ty::Str),
        ("newTag", Ty::Str),
        ("digest", Ty::Str),
    ],
};

const FIELD_OPTIONS: StructTy = StructTy {
    name: "FieldOptions",
    fields: &[
        ("delimiter", Ty::Str),
        ("index", Ty::Int),
        ("encoding", Ty::Str),
        ("create", Ty::Bool),
    ],
};

const SOURCE_SELECTOR: StructTy = StructTy {
    name: "SourceSelector",
    fields: &[
        ("group", Ty::Str),
        ("version", Ty::Str),
        ("kind", Ty::Str),
        ("name", Ty::Str),
        ("namespace", Ty::Str),
        ("fieldPath", Ty::Str),
        ("options", Ty::Ptr(&FIELD_OPTIONS)),
    ],
};

const TARGET_SELECTOR: StructTy = StructTy {
    name: "TargetSelector",
    fields: &[
        ("select", Ty::Ptr(&SELECTOR)),
        ("reject", Ty::List(&Ty::Ptr(&SELECTOR))),
        ("fieldPaths", Ty::List(&Ty::Str)),
        ("options", Ty::Ptr(&FIELD_OPTIONS)),
    ],
};

/// `types.ReplacementField`: an inline `Replacement` plus `path`.
const REPLACEMENT_FIELD: StructTy = StructTy {
    name: "ReplacementField",
    fields: &[
        ("source", Ty::Ptr(&SOURCE_SELECTOR)),
        ("targets", Ty::List(&Ty::Ptr(&TARGET_SELECTOR))),
        ("sourceValue", Ty::PtrStr),
        ("path", Ty::Str),
    ],
};

const REPLICA: StructTy = StructTy {
    name: "Replica",
    fields: &[("name", Ty::Str), ("count", Ty::Int)],
};

/// `types.Target` (a var's `objref`): `apiVersion` plus an inline Gvk.
const VAR_TARGET: StructTy = StructTy {
    name: "Target",
    fields: &[
        ("apiVersion", Ty::Str),
        ("group", Ty::Str),
        ("version", Ty::Str),
        ("kind", Ty::Str),
        ("name", Ty::Str),
        ("namespace", Ty::Str),
    ],
};

const FIELD_SELECTOR: StructTy = StructTy {
    name: "FieldSelector",
    fields: &[("fieldPath", Ty::Str)],
};

const VAR: StructTy = StructTy {
    name: "Var",
    fields: &[
        ("name", Ty::Str),
        ("objref", Ty::Struct(&VAR_TARGET)),
        ("fieldref", Ty::Struct(&FIELD_SELECTOR)),
    ],
};

const LEGACY_SORT_OPTIONS: StructTy = StructTy {
    name: "LegacySortOptions",
    fields: &[
        ("orderFirst", Ty::List(&Ty::Str)),
        ("orderLast", Ty::List(&Ty::Str)),
    ],
};

const SORT_OPTIONS: StructTy = StructTy {
    name: "SortOptions",
    fields: &[
        ("order", Ty::Str),
        ("legacySortOptions", Ty::Ptr(&LEGACY_SORT_OPTIONS)),
    ],
};

const GENERATOR_OPTIONS: StructTy = StructTy {
    name: "GeneratorOptions",
    fields: &[
        ("labels", Ty::StrMap),
        ("annotations", Ty::StrMap),
        ("disableNameSuffixHash", Ty::Bool),
        ("immutable", Ty::Bool),
    ],
};

/// `types.ConfigMapArgs`: GeneratorArgs with KvPairSources inlined.
const CONFIG_MAP_ARGS: StructTy = StructTy {
    name: "ConfigMapArgs",
    fields: &[
        ("namespace", Ty::Str),
        ("name", Ty::Str),
        ("behavior", Ty::Str),
        ("literals", Ty::List(&Ty::Str)),
        ("files", Ty::List(&Ty::Str)),
        ("envs", Ty::List(&Ty::Str)),
        ("env", Ty::Str),
        ("options", Ty::Ptr(&GENERATOR_OPTIONS)),
    ],
};

/// `types.SecretArgs`: ConfigMapArgs' fields plus `type`.
const SECRET_ARGS: StructTy = StructTy {
    name: "SecretArgs",
    fields: &[
        ("namespace", Ty::Str),
        ("name", Ty::Str),
        ("behavior", Ty::Str),
        ("literals", Ty::List(&Ty::Str)),
        ("files", Ty::List(&Ty::Str)),
        ("envs", Ty::List(&Ty::Str)),
        ("env", Ty::Str),
        ("options", Ty::Ptr(&GENERATOR_OPTIONS)),
        ("type", Ty::Str),
    ],
};

const HELM_GLOBALS: StructTy = StructTy {
    name: "HelmGlobals",
    fields: &[("chartHome", Ty::Str), ("configHome", Ty::Str)],
};

const HELM_CHART: StructTy = StructTy {
    name: "HelmChart",
    fields: &[
        ("name", Ty::Str),
        ("version", Ty::Str),
        ("repo", Ty::Str),
        ("releaseName", Ty::Str),
        ("namespace", Ty::Str),
        ("additionalValuesFiles", Ty::List(&Ty::Str)),
        ("valuesFile", Ty::Str),
        ("valuesInline", Ty::AnyMap),
        ("valuesMerge", Ty::Str),
        ("includeCRDs", Ty::Bool),
        ("skipHooks", Ty::Bool),
        ("apiVersions", Ty::List(&Ty::Str)),
        ("kubeVersion", Ty::Str),
        ("nameTemplate", Ty::Str),
        ("skipTests", Ty::Bool),
        ("debug", Ty::Bool),
        ("devel", Ty::Bool),
    ],
};

const HELM_CHART_ARGS: StructTy = StructTy {
    name: "HelmChartArgs",
    fields: &[
        ("chartName", Ty::Str),
        ("chartVersion", Ty::Str),
        ("chartRepoUrl", Ty::Str),
        ("chartHome", Ty::Str),
        ("chartRepoName", Ty::Str),
        ("helmBin", Ty::Str),
        ("helmHome", Ty::Str),
        ("values", Ty::Str),
        ("valuesLocal", Ty::AnyMap),
        ("valuesMerge", Ty::Str),
        ("releaseName", Ty::Str),
        ("releaseNamespace", Ty::Str),
        ("extraArgs", Ty::List(&Ty::Str)),
    ],
};

/// `types.Kustomization` (TypeMeta inlined).
pub(crate) const KUSTOMIZATION: StructTy = StructTy {
    name: "Kustomization",
    fields: &[
        ("kind", Ty::Str),
        ("apiVersion", Ty::Str),
        ("metadata", Ty::Ptr(&OBJECT_META)),
        ("openapi", Ty::StrMap),
        ("namePrefix", Ty::Str),
        ("nameSuffix", Ty::Str),
        ("namespace", Ty::Str),
        ("commonLabels", Ty::StrMap),
        ("labels", Ty::List(&Ty::Struct(&LABEL))),
        ("commonAnnotations", Ty::StrMap),
        ("patchesStrategicMerge", Ty::List(&Ty::Str)),
        ("patchesJson6902", Ty::List(&Ty::Struct(&PATCH))),
        ("patches", Ty::List(&Ty::Struct(&PATCH))),
        ("images", Ty::List(&Ty::Struct(&IMAGE))),
        ("imageTags", Ty::List(&Ty::Struct(&IMAGE))),
        ("replacements", Ty::List(&Ty::Struct(&REPLACEMENT_FIELD))),
        ("replicas", Ty::List(&Ty::Struct(&REPLICA))),
        ("vars", Ty::List(&Ty::Struct(&VAR))),
        ("sortOptions", Ty::Ptr(&SORT_OPTIONS)),
        ("resources", Ty::List(&Ty::Str)),
        ("components", Ty::List(&Ty::Str)),
        ("crds", Ty::List(&Ty::Str)),
        ("bases", Ty::List(&Ty::Str)),
        (
            "configMapGenerator",
            Ty::List(&Ty::Struct(&CONFIG_MAP_ARGS)),
        ),
        ("secretGenerator", Ty::List(&Ty::Struct(&SECRET_ARGS))),
        ("helmGlobals", Ty::Ptr(&HELM_GLOBALS)),
        ("helmCharts", Ty::List(&Ty::Struct(&HELM_CHART))),
        (
            "helmChartInflationGenerator",
            Ty::List(&Ty::Struct(&HELM_CHART_ARGS)),
        ),
        ("generatorOptions", Ty::Ptr(&GENERATOR_OPTIONS)),
        ("configurations", Ty::List(&Ty::Str)),
        ("generators", Ty::List(&Ty::Str)),
        ("transformers", Ty::List(&Ty::Str)),
        ("validators", Ty::List(&Ty::Str)),
        ("buildMetadata", Ty::List(&Ty::Str)),
    ],
};

/// `builtinconfig.NameBackReferences`: the referenced kind and where its
/// name is referred to.
pub(crate) const NAME_BACK_REFERENCES: StructTy = StructTy {
    name: "NameBackReferences",
    fields: &[
        ("group", Ty::InlineStr),
        ("version", Ty::InlineStr),
        ("kind", Ty::InlineStr),
        ("fieldSpecs", Ty::List(&Ty::Struct(&FIELD_SPEC))),
    ],
};

/// `builtinconfig.TransformerConfig`: a `configurations:` file.
pub(crate) const TRANSFORMER_CONFIG: StructTy = StructTy {
    name: "TransformerConfig",
    fields: &[
        ("namePrefix", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("nameSuffix", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("namespace", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("commonLabels", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("labels", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("templateLabels", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("commonAnnotations", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        (
            "nameReference",
            Ty::List(&Ty::Struct(&NAME_BACK_REFERENCES)),
        ),
        ("varReference", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("images", Ty::List(&Ty::Struct(&FIELD_SPEC))),
        ("replicas", Ty::List(&Ty::Struct(&FIELD_SPEC))),
    ],
};
