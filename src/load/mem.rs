//! An in-memory [`FileSystem`]: a tree of files, directories and symbolic
//! links held in a map. It proves the seam (the test suites run through it
//! as well as through disk) and serves tools that build trees they made.

use super::{ContentId, EntryKind, FileSystem};
use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// How many links one lookup may follow before it is a loop (Linux's limit).
const MAX_LINKS: usize = 40;

#[derive(Clone, Debug)]
enum Node {
    File(Vec<u8>),
    Dir,
    /// A link's target, as written (relative to the link's directory, or absolute).
    Link(PathBuf),
}

/// A file system held in memory. Paths are absolute; parent directories
/// exist implicitly once anything is added below them.
#[derive(Clone, Debug, Default)]
pub struct MemFs {
    nodes: BTreeMap<PathBuf, Node>,
}

impl MemFs {
    /// An empty file system (only `/`).
    pub fn new() -> MemFs {
        let mut fs = MemFs::default();
        fs.nodes.insert(PathBuf::from("/"), Node::Dir);
        fs
    }

    /// Adds (or replaces) a file, creating its parent directories.
    pub fn add_file(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) {
        let path = lexical(path.as_ref());
        self.add_parents(&path);
        self.nodes.insert(path, Node::File(bytes.into()));
    }

    /// Adds a directory, creating its parents.
    pub fn add_dir(&mut self, path: impl AsRef<Path>) {
        let path = lexical(path.as_ref());
        self.add_parents(&path);
        self.nodes.insert(path, Node::Dir);
    }

    /// Adds a symbolic link at `path` pointing to `target` (as a link's
    /// text: relative to `path`'s directory, or absolute).
    pub fn add_symlink(&mut self, path: impl AsRef<Path>, target: impl AsRef<Path>) {
        let path = lexical(path.as_ref());
        self.add_parents(&path);
        self.nodes
            .insert(path, Node::Link(target.as_ref().to_path_buf()));
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

    fn add_parents(&mut self, path: &Path) {
        let mut p = path.parent();
        while let Some(d) = p {
            self.nodes.entry(d.to_path_buf()).or_insert(Node::Dir);
            p = d.parent();
        }
    }

    /// Resolves every link along `path`; the node it ends at, if any.
    fn resolve(&self, path: &Path) -> io::Result<(PathBuf, Option<&Node>)> {
        let mut links = 0;
        let mut done = PathBuf::from("/");
        let mut rest: Vec<PathBuf> = vec![path.to_path_buf()];
        // `rest` holds what remains to walk, innermost link target last.
        while let Some(p) = rest.pop() {
            let mut comps = p.components().peekable();
            while let Some(c) = comps.next() {
                match c {
                    Component::RootDir | Component::Prefix(_) => done = PathBuf::from("/"),
                    Component::CurDir => {}
                    Component::ParentDir => {
                        done.pop();
                    }
                    Component::Normal(name) => {
                        let next = done.join(name);
                        match self.nodes.get(&next) {
                            Some(Node::Link(target)) => {
                                links += 1;
                                if links > MAX_LINKS {
                                    return Err(io::Error::other(format!(
                                        "too many levels of symbolic links at '{}'",
                                        next.display()
                                    )));
                                }
                                let remaining: PathBuf = comps.by_ref().collect();
                                if !remaining.as_os_str().is_empty() {
                                    rest.push(remaining);
                                }
                                rest.push(target.clone());
                                break;
                            }
                            Some(Node::File(_)) if comps.peek().is_some() => {
                                return Err(io::Error::new(
                                    io::ErrorKind::NotFound,
                                    format!("'{}' is not a directory", next.display()),
                                ));
                            }
                            Some(_) => done = next,
                            None => {
                                return Err(io::Error::new(
                                    io::ErrorKind::NotFound,
                                    "no such file or directory",
                                ))
                            }
                        }
                    }
                }
            }
        }
        let node = self.nodes.get(&done);
        Ok((done, node))
    }
}

/// `.`/`..` removed lexically, made absolute.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    out
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.resolve(path)?.1 {
            Some(Node::File(b)) => Ok(b.clone()),
            Some(_) => Err(io::Error::other("is a directory")),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        match self.resolve(path) {
            Ok((_, Some(Node::File(_)))) => Ok(Some(EntryKind::File)),
            Ok((_, Some(_))) => Ok(Some(EntryKind::Dir)),
            Ok((_, None)) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        match self.resolve(path)? {
            (p, Some(_)) => Ok(p),
            (_, None) => Err(io::ErrorKind::NotFound.into()),
        }
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        use sha2::Digest;
        match self.resolve(path).ok()?.1 {
            Some(Node::File(b)) => Some(ContentId(sha2::Sha256::digest(b).to_vec().into())),
            _ => None,
        }
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
