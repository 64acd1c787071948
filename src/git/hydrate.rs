//! Hydration: each environment rendered from one source commit and
//! committed to its target branch and path, written straight into the
//! object database (the working tree and index are never touched).
//!
//! A run renders everything first, writes every blob, tree and commit, and
//! only then moves all its branches in one reference transaction, each with
//! a compare-and-swap on its old value; a failure before that leaves every
//! branch as it was. Commits take author, committer and dates from the
//! source commit, so the same source always gives the same commit ids.
//!
//! See docs/hydrate.md for the layout and provenance files.

use super::diff::Side;
use super::envs::Environment;
use super::source::{one_line, open_repo, resolve_commit};
use crate::error::{Error, ErrorKind, Result};
use crate::{GitFs, LoadRestrictor, RemoteResolver, Reorder};
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::{Entry, EntryKind, EntryMode};
use gix::ObjectId;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The file holding a single-file layout's output.
pub const MANIFEST_FILE: &str = "manifest.yaml";
/// The provenance file beside each environment's output.
pub const METADATA_FILE: &str = "hydrator.metadata";
/// The how-to-reproduce file beside each environment's output.
pub const README_FILE: &str = "README.md";
/// The trailer naming the source commit of a hydrated commit.
pub const FROM_TRAILER: &str = "Hydrated-from";

/// How an environment's output is laid out in its directory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// One `manifest.yaml` holding the whole stream.
    #[default]
    Single,
    /// One file per resource, named as `kustomize build -o DIR` names them.
    PerResource,
}

impl Layout {
    /// `single` or `per-resource`, as `--layout` and `hydrator.metadata` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Single => "single",
            Layout::PerResource => "per-resource",
        }
    }
}

/// A person and time to record in hydrated commits instead of the source
/// commit's.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The name.
    pub name: String,
    /// The e-mail address.
    pub email: String,
    /// Seconds since the epoch and offset in seconds; `None` keeps the
    /// source commit's time.
    pub time: Option<(i64, i32)>,
}

impl Identity {
    /// `Name <email>` (as `--author` and `strata.yaml` give it), keeping
    /// the source commit's time.
    pub fn parse(s: &str) -> std::result::Result<Identity, String> {
        let bad = || format!("'{s}' is not of the form 'Name <email>'");
        let (name, rest) = s.split_once('<').ok_or_else(bad)?;
        let email = rest.trim_end().strip_suffix('>').ok_or_else(bad)?;
        if name.trim().is_empty() || email.contains(['<', '>']) {
            return Err(bad());
        }
        Ok(Identity {
            name: name.trim().to_string(),
            email: email.trim().to_string(),
            time: None,
        })
    }
}

/// What to hydrate, and how.
#[derive(Clone, Debug)]
pub struct HydrateOptions {
    /// The source revision (`HEAD` by default).
    pub source: String,
    /// Only these environments (all when empty).
    pub envs: Vec<String>,
    /// The output layout.
    pub layout: Layout,
    /// Compute everything, write nothing.
    pub dry_run: bool,
    /// Keep the paths of environments no longer defined by the source.
    pub keep_removed: bool,
    /// Where a missing branch starts (an orphan when `None`).
    pub base: Option<String>,
    /// Author of hydrated commits (the source commit's when `None`).
    pub author: Option<Identity>,
    /// Committer of hydrated commits (the source commit's when `None`).
    pub committer: Option<Identity>,
    /// How many times to re-apply on a branch another run moved meanwhile.
    pub retries: usize,
    /// Where remote bases come from; `None` refuses them.
    pub remote: Option<Arc<dyn RemoteResolver>>,
}

impl Default for HydrateOptions {
    fn default() -> Self {
        HydrateOptions {
            source: "HEAD".into(),
            envs: Vec::new(),
            layout: Layout::Single,
            dry_run: false,
            keep_removed: false,
            base: None,
            author: None,
            committer: None,
            retries: 5,
            remote: None,
        }
    }
}

/// What one branch got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchUpdate {
    /// The branch (`env/prod`, without `refs/heads/`).
    pub branch: String,
    /// The environments written to it.
    pub envs: Vec<String>,
    /// Its tip before the run, if it existed.
    pub old: Option<String>,
    /// Its tip after the run (the old one when nothing changed).
    pub new: String,
    /// Files added, changed and removed (paths on the branch).
    pub added: Vec<String>,
    /// Files whose content changed.
    pub modified: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
}

impl BranchUpdate {
    /// Whether the branch moves.
    pub fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.new.as_str())
    }
}

/// What a run did (or, dry, would do).
#[derive(Clone, Debug, Default)]
pub struct HydrateReport {
    /// The source commit.
    pub source: String,
    /// Every branch of the run, by name.
    pub branches: Vec<BranchUpdate>,
    /// The builds' warnings.
    pub warnings: Vec<String>,
    /// How many times the branches were re-applied after a race.
    pub retries: usize,
}

