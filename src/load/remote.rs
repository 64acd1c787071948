//! The seam through which a build reaches remote bases (kustomize's git
//! URLs in `resources:` and `components:`): the engine asks a
//! [`RemoteResolver`] for the tree an entry names and reads it through the
//! [`FileSystem`] it returns. The engine knows nothing of URLs or git; the
//! git layer implements the resolver (fetching into a cache).

use super::FileSystem;
use crate::error::Result;
use std::path::PathBuf;
use std::sync::Arc;

/// A remote kustomization root: the tree it lives in and where in it.
#[derive(Clone)]
pub struct RemoteRoot {
    /// The fetched tree. Its paths must not collide with those of any other
    /// tree of the build (parsed files and bases are shared by path), so a
    /// resolver mounts each repository and commit under a path of its own.
    pub fs: Arc<dyn FileSystem>,
    /// The kustomization directory in `fs`.
    pub dir: PathBuf,
    /// The top of the repository in `fs`: bases inside the remote tree may
    /// not leave it (kustomize refuses bases outside a cloned repository).
    pub top: PathBuf,
    /// What the build should tell the user (an unpinned ref, ...).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for RemoteRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteRoot")
            .field("dir", &self.dir)
            .field("top", &self.top)
            .finish()
    }
}

/// Finds the tree a `resources:` or `components:` entry names when it is a
/// remote URL.
pub trait RemoteResolver: Send + Sync + std::fmt::Debug {
    /// `Ok(None)` when `entry` is not a remote URL (it is then read as a
    /// local path); the remote root when it is; an error when it is one but
    /// cannot be had (unreachable, unknown ref, offline cache miss).
    fn resolve(&self, entry: &str) -> Result<Option<RemoteRoot>>;

    /// The bytes of `entry` when it is a remote file (kustomize downloads
    /// `http(s)://` resource entries before trying them as git URLs);
    /// `Ok(None)` when it is none (it may still be a remote base).
    fn fetch_file(&self, _entry: &str) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
}
