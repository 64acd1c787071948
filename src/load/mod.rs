//! Loading: the one trait through which every read goes, so a build can read
//! a directory on disk, an in-memory tree or a git tree alike.

mod disk;
mod loader;
mod mem;
mod remote;
pub(crate) mod tree;

pub use disk::DiskFs;
pub use loader::{LoadRestrictor, Loader};
pub use mem::MemFs;
pub use remote::{RemoteResolver, RemoteRoot};

use std::io;
use std::path::{Path, PathBuf};

/// What a path names, symbolic links followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
}

/// An opaque identity of a file's contents: equal ids mean equal bytes
/// (for a git tree, the blob's object id). Lets parsed files be cached
/// across roots and revisions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId(pub Box<[u8]>);

/// A read-only file system: a directory on disk, an in-memory tree, or a
/// git tree.
///
/// Paths are absolute within the file system (for a git tree, rooted at the
/// tree). Implementations resolve symbolic links in [`FileSystem::canonical`],
/// which the load restrictor relies on. Every method tells absence from
/// failure: a path that does not exist is `Ok(None)` from
/// [`FileSystem::kind`] and [`io::ErrorKind::NotFound`] elsewhere; anything
/// else (an unreadable directory, a corrupt object) is another error.
pub trait FileSystem: Send + Sync {
    /// Reads a whole file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// What `path` names, following links; `Ok(None)` if nothing.
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>>;
    /// The path with `.`/`..` and symbolic links resolved; a
    /// [`io::ErrorKind::NotFound`] error if it does not exist.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;
    /// How errors name `path` (a git tree says `REV:path`).
    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }
    /// An identity of the file's contents, where one is known without
    /// reading it; `None` otherwise.
    fn content_id(&self, _path: &Path) -> Option<ContentId> {
        None
    }
    /// The names of a directory's entries (links followed to reach it),
    /// sorted. Builds never list directories; environment discovery does.
    /// The default says the file system cannot list.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("cannot list '{}'", self.display(path)),
        ))
    }
}
