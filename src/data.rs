//! Every table kustomize's behaviour depends on, embedded at build time from
//! `data/` (see `data/README.md` for where each comes from). This module
//! owns the embedding; each table is parsed where it is used, once.

/// The builtin field-spec tables of the transformers (kustomize's
/// `builtinpluginconsts`): which fields hold names, labels, images, ...
pub const DEFAULT_FIELD_SPECS: &str = include_str!("../data/default-fieldspecs.yaml");

/// Which resource types are cluster-scoped (kyaml's precomputed table).
pub const NAMESPACE_SCOPE: &str = include_str!("../data/namespace-scope.yaml");

/// The legacy output order of kinds (`--reorder legacy`).
pub const LEGACY_SORT_ORDER: &str = include_str!("../data/legacy-sort-order.yaml");

/// The builtin OpenAPI schema: Kubernetes v1.21.2, as kustomize v5.8.1
/// embeds it (generated from the swagger document by `data/gen-openapi.py`).
pub const OPENAPI_V1_21_2: &[u8] = include_bytes!("../data/openapi-v1.21.2.json");

/// The kustomization API definitions kyaml always adds to a schema.
pub const KUSTOMIZATION_API: &str = include_str!("../data/kustomizationapi.swagger.json");
