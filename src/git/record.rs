//! A [`FileSystem`] that records every path a build looks at, so what a
//! render depends on is known from what it actually did.

use crate::load::tree::lexical;
use crate::load::{ContentId, EntryKind, FileSystem};
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Wraps any file system and records each path read, queried for its
/// kind, canonicalised, listed or asked for its content id, whether or not
/// something was there (a build probing for `kustomization.yml` depends on
/// its absence too).
///
/// Each path is recorded as given (lexically cleaned) and as it resolves
/// through symbolic links (for a path that does not exist, its parent
/// resolved), so a change to a link and a change to the file behind it both
/// touch a recorded path.
pub struct Recording {
    inner: Arc<dyn FileSystem>,
    seen: Mutex<BTreeSet<PathBuf>>,
}

impl Recording {
    /// Records the uses of `inner`.
    pub fn new(inner: Arc<dyn FileSystem>) -> Recording {
        Recording {
            inner,
            seen: Mutex::new(BTreeSet::new()),
        }
    }

    /// Every path recorded so far (absolute, lexically clean).
    pub fn paths(&self) -> BTreeSet<PathBuf> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether a change at `changed` (a path whose entry was added, removed
    /// or altered) can alter what was recorded: it is a recorded path or a
    /// directory or link on the way to one.
    pub fn touched_by(&self, changed: &Path) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Paths under `changed` sort right after it.
        seen.range(changed.to_path_buf()..)
            .next()
            .is_some_and(|p| p.starts_with(changed))
    }

    fn note(&self, path: &Path) {
        let plain = lexical(path);
        let physical = self.inner.canonical(path).ok().or_else(|| {
            let parent = self.inner.canonical(path.parent()?).ok()?;
            Some(parent.join(path.file_name()?))
        });
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = physical {
            seen.insert(lexical(&p));
        }
        seen.insert(plain);
    }
}

impl FileSystem for Recording {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.note(path);
        self.inner.read(path)
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        self.note(path);
        self.inner.kind(path)
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        self.note(path);
        self.inner.canonical(path)
    }
    fn display(&self, path: &Path) -> String {
        self.inner.display(path)
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        self.note(path);
        self.inner.content_id(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.note(path);
        self.inner.read_dir(path)
    }
}
