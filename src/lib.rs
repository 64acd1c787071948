//! strata: a Git-native, kustomize-compatible manifest renderer.
//!
//! [`build`] renders a kustomization directory exactly as `kustomize build`
//! (v5.8.1) does, reading every file through a [`FileSystem`]: the machine's
//! disk ([`DiskFs`]), a tree held in memory ([`MemFs`]), or a git tree.
//!
//! ```
//! use std::{path::Path, sync::Arc};
//! use strata::{build, BuildOptions, MemFs};
//!
//! let mut fs = MemFs::new();
//! fs.add_file("/app/kustomization.yaml", "namePrefix: dev-\nresources: [cm.yaml]\n");
//! fs.add_file("/app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n");
//! let done = build(Arc::new(fs), Path::new("/app"), &BuildOptions::default());
//! assert!(done.warnings.is_empty());
//! let out = done.result?;
//! assert_eq!(out.to_yaml()?, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dev-cfg\n");
//! assert_eq!(out.file_names(), ["v1_configmap_dev-cfg.yaml"]);
//! # Ok::<(), strata::Error>(())
//! ```
//!
//! The layers, data flowing one way: [`yaml`] (the value model, the parser
//! and go-yaml's output style; it knows nothing of kustomize) → the engine
//! (load, kustomization, accumulate, generate, transform, sort) → the
//! command line, in the binary.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accumulate;
mod build;
mod data;
mod error;
mod generate;
mod git;
mod kustomization;
mod load;
mod output;
mod plugin;
mod resource;
mod sort;
mod transform;
pub mod yaml;

pub use build::{
    build, build_dir, build_many, Build, BuildOptions, Reorder, RunCache, RunStats,
    KUSTOMIZE_VERSION,
};
pub use error::{Error, ErrorKind, Frame, Location, Result};
pub use git::affected::{affected, affected_with, AffectedReport, Reason, Shard};
pub use git::diff::{
    diff_envs, diff_outputs, diff_sides, work_tree_side, Change, DiffOptions, EnvDiff, Report,
    ResourceChange, ResourceId, Side,
};
pub use git::envs::{environments, Environment, Environments, InTree};
pub use git::hydrate::{
    check, check_with, hydrate, push as push_branches, BranchUpdate, CheckOptions, CheckReport,
    HydrateOptions, HydrateReport, Identity, Layout,
};
pub use git::record::Recording;
pub use git::remote::{RemoteCache, RepoSpec};
pub use git::{work_tree_top, GitFs};
pub use load::{
    ContentId, DiskFs, EntryKind, FileSystem, LoadRestrictor, MemFs, RemoteResolver, RemoteRoot,
};
pub use output::{Document, Output};
