//! The git side: trees of any revision read straight from the object
//! database, through the same [`crate::FileSystem`] seam as the disk.

mod source;

pub use source::GitFs;
