//! Rendered differences: two renders compared resource by resource.
//!
//! Resources are matched by (group, kind, namespace, name), so a rename is a
//! removal and an addition, and a change of order is no change. Each side is
//! compared as strata prints it, so inputs that differ only in formatting
//! (indentation, key order, the order of resources) give no difference.
//! Secrets' `data` and `stringData` values are masked unless asked not to
//! be; a changed value still shows as a changed line.

use super::envs::{environments, Environment, Environments};
use crate::error::{Error, ErrorKind, Result};
use crate::load::{FileSystem, RemoteResolver};
use crate::yaml::{emit_stream, Value};
use crate::{build, Output, RunCache};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// GitHub's limit on a comment's body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// What a masked secret value prints as.
const MASK: &str = "<masked>";
/// What a masked secret value prints as on the new side when it changed.
const MASK_CHANGED: &str = "<masked, changed>";

/// How to compare.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Print Secrets' `data` and `stringData` values instead of masking them.
    pub show_secrets: bool,
    /// Lines of context around each change in a unified diff.
    pub context: usize,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            show_secrets: false,
            context: 3,
        }
    }
}

/// How a resource is identified across two renders.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    /// The API group (`""` for the core group).
    pub group: String,
    /// The kind.
    pub kind: String,
    /// The namespace (`""` when none is set).
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl fmt::Display for ResourceId {
    /// `apps/Deployment prod/web`, `ConfigMap cfg`, `Namespace prod`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.group.is_empty() {
            write!(f, "{}/", self.group)?;
        }
        write!(f, "{} ", self.kind)?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{}", self.name)
    }
}

/// What happened to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Only in the new render.
    Added,
    /// Only in the old render.
    Removed,
    /// In both, printed differently.
    Changed,
}

impl Change {
    /// `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One resource that differs.
#[derive(Clone, Debug)]
pub struct ResourceChange {
    /// Which resource.
    pub id: ResourceId,
    /// How it differs.
    pub change: Change,
    /// Its unified diff (old side `-`, new side `+`), secrets masked as
    /// asked, without colour.
    pub diff: String,
}

/// The differences of one environment.
#[derive(Clone, Debug)]
pub struct EnvDiff {
    /// The environment (`X → Y` when two environments are compared).
    pub name: String,
    /// The resources that differ, by id.
    pub changes: Vec<ResourceChange>,
    /// Why it could not be compared (a side failed to render); the others
    /// are compared all the same.
    pub error: Option<String>,
}

impl EnvDiff {
    /// How many resources had `change`.
    pub fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|c| c.change == change).count()
    }

    /// `1 added, 0 removed, 2 changed`, `no changes`, or `not compared`.
    pub fn summary(&self) -> String {
        if self.error.is_some() {
            return "not compared (it failed to render)".to_string();
        }
        if self.changes.is_empty() {
            return "no changes".to_string();
        }
        format!(
            "{} added, {} removed, {} changed",
            self.count(Change::Added),
            self.count(Change::Removed),
            self.count(Change::Changed)
        )
    }
}

/// The differences between two sides, environment by environment.
#[derive(Clone, Debug)]
pub struct Report {
    /// How the old side is named (`HEAD`, `main`, an environment).
    pub old: String,
    /// How the new side is named (`working tree`, a revision).
    pub new: String,
    /// Every environment compared, by name, changed or not.
    pub envs: Vec<EnvDiff>,
    /// Warnings the builds gave, each prefixed with its environment.
    pub warnings: Vec<String>,
}

/// One side of a comparison: a tree (a working tree or a revision) and
/// what to call it.
#[derive(Clone)]
pub struct Side {
    /// The files.
    pub fs: Arc<dyn FileSystem>,
    /// The repository's top in `fs` (`/` for a [`crate::GitFs`]).
    pub top: PathBuf,
    /// How the side is named in output.
    pub label: String,
    /// The run's shared work over `fs`, when set ([`Side::new`] sets it):
    /// its environments then read each file once and build a base they
    /// share once. It assumes `fs` does not change while the side is used.
    pub cache: Option<Arc<RunCache>>,
    /// Where its environments' remote bases come from (as `build`'s
    /// `--cache-dir` and `--offline` say); `None` refuses them.
    pub remote: Option<Arc<dyn RemoteResolver>>,
}

impl Side {
    /// A side over `fs` whose renders share one [`RunCache`].
    pub fn new(fs: Arc<dyn FileSystem>, top: PathBuf, label: String) -> Side {
        Side {
            cache: Some(Arc::new(RunCache::new(fs.clone()))),
            fs,
            top,
            label,
            remote: None,
        }
    }

    /// This side, its remote bases fetched through `remote`.
    pub fn with_remote(mut self, remote: Option<Arc<dyn RemoteResolver>>) -> Side {
        self.remote = remote;
        self
    }

