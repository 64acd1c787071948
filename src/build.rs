//! The whole build of one kustomization directory: accumulate, fix name
//! references, drop local configs, sort, label, strip bookkeeping, print.

use crate::accumulate::memo::{Memo, OnceMap};
use crate::accumulate::{Accumulator, Context, Target};
use crate::error::{Error, ErrorKind, Result};
use crate::load::{
    ContentId, DiskFs, EntryKind, FileSystem, LoadRestrictor, Loader, RemoteResolver,
};
use crate::output::Output;
use crate::resource::{Resource, LOCAL_CONFIG, ORIGIN, TRANSFORMATIONS};
use crate::transform::namereference::fix_name_references;
use crate::yaml::{ParseOptions, Tag, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

/// The kustomize version strata reproduces (used in the managed-by label).
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";

/// The `--reorder` flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reorder {
    /// Not given: legacy order unless the kustomization sets `sortOptions`.
    #[default]
    Unspecified,
    /// `--reorder legacy`.
    Legacy,
    /// `--reorder none`: accumulation order.
    None,
}

/// Options of a build (the `build` command's flags).
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// `--load-restrictor`.
    pub restrictor: LoadRestrictor,
    /// `--reorder`.
    pub reorder: Reorder,
    /// `--enable-managedby-label`.
    pub managed_by_label: bool,
    /// Where remote bases (git URLs in `resources:`/`components:`) are
    /// fetched from; `None` refuses them.
    pub remote: Option<Arc<dyn RemoteResolver>>,
}

/// A build's outcome: its output or the error that stopped it, and the
/// warnings it gave either way (kustomize prints them before the error).
#[derive(Debug)]
pub struct Build {
    /// The output, or why there is none.
    pub result: Result<Output>,
    /// Warnings (deprecated fields, unused vars), in the order they arose.
    pub warnings: Vec<String>,
}

/// Builds the kustomization in directory `dir` of the machine's file system.
pub fn build_dir(dir: &Path, opts: &BuildOptions) -> Build {
    build(Arc::new(DiskFs), dir, opts)
}

/// Builds the kustomization in directory `dir` of `fs`, as `kustomize
/// build` does.
pub fn build(fs: Arc<dyn FileSystem>, dir: &Path, opts: &BuildOptions) -> Build {
    build_shared(fs, dir, opts, None)
}

/// Builds several kustomization directories of `fs` on `jobs` threads (0:
/// one per core), sharing the work they have in common (see [`RunCache`]).
/// The builds come back in the order of `roots`, each identical to
/// [`build`] of that root alone.
pub fn build_many(
    fs: Arc<dyn FileSystem>,
    roots: &[PathBuf],
    opts: &BuildOptions,
    jobs: usize,
) -> Vec<Build> {
    RunCache::new(fs).build_all(roots, opts, jobs, &|_| {})
}

/// The work one run of builds shares, handed to each of them (a value,
/// never a global): every file read once (a [`FileSystem`] wrapper that
/// keeps what it read, keyed by content id where the file system knows
/// one, else by canonical path), every resource file parsed once, and every
/// base accumulated once per options, `buildMetadata` and schema state
/// (docs/design.md, "A build is a value"). It assumes the files do not
/// change during the run.
pub struct RunCache {
    fs: Arc<CachedFs>,
    memo: Arc<Memo>,
}

/// Counts of the work a [`RunCache`] saw, to show what was shared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Reads that reached the underlying file system.
    pub reads: usize,
    /// Resource files parsed.
    pub parses: usize,
    /// Bases accumulated.
    pub accumulations: usize,
    /// Bases reused from an earlier accumulation.
    pub reuses: usize,
}

impl RunCache {
    /// An empty cache over `fs`.
    pub fn new(fs: Arc<dyn FileSystem>) -> RunCache {
        RunCache {
            fs: Arc::new(CachedFs {
                inner: fs,
                files: Default::default(),
                canonical: Default::default(),
                reads: Default::default(),
            }),
            memo: Arc::default(),
        }
    }

    /// Builds `dir`, reusing and adding to what this run holds.
    pub fn build(&self, dir: &Path, opts: &BuildOptions) -> Build {
        build_shared(self.fs.clone(), dir, opts, Some(self.memo.clone()))
    }

