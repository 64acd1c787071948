//! Resources: identity ([`ResId`]), one object with kustomize's bookkeeping
//! ([`Resource`]), and the ordered set a build works on ([`ResMap`]).

mod id;
mod resmap;
#[allow(clippy::module_inception)]
mod resource;
mod selector;

pub use id::ResId;
pub use resmap::ResMap;
pub use resource::*;
pub use selector::{CompiledSelector, LabelSelector};
