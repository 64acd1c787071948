//! strata: a Git-native, kustomize-compatible manifest renderer.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`load`] (filesystem or git tree) → [`kustomization`] (schema) →
//! accumulate (resources, bases, components) → generators → transformers →
//! sort → [`yaml`] (emit).

pub mod accumulate;
pub mod build;
pub mod cli;
pub mod error;
pub mod generate;
pub mod kustomization;
pub mod load;
pub mod resource;
pub mod sort;
pub mod transform;
pub mod yaml;

pub use error::{Error, Result};
