//! An in-memory [`FileSystem`]: a tree of files, directories and symbolic
//! links held in a map. It proves the seam (the test suites run through it
//! as well as through disk) and serves tools that build trees they made.

use super::tree::{Node, Tree};
use super::{ContentId, EntryKind, FileSystem};
use std::io;
use std::path::{Path, PathBuf};

/// A file system held in memory. Paths are absolute; parent directories
/// exist implicitly once anything is added below them.
#[derive(Clone, Debug, Default)]
pub struct MemFs {
    tree: Tree<Vec<u8>>,
}

impl MemFs {
    /// An empty file system (only `/`).
    pub fn new() -> MemFs {
        MemFs::default()
    }

    /// Adds (or replaces) a file, creating its parent directories.
    pub fn add_file(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) {
        self.tree.insert(path.as_ref(), Node::File(bytes.into()));
    }

    /// Adds a directory, creating its parents.
    pub fn add_dir(&mut self, path: impl AsRef<Path>) {
        self.tree.insert(path.as_ref(), Node::Dir);
    }

    /// Adds a symbolic link at `path` pointing to `target` (as a link's
    /// text: relative to `path`'s directory, or absolute).
    pub fn add_symlink(&mut self, path: impl AsRef<Path>, target: impl AsRef<Path>) {
        self.tree
            .insert(path.as_ref(), Node::Link(target.as_ref().to_path_buf()));
    }

    /// Copies a directory of the machine's file system, links kept as links,
    /// to the same absolute path in memory (so a build reads the same paths).
    pub fn from_dir(dir: impl AsRef<Path>) -> io::Result<MemFs> {
        let mut fs = MemFs::new();
        let root = std::fs::canonicalize(dir.as_ref())?;
        fs.add_dir(&root);
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d)? {
                let entry = entry?;
                let path = entry.path();
                let ty = entry.file_type()?;
                if ty.is_symlink() {
                    fs.add_symlink(&path, std::fs::read_link(&path)?);
                } else if ty.is_dir() {
                    fs.add_dir(&path);
                    stack.push(path);
                } else if ty.is_file() {
                    fs.add_file(&path, std::fs::read(&path)?);
                }
            }
        }
        Ok(fs)
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.tree.file(path).cloned()
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        self.tree.kind(path)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        self.tree.canonical(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.tree.read_dir(path)
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        use sha2::Digest;
        let bytes = self.tree.file(path).ok()?;
        Some(ContentId(sha2::Sha256::digest(bytes).to_vec().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_dirs_and_absence() {
        let mut fs = MemFs::new();
        fs.add_file("/r/base/k.yaml", "a: 1\n");
        fs.add_symlink("/r/link", "base");
        fs.add_symlink("/r/abs", "/r/base/k.yaml");
        fs.add_symlink("/r/loop", "loop");
        assert_eq!(fs.read(Path::new("/r/link/k.yaml")).unwrap(), b"a: 1\n");
        assert_eq!(
            fs.canonical(Path::new("/r/link/../link/k.yaml")).unwrap(),
            PathBuf::from("/r/base/k.yaml")
        );
        assert_eq!(fs.kind(Path::new("/r/abs")).unwrap(), Some(EntryKind::File));
        assert_eq!(fs.kind(Path::new("/r/link")).unwrap(), Some(EntryKind::Dir));
        assert_eq!(fs.kind(Path::new("/r/none")).unwrap(), None);
        assert_eq!(fs.kind(Path::new("/r/base/k.yaml/x")).unwrap(), None);
        assert!(fs.kind(Path::new("/r/loop")).is_err());
        assert_eq!(
            fs.canonical(Path::new("/r/none")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(fs.content_id(Path::new("/r/abs")).is_some());
        assert_eq!(
            fs.content_id(Path::new("/r/abs")),
            fs.content_id(Path::new("/r/link/k.yaml"))
        );
    }
}