    /// Builds `roots` on `jobs` threads (0: one per core), in their order;
    /// `done(i)` is called as the build of `roots[i]` ends.
    pub fn build_all(
        &self,
        roots: &[PathBuf],
        opts: &BuildOptions,
        jobs: usize,
        done: &(dyn Fn(usize) + Sync),
    ) -> Vec<Build> {
        let slots: Vec<std::sync::Mutex<Option<Build>>> =
            roots.iter().map(|_| Default::default()).collect();
        self.build_each(roots, opts, jobs, &|i, b| {
            done(i);
            *lock(&slots[i]) = Some(b);
        });
        slots
            .into_iter()
            .map(|s| {
                s.into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .expect("build_each hands over every root")
            })
            .collect()
    }

    /// Builds `roots` on `jobs` threads (0: one per core) and hands each
    /// build to `done(i, build)` in the order of `roots`, as soon as it and
    /// every root before it are built, so a caller that writes and drops
    /// each one holds only the roots still in flight. Roots are started in
    /// their order too (each thread takes the next one), which keeps the
    /// finished-but-waiting ones few. `done` is called on one thread at a
    /// time.
    pub fn build_each(
        &self,
        roots: &[PathBuf],
        opts: &BuildOptions,
        jobs: usize,
        done: &(dyn Fn(usize, Build) + Sync),
    ) {
        self.build_each_prepared(roots, opts, jobs, &|_, b| b, done)
    }

    /// [`RunCache::build_each`], with each build first turned into what
    /// `done` needs by `prepare(i, build)` on the thread that built it, in
    /// any order: a caller that writes text renders it there, and a root
    /// that waits for the roots before it then holds its text, not its
    /// values.
    pub fn build_each_prepared<T: Send>(
        &self,
        roots: &[PathBuf],
        opts: &BuildOptions,
        jobs: usize,
        prepare: &(dyn Fn(usize, Build) -> T + Sync),
        done: &(dyn Fn(usize, T) + Sync),
    ) {
        // The next root to start; the next to hand over and the finished
        // ones waiting for it.
        let next = AtomicUsize::new(0);
        let ready = std::sync::Mutex::new((0usize, std::collections::BTreeMap::new()));
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(root) = roots.get(i) else { break };
            let b = prepare(i, self.build(root, opts));
            let mut r = lock(&ready);
            r.1.insert(i, b);
            loop {
                let first = r.0;
                let Some(b) = r.1.remove(&first) else { break };
                r.0 += 1;
                done(first, b);
            }
        };
        // Default stacks: recursion over deep values grows its stack on demand.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build();
        match pool {
            Ok(pool) => {
                let threads = pool.current_num_threads().min(roots.len()).max(1);
                pool.scope(|s| {
                    for _ in 0..threads {
                        s.spawn(|_| work());
                    }
                });
            }
            // No threads to be had: build one after the other.
            Err(_) => work(),
        }
    }

    /// The run's file system: reads each file once (by content id where
    /// the file system has one) and hands out copies after. For work that
    /// must see every access, such as recording what a build reads, which
    /// the memo of bases would hide.
    pub fn file_system(&self) -> Arc<dyn FileSystem> {
        self.fs.clone()
    }

    /// What the run has done so far.
    pub fn stats(&self) -> RunStats {
        let m = self.memo.stats();
        RunStats {
            reads: self.fs.reads.load(Ordering::Relaxed),
            parses: m.parses,
            accumulations: m.accumulations,
            reuses: m.reuses,
        }
    }
}

/// A file system that keeps what it read and resolved, for one run.
struct CachedFs {
    inner: Arc<dyn FileSystem>,
    files: OnceMap<FileKey, Arc<[u8]>>,
    canonical: RwLock<HashMap<PathBuf, PathBuf>>,
    reads: AtomicUsize,
}

/// How a read file is found again: by contents where known, else by path.
#[derive(Clone, PartialEq, Eq, Hash)]
enum FileKey {
    Content(ContentId),
    Path(PathBuf),
}

