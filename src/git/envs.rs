//! Environments: the kustomization roots a repository renders, listed in an
//! optional `strata.yaml` at its top or discovered from its layout.
//!
//! Everything is read through a [`FileSystem`], so the same code lists the
//! environments of a working tree (a [`crate::DiskFs`] rooted at the
//! repository's top) and of any revision (a [`crate::GitFs`]).
//!
//! See docs/environments.md for the file's format and the discovery rule.

use super::hydrate::{Identity, Layout};
use crate::error::{Error, ErrorKind, Result};
use crate::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::load::{EntryKind, FileSystem};
use crate::yaml::{parse_documents, Mark, ParseOptions, Tag, Value};
use crate::{BuildOptions, LoadRestrictor, Reorder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The name of the environments file at the repository's top.
pub const CONFIG_FILE: &str = "strata.yaml";

/// Directory names whose children, when kustomization roots, are
/// environments (without a `strata.yaml`).
pub const ENV_DIR_NAMES: [&str; 4] = ["overlays", "envs", "environments", "clusters"];

/// One environment: a kustomization root rendered with its own flags.
#[derive(Clone, Debug)]
pub struct Environment {
    /// Its name (unique in the repository).
    pub name: String,
    /// The kustomization root, relative to the repository's top
    /// (`overlays/prod`).
    pub source: PathBuf,
    /// The build flags it is rendered with.
    pub options: BuildOptions,
    /// The branch its rendered output is written to (`env/NAME` unless set).
    pub branch: String,
    /// The directory on that branch the output goes to (`NAME` unless set).
    pub path: String,
    /// Where the output is committed beside the sources instead of on a
    /// branch (`inTree` in `strata.yaml`); `branch` and `path` are then
    /// unused.
    pub in_tree: Option<InTree>,
}

/// An environment's rendered output committed in the source tree itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InTree {
    /// The directory holding it, relative to the top (`/`-separated).
    pub dir: String,
    /// How the files in it are laid out.
    pub layout: Layout,
}

/// The environments of one tree, and where they came from.
#[derive(Clone, Debug, Default)]
pub struct Environments {
    /// The environments, sorted by name.
    pub list: Vec<Environment>,
    /// Whether they were listed in `strata.yaml` (otherwise discovered).
    pub configured: bool,
    /// The author of hydrated commits set in `strata.yaml`
    /// (`hydration.author`), if any.
    pub author: Option<Identity>,
    /// The committer of hydrated commits set in `strata.yaml`
    /// (`hydration.committer`), if any.
    pub committer: Option<Identity>,
}

impl Environments {
    /// The list as pretty-printed JSON (`strata envs --format json`):
    /// `{"configured": bool, "environments": [{name, source, branch, path,
    /// loadRestrictor, reorder, managedByLabel, inTree: null or {dir,
    /// layout}}]}`.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&environments_json(self)).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Sets every environment's remote resolver (discovery leaves it
    /// `None`: the command that renders them knows the cache).
    pub fn set_remote(&mut self, remote: &Option<std::sync::Arc<dyn crate::RemoteResolver>>) {
        for env in &mut self.list {
            env.options.remote = remote.clone();
        }
    }

    /// The environment named `name`.
    pub fn get(&self, name: &str) -> Option<&Environment> {
        self.list.iter().find(|e| e.name == name)
    }
}

/// The environments of the tree whose top is `top` in `fs`: those listed in
/// `top/strata.yaml` if it exists, otherwise the discovered ones.
pub fn environments(fs: &dyn FileSystem, top: &Path) -> Result<Environments> {
    let config = top.join(CONFIG_FILE);
    let kind = fs
        .kind(&config)
        .map_err(|e| Error::io(format!("cannot read '{}'", fs.display(&config)), e))?;
    if kind == Some(EntryKind::File) {
        let bytes = fs
            .read(&config)
            .map_err(|e| Error::io(format!("cannot read '{}'", fs.display(&config)), e))?;
        return parse_config(fs, top, &bytes)
            .map_err(|e| e.in_file(PathBuf::from(fs.display(&config))));
    }
    Ok(Environments {
        list: discover(fs, top)?,
        ..Environments::default()
    })
}

/// Whether `dir` holds a kustomization file.
pub fn is_kustomization_root(fs: &dyn FileSystem, dir: &Path) -> Result<bool> {
    for name in KUSTOMIZATION_FILE_NAMES {
        let p = dir.join(name);
        match fs.kind(&p) {
            Ok(Some(EntryKind::File)) => return Ok(true),
            Ok(_) => {}
            Err(e) => return Err(Error::io(format!("cannot read '{}'", fs.display(&p)), e)),
        }
    }
    Ok(false)
}

// ---- strata.yaml ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    environments: Vec<EnvConfig>,
    #[serde(default)]
    hydration: Option<HydrationConfig>,
}

/// `hydration:`: how hydrated commits are made.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HydrationConfig {
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    committer: Option<String>,
}

/// `inTree:` of an environment.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InTreeConfig {
    dir: String,
    #[serde(default)]
    layout: Option<LayoutName>,
}