    /// The environments this side defines (each built with the side's
    /// remote resolver).
    pub fn environments(&self) -> Result<Environments> {
        let mut envs = environments(&*self.fs, &self.top)?;
        envs.set_remote(&self.remote);
        Ok(envs)
    }

    /// Renders one environment of this side.
    pub fn render(&self, env: &Environment, warnings: &mut Vec<String>) -> Result<Output> {
        let dir = self.top.join(&env.source);
        let done = match &self.cache {
            Some(cache) => cache.build(&dir, &env.options),
            None => build(self.fs.clone(), &dir, &env.options),
        };
        warnings.extend(
            done.warnings
                .into_iter()
                .map(|w| format!("{} ({}): {w}", env.name, self.label)),
        );
        done.result
            .map_err(|e| e.context(format!("rendering {} at {}", env.name, self.label)))
    }
}

impl Report {
    /// Whether anything differs.
    pub fn differs(&self) -> bool {
        self.envs.iter().any(|e| !e.changes.is_empty())
    }

    /// The environments that could not be compared, with why.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.envs
            .iter()
            .filter_map(|e| Some((e.name.as_str(), e.error.as_deref()?)))
    }
}

/// Compares every environment of two sides (or those named in `only`): an
/// environment defined on one side only is all added or all removed. An
/// environment that fails to render on either side does not stop the
/// others: its error is kept in its [`EnvDiff::error`].
pub fn diff_sides(old: &Side, new: &Side, only: &[String], opts: &DiffOptions) -> Result<Report> {
    let old_envs = old.environments()?;
    let new_envs = new.environments()?;
    let mut names: Vec<&str> = old_envs
        .list
        .iter()
        .chain(&new_envs.list)
        .map(|e| e.name.as_str())
        .collect();
    names.sort();
    names.dedup();
    for want in only {
        if !names.contains(&want.as_str()) {
            return Err(Error::of(
                ErrorKind::NotFound,
                format!(
                    "no environment '{want}' at {} or {} (strata envs lists them)",
                    old.label, new.label
                ),
            ));
        }
    }
    let mut report = Report {
        old: old.label.clone(),
        new: new.label.clone(),
        envs: Vec::new(),
        warnings: Vec::new(),
    };
    for name in names {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let a = old_envs
            .get(name)
            .map(|env| old.render(env, &mut report.warnings))
            .transpose();
        let b = new_envs
            .get(name)
            .map(|env| new.render(env, &mut report.warnings))
            .transpose();
        let (changes, error) = match (a, b) {
            (Ok(a), Ok(b)) => (diff_outputs(a.as_ref(), b.as_ref(), opts)?, None),
            (Err(x), Err(y)) => (Vec::new(), Some(format!("{x}; {y}"))),
            (Err(e), _) | (_, Err(e)) => (Vec::new(), Some(e.to_string())),
        };
        report.envs.push(EnvDiff {
            name: name.to_string(),
            changes,
            error,
        });
    }
    Ok(report)
}

/// Compares two environments of one side: `a`'s render is the old one.
pub fn diff_envs(side: &Side, a: &str, b: &str, opts: &DiffOptions) -> Result<Report> {
    let envs = side.environments()?;
    let find = |name: &str| {
        envs.get(name).ok_or_else(|| {
            Error::of(
                ErrorKind::NotFound,
                format!(
                    "no environment '{name}' at {} (strata envs lists them)",
                    side.label
                ),
            )
        })
    };
    let (ea, eb) = (find(a)?, find(b)?);
    let mut warnings = Vec::new();
    let oa = side.render(ea, &mut warnings)?;
    let ob = side.render(eb, &mut warnings)?;
    Ok(Report {
        old: format!("{a} at {}", side.label),
        new: format!("{b} at {}", side.label),
        envs: vec![EnvDiff {
            name: format!("{a} → {b}"),
            changes: diff_outputs(Some(&oa), Some(&ob), opts)?,
            error: None,
        }],
        warnings,
    })
}

/// The resources of each output by id, in output order within an id.
fn by_id(out: Option<&Output>) -> BTreeMap<ResourceId, Vec<Value>> {
    let mut map: BTreeMap<ResourceId, Vec<Value>> = BTreeMap::new();
    for doc in out.into_iter().flat_map(Output::documents) {
        let id = ResourceId {
            group: doc.group().to_string(),
            kind: doc.kind().to_string(),
            namespace: doc.namespace().to_string(),
            name: doc.name().to_string(),
        };
        map.entry(id).or_default().push(doc.value().clone());
    }
    map
}