impl FileSystem for CachedFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let key = match self.inner.content_id(path) {
            Some(id) => FileKey::Content(id),
            None => FileKey::Path(path.to_path_buf()),
        };
        let bytes = self.files.get_or_try(key, || {
            self.reads.fetch_add(1, Ordering::Relaxed);
            self.inner.read(path).map(Arc::<[u8]>::from)
        })?;
        Ok(bytes.to_vec())
    }
    fn kind(&self, path: &Path) -> std::io::Result<Option<EntryKind>> {
        self.inner.kind(path)
    }
    fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        if let Some(c) = read_lock(&self.canonical).get(path) {
            return Ok(c.clone());
        }
        let c = self.inner.canonical(path)?;
        write_lock(&self.canonical).insert(path.to_path_buf(), c.clone());
        Ok(c)
    }
    fn display(&self, path: &Path) -> String {
        self.inner.display(path)
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        self.inner.content_id(path)
    }
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<String>> {
        self.inner.read_dir(path)
    }
}

// The maps hold plain data, valid whatever a panicking holder did.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn read_lock<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}
fn write_lock<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// A build, sharing a run's memo when given one.
fn build_shared(
    fs: Arc<dyn FileSystem>,
    dir: &Path,
    opts: &BuildOptions,
    memo: Option<Arc<Memo>>,
) -> Build {
    let mut cx = Context::default();
    cx.sharing.options = format!("{:?}", opts.restrictor);
    cx.sharing.memo = memo.clone();
    cx.remote = opts.remote.clone();
    let result = build_with(fs.clone(), dir, opts, &mut cx);
    if cx.sharing.reused && cx.sharing.schema_set {
        // A reused base skipped what its accumulation did to the schema
        // state, which a later `openapi:` consults: build this one afresh.
        return build_shared(fs, dir, opts, None);
    }
    let result = result
        .map(|resources| Output { resources })
        .map_err(|mut e| {
            // The source lines for renderers, read while the paths are
            // still the file system's own; then the names it shows
            // (`REV:path` for git).
            e.fill_source_lines(&|p| fs.read(p).ok());
            e.map_files(&|p| PathBuf::from(fs.display(p)));
            e
        });
    Build {
        result,
        warnings: cx.warnings,
    }
}

/// The build, with the state its levels share in `cx`.
fn build_with(
    fs: Arc<dyn FileSystem>,
    dir: &Path,
    opts: &BuildOptions,
    cx: &mut Context,
) -> Result<Vec<Resource>> {
    let loader = Loader::new(fs.clone(), dir, opts.restrictor).map_err(|e| {
        let name = dir.to_string_lossy();
        if crate::accumulate::is_remote(&name) {
            Error::of(
                ErrorKind::Unsupported,
                format!("remote build targets (URLs, git repositories) are not supported yet: '{name}'; build a local checkout instead"),
            )
        } else {
            e
        }
    })?;
    let target = Target::load(loader, cx)?;
    cx.sharing.schema_set |= !target.kustomization.openapi.is_empty();
    cx.sharing.stack.push(target.loader.root().to_path_buf());
    cx.build_metadata = target.kustomization.build_metadata.clone();
    cx.env.openapi.apply(
        &target.kustomization,
        &target.loader,
        true,
        &Default::default(),
    )?;
    let ra = target.accumulate(Accumulator::default(), cx)?;
    let Accumulator {
        mut resources,
        config,
        vars,
    } = ra;
    // The last steps run once, at the top, not at every level.
    crate::generate::add_hash_suffixes(&mut resources)?;
    fix_name_references(&mut resources, &config.name_reference)?;
    let unused = crate::transform::vars::resolve_vars_reporting(&mut resources, &vars, &config)?;
    if !unused.is_empty() {
        cx.warnings.push(format!(
            "well-defined vars that were never replaced: {}",
            unused.join(",")
        ));
    }
    let mut list = resources.into_resources();
    list.retain(|r| matches!(r.annotation(LOCAL_CONFIG), None | Some("false")));

    let k = &target.kustomization;
    if let Some(so) = &k.sort_options {
        if opts.reorder != Reorder::Unspecified {
            cx.warnings.push("Warning: Sorting order is set both in 'kustomization.yaml' ('sortOptions') and in a CLI flag ('--reorder'). Using the kustomization file over the CLI flag.".to_string());
        }
        crate::sort::apply_sort_options(&mut list, Some(so))?;
    } else if opts.reorder != Reorder::None {
        crate::sort::apply_sort_options(&mut list, None)?;
    }
    if opts.managed_by_label || k.build_metadata.iter().any(|b| b == "managedByLabel") {
        let value = format!("kustomize-{KUSTOMIZE_VERSION}");
        for r in &mut list {
            // Set one label, as kustomize's label transformer does, leaving the others untouched.
            let md = r.metadata_mut();
            let labels = md.entry("labels".to_string()).or_insert_with(Value::map);
            if !matches!(labels, Value::Map(_)) {
                *labels = Value::map();
            }
            if let Value::Map(m) = labels {
                m.insert(
                    "app.kubernetes.io/managed-by".into(),
                    Value::string(value.clone()),
                );
            }
        }
    }
    // kustomize rebuilds every resource's annotations here (so `{}` and null
    // annotations vanish and values print as strings), dropping its bookkeeping
    // and the origin annotations not asked for.
    let keep_origin = k.build_metadata.iter().any(|b| b == "originAnnotations");
    let keep_transformations = k
        .build_metadata
        .iter()
        .any(|b| b == "transformerAnnotations");
    for r in &mut list {
        r.remove_build_annotations();
        let mut a = r.annotations();
        if !keep_origin {
            a.shift_remove(ORIGIN);
        }
        if !keep_transformations {
            a.shift_remove(TRANSFORMATIONS);
        }
        r.set_annotations(&a);
    }
    check_finite(&list, &*fs)?;
    Ok(list)
}

