//! The git side: trees of any revision read straight from the object
//! database, through the same [`crate::FileSystem`] seam as the disk;
//! the environments a repository renders; rendered differences.

pub mod affected;
pub mod diff;
pub mod envs;
pub mod hydrate;
pub mod record;
pub mod remote;
mod source;

pub use source::{work_tree_top, GitFs};
