//! Affected environments: those whose rendered output differs between two
//! revisions, found without rendering everything twice.
//!
//! Each environment is rendered at the old revision through a [`Recording`]
//! file system, which gives the paths it depends on. Only an environment
//! one of whose paths changed between the revisions (an entry added,
//! removed or altered in the trees) or whose definition changed is a
//! candidate; the candidates alone are rendered at the new revision, and
//! those whose output differs are affected. Environments defined at only
//! one of the revisions are affected as added or removed.

use super::diff::{diff_outputs, DiffOptions};
use super::envs::{environments, Environment};
use super::record::Recording;
use super::GitFs;
use crate::build;
use crate::error::Result;
use crate::load::RemoteResolver;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why an environment is affected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Defined at the new revision only.
    Added,
    /// Defined at the old revision only.
    Removed,
    /// Its rendered output differs (or it renders at one revision only).
    Changed,
}

impl Reason {
    /// `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Added => "added",
            Reason::Removed => "removed",
            Reason::Changed => "changed",
        }
    }
}

/// What [`affected`] found.
#[derive(Clone, Debug, Default)]
pub struct AffectedReport {
    /// The affected environments, by name, with why.
    pub affected: Vec<(String, Reason)>,
    /// The environments considered (all, or this shard's), by name.
    pub considered: Vec<String>,
    /// Those rendered at the new revision to confirm (the candidates).
    pub confirmed: Vec<String>,
}

impl AffectedReport {
    /// The affected environments' names, one per line.
    pub fn to_text(&self) -> String {
        self.affected
            .iter()
            .map(|(n, _)| format!("{n}\n"))
            .collect()
    }

    /// A JSON array of `{name, reason}` objects, by name, for a CI matrix.
    pub fn to_json(&self) -> String {
        let list: Vec<_> = self
            .affected
            .iter()
            .map(|(n, r)| serde_json::json!({"name": n, "reason": r.as_str()}))
            .collect();
        let mut s = serde_json::to_string(&list).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A deterministic share of a list: shard `k` of `n` (1-based) takes the
/// items at positions `k-1`, `k-1+n`, ... of the list sorted by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1.
    pub k: usize,
    /// How many shards.
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("'{s}' is not a shard K/N with 1 <= K <= N");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// The environments whose rendered output differs between revisions `old`
/// and `new` (both trees rooted at `/`), restricted to `shard` of them if
/// given.
pub fn affected(old: Arc<GitFs>, new: Arc<GitFs>, shard: Option<Shard>) -> Result<AffectedReport> {
    affected_with(old, new, shard, None)
}

/// [`affected`], the environments' remote bases fetched through `remote`
/// (without one, an environment with a remote base fails to render on both
/// sides, and counts as affected only if the two errors differ).
pub fn affected_with(
    old: Arc<GitFs>,
    new: Arc<GitFs>,
    shard: Option<Shard>,
    remote: Option<Arc<dyn RemoteResolver>>,
) -> Result<AffectedReport> {
    let top = Path::new("/");
    let mut old_envs = environments(&*old, top)?;
    let mut new_envs = environments(&*new, top)?;
    old_envs.set_remote(&remote);
    new_envs.set_remote(&remote);
    let mut names: Vec<String> = old_envs
        .list
        .iter()
        .chain(&new_envs.list)
        .map(|e| e.name.clone())
        .collect();
    names.sort();
    names.dedup();
    if let Some(Shard { k, n }) = shard {
        names = names
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, name)| name)
            .collect();
    }
    let changed = changed_paths(&old, &new);
    // The old side's renders each record their own reads, so they share
    // only the file reads (a shared base's memo would hide its files from
    // the recording); the confirming renders at the new revision share all.
    let old_reads = crate::RunCache::new(old.clone());
    let confirm = crate::RunCache::new(new.clone());
    let mut report = AffectedReport {
        considered: names.clone(),
        ..AffectedReport::default()
    };
    for name in names {
        let (a, b) = match (old_envs.get(&name), new_envs.get(&name)) {
            (Some(a), Some(b)) => (a, b),
            (None, _) => {
                report.affected.push((name, Reason::Added));
                continue;
            }
            (_, None) => {
                report.affected.push((name, Reason::Removed));
                continue;
            }
        };
        let rec = Arc::new(Recording::new(old_reads.file_system()));
        let before = build(rec.clone(), &top.join(&a.source), &a.options).result;
        let candidate = !same_definition(a, b) || changed.iter().any(|p| rec.touched_by(p));
        if !candidate {
            continue;
        }
        report.confirmed.push(name.clone());
        let after = confirm.build(&top.join(&b.source), &b.options).result;
        let differs = match (before, after) {
            (Ok(x), Ok(y)) => {
                let all = DiffOptions {
                    show_secrets: true,
                    context: 0,
                };
                !diff_outputs(Some(&x), Some(&y), &all)?.is_empty()
            }
            // The message names files by revision; compare what failed.
            (Err(x), Err(y)) => x.kind() != y.kind() || x.message() != y.message(),
            _ => true,
        };
        if differs {
            report.affected.push((name, Reason::Changed));
        }
    }
    Ok(report)
}

fn same_definition(a: &Environment, b: &Environment) -> bool {
    a.source == b.source
        && a.options.restrictor == b.options.restrictor
        && a.options.reorder == b.options.reorder
        && a.options.managed_by_label == b.options.managed_by_label
}

/// Every path whose entry differs between the two trees (added, removed,
/// or another blob, link target or type).
fn changed_paths(old: &GitFs, new: &GitFs) -> Vec<PathBuf> {
    let a = old.entries();
    let b = new.entries();
    let mut out: Vec<PathBuf> = a
        .iter()
        .filter(|(p, s)| b.get(*p) != Some(s))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(b.keys().filter(|p| !a.contains_key(*p)).cloned());
    out.sort();
    out
}