/// The resources that differ between two renders (`None`: the side has no
/// such environment), by id.
pub fn diff_outputs(
    old: Option<&Output>,
    new: Option<&Output>,
    opts: &DiffOptions,
) -> Result<Vec<ResourceChange>> {
    let mut a = by_id(old);
    let mut b = by_id(new);
    let mut ids: Vec<ResourceId> = a.keys().chain(b.keys()).cloned().collect();
    ids.sort();
    ids.dedup();
    let mut changes = Vec::new();
    for id in ids {
        let olds = a.remove(&id).unwrap_or_default();
        let news = b.remove(&id).unwrap_or_default();
        // Ids are unique in a build but for the version; pair such repeats
        // in output order.
        for i in 0..olds.len().max(news.len()) {
            let (mut o, mut n) = (olds.get(i).cloned(), news.get(i).cloned());
            if !opts.show_secrets && id.group.is_empty() && id.kind == "Secret" {
                mask_secret(o.as_mut(), n.as_mut());
            }
            let ot = o.as_ref().map(yaml).transpose()?.unwrap_or_default();
            let nt = n.as_ref().map(yaml).transpose()?.unwrap_or_default();
            let change = match (&o, &n) {
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
                _ if ot == nt => continue,
                _ => Change::Changed,
            };
            let diff = similar::TextDiff::from_lines(&ot, &nt)
                .unified_diff()
                .context_radius(opts.context)
                .header(&format!("a/{id}"), &format!("b/{id}"))
                .to_string();
            changes.push(ResourceChange {
                id: id.clone(),
                change,
                diff,
            });
        }
    }
    Ok(changes)
}

fn yaml(v: &Value) -> Result<String> {
    Ok(emit_stream(std::iter::once(v))?)
}

/// Replaces the values of `data` and `stringData` with a mask; a value
/// that differs from the old side's is masked distinctly on the new side,
/// so the change still shows.
fn mask_secret(old: Option<&mut Value>, new: Option<&mut Value>) {
    let (mut old, mut new) = (old, new);
    for field in ["data", "stringData"] {
        let olds = old
            .as_deref()
            .and_then(|v| v.get(field))
            .and_then(Value::as_map)
            .cloned();
        if let Some(m) = new
            .as_deref_mut()
            .and_then(|v| v.get_mut(field))
            .and_then(Value::as_map_mut)
        {
            for (k, v) in m.iter_mut() {
                let before = olds.as_ref().and_then(|o| o.get(k));
                let changed = before.is_some_and(|b| b != &*v);
                *v = Value::string(if changed { MASK_CHANGED } else { MASK });
            }
        }
        if let Some(m) = old
            .as_deref_mut()
            .and_then(|v| v.get_mut(field))
            .and_then(Value::as_map_mut)
        {
            for v in m.values_mut() {
                *v = Value::string(MASK);
            }
        }
    }
}