/// The `--layout` spellings.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum LayoutName {
    Single,
    PerResource,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EnvConfig {
    name: String,
    source: String,
    #[serde(default)]
    load_restrictor: Option<RestrictorName>,
    #[serde(default)]
    reorder: Option<ReorderName>,
    #[serde(default)]
    managed_by_label: bool,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    in_tree: Option<InTreeConfig>,
}

/// The `--load-restrictor` spellings.
#[derive(Deserialize)]
enum RestrictorName {
    LoadRestrictionsRootOnly,
    LoadRestrictionsNone,
}

/// The `--reorder` spellings.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ReorderName {
    Legacy,
    None,
}

fn parse_config(fs: &dyn FileSystem, top: &Path, bytes: &[u8]) -> Result<Environments> {
    let opts = ParseOptions {
        record_marks: true,
        ..ParseOptions::default()
    };
    let docs = parse_documents(bytes, &opts)
        .map_err(|e| Error::of(ErrorKind::Syntax, e.message.clone()).at(e.mark))?;
    let docs: Vec<_> = docs.into_iter().filter(|d| !d.value.is_null()).collect();
    let doc = match docs.as_slice() {
        [doc] => doc,
        [] => {
            return Err(Error::of(
                ErrorKind::Decode,
                "is empty: it must list `environments`",
            ))
        }
        [_, second, ..] => {
            return Err(
                Error::of(ErrorKind::Decode, "holds more than one YAML document")
                    .at(Some(second.start)),
            )
        }
    };
    let mark_of = |segments: &[String]| -> Option<Mark> {
        // The innermost node that has a recorded position.
        (0..=segments.len())
            .rev()
            .find_map(|n| doc.mark_at(&segments[..n]))
    };
    let config: Config = serde_path_to_error::deserialize(to_json(&doc.value)).map_err(|e| {
        let mut segments = path_segments(e.path());
        let msg = e.inner().to_string();
        // serde names an unknown field in its message only; point at it.
        if let Some(field) = msg
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            if segments.last().map(String::as_str) != Some(field) {
                segments.push(field.to_string());
            }
        }
        Error::of(ErrorKind::Decode, format!("{}: {msg}", e.path())).at(mark_of(&segments))
    })?;

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut list = Vec::new();
    for (i, env) in config.environments.into_iter().enumerate() {
        let at = |field: &str| mark_of(&["environments".into(), i.to_string(), field.into()]);
        let bad = |field: &str, msg: String| {
            Error::of(
                ErrorKind::Decode,
                format!("environments[{i}].{field}: {msg}"),
            )
            .at(at(field))
        };
        if !valid_name(&env.name) {
            return Err(bad(
                "name",
                format!(
                    "'{}' is not a valid environment name (letters, digits, '.', '_', '-' and '/' between them)",
                    env.name
                ),
            ));
        }
        if let Some(first) = seen.insert(env.name.clone(), i) {
            return Err(bad(
                "name",
                format!("'{}' is also the name of environments[{first}]", env.name),
            ));
        }
        let source = relative(&env.source).ok_or_else(|| {
            bad(
                "source",
                format!(
                    "'{}' must be a path relative to the repository's top, without '..'",
                    env.source
                ),
            )
        })?;
        if !is_kustomization_root(fs, &top.join(&source))? {
            return Err(bad(
                "source",
                format!(
                    "'{}' holds no kustomization ({})",
                    env.source,
                    KUSTOMIZATION_FILE_NAMES.join(", ")
                ),
            ));
        }
        let options = BuildOptions {
            restrictor: match env.load_restrictor {
                None | Some(RestrictorName::LoadRestrictionsRootOnly) => LoadRestrictor::RootOnly,
                Some(RestrictorName::LoadRestrictionsNone) => LoadRestrictor::None,
            },
            reorder: match env.reorder {
                None => Reorder::Unspecified,
                Some(ReorderName::Legacy) => Reorder::Legacy,
                Some(ReorderName::None) => Reorder::None,
            },
            managed_by_label: env.managed_by_label,
            ..BuildOptions::default()
        };
        let in_tree = match env.in_tree {
            None => None,
            Some(t) => {
                // Output on a branch and output in the tree exclude each other.
                for (field, set) in [
                    ("branch", env.branch.is_some()),
                    ("path", env.path.is_some()),
                ] {
                    if set {
                        return Err(bad(
                            field,
                            "cannot be set with `inTree` (the output is committed in the source tree, not on a branch)".into(),
                        ));
                    }
                }
                let dir = relative(&t.dir)
                    .filter(|d| !d.as_os_str().is_empty())
                    .ok_or_else(|| {
                        Error::of(
                            ErrorKind::Decode,
                            format!(
                                "environments[{i}].inTree.dir: '{}' must be a directory relative to the repository's top, without '..'",
                                t.dir
                            ),
                        )
                        .at(mark_of(&[
                            "environments".into(),
                            i.to_string(),
                            "inTree".into(),
                            "dir".into(),
                        ]))
                    })?;
                Some(InTree {
                    dir: dir.to_string_lossy().replace('\\', "/"),
                    layout: match t.layout {
                        None | Some(LayoutName::Single) => Layout::Single,
                        Some(LayoutName::PerResource) => Layout::PerResource,
                    },
                })
            }
        };
        let branch = env.branch.unwrap_or_else(|| format!("env/{}", env.name));
        let path = env.path.unwrap_or_else(|| env.name.clone());
        list.push(Environment {
            name: env.name,
            source,
            options,
            branch,
            path,
            in_tree,
        });
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Environments {
        list,
        configured: true,
        ..Environments::default()
    };
    if let Some(h) = config.hydration {
        for (field, value, slot) in [
            ("author", h.author, &mut out.author),
            ("committer", h.committer, &mut out.committer),
        ] {
            if let Some(v) = value {
                let at = mark_of(&["hydration".into(), field.into()]);
                *slot = Some(Identity::parse(&v).map_err(|msg| {
                    Error::of(ErrorKind::Decode, format!("hydration.{field}: {msg}")).at(at)
                })?);
            }
        }
    }
    Ok(out)
}

