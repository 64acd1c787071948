//! Work shared by the builds of one run: resource files parsed once, and
//! bases accumulated once (see docs/design.md, "A build is a value").
//!
//! A [`Memo`] is a value handed to each build of a run (never a global), so
//! what it holds is valid for that run's file system only: within a run a
//! path names one content (the run reads each file once, see
//! `build::RunCache`).

use super::Accumulator;
use crate::error::{Result, ResultExt};
use crate::kustomization::{decode_kustomization_with_warnings, Decoded};
use crate::resource::{resources_from_bytes, Resource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// What identifies a base's accumulated result within a run: its root, the
/// build options that reach accumulation, and the top's `buildMetadata`.
/// (The schema state entering it is the last input; the memo is consulted
/// only while no kustomization of the build has set `openapi:`, so that
/// state is the initial one.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaseKey {
    /// The base's canonical root.
    pub root: PathBuf,
    /// The options of the build that matter to accumulation, as text.
    pub options: String,
    /// The top kustomization's `buildMetadata`.
    pub build_metadata: Vec<String>,
}

/// A base's accumulated result and what building it told the user.
#[derive(Debug)]
pub struct BaseEntry {
    /// The accumulator, origins relative to the base's own root.
    pub ra: Accumulator,
    /// The warnings it gave, replayed on every reuse.
    pub warnings: Vec<String>,
    /// The roots of the kustomizations below it: a reuse under ancestors
    /// that one of them contains would be a cycle, so it is refused.
    pub inner_roots: Vec<PathBuf>,
}

/// The per-run cache of parsed resource files and accumulated bases.
#[derive(Debug, Default)]
pub struct Memo {
    parsed: OnceMap<PathBuf, Arc<Vec<Resource>>>,
    /// Kustomization files decoded, by their bytes (what decoding depends on).
    decoded: OnceMap<Vec<u8>, Arc<DecodeResult>>,
    bases: Mutex<HashMap<BaseKey, Slot<Arc<BaseEntry>>>>,
    built: Condvar,
    parses: AtomicUsize,
    accumulations: AtomicUsize,
    reuses: AtomicUsize,
}

/// Counts of the work a [`Memo`] saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoStats {
    /// Resource files parsed.
    pub parses: usize,
    /// Bases accumulated with the memo at hand.
    pub accumulations: usize,
    /// Bases reused from the memo.
    pub reuses: usize,
}

/// What a map entry is: being made by some thread, or made.
#[derive(Debug)]
enum Slot<V> {
    Making,
    Made(V),
}

/// What [`Memo::claim`] found for a base.
pub enum Claim {
    /// Accumulated before: reuse it (if it fits).
    Found(Arc<BaseEntry>),
    /// Nobody had it: this build accumulates it and ends the claim.
    Mine(Held),
    /// Another thread is accumulating it and this one may not wait.
    Busy,
}

/// A kustomization file's warnings and decoded contents (or error).
pub type DecodeResult = (Vec<String>, Result<Decoded>);

impl Memo {
    /// [`decode_kustomization_with_warnings`] of `bytes`, once per run for
    /// each distinct file: every root that includes a shared base reads its
    /// kustomization before the base's result is looked up.
    pub fn decoded(&self, bytes: &[u8]) -> Arc<DecodeResult> {
        let Ok(d) = self.decoded.get_or_try(
            bytes.to_vec(),
            || -> std::result::Result<_, std::convert::Infallible> {
                Ok(Arc::new(decode_kustomization_with_warnings(bytes)))
            },
        );
        d
    }

    /// The resources of the file at `path` whose bytes are `bytes`, parsed
    /// once (threads asking for a file being parsed wait for it).
    pub fn parsed(&self, path: &Path, bytes: &[u8]) -> Result<Vec<Resource>> {
        let r = self.parsed.get_or_try(path.to_path_buf(), || {
            self.parses.fetch_add(1, Ordering::Relaxed);
            resources_from_bytes(bytes).in_file(path).map(Arc::new)
        })?;
        Ok(r.as_ref().clone())
    }

