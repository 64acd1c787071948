//! A tree of files, directories and symbolic links held in a map, with the
//! path resolution a POSIX file system does (links followed component by
//! component, `..` taken physically). [`super::MemFs`] and the git source
//! are both one of these, differing only in what a file holds.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// How many links one lookup may follow before it is a loop (Linux's limit).
const MAX_LINKS: usize = 40;

/// One entry of a [`Tree`]; `F` is what a file holds.
#[derive(Clone, Debug)]
pub(crate) enum Node<F> {
    /// A file.
    File(F),
    /// A directory.
    Dir,
    /// A link's target, as written (relative to the link's directory, or absolute).
    Link(PathBuf),
    /// Something that cannot be read (a git submodule): any lookup that
    /// reaches it fails with this reason.
    Opaque(String),
}

/// Paths (absolute, lexically clean) to nodes; parents exist implicitly
/// once anything is added below them.
#[derive(Clone, Debug)]
pub(crate) struct Tree<F> {
    nodes: BTreeMap<PathBuf, Node<F>>,
}

impl<F> Default for Tree<F> {
    fn default() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(PathBuf::from("/"), Node::Dir);
        Tree { nodes }
    }
}

impl<F> Tree<F> {
    /// Adds (or replaces) a node, creating its parent directories.
    pub(crate) fn insert(&mut self, path: &Path, node: Node<F>) {
        let path = lexical(path);
        let mut p = path.parent();
        while let Some(d) = p {
            self.nodes.entry(d.to_path_buf()).or_insert(Node::Dir);
            p = d.parent();
        }
        self.nodes.insert(path, node);
    }

    /// Resolves every link along `path`: the physical path and the node
    /// there (`None` when nothing is, though its directory exists). Absence
    /// earlier on the way is a [`io::ErrorKind::NotFound`] error.
    pub(crate) fn resolve(&self, path: &Path) -> io::Result<(PathBuf, Option<&Node<F>>)> {
        let mut links = 0;
        let mut done = PathBuf::from("/");
        // What remains to walk, innermost link target last.
        let mut rest: Vec<PathBuf> = vec![path.to_path_buf()];
        while let Some(p) = rest.pop() {
            let mut comps = p.components().peekable();
            while let Some(c) = comps.next() {
                let name = match c {
                    Component::RootDir | Component::Prefix(_) => {
                        done = PathBuf::from("/");
                        continue;
                    }
                    Component::CurDir => continue,
                    Component::ParentDir => {
                        done.pop();
                        continue;
                    }
                    Component::Normal(name) => name,
                };
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
                    Some(Node::Opaque(why)) => return Err(io::Error::other(why.clone())),
                    Some(Node::File(_)) if comps.peek().is_some() || !rest.is_empty() => {
                        return Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("'{}' is not a directory", next.display()),
                        ));
                    }
                    Some(_) => done = next,
                    None if comps.peek().is_none() && rest.is_empty() => return Ok((next, None)),
                    None => {
                        return Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            "no such file or directory",
                        ))
                    }
                }
            }
        }
        let node = self.nodes.get(&done);
        Ok((done, node))
    }

    /// The file at `path`, links followed.
    pub(crate) fn file(&self, path: &Path) -> io::Result<&F> {
        match self.resolve(path)?.1 {
            Some(Node::File(f)) => Ok(f),
            Some(_) => Err(io::Error::other("is a directory")),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    /// What `path` names, links followed; `Ok(None)` if nothing.
    pub(crate) fn kind(&self, path: &Path) -> io::Result<Option<super::EntryKind>> {
        match self.resolve(path) {
            Ok((_, Some(Node::File(_)))) => Ok(Some(super::EntryKind::File)),
            Ok((_, Some(_))) => Ok(Some(super::EntryKind::Dir)),
            Ok((_, None)) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every node, by path, in path order.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = (&Path, &Node<F>)> {
        self.nodes.iter().map(|(p, n)| (p.as_path(), n))
    }

    /// The names of the entries of the directory at `path`, sorted.
    pub(crate) fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let dir = match self.resolve(path)? {
            (p, Some(Node::Dir)) => p,
            (_, Some(_)) => return Err(io::Error::other("not a directory")),
            (_, None) => return Err(io::ErrorKind::NotFound.into()),
        };
        let names = self
            .nodes
            .range(dir.clone()..)
            .skip(1)
            .take_while(|(p, _)| p.starts_with(&dir))
            .filter(|(p, _)| p.parent() == Some(dir.as_path()))
            .filter_map(|(p, _)| Some(p.file_name()?.to_string_lossy().into_owned()))
            .collect();
        Ok(names)
    }

    /// The physical path of `path`; NotFound if nothing is there.
    pub(crate) fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        match self.resolve(path)? {
            (p, Some(_)) => Ok(p),
            (_, None) => Err(io::ErrorKind::NotFound.into()),
        }
    }
}

/// `.`/`..` removed lexically, made absolute.
pub(crate) fn lexical(path: &Path) -> PathBuf {
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