impl HydrateReport {
    /// One paragraph per branch: its move and its file changes.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for b in &self.branches {
            let short = |id: &str| id[..id.len().min(12)].to_string();
            if !b.changed() {
                s.push_str(&format!("{}: unchanged at {}\n", b.branch, short(&b.new)));
                continue;
            }
            let old = b.old.as_deref().map_or("(new)".to_string(), short);
            s.push_str(&format!("{}: {} -> {}\n", b.branch, old, short(&b.new)));
            for (mark, list) in [("A", &b.added), ("M", &b.modified), ("D", &b.removed)] {
                for f in list {
                    s.push_str(&format!("  {mark} {f}\n"));
                }
            }
        }
        s
    }

    /// The branches that move.
    pub fn changed(&self) -> impl Iterator<Item = &BranchUpdate> {
        self.branches.iter().filter(|b| b.changed())
    }
}

/// A flat tree: every non-directory entry by its full path.
type Flat = BTreeMap<String, (EntryMode, ObjectId)>;

/// One environment's rendered files, by path on its branch.
struct Rendered {
    env: Environment,
    files: BTreeMap<String, Vec<u8>>,
}

/// Hydrates the repository containing `dir`: see the module's docs.
pub fn hydrate(dir: &Path, opts: &HydrateOptions) -> Result<HydrateReport> {
    let repo = open_repo(dir)?;
    let fs = Arc::new(GitFs::open(dir, &opts.source)?);
    let sha = fs.commit();
    let source_id = ObjectId::from_hex(sha.as_bytes()).map_err(|e| git_err("source id", &e))?;
    let side = Side::new(fs.clone(), PathBuf::from("/"), sha[..7].to_string())
        .with_remote(opts.remote.clone());
    let all = side.environments()?;
    for want in &opts.envs {
        match all.get(want) {
            None => {
                return Err(Error::of(
                    ErrorKind::NotFound,
                    format!(
                        "no environment '{want}' at {} (strata envs lists them)",
                        opts.source
                    ),
                ))
            }
            Some(env) => {
                if let Some(t) = &env.in_tree {
                    return Err(Error::of(
                        ErrorKind::Invalid,
                        format!(
                            "environment '{want}' is committed in the source tree at '{}' (inTree in strata.yaml), not hydrated to a branch; write it with: {}",
                            t.dir,
                            in_tree_fix(env, t)
                        ),
                    ));
                }
            }
        }
    }
    // Environments whose output is committed beside the sources have no branch.
    let chosen: Vec<Environment> = all
        .list
        .iter()
        .filter(|e| e.in_tree.is_none())
        .filter(|e| opts.envs.is_empty() || opts.envs.contains(&e.name))
        .cloned()
        .collect();
    check_paths(&chosen)?;

    // Flags first, then strata.yaml, then the source commit's.
    let author = opts.author.clone().or_else(|| all.author.clone());
    let committer = opts.committer.clone().or_else(|| all.committer.clone());
    let source = SourceInfo::read(&repo, source_id, &author, &committer)?;
    let mut report = HydrateReport {
        source: sha.clone(),
        ..HydrateReport::default()
    };
    // Everything is rendered before anything is written.
    let mut rendered = Vec::new();
    for env in chosen {
        let out = side.render(&env, &mut report.warnings)?;
        let files = env_files(&env, &out, &source, opts.layout)?;
        rendered.push(Rendered { env, files });
    }
    let mut blobs: BTreeMap<String, ObjectId> = BTreeMap::new();
    for r in &rendered {
        for (path, bytes) in &r.files {
            let blob = gix::objs::Blob {
                data: bytes.clone(),
            };
            let id = put(&repo, &blob, opts.dry_run)?;
            blobs.insert(path.clone(), id);
        }
    }
    let known: Vec<String> = all.list.iter().map(|e| e.name.clone()).collect();
    let mut by_branch: BTreeMap<String, Vec<&Rendered>> = BTreeMap::new();
    for r in &rendered {
        by_branch.entry(r.env.branch.clone()).or_default().push(r);
    }
    let base = match &opts.base {
        None => None,
        Some(rev) => Some(resolve_commit(&repo, rev)?),
    };

    // The tips first seen: a later attempt that finds another run's commit
    // on a path of ours must justify overwriting it.
    let mut first_seen: BTreeMap<String, Option<ObjectId>> = BTreeMap::new();
    let mut attempt = 0;
    loop {
        let mut updates = Vec::new();
        let mut edits = Vec::new();
        for (branch, envs) in &by_branch {
            let full = format!("refs/heads/{branch}");
            let tip = branch_tip(&repo, &full)?;
            let seen = *first_seen.entry(branch.clone()).or_insert(tip);
            let paths: Vec<&str> = envs.iter().map(|r| r.env.path.as_str()).collect();
            if seen != tip {
                check_race(&repo, branch, seen, tip, &paths, source_id)?;
            }
            let (parent, start) = match (tip, base) {
                (Some(t), _) => (Some(t), flat_of_commit(&repo, t)?),
                (None, Some(b)) => (Some(b), flat_of_commit(&repo, b)?),
                (None, None) => (None, Flat::new()),
            };
            let mut next = start.clone();
            for p in &paths {
                remove_under(&mut next, p);
            }
            if !opts.keep_removed {
                for dir in removed_env_dirs(&repo, &start, &known)? {
                    remove_under(&mut next, &dir);
                }
            }
            for r in envs {
                for path in r.files.keys() {
                    next.insert(path.clone(), (EntryKind::Blob.into(), blobs[path]));
                }
            }
            let mut update = BranchUpdate {
                branch: branch.clone(),
                envs: envs.iter().map(|r| r.env.name.clone()).collect(),
                old: tip.map(|t| t.to_string()),
                new: String::new(),
                added: Vec::new(),
                modified: Vec::new(),
                removed: Vec::new(),
            };
            for (path, (_, id)) in &next {
                match start.get(path) {
                    None => update.added.push(path.clone()),
                    Some((_, old)) if old != id => update.modified.push(path.clone()),
                    Some(_) => {}
                }
            }
            update.removed = start
                .keys()
                .filter(|p| !next.contains_key(*p))
                .cloned()
                .collect();
            if tip.is_some() && next == start {
                update.new = update.old.clone().unwrap_or_default();
                updates.push(update);
                continue;
            }
            let tree = write_tree(&repo, &next, opts.dry_run)?;
            let commit = source.commit(tree, parent);
            let id = put(&repo, &commit, opts.dry_run)?;
            update.new = id.to_string();
            edits.push(ref_edit(&full, tip, id, &sha));
            updates.push(update);
        }
        report.branches = updates;
        report.retries = attempt;
        if opts.dry_run || edits.is_empty() {
            return Ok(report);
        }
        let mut time = gix::date::parse::TimeBuf::default();
        let committer = source.committer.to_ref(&mut time);
        match repo.edit_references_as(edits, Some(committer)) {
            Ok(_) => return Ok(report),
            Err(e) if attempt < opts.retries => {
                // Most likely another run moved a branch (or holds its
                // lock): re-apply on the new tips.
                let _ = e;
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20 * attempt as u64));
            }
            Err(e) => {
                return Err(Error::of(
                    ErrorKind::Io,
                    format!(
                        "cannot move the branches ({}) after {} attempts: {}; no branch was moved",
                        by_branch.keys().cloned().collect::<Vec<_>>().join(", "),
                        attempt + 1,
                        one_line(&e)
                    ),
                ))
            }
        }
    }
}