/// A name usable in a branch name: `[A-Za-z0-9._-]` segments joined by `/`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

/// A clean relative path, or `None` if it is absolute or climbs out.
fn relative(path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn path_segments(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// The value as JSON, scalars typed as go-yaml resolved them, so a number
/// where a string belongs is a type error.
fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Scalar(s) => match s.tag {
            Tag::Null => J::Null,
            Tag::Bool => J::Bool(s.text == "true"),
            Tag::Int => s
                .text
                .parse::<i64>()
                .map(J::from)
                .unwrap_or_else(|_| J::String(s.text.clone())),
            Tag::Float => s
                .text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| J::String(s.text.clone()), J::Number),
            Tag::Timestamp | Tag::Str => J::String(s.text.clone()),
        },
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

// ---- discovery ----

/// Every kustomization root that is a child of a directory named as in
/// [`ENV_DIR_NAMES`], anywhere in the tree (hidden directories and links
/// to directories skipped),
/// named by its directory; roots sharing a directory name are named by
/// their path from the top instead.
fn discover(fs: &dyn FileSystem, top: &Path) -> Result<Vec<Environment>> {
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    walk(fs, top, Path::new(""), &mut visited, &mut found)?;
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for src in &found {
        *count.entry(leaf(src)).or_default() += 1;
    }
    let mut list: Vec<Environment> = found
        .into_iter()
        .map(|source| {
            let leaf = leaf(&source);
            let name = if count[&leaf] > 1 {
                source.to_string_lossy().into_owned()
            } else {
                leaf
            };
            Environment {
                branch: format!("env/{name}"),
                path: name.clone(),
                name,
                source,
                options: BuildOptions::default(),
                in_tree: None,
            }
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

fn leaf(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn walk(
    fs: &dyn FileSystem,
    top: &Path,
    rel: &Path,
    visited: &mut HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
) -> Result<()> {
    let dir = top.join(rel);
    let read_err = |e| Error::io(format!("cannot list '{}'", fs.display(&dir)), e);
    let physical = fs.canonical(&dir).map_err(read_err)?;
    if !visited.insert(physical.clone()) {
        return Ok(());
    }
    let is_env_dir = rel
        .file_name()
        .is_some_and(|n| ENV_DIR_NAMES.iter().any(|d| n == *d));
    for name in fs.read_dir(&dir).map_err(read_err)? {
        if name.starts_with('.') {
            continue;
        }
        let child = rel.join(&name);
        // A link to nowhere or an unreadable entry is not an environment.
        if !matches!(fs.kind(&top.join(&child)), Ok(Some(EntryKind::Dir))) {
            continue;
        }
        // Nor is a link to a directory: its target is found where it is.
        if fs.canonical(&top.join(&child)).ok() != Some(physical.join(&name)) {
            continue;
        }
        if is_env_dir && is_kustomization_root(fs, &top.join(&child))? {
            found.push(child.clone());
        }
        walk(fs, top, &child, visited, found)?;
    }
    Ok(())
}

/// The environments as JSON, for `strata envs --format json`.
fn environments_json(envs: &Environments) -> serde_json::Value {
    let list: Vec<_> = envs
        .list
        .iter()
        .map(|e| {
            serde_json::json!({
                "name": e.name,
                "source": e.source.to_string_lossy(),
                "branch": e.branch,
                "path": e.path,
                "loadRestrictor": match e.options.restrictor {
                    LoadRestrictor::RootOnly => "LoadRestrictionsRootOnly",
                    LoadRestrictor::None => "LoadRestrictionsNone",
                },
                "reorder": match e.options.reorder {
                    Reorder::Unspecified => serde_json::Value::Null,
                    Reorder::Legacy => "legacy".into(),
                    Reorder::None => "none".into(),
                },
                "managedByLabel": e.options.managed_by_label,
                "inTree": e.in_tree.as_ref().map(|t| serde_json::json!({
                    "dir": t.dir,
                    "layout": t.layout.as_str(),
                })),
            })
        })
        .collect();
    serde_json::json!({ "configured": envs.configured, "environments": list })
}