/// kustomize prints through `encoding/json`, which has no spelling for
/// YAML's `.inf` and `.nan`: such a value in the output fails the build.
/// Checked here rather than only in the emitter so that the error can name
/// the resource, the field and, for a resource read from a file, the file
/// and line.
fn check_finite(list: &[Resource], fs: &dyn FileSystem) -> Result<()> {
    for r in list {
        let mut path = Vec::new();
        let Some(what) = non_finite(&r.obj, &mut path) else {
            continue;
        };
        let mut e = Error::new(format!(
            "json: unsupported value: {what} (field {} of {} '{}': YAML's .inf and .nan have no JSON form, and kustomize writes through JSON; quote the value to keep it a string)",
            path.join("."),
            r.kind(),
            r.name()
        ));
        if let Some(file) = &r.source.0 {
            let mark = fs.read(file).ok().and_then(|b| locate(&b, &path));
            e = e.in_file(file).at(mark);
        }
        return Err(e);
    }
    Ok(())
}

/// The first non-finite float in `v` (Go's name for it), its path left in `path`.
fn non_finite(v: &Value, path: &mut Vec<String>) -> Option<&'static str> {
    let found = non_finite_at(v, path);
    path.reverse();
    found
}

/// One level of [`non_finite`], with stack to spare; `path` innermost first.
fn non_finite_at(v: &Value, path: &mut Vec<String>) -> Option<&'static str> {
    crate::yaml::deep(|| non_finite_inner(v, path))
}

// Body of `non_finite`, run with stack to spare.
fn non_finite_inner(v: &Value, path: &mut Vec<String>) -> Option<&'static str> {
    match v {
        Value::Scalar(s) if s.tag == Tag::Float => {
            let t = s.text.trim_start_matches(['+', '-']);
            if t.eq_ignore_ascii_case(".nan") {
                Some("NaN")
            } else if t.eq_ignore_ascii_case(".inf") {
                Some(if s.text.starts_with('-') {
                    "-Inf"
                } else {
                    "+Inf"
                })
            } else {
                None
            }
        }
        Value::Scalar(_) => None,
        // The path is built on the way back from a find, innermost first
        // (nothing is allocated while nothing is found).
        Value::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
            let found = non_finite_at(item, path)?;
            path.push(i.to_string());
            Some(found)
        }),
        Value::Map(m) => m.iter().find_map(|(k, item)| {
            let found = non_finite_at(item, path)?;
            path.push(k.clone());
            Some(found)
        }),
    }
}

/// Where in a resource file the node at `path` is, when that node is the
/// non-finite float it was read as (a transformer may have put it there).
fn locate(bytes: &[u8], path: &[String]) -> Option<crate::yaml::Mark> {
    let opts = ParseOptions {
        record_marks: true,
        ..Default::default()
    };
    let docs = crate::yaml::Document::read_resources(bytes, &opts).ok()?;
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    docs.iter().find_map(|d| {
        let v = segs.iter().try_fold(&d.value, |v, k| match v {
            Value::Seq(items) => items.get(k.parse::<usize>().ok()?),
            _ => v.get(k),
        })?;
        non_finite(v, &mut Vec::new())?;
        d.mark_at(&segs)
    })
}