/// The branch's tip, if it exists.
pub(crate) fn branch_tip(repo: &gix::Repository, full: &str) -> Result<Option<ObjectId>> {
    let found = repo
        .try_find_reference(full)
        .map_err(|e| git_err(&format!("reading {full}"), &e))?;
    match found {
        None => Ok(None),
        Some(mut r) => {
            let id = r
                .peel_to_id()
                .map_err(|e| git_err(&format!("reading {full}"), &e))?;
            Ok(Some(id.detach()))
        }
    }
}

/// Fails unless another run's change to one of `paths` on `branch` (from
/// `seen` to `tip`) may be overwritten: the tip's source must be an
/// ancestor of ours.
fn check_race(
    repo: &gix::Repository,
    branch: &str,
    seen: Option<ObjectId>,
    tip: Option<ObjectId>,
    paths: &[&str],
    ours: ObjectId,
) -> Result<()> {
    let before = match seen {
        Some(s) => flat_of_commit(repo, s)?,
        None => Flat::new(),
    };
    let after = match tip {
        Some(t) => flat_of_commit(repo, t)?,
        None => Flat::new(),
    };
    let under = |f: &Flat, p: &str| -> Flat {
        f.iter()
            .filter(|(k, _)| is_under(k, p))
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    };
    let touched: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| under(&before, p) != under(&after, p))
        .collect();
    if touched.is_empty() {
        return Ok(());
    }
    let theirs = tip.and_then(|t| hydrated_from(repo, t));
    let fail = |why: String| {
        Err(Error::of(
            ErrorKind::Invalid,
            format!(
                "branch '{branch}' was hydrated concurrently at {} ({why}); not overwriting it: run again once it settles",
                touched.join(", ")
            ),
        ))
    };
    match theirs {
        None => fail("its tip has no Hydrated-from trailer".into()),
        Some(t) if t == ours || is_ancestor(repo, t, ours)? => Ok(()),
        Some(t) => fail(format!("from {t}, which is not an ancestor of {ours}")),
    }
}

/// The `Hydrated-from` trailer of commit `id`.
pub(crate) fn hydrated_from(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let commit = repo.find_commit(id).ok()?;
    let msg = commit.message_raw().ok()?.to_str_lossy().into_owned();
    msg.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&format!("{FROM_TRAILER}: ")))
        .and_then(|h| ObjectId::from_hex(h.trim().as_bytes()).ok())
}

