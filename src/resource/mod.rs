//! Resources: identity ([`ResId`]), one object with kustomize's bookkeeping
//! ([`Resource`]), the ordered set a build works on ([`ResMap`]), and the
//! factory that reads them from bytes.

mod factory;
mod id;
mod resmap;
#[allow(clippy::module_inception)]
mod resource;
mod selector;
pub(crate) mod shared;

pub use factory::resources_from_bytes;
pub(crate) use factory::{added_key_type, patches_from_bytes, set_key_error};
pub(crate) use id::join_to;
pub use id::ResId;
pub use resmap::{NameIndex, ResMap};
pub use resource::*;
pub use selector::{CompiledSelector, LabelSelector};
