//! A git tree as a [`FileSystem`]: one revision's files read straight from
//! the object database (loose or packed), with no checkout and no copy.
//!
//! The tree is indexed once when opened (paths, modes, object ids); file
//! bytes are read on demand, as stored: no filters, no end-of-line
//! conversion (what a checkout with `core.autocrlf=false` and no
//! `.gitattributes` filters gives). Symbolic links resolve inside the tree
//! as in a checkout; submodules and Git LFS pointers are clear errors.

use crate::error::{Error, ErrorKind, Result};
use crate::load::tree::{Node, Tree};
use crate::load::{ContentId, EntryKind, FileSystem};
use gix::ObjectId;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The first line of a Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// One revision of a git repository, read as a file system rooted at the
/// repository's top (`/` is the top; `/overlays/prod` is `overlays/prod`).
pub struct GitFs {
    repo: gix::ThreadSafeRepository,
    /// Thread-local handles, reused (opening one costs more than a read).
    handles: Mutex<Vec<gix::Repository>>,
    /// How the revision was named, for messages (`HEAD~2:overlays/prod`).
    rev: String,
    commit: ObjectId,
    tree: Tree<ObjectId>,
}

impl std::fmt::Debug for GitFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitFs")
            .field("rev", &self.rev)
            .field("commit", &self.commit)
            .finish()
    }
}

impl GitFs {
    /// Opens revision `rev` (a branch, tag, sha, `HEAD~2`, ...) of the
    /// repository that contains `dir`.
    pub fn open(dir: &Path, rev: &str) -> Result<GitFs> {
        let repo = open_repo(dir)?;
        let commit = resolve_commit(&repo, rev)?;
        let tree_id = repo
            .find_commit(commit)
            .and_then(|c| c.tree_id())
            .map_err(|e| corrupt(rev, &e))?
            .detach();
        let tree = index_tree(&repo, rev, tree_id)?;
        Ok(GitFs {
            repo: repo.into_sync(),
            handles: Mutex::new(Vec::new()),
            rev: rev.to_string(),
            commit,
            tree,
        })
    }

    /// The commit the revision resolved to.
    pub fn commit(&self) -> String {
        self.commit.to_string()
    }

    /// How the revision was named.
    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// Every entry of the tree by path (`/`-rooted), each with what
    /// identifies its state: a file's object id, a link's target, a
    /// directory or submodule as such. Two revisions differ at a path
    /// exactly where these differ.
    pub(crate) fn entries(&self) -> BTreeMap<PathBuf, String> {
        self.tree
            .nodes()
            .map(|(p, n)| {
                let state = match n {
                    Node::File(oid) => format!("file {oid}"),
                    Node::Dir => "dir".to_string(),
                    Node::Link(t) => format!("link {}", t.display()),
                    Node::Opaque(why) => format!("opaque {why}"),
                };
                (p.to_path_buf(), state)
            })
            .collect()
    }

    /// The repository's working tree, if it has one.
    pub fn work_dir(&self) -> Option<PathBuf> {
        self.repo.work_dir().map(Path::to_path_buf)
    }

    /// Runs `f` on a repository handle of this thread's own.
    fn with_repo<T>(&self, f: impl FnOnce(&gix::Repository) -> T) -> T {
        let handle = self
            .handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_else(|| self.repo.to_thread_local());
        let out = f(&handle);
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(handle);
        out
    }
}

/// The repository containing `dir`.
pub(crate) fn open_repo(dir: &Path) -> Result<gix::Repository> {
    gix::discover(dir).map_err(|e| {
        Error::of(
            ErrorKind::NotFound,
            format!(
                "'{}' is not in a git repository: {}",
                dir.display(),
                one_line(&e)
            ),
        )
    })
}

/// The commit `rev` names (a branch, tag, sha, `HEAD~2`, ...).
pub(crate) fn resolve_commit(repo: &gix::Repository, rev: &str) -> Result<ObjectId> {
    let commit = repo
        .rev_parse_single(rev)
        .map_err(|e| {
            Error::of(
                ErrorKind::NotFound,
                format!("unknown revision '{rev}': {}", one_line(&e)),
            )
        })?
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| corrupt(rev, &e))?;
    Ok(commit.id)
}

/// An error's first line (gix chains causes over several).
pub(crate) fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or("").to_string()
}

fn corrupt(rev: &str, e: &dyn std::fmt::Display) -> Error {
    Error::of(
        ErrorKind::Io,
        format!("cannot read revision '{rev}': {}", one_line(e)),
    )
}

/// Every entry of the tree, recursively, as nodes.
fn index_tree(repo: &gix::Repository, rev: &str, tree_id: ObjectId) -> Result<Tree<ObjectId>> {
    let tree = repo.find_tree(tree_id).map_err(|e| corrupt(rev, &e))?;
    let mut rec = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut rec)
        .map_err(|e| corrupt(rev, &e))?;
    let mut out = Tree::default();
    for entry in rec.records {
        let rel = String::from_utf8_lossy(&entry.filepath).into_owned();
        let path = Path::new("/").join(&rel);
        let node = if entry.mode.is_tree() {
            Node::Dir
        } else if entry.mode.is_commit() {
            Node::Opaque(format!(
                "'{rev}:{rel}' is a git submodule; strata does not read submodules (vendor the files, or build a checkout with `strata build`)"
            ))
        } else if entry.mode.is_link() {
            let blob = repo.find_blob(entry.oid).map_err(|e| corrupt(rev, &e))?;
            Node::Link(PathBuf::from(
                String::from_utf8_lossy(&blob.data).into_owned(),
            ))
        } else {
            Node::File(entry.oid)
        };
        out.insert(&path, node);
    }
    Ok(out)
}

impl FileSystem for GitFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let oid = *self.tree.file(path)?;
        let data = self.with_repo(|repo| {
            repo.find_blob(oid).map(|b| b.detach().data).map_err(|e| {
                io::Error::other(format!("cannot read object {oid}: {}", one_line(&e)))
            })
        })?;
        if data.starts_with(LFS_POINTER) {
            return Err(io::Error::other(format!(
                "'{}' is a Git LFS pointer; strata reads files as git stores them and does not fetch LFS objects",
                self.display(path)
            )));
        }
        Ok(data)
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
    fn display(&self, path: &Path) -> String {
        let rel = path.strip_prefix("/").unwrap_or(path);
        format!("{}:{}", self.rev, rel.display())
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        let oid = self.tree.file(path).ok()?;
        Some(ContentId(oid.as_bytes().to_vec().into()))
    }
}

/// The top of the working tree of the repository containing `dir`, if
/// `dir` is in one that has a working tree.
pub fn work_tree_top(dir: &Path) -> Option<PathBuf> {
    let repo = gix::discover(dir).ok()?;
    let top = repo.workdir()?;
    std::fs::canonicalize(top).ok()
}