fn is_ancestor(repo: &gix::Repository, old: ObjectId, new: ObjectId) -> Result<bool> {
    let walk = repo
        .rev_walk([new])
        .all()
        .map_err(|e| git_err("walking history", &e))?;
    for info in walk {
        let info = info.map_err(|e| git_err("walking history", &e))?;
        if info.id == old {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Environment paths must be clean, relative, and not nest on one branch.
fn check_paths(envs: &[Environment]) -> Result<()> {
    for e in envs {
        let clean = !e.path.is_empty()
            && Path::new(&e.path)
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            && !e.path.ends_with('/');
        if !clean {
            return Err(Error::of(
                ErrorKind::Invalid,
                format!(
                    "environment '{}': path '{}' must be a relative directory without '.' or '..'",
                    e.name, e.path
                ),
            ));
        }
    }
    for (i, a) in envs.iter().enumerate() {
        for b in &envs[i + 1..] {
            if a.branch == b.branch && (is_under(&a.path, &b.path) || is_under(&b.path, &a.path)) {
                return Err(Error::of(
                    ErrorKind::Invalid,
                    format!(
                        "environments '{}' and '{}' both write '{}' on branch '{}'",
                        a.name,
                        b.name,
                        a.path.clone().min(b.path.clone()),
                        a.branch
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether `path` is `dir` or inside it.
fn is_under(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

fn remove_under(flat: &mut Flat, dir: &str) {
    flat.retain(|k, _| !is_under(k, dir));
}

/// Directories of `flat` holding hydration metadata of an environment not
/// in `known` (removed from the source).
fn removed_env_dirs(repo: &gix::Repository, flat: &Flat, known: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (path, (_, id)) in flat {
        let Some(dir) = path.strip_suffix(&format!("/{METADATA_FILE}")) else {
            continue;
        };
        let blob = repo.find_blob(*id).map_err(|e| git_err(path, &e))?;
        let meta: serde_json::Value = match serde_json::from_slice(&blob.data) {
            Ok(v) => v,
            Err(_) => continue, // not ours
        };
        if let Some(name) = meta.get("environment").and_then(|n| n.as_str()) {
            if !known.iter().any(|k| k == name) {
                out.push(dir.to_string());
            }
        }
    }
    Ok(out)
}

/// Every non-directory entry of commit `id`'s tree.
fn flat_of_commit(repo: &gix::Repository, id: ObjectId) -> Result<Flat> {
    let commit = repo
        .find_commit(id)
        .map_err(|e| git_err(&id.to_string(), &e))?;
    let tree = commit.tree().map_err(|e| git_err(&id.to_string(), &e))?;
    let mut rec = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut rec)
        .map_err(|e| git_err(&id.to_string(), &e))?;
    Ok(rec
        .records
        .into_iter()
        .filter(|r| !r.mode.is_tree())
        .map(|r| (r.filepath.to_str_lossy().into_owned(), (r.mode, r.oid)))
        .collect())
}

/// Writes (or, dry, hashes) the nested trees of `flat`; returns the root's id.
fn write_tree(repo: &gix::Repository, flat: &Flat, dry: bool) -> Result<ObjectId> {
    fn level(
        repo: &gix::Repository,
        entries: &[(&str, EntryMode, ObjectId)],
        dry: bool,
    ) -> Result<ObjectId> {
        let mut tree = gix::objs::Tree::empty();
        let mut i = 0;
        while i < entries.len() {
            let (path, mode, id) = entries[i];
            match path.split_once('/') {
                None => {
                    tree.entries.push(Entry {
                        mode,
                        filename: BString::from(path),
                        oid: id,
                    });
                    i += 1;
                }
                Some((dir, _)) => {
                    let mut sub = Vec::new();
                    while i < entries.len() {
                        match entries[i].0.split_once('/') {
                            Some((d, rest)) if d == dir => {
                                sub.push((rest, entries[i].1, entries[i].2));
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    let sub_id = level(repo, &sub, dry)?;
                    tree.entries.push(Entry {
                        mode: EntryKind::Tree.into(),
                        filename: BString::from(dir),
                        oid: sub_id,
                    });
                }
            }
        }
        // Git orders a tree's entries with directories compared as `name/`.
        tree.entries.sort();
        put(repo, &tree, dry)
    }
    // Paths sorted bytewise keep each directory's entries contiguous.
    let entries: Vec<(&str, EntryMode, ObjectId)> = flat
        .iter()
        .map(|(p, (m, id))| (p.as_str(), *m, *id))
        .collect();
    level(repo, &entries, dry)
}

/// Writes an object, or in a dry run only computes its id.
fn put(repo: &gix::Repository, obj: &impl gix::objs::WriteTo, dry: bool) -> Result<ObjectId> {
    if dry {
        let mut buf = Vec::new();
        obj.write_to(&mut buf)
            .map_err(|e| git_err("encoding", &e))?;
        return gix::objs::compute_hash(repo.object_hash(), obj.kind(), &buf)
            .map_err(|e| git_err("hashing", &e));
    }
    repo.write_object(obj)
        .map(|i| i.detach())
        .map_err(|e| git_err("writing an object", &e))
}

fn ref_edit(
    full: &str,
    old: Option<ObjectId>,
    new: ObjectId,
    sha: &str,
) -> gix::refs::transaction::RefEdit {
    use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
    RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: format!("strata hydrate: from {}", &sha[..12]).into(),
            },
            expected: match old {
                Some(id) => PreviousValue::MustExistAndMatch(gix::refs::Target::Object(id)),
                None => PreviousValue::MustNotExist,
            },
            new: gix::refs::Target::Object(new),
        },
        name: full.try_into().expect("a valid branch name"),
        deref: false,
    }
}

/// What hydrated commits and provenance files say about the source.
struct SourceInfo {
    sha: String,
    subject: String,
    author: gix::actor::Signature,
    committer: gix::actor::Signature,
    repo_url: Option<String>,
}

impl SourceInfo {
    fn read(
        repo: &gix::Repository,
        id: ObjectId,
        author: &Option<Identity>,
        committer: &Option<Identity>,
    ) -> Result<SourceInfo> {
        let commit = repo
            .find_commit(id)
            .map_err(|e| git_err(&id.to_string(), &e))?;
        let sig = |s: Result<gix::actor::SignatureRef<'_>, _>| -> Result<gix::actor::Signature> {
            let s: gix::actor::SignatureRef<'_> = s.map_err(|e| git_err("source commit", &e))?;
            Ok(s.into())
        };
        let subject = commit
            .message()
            .map(|m| m.summary().to_str_lossy().into_owned())
            .unwrap_or_default();
        let with = |base: gix::actor::Signature, over: &Option<Identity>| match over {
            None => base,
            Some(o) => gix::actor::Signature {
                name: o.name.clone().into(),
                email: o.email.clone().into(),
                time: o
                    .time
                    .map_or(base.time, |(seconds, offset)| gix::date::Time {
                        seconds,
                        offset,
                    }),
            },
        };
        let url = repo
            .config_snapshot()
            .string("remote.origin.url")
            .map(|u| strip_credentials(&u.to_str_lossy()));
        Ok(SourceInfo {
            sha: id.to_string(),
            subject,
            author: with(sig(commit.author())?, author),
            committer: with(sig(commit.committer())?, committer),
            repo_url: url,
        })
    }

    fn message(&self) -> String {
        format!(
            "{}: {}\n\n{FROM_TRAILER}: {}\nHydrated-by: strata {}\n",
            &self.sha[..7],
            self.subject,
            self.sha,
            env!("CARGO_PKG_VERSION")
        )
    }

    fn commit(&self, tree: ObjectId, parent: Option<ObjectId>) -> gix::objs::Commit {
        gix::objs::Commit {
            tree,
            parents: parent.into_iter().collect(),
            author: self.author.clone(),
            committer: self.committer.clone(),
            encoding: None,
            message: self.message().into(),
            extra_headers: Vec::new(),
        }
    }
}

/// A URL without `user:password@`, which must not be committed.
fn strip_credentials(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if let Some((_, host)) = authority.rsplit_once('@') {
            return format!("{scheme}://{host}{path}");
        }
    }
    url.to_string()
}

/// The build flags as `strata build` spells them.
pub(crate) fn flag_args(env: &Environment) -> Vec<String> {
    let mut args = Vec::new();
    if env.options.restrictor == LoadRestrictor::None {
        args.push("--load-restrictor=LoadRestrictionsNone".to_string());
    }
    match env.options.reorder {
        Reorder::Unspecified => {}
        Reorder::Legacy => args.push("--reorder=legacy".into()),
        Reorder::None => args.push("--reorder=none".into()),
    }
    if env.options.managed_by_label {
        args.push("--enable-managedby-label".into());
    }
    args
}

/// The files an environment's output makes, by path on its branch.
fn env_files(
    env: &Environment,
    out: &crate::Output,
    source: &SourceInfo,
    layout: Layout,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let p = &env.path;
    let mut files: BTreeMap<String, Vec<u8>> = output_files(out, layout)?
        .into_iter()
        .map(|(name, bytes)| (format!("{p}/{name}"), bytes))
        .collect();
    let flags = flag_args(env);
    let src = env.source.to_string_lossy().replace('\\', "/");
    let build_cmd = {
        let mut parts = vec!["strata".to_string(), "build".into(), "--ref".into()];
        parts.push(source.sha.clone());
        parts.push(src.clone());
        parts.extend(flags.iter().cloned());
        parts.join(" ")
    };
    let meta = serde_json::json!({
        "environment": env.name,
        "repoURL": source.repo_url,
        "drySha": source.sha,
        "sourcePath": src,
        "strataVersion": env!("CARGO_PKG_VERSION"),
        "buildFlags": flags,
        "layout": layout.as_str(),
        "commands": [build_cmd],
    });
    let mut meta = serde_json::to_string_pretty(&meta).unwrap_or_default();
    meta.push('\n');
    files.insert(format!("{p}/{METADATA_FILE}"), meta.into_bytes());
    let readme = format!(
        "# {name}\n\nThis directory is generated by strata {ver}; do not edit it.\n\n\
         It is environment `{name}` rendered from `{src}` at commit `{sha}`{repo}.\n\
         To reproduce it, in a clone of the source repository:\n\n\
         ```sh\n{build_cmd}\n```\n\n\
         or write it again, to this branch, with `strata hydrate --source {sha} --env {name}`.\n",
        name = env.name,
        ver = env!("CARGO_PKG_VERSION"),
        sha = source.sha,
        repo = source
            .repo_url
            .as_ref()
            .map_or(String::new(), |u| format!(" of {u}")),
    );
    files.insert(format!("{p}/{README_FILE}"), readme.into_bytes());
    Ok(files)
}

/// The files of one output in `layout`, by name in its directory.
fn output_files(out: &crate::Output, layout: Layout) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    match layout {
        Layout::Single => {
            files.insert(MANIFEST_FILE.to_string(), out.to_yaml()?.into_bytes());
        }
        Layout::PerResource => {
            for (doc, name) in out.documents().zip(out.file_names()) {
                files.insert(name, doc.to_yaml()?.into_bytes());
            }
        }
    }
    Ok(files)
}

/// The commands (run at the repository's top) that write an in-tree
/// environment's output.
fn in_tree_fix(env: &Environment, t: &super::envs::InTree) -> String {
    let src = env.source.to_string_lossy().replace('\\', "/");
    let mut build = format!("strata build {src}");
    for f in flag_args(env) {
        build.push(' ');
        build.push_str(&f);
    }
    match t.layout {
        Layout::Single => format!("mkdir -p {d} && {build} > {d}/{MANIFEST_FILE}", d = t.dir),
        Layout::PerResource => format!("rm -rf {d} && mkdir -p {d} && {build} -o {d}", d = t.dir),
    }
}

fn git_err(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::of(ErrorKind::Io, format!("git: {what}: {}", one_line(e)))
}

/// Pushes the branches `report` moved to `remote` through the `git`
/// command (so credential helpers and SSH settings apply), atomically, each
/// with a lease on its value before the run (`--force-with-lease`; a branch
/// new to this repository must be new to the remote). Nothing is pushed when
/// nothing moved. When the push fails, the local branches are moved back to
/// where they were, so local and remote stay as they were before the run.
pub fn push(dir: &Path, remote: &str, report: &HydrateReport) -> Result<()> {
    let moved: Vec<&BranchUpdate> = report.changed().collect();
    if moved.is_empty() {
        return Ok(());
    }
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args(["push", "--atomic", "--porcelain", remote]);
    for b in &moved {
        let full = format!("refs/heads/{}", b.branch);
        cmd.arg(format!(
            "--force-with-lease={full}:{}",
            b.old.as_deref().unwrap_or("")
        ));
        cmd.arg(format!("{}:{full}", b.new));
    }
    let out = cmd
        .output()
        .map_err(|e| Error::io("cannot run git to push".to_string(), e))?;
    if out.status.success() {
        return Ok(());
    }
    let rolled_back = roll_back(dir, &moved);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let rejected: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with('!'))
        .map(|l| l.trim_start_matches(['!', '\t', ' ']).to_string())
        .collect();
    let detail = if rejected.is_empty() {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        format!(
            "rejected: {} (stale info means the remote branch moved since this repository last saw it, or exists while the local one does not: fetch it into the local branch, e.g. git fetch {remote} '+refs/heads/env/*:refs/heads/env/*', and hydrate again)",
            rejected.join("; ")
        )
    };
    let local = match rolled_back {
        Ok(()) => "the local branches were moved back to where they were".to_string(),
        Err(e) => format!("moving the local branches back failed too: {e}"),
    };
    Err(Error::of(
        ErrorKind::Io,
        format!("push to '{remote}' failed, nothing was pushed ({local}): {detail}"),
    ))
}

/// Moves each branch from its new tip back to its old one (deleting a
/// branch the run created), with a compare-and-swap, in one transaction.
fn roll_back(dir: &Path, moved: &[&BranchUpdate]) -> Result<()> {
    use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
    let repo = open_repo(dir)?;
    let id = |h: &str| ObjectId::from_hex(h.as_bytes()).map_err(|e| git_err("id", &e));
    let mut edits = Vec::new();
    for b in moved {
        let expected = PreviousValue::MustExistAndMatch(gix::refs::Target::Object(id(&b.new)?));
        let change = match &b.old {
            Some(old) => Change::Update {
                log: LogChange {
                    mode: RefLog::AndReference,
                    force_create_reflog: false,
                    message: "strata hydrate: push failed, moved back".into(),
                },
                expected,
                new: gix::refs::Target::Object(id(old)?),
            },
            None => Change::Delete {
                expected,
                log: RefLog::AndReference,
            },
        };
        edits.push(RefEdit {
            change,
            name: format!("refs/heads/{}", b.branch)
                .try_into()
                .expect("a valid branch name"),
            deref: false,
        });
    }
    let commit = repo
        .find_commit(id(&moved[0].new)?)
        .map_err(|e| git_err("commit", &e))?;
    let sig: gix::actor::Signature = commit
        .committer()
        .map_err(|e| git_err("commit", &e))?
        .into();
    let mut time = gix::date::parse::TimeBuf::default();
    repo.edit_references_as(edits, Some(sig.to_ref(&mut time)))
        .map_err(|e| git_err("moving branches back", &e))?;
    Ok(())
}

/// What [`check`] found.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// The environments compared, by name.
    pub checked: Vec<String>,
    /// The stale ones: name and a unified diff (hydrated -> fresh render).
    pub stale: Vec<(String, String)>,
    /// For each stale environment, the command that refreshes it.
    pub fixes: BTreeMap<String, String>,
}

impl CheckReport {
    /// The diffs of the stale environments, each with the command that
    /// refreshes it, or a one-line all-clear.
    pub fn to_text(&self) -> String {
        if self.stale.is_empty() {
            return format!(
                "hydrated output is up to date ({} environment(s) checked)\n",
                self.checked.len()
            );
        }
        let mut s = String::new();
        for (name, diff) in &self.stale {
            s.push_str(&format!("environment {name} is stale:\n{diff}"));
            if let Some(fix) = self.fixes.get(name) {
                s.push_str(&format!("to refresh it: {fix}\n"));
            }
        }
        s
    }
}

/// What [`check_with`] compares.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The source revision to render (`HEAD`); unused with `work_tree`.
    pub source: String,
    /// Render the working tree instead of `source`: under pre-commit that
    /// is exactly what is being committed (it sets unstaged changes aside
    /// while hooks run). Every environment is then checked.
    pub work_tree: bool,
    /// Check every environment, not only the affected ones.
    pub all: bool,
    /// Where remote bases come from; `None` refuses them.
    pub remote: Option<Arc<dyn RemoteResolver>>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            source: "HEAD".into(),
            work_tree: false,
            all: false,
            remote: None,
        }
    }
}

/// Re-renders environments at `source` and compares them with their
/// hydrated output on their target branches (provenance files aside). With
/// `all` false, only the environments whose output may differ between the
/// source their directory was hydrated from (its `drySha`) and `source`, by
/// [`crate::affected`], plus those never hydrated.
pub fn check(dir: &Path, source: &str, all: bool) -> Result<CheckReport> {
    check_with(
        dir,
        &CheckOptions {
            source: source.to_string(),
            all,
            work_tree: false,
            remote: None,
        },
    )
}

/// [`check`], with its options: an environment whose output is committed
/// in the tree (`inTree`) is compared with that directory of the same tree
/// (every such environment is rendered: it has no hydrated source to
/// compare from); the others with their branches.
pub fn check_with(dir: &Path, opts: &CheckOptions) -> Result<CheckReport> {
    let repo = open_repo(dir)?;
    let (side, git_fs) = if opts.work_tree {
        let top = super::work_tree_top(dir).ok_or_else(|| {
            Error::of(
                ErrorKind::NotFound,
                format!(
                    "'{}' is not in a git repository with a working tree",
                    dir.display()
                ),
            )
        })?;
        (super::diff::work_tree_side(&top), None)
    } else {
        let fs = Arc::new(GitFs::open(dir, &opts.source)?);
        let side = Side::new(fs.clone(), PathBuf::from("/"), opts.source.clone());
        (side, Some(fs))
    };
    let side = side.with_remote(opts.remote.clone());
    let source = side.label.clone();
    let envs = side.environments()?;
    let mut report = CheckReport::default();
    let mut affected_from: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for env in &envs.list {
        if let Some(t) = &env.in_tree {
            report.checked.push(env.name.clone());
            let out = side.render(env, &mut Vec::new())?;
            let in_dir = |files: BTreeMap<String, Vec<u8>>| {
                texts(files)
                    .into_iter()
                    .map(|(name, text)| (format!("{}/{name}", t.dir), text))
                    .collect::<BTreeMap<_, _>>()
            };
            let fresh = in_dir(output_files(&out, t.layout)?);
            let old = in_dir(read_flat_dir(&side, &t.dir)?);
            let diff = files_diff(&old, &fresh, &source, "fresh");
            if !diff.is_empty() {
                report.stale.push((env.name.clone(), diff));
                report.fixes.insert(
                    env.name.clone(),
                    format!(
                        "{} (at the repository's top), then commit it",
                        in_tree_fix(env, t)
                    ),
                );
            }
            continue;
        }
        let tip = branch_tip(&repo, &format!("refs/heads/{}", env.branch))?;
        let hydrated = match tip {
            Some(t) => flat_of_commit(&repo, t)?,
            None => Flat::new(),
        };
        let meta = hydrated
            .get(&format!("{}/{METADATA_FILE}", env.path))
            .and_then(|(_, id)| repo.find_blob(*id).ok())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b.data).ok());
        let dry = meta
            .as_ref()
            .and_then(|m| m.get("drySha")?.as_str().map(String::from));
        if let (false, Some(dry), Some(fs)) = (opts.all, &dry, &git_fs) {
            if !affected_from.contains_key(dry) {
                let old = Arc::new(GitFs::open(dir, dry)?);
                let names = crate::affected_with(old, fs.clone(), None, opts.remote.clone())?
                    .affected
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                affected_from.insert(dry.clone(), names);
            }
            if !affected_from[dry].contains(&env.name) {
                continue;
            }
        }
        report.checked.push(env.name.clone());
        let layout = match meta.as_ref().and_then(|m| m.get("layout")?.as_str()) {
            Some("per-resource") => Layout::PerResource,
            _ => Layout::Single,
        };
        let out = side.render(env, &mut Vec::new())?;
        let info = SourceInfo {
            sha: "0".repeat(40),
            subject: String::new(),
            author: gix::actor::Signature::default(),
            committer: gix::actor::Signature::default(),
            repo_url: None,
        };
        let provenance = |p: &str| {
            p.ends_with(&format!("/{METADATA_FILE}")) || p.ends_with(&format!("/{README_FILE}"))
        };
        let fresh: BTreeMap<String, String> = texts(env_files(env, &out, &info, layout)?)
            .into_iter()
            .filter(|(p, _)| !provenance(p))
            .collect();
        let mut old: BTreeMap<String, String> = BTreeMap::new();
        for (p, (_, id)) in &hydrated {
            if is_under(p, &env.path) && !provenance(p) {
                let blob = repo.find_blob(*id).map_err(|e| git_err(p, &e))?;
                old.insert(p.clone(), blob.data.to_str_lossy().into_owned());
            }
        }
        let diff = files_diff(&old, &fresh, &env.branch, &source);
        if !diff.is_empty() {
            report.stale.push((env.name.clone(), diff));
            let fix = if opts.work_tree {
                format!("commit, then strata hydrate --env {}", env.name)
            } else if opts.source == "HEAD" {
                format!("strata hydrate --env {}", env.name)
            } else {
                format!("strata hydrate --source {} --env {}", opts.source, env.name)
            };
            report.fixes.insert(env.name.clone(), fix);
        }
    }
    Ok(report)
}

