//! A kustomization root's loader: resolves relative paths against the root,
//! enforces the load restrictor, and detects cycles between roots.

use super::{EntryKind, FileSystem, RemoteRoot};
use crate::error::{Error, ErrorKind, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Which files a kustomization may read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadRestrictor {
    /// Only files in or below the kustomization's directory (kustomize's default).
    #[default]
    RootOnly,
    /// Any file.
    None,
}

/// Reads files on behalf of one kustomization directory.
#[derive(Clone)]
pub struct Loader {
    fs: Arc<dyn FileSystem>,
    root: PathBuf,
    restrictor: LoadRestrictor,
    /// The roots of the kustomizations that led here, outermost first.
    ancestors: Vec<PathBuf>,
    /// Inside a remote base: the top of its repository, which no base
    /// below may leave (kustomize's rule for cloned repositories).
    repo_top: Option<PathBuf>,
    /// The remote URLs entered on the way here, outermost first.
    repos: Vec<String>,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader").field("root", &self.root).finish()
    }
}

/// Joins and normalises `.`/`..` lexically (no file system access).
pub fn clean_join(base: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    let joined = base.join(rel);
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl Loader {
    /// A loader rooted at directory `dir`.
    pub fn new(fs: Arc<dyn FileSystem>, dir: &Path, restrictor: LoadRestrictor) -> Result<Loader> {
        let name = fs.display(dir);
        let root = fs.canonical(dir).map_err(|e| {
            Error::io(
                format!("cannot read directory '{name}': {}", io_reason(&e)),
                e,
            )
        })?;
        let kind = fs.kind(&root).map_err(|e| {
            Error::io(
                format!("cannot read directory '{name}': {}", io_reason(&e)),
                e,
            )
        })?;
        if kind != Some(EntryKind::Dir) {
            return Err(Error::of(
                ErrorKind::NotFound,
                format!("'{name}' is not a directory"),
            ));
        }
        Ok(Loader {
            fs,
            root,
            restrictor,
            ancestors: Vec::new(),
            repo_top: None,
            repos: Vec::new(),
        })
    }

    /// A loader for remote base `url`, included from this one, rooted in
    /// the tree a resolver found for it. As in kustomize, a remote base is
    /// always restricted to its own root, whatever the build's restrictor,
    /// and a URL that an outer remote URL starts with is a cycle.
    pub fn remote(&self, url: &str, remote: RemoteRoot) -> Result<Loader> {
        if let Some(outer) = self.repos.iter().find(|r| r.starts_with(url)) {
            return Err(Error::of(
                ErrorKind::Cycle,
                format!("cycle detected: URI '{url}' referenced by previous URI '{outer}'"),
            ));
        }
        let mut loader = Loader::new(remote.fs, &remote.dir, LoadRestrictor::RootOnly)?;
        let top = loader.fs.canonical(&remote.top).unwrap_or(remote.top);
        if !loader.root.starts_with(&top) {
            return Err(Error::of(
                ErrorKind::Restricted,
                format!(
                    "'{url}' refers to directory '{}', outside of its repository",
                    loader.display(&loader.root)
                ),
            ));
        }
        loader.repo_top = Some(top);
        loader.repos = self.repos.clone();
        loader.repos.push(url.to_string());
        Ok(loader)
    }

    /// The directory this loader reads from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `path` lies in this loader's remote repository (always
    /// false outside remote bases).
    pub fn owns(&self, path: &Path) -> bool {
        self.repo_top.as_ref().is_some_and(|t| path.starts_with(t))
    }

    /// How errors name `path` (see [`FileSystem::display`]).
    pub fn display(&self, path: &Path) -> String {
        self.fs.display(path)
    }

    /// What `rel` (relative to the root) names, links followed; `Ok(None)`
    /// if nothing. An error only when the file system fails.
    pub fn kind(&self, rel: &str) -> Result<Option<EntryKind>> {
        let path = self.resolve(rel);
        self.fs.kind(&path).map_err(|e| {
            Error::io(format!("cannot read '{rel}': {}", io_reason(&e)), e).in_file(&path)
        })
    }

    /// The absolute path `rel` names (not checked).
    pub fn resolve(&self, rel: &str) -> PathBuf {
        clean_join(&self.root, rel)
    }

    /// Reads a file named relative to the root, enforcing the restrictor.
    pub fn load(&self, rel: &str) -> Result<Vec<u8>> {
        let path = self.resolve(rel);
        let fail = |e: std::io::Error| {
            Error::io(format!("cannot read '{rel}': {}", io_reason(&e)), e).in_file(&path)
        };
        let real = self.fs.canonical(&path).map_err(fail)?;
        if self.fs.kind(&real).map_err(fail)? == Some(EntryKind::Dir) {
            return Err(Error::new(format!("'{rel}' is a directory, not a file")).in_file(&path));
        }
        if self.restrictor == LoadRestrictor::RootOnly && !real.starts_with(&self.root) {
            let hint = match self.repo_top {
                // kustomize allows no other restrictor in a remote base.
                Some(_) => "a remote base may read only files in or below its own directory",
                None => "use --load-restrictor LoadRestrictionsNone to allow it",
            };
            return Err(Error::of(
                ErrorKind::Restricted,
                format!(
                    "security: file '{}' is not in or below '{}' ({hint})",
                    self.fs.display(&real),
                    self.fs.display(&self.root)
                ),
            ));
        }
        self.fs.read(&real).map_err(fail)
    }

    /// Whether `rel` names an existing file (no restrictor check).
    pub fn is_file(&self, rel: &str) -> Result<bool> {
        Ok(self.kind(rel)? == Some(EntryKind::File))
    }

    /// A loader for the kustomization directory `rel` (a base or component).
    /// Its root may be outside this one, but must not contain any root
    /// visited on the way here (a cycle).
    pub fn child(&self, rel: &str) -> Result<Loader> {
        if rel.is_empty() {
            return Err(Error::of(
                ErrorKind::NotFound,
                "new root cannot be empty (the entry is empty or null; expected the path of a file or directory)",
            ));
        }
        if Path::new(rel).is_absolute() {
            return Err(Error::new(format!("new root '{rel}' cannot be absolute")));
        }
        let path = self.resolve(rel);
        let root = self.fs.canonical(&path).map_err(|e| {
            let why = io_reason(&e);
            Error::io(
                format!("'{rel}' is neither a file nor a directory: {why}"),
                e,
            )
        })?;
        let kind = self
            .fs
            .kind(&root)
            .map_err(|e| Error::io(format!("cannot read '{rel}': {}", io_reason(&e)), e))?;
        if kind != Some(EntryKind::Dir) {
            return Err(Error::of(
                ErrorKind::NotFound,
                format!("'{rel}' is not a directory"),
            ));
        }
        for visited in self.ancestors.iter().chain(std::iter::once(&self.root)) {
            if visited.starts_with(&root) {
                let chain: Vec<String> = self
                    .ancestors
                    .iter()
                    .chain([&self.root, &root])
                    .map(|p| format!("'{}'", self.fs.display(p)))
                    .collect();
                return Err(Error::of(
                    ErrorKind::Cycle,
                    format!(
                    "cycle detected: '{}' is or contains a kustomization already being built ({})",
                    self.fs.display(&root),
                    chain.join(" -> ")
                ),
                ));
            }
        }
        if let Some(top) = self.repo_top.as_ref().filter(|t| !root.starts_with(t)) {
            return Err(Error::of(
                ErrorKind::Restricted,
                format!(
                    "security: base '{}' is outside the remote repository '{}' (bases of a remote base must be inside its repository)",
                    self.fs.display(&root),
                    self.fs.display(top)
                ),
            ));
        }
        let mut ancestors = self.ancestors.clone();
        ancestors.push(self.root.clone());
        Ok(Loader {
            fs: self.fs.clone(),
            root,
            restrictor: self.restrictor,
            ancestors,
            repo_top: self.repo_top.clone(),
            repos: self.repos.clone(),
        })
    }
}

/// An io error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