    /// Looks a base up, claiming it when nobody has. With `wait`, waits
    /// while another thread accumulates it. Only a thread that holds no
    /// claim may wait, so waits never form a cycle (a deadlock).
    pub fn claim(self: &Arc<Self>, key: &BaseKey, wait: bool) -> Claim {
        let mut map = lock(&self.bases);
        loop {
            match map.get(key) {
                None => {
                    map.insert(key.clone(), Slot::Making);
                    return Claim::Mine(Held {
                        memo: self.clone(),
                        key: Some(key.clone()),
                    });
                }
                Some(Slot::Made(e)) => return Claim::Found(e.clone()),
                Some(Slot::Making) if !wait => return Claim::Busy,
                Some(Slot::Making) => {
                    map = self.built.wait(map).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
    }

    /// Ends a claim: stores the base's result, or, with `None` (it failed,
    /// or its result may not be shared), lets the next build claim it.
    fn finish(&self, key: &BaseKey, entry: Option<BaseEntry>) {
        let mut map = lock(&self.bases);
        match entry {
            Some(e) => {
                map.insert(key.clone(), Slot::Made(Arc::new(e)));
            }
            None => {
                map.remove(key);
            }
        }
        self.built.notify_all();
    }

    /// Counts an accumulation of a base.
    fn count_accumulation(&self) {
        self.accumulations.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a reuse of a stored base.
    pub fn count_reuse(&self) {
        self.reuses.fetch_add(1, Ordering::Relaxed);
    }

    /// What the memo has done so far.
    pub fn stats(&self) -> MemoStats {
        MemoStats {
            parses: self.parses.load(Ordering::Relaxed),
            accumulations: self.accumulations.load(Ordering::Relaxed),
            reuses: self.reuses.load(Ordering::Relaxed),
        }
    }
}

/// A claim on a base; dropped unfinished (an error or a panic on the way),
/// it lets the next build claim the base.
pub struct Held {
    memo: Arc<Memo>,
    key: Option<BaseKey>,
}

impl Held {
    /// Ends the claim with the base's result, `None` if it may not be shared.
    pub fn finish(mut self, entry: Option<BaseEntry>) {
        if let Some(k) = self.key.take() {
            self.memo.count_accumulation();
            self.memo.finish(&k, entry);
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            self.memo.finish(&k, None);
        }
    }
}

/// A map whose values are made once: a thread asking for a value another
/// is making waits for it (the making never asks the map again, so waits
/// cannot cycle). A failure is not kept: the next asker tries again.
#[derive(Debug)]
pub struct OnceMap<K, V> {
    map: Mutex<HashMap<K, Slot<V>>>,
    made: Condvar,
}

impl<K, V> Default for OnceMap<K, V> {
    fn default() -> Self {
        OnceMap {
            map: Mutex::new(HashMap::new()),
            made: Condvar::new(),
        }
    }
}

impl<K: Eq + std::hash::Hash + Clone, V: Clone> OnceMap<K, V> {
    /// The value for `key`, made by `make` if nobody has made it.
    pub fn get_or_try<E>(
        &self,
        key: K,
        make: impl FnOnce() -> std::result::Result<V, E>,
    ) -> std::result::Result<V, E> {
        {
            let mut map = lock(&self.map);
            loop {
                match map.get(&key) {
                    Some(Slot::Made(v)) => return Ok(v.clone()),
                    Some(Slot::Making) => {
                        map = self.made.wait(map).unwrap_or_else(|p| p.into_inner());
                    }
                    None => {
                        map.insert(key.clone(), Slot::Making);
                        break;
                    }
                }
            }
        }
        // Made outside the lock; a guard frees the slot even on a panic.
        let guard = Unclaim {
            map: self,
            key: Some(key),
        };
        let v = make()?;
        let key = guard.disarm();
        lock(&self.map).insert(key, Slot::Made(v.clone()));
        self.made.notify_all();
        Ok(v)
    }
}

/// Removes a claimed slot unless disarmed (the value was made).
struct Unclaim<'a, K: Eq + std::hash::Hash, V> {
    map: &'a OnceMap<K, V>,
    key: Option<K>,
}

impl<K: Eq + std::hash::Hash, V> Unclaim<'_, K, V> {
    fn disarm(mut self) -> K {
        self.key.take().expect("armed")
    }
}

impl<K: Eq + std::hash::Hash, V> Drop for Unclaim<'_, K, V> {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            lock(&self.map.map).remove(&k);
            self.map.made.notify_all();
        }
    }
}

// The maps hold plain data, valid whatever a panicking holder did.
fn lock<T>(l: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    l.lock().unwrap_or_else(|p| p.into_inner())
}

/// One build's use of a run's [`Memo`], held in its `Context`.
#[derive(Debug, Default)]
pub struct Sharing {
    /// The run's memo; `None` builds everything afresh.
    pub memo: Option<Arc<Memo>>,
    /// The build options that reach accumulation, as text (part of the key).
    pub options: String,
    /// Whether some kustomization of this build has set `openapi:` so far:
    /// the schema state is then no longer the initial one.
    pub schema_set: bool,
    /// Whether a stored base was reused in this build.
    pub reused: bool,
    /// The roots being built, outermost first (the loaders' ancestors).
    pub stack: Vec<PathBuf>,
    /// Every kustomization root entered below the top, in order.
    pub entered: Vec<PathBuf>,
    /// How many base claims this build holds (see [`Memo::claim`]).
    pub claims: usize,
}

impl Sharing {
    /// The memo and the key for a base at `root`, when the memo may be consulted.
    pub fn key(&self, root: &Path, build_metadata: &[String]) -> Option<(Arc<Memo>, BaseKey)> {
        let memo = self.memo.clone().filter(|_| !self.schema_set)?;
        let key = BaseKey {
            root: root.to_path_buf(),
            options: self.options.clone(),
            build_metadata: build_metadata.to_vec(),
        };
        Some((memo, key))
    }

    /// Whether a stored base may be reused here: none of its inner roots
    /// contains a root being built (that would have been a cycle error).
    pub fn fits(&self, entry: &BaseEntry) -> bool {
        !entry
            .inner_roots
            .iter()
            .any(|inner| self.stack.iter().any(|s| s.starts_with(inner)))
    }
}