fn texts(files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    files
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

/// The regular files directly in `dir` (relative to the side's top), by
/// name; none when the directory does not exist.
fn read_flat_dir(side: &Side, dir: &str) -> Result<BTreeMap<String, Vec<u8>>> {
    let fs = &*side.fs;
    let path = side.top.join(dir);
    let err = |p: &Path, e| Error::io(format!("cannot read '{}'", fs.display(p)), e);
    let mut files = BTreeMap::new();
    if fs.kind(&path).map_err(|e| err(&path, e))? != Some(crate::EntryKind::Dir) {
        return Ok(files);
    }
    for name in fs.read_dir(&path).map_err(|e| err(&path, e))? {
        let p = path.join(&name);
        if fs.kind(&p).map_err(|e| err(&p, e))? == Some(crate::EntryKind::File) {
            files.insert(name, fs.read(&p).map_err(|e| err(&p, e))?);
        }
    }
    Ok(files)
}

/// Unified diffs, file by file, from `old` (headed `old_label:PATH`) to
/// `fresh` (`new_label:PATH`); empty when they are the same.
fn files_diff(
    old: &BTreeMap<String, String>,
    fresh: &BTreeMap<String, String>,
    old_label: &str,
    new_label: &str,
) -> String {
    let mut diff = String::new();
    let mut paths: Vec<&String> = fresh.keys().chain(old.keys()).collect();
    paths.sort();
    paths.dedup();
    for p in paths {
        let a = old.get(p).map_or("", String::as_str);
        let b = fresh.get(p).map_or("", String::as_str);
        if a != b || old.contains_key(p) != fresh.contains_key(p) {
            let d = similar::TextDiff::from_lines(a, b);
            diff.push_str(
                &d.unified_diff()
                    .header(&format!("{old_label}:{p}"), &format!("{new_label}:{p}"))
                    .to_string(),
            );
            if a == b {
                // An empty file present on one side only.
                diff.push_str(&format!(
                    "{p}: only in {}\n",
                    if old.contains_key(p) {
                        old_label
                    } else {
                        new_label
                    }
                ));
            }
        }
    }
    diff
}
