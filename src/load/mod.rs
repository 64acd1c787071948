//! Loading: the one trait through which every read goes, so a build can read
//! a directory on disk or a git tree alike.

mod disk;
mod loader;

pub use disk::DiskFs;
pub use loader::{clean_join, io_reason, LoadRestrictor, Loader};

use std::io;
use std::path::{Path, PathBuf};

/// A read-only file system: a directory on disk, or a git tree.
///
/// Paths are absolute within the file system (for a git tree, rooted at the
/// tree). Implementations resolve symbolic links in [`FileSystem::canonical`],
/// which the load restrictor relies on.
pub trait FileSystem: Send + Sync {
    /// Reads a whole file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Whether `path` is a regular file (following links).
    fn is_file(&self, path: &Path) -> bool;
    /// The path with `.`/`..` and symbolic links resolved; an error if it does not exist.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;
}