// ---- output ----

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Report {
    /// The report for a terminal: each changed environment's unified diffs
    /// under a heading, then a summary line per environment; coloured with
    /// ANSI escapes when `color` is set.
    pub fn to_text(&self, color: bool) -> String {
        let paint = |code: &str, line: &str| {
            if color {
                format!("{code}{line}{RESET}\n")
            } else {
                format!("{line}\n")
            }
        };
        let mut out = String::new();
        for env in self.envs.iter().filter(|e| !e.changes.is_empty()) {
            out.push_str(&paint(
                BOLD,
                &format!(
                    "=== {}: {} ({} → {})",
                    env.name,
                    env.summary(),
                    self.old,
                    self.new
                ),
            ));
            for c in &env.changes {
                for line in c.diff.lines() {
                    let code = if line.starts_with("+++") || line.starts_with("---") {
                        BOLD
                    } else if line.starts_with('+') {
                        GREEN
                    } else if line.starts_with('-') {
                        RED
                    } else if line.starts_with("@@") {
                        CYAN
                    } else {
                        ""
                    };
                    if code.is_empty() {
                        out.push_str(line);
                        out.push('\n');
                    } else {
                        out.push_str(&paint(code, line));
                    }
                }
            }
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for env in &self.envs {
            match &env.error {
                Some(e) => out.push_str(&format!("{}: not compared: {e}\n", env.name)),
                None => out.push_str(&format!("{}: {}\n", env.name, env.summary())),
            }
        }
        if self.envs.is_empty() {
            out.push_str("no environments\n");
        }
        out
    }

    /// The report as JSON: `{old, new, differs, environments: [{name,
    /// added, removed, changed, resources: [{group, kind, namespace, name,
    /// change, diff}]}]}`.
    pub fn to_json(&self) -> String {
        let envs: Vec<_> = self
            .envs
            .iter()
            .map(|e| {
                let resources: Vec<_> = e
                    .changes
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "group": c.id.group,
                            "kind": c.id.kind,
                            "namespace": c.id.namespace,
                            "name": c.id.name,
                            "change": c.change.as_str(),
                            "diff": c.diff,
                        })
                    })
                    .collect();
                serde_json::json!({
                    "name": e.name,
                    "added": e.count(Change::Added),
                    "removed": e.count(Change::Removed),
                    "changed": e.count(Change::Changed),
                    "resources": resources,
                    "error": e.error,
                })
            })
            .collect();
        let j = serde_json::json!({
            "old": self.old,
            "new": self.new,
            "differs": self.differs(),
            "environments": envs,
        });
        let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The report as a pull-request comment: a summary table, then one
    /// collapsible `<details>` section per changed environment holding its
    /// diffs. The whole body stays below [`COMMENT_LIMIT`] characters:
    /// whatever does not fit is left out, and a closing note says how much.
    pub fn to_markdown(&self) -> String {
        self.to_markdown_within(COMMENT_LIMIT - 1)
    }

    /// [`Report::to_markdown`] within `limit` bytes (so within as many
    /// characters).
    pub fn to_markdown_within(&self, limit: usize) -> String {
        // Room kept for the note on what was cut.
        const NOTE_ROOM: usize = 400;
        let budget = limit.saturating_sub(NOTE_ROOM);
        let mut out = format!(
            "### strata diff: `{}` → `{}`\n\n",
            md_code(&self.old),
            md_code(&self.new)
        );
        let changed: Vec<&EnvDiff> = self.envs.iter().filter(|e| !e.changes.is_empty()).collect();
        let failed: Vec<&EnvDiff> = self.envs.iter().filter(|e| e.error.is_some()).collect();
        let unchanged = self.envs.len() - changed.len() - failed.len();
        for (i, e) in failed.iter().enumerate() {
            // Messages are capped and take a quarter of the room at most,
            // so failures never crowd out the diffs.
            let msg: String = e.error.as_deref().unwrap_or("").chars().take(300).collect();
            let line = format!(
                "> **{}** could not be compared: `{}`\n\n",
                html(&e.name),
                md_code(&msg).replace('\n', " ")
            );
            if out.len() + line.len() > budget / 4 {
                out.push_str(&format!(
                    "> {} more environment(s) could not be compared.\n\n",
                    failed.len() - i
                ));
                break;
            }
            out.push_str(&line);
        }
        if changed.is_empty() {
            out.push_str(&format!(
                "No rendered differences in {} environment(s).\n",
                unchanged
            ));
            return out;
        }
        let (mut cut_rows, mut cut_envs, mut cut_resources) = (0usize, 0usize, 0usize);
        out.push_str("| environment | added | removed | changed |\n| --- | ---: | ---: | ---: |\n");
        for e in &changed {
            let row = format!(
                "| {} | {} | {} | {} |\n",
                md_cell(&e.name),
                e.count(Change::Added),
                e.count(Change::Removed),
                e.count(Change::Changed)
            );
            // The table may take half the room at most, the diffs the rest.
            if out.len() + row.len() > budget / 2 {
                cut_rows += 1;
            } else {
                out.push_str(&row);
            }
        }
        if unchanged > 0 {
            out.push_str(&format!("\n{unchanged} environment(s) unchanged.\n"));
        }
        out.push('\n');
        for e in &changed {
            let open = format!(
                "<details><summary><b>{}</b>: {}</summary>\n\n",
                html(&e.name),
                e.summary()
            );
            let close = "</details>\n\n";
            if out.len() + open.len() + close.len() > budget {
                cut_envs += 1;
                cut_resources += e.changes.len();
                continue;
            }
            out.push_str(&open);
            for c in &e.changes {
                let fence = "`".repeat(longest_run(&c.diff, '`').max(2) + 1);
                let block = format!("{fence}diff\n{}{fence}\n\n", c.diff);
                if out.len() + block.len() + close.len() > budget {
                    cut_resources += 1;
                } else {
                    out.push_str(&block);
                }
            }
            out.push_str(close);
        }
        if cut_rows + cut_envs + cut_resources > 0 {
            out.push_str(&format!(
                "> **Cut to stay under GitHub's {COMMENT_LIMIT}-character comment limit:** \
                 the diffs of {cut_resources} resource(s) are not shown ({cut_envs} environment section(s) left out whole, \
                 {cut_rows} summary row(s) left out). Run `strata diff` locally to see everything.\n"
            ));
        }
        out
    }
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn md_cell(s: &str) -> String {
    html(s).replace('|', "\\|")
}

fn md_code(s: &str) -> String {
    s.replace('`', "'")
}

/// A side for the working tree whose top is `top`.
pub fn work_tree_side(top: &Path) -> Side {
    Side::new(
        Arc::new(crate::DiskFs),
        top.to_path_buf(),
        "working tree".to_string(),
    )
}
