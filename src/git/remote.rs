//! Remote bases: kustomize's git URLs (`https://github.com/org/repo//dir?ref=v1`,
//! `git@host:org/repo.git/dir`, `ssh://...`, `file://...`), parsed as
//! kustomize's repospec parses them, fetched with gix into a cache on disk,
//! and read through [`GitFs`] at the resolved commit, with no checkout.
//!
//! The cache (docs/remote.md) holds one bare repository per clone URL and
//! one record per URL and ref naming the commit that ref resolved to when
//! last fetched. A full commit sha already in the cache needs no network; a
//! branch or tag is resolved by fetching, or, offline, from its record.

use super::source::{one_line, GitFs};
use crate::error::{Error, ErrorKind, Result};
use crate::load::{ContentId, EntryKind, FileSystem, RemoteResolver, RemoteRoot};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// kustomize's default for `?timeout=`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(27);

/// A remote base URL taken apart as kustomize's repospec does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoSpec {
    /// Scheme, user and host, normalised (`https://github.com/`,
    /// `git@github.com:`, `file://`).
    pub host: String,
    /// The repository's path on the host (`org/repo`, `org/repo.git`).
    pub repo_path: String,
    /// The kustomization's directory inside the repository (may be empty).
    pub kust_root_path: String,
    /// `?ref=` (or `?version=`); empty for the default branch.
    pub git_ref: String,
    /// `?submodules=` (default true). strata reads no submodules: a build
    /// that reads into one fails, naming it.
    pub submodules: bool,
    /// `?timeout=` (seconds or a Go duration; default 27s): how long the
    /// fetch may take.
    pub timeout: Duration,
}

impl RepoSpec {
    /// Parses `url`; the error says why it is not a remote URL, in
    /// kustomize's words (an entry that is none is a local path).
    pub fn parse(url: &str) -> std::result::Result<RepoSpec, String> {
        if url.starts_with('/') {
            return Err(format!("uri looks like abs path: {url}"));
        }
        // "?" may appear only in the query (RFC 3986), so cut there first.
        let (rest, query) = url.split_once('?').unwrap_or((url, ""));
        let (git_ref, timeout, submodules) = parse_query(query);
        let (host, rest) = extract_host(rest)?;
        // file:// URLs name the repository with all of their path.
        let segments = (!host.starts_with("file://")).then_some(2);
        let (repo_path, kust_root_path) = split_path(&rest, segments)?;
        Ok(RepoSpec {
            host,
            repo_path,
            kust_root_path,
            git_ref,
            submodules,
            timeout,
        })
    }

    /// What `git clone` (or gix) is given: host and repository path.
    pub fn clone_spec(&self) -> String {
        format!("{}{}", self.host, self.repo_path)
    }
}

/// Splits the part after the host into the repository and the path in it:
/// at `_git/NAME`, `//` or `.git` where present, else after `segments`
/// segments (all of them when `None`).
fn split_path(n: &str, segments: Option<usize>) -> std::result::Result<(String, String), String> {
    let split = if let Some(i) = n.find("_git/") {
        let after = &n[i + "_git/".len()..];
        let (name, sub) = after.split_once('/').unwrap_or((after, ""));
        Some((
            format!("{}{name}", &n[..i + "_git/".len()]),
            sub.to_string(),
        ))
    } else if let Some(i) = n.find("//") {
        Some((n[..i].to_string(), n[i + 2..].to_string()))
    } else if let Some(i) = n.find(".git") {
        let end = i + ".git".len();
        Some((n[..end].to_string(), n[end..].to_string()))
    } else {
        match segments {
            None => Some((n.to_string(), String::new())),
            Some(k) => {
                let parts: Vec<&str> = n.split('/').collect();
                (parts.len() >= k).then(|| (parts[..k].join("/"), parts[k..].join("/")))
            }
        }
    };
    let Some((repo, sub)) = split.filter(|(repo, _)| !repo.is_empty()) else {
        return Err("failed to parse repo path segment".to_string());
    };
    if exits_repo(&sub) {
        return Err(format!("url path exits repo: {n}"));
    }
    Ok((repo, sub.strip_prefix('/').unwrap_or(&sub).to_string()))
}

/// Whether `sub`, cleaned, starts by climbing out of the repository.
fn exits_repo(sub: &str) -> bool {
    let mut depth = 0usize;
    for part in sub.split('/') {
        match part {
            "" | "." => {}
            ".." if depth == 0 => return true,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    false
}

/// Scheme, user and host, and the rest of the URL.
fn extract_host(n: &str) -> std::result::Result<(String, String), String> {
    // go-getter's forced-git prefix, which kustomize drops.
    let n = strip_prefix_ignore_case(n, "git::").unwrap_or(n);
    let (mut scheme, n) = ["ssh://", "https://", "http://", "file://"]
        .iter()
        .find_map(|p| strip_prefix_ignore_case(n, p).map(|rest| (p.to_string(), rest)))
        .unwrap_or((String::new(), n));
    let (mut user, n) = extract_user(n);
    let lower = n.to_ascii_lowercase();
    let github = lower.starts_with("github.com/") || lower.starts_with("github.com:");
    // scp-like syntax (user@host:path): no scheme, and a user or GitHub.
    let scp = scheme.is_empty() && (!user.is_empty() || github);
    if scheme.is_empty() && !scp {
        return Err("failed to parse scheme".to_string());
    }
    if scheme == "file://" {
        // All after the scheme is the repository's path, "user" included.
        return Ok((scheme, format!("{user}{n}")));
    }
    let mut sep = n.find('/');
    if scp {
        let colon = n.find(':');
        // A colon delimits the path only when it comes before any slash.
        if sep.is_none() || colon.is_some_and(|c| c > 0 && Some(c) < sep) {
            sep = colon;
        }
    }
    let (mut host, rest) = match sep {
        Some(i) => (n[..=i].to_string(), &n[i + 1..]),
        None => (n.to_string(), ""),
    };
    if github {
        // GitHub URLs are normalised to one https and one scp form.
        if scheme.starts_with("ssh://") || !user.is_empty() {
            scheme = String::new();
            host = "github.com:".to_string();
        } else {
            scheme = "https://".to_string();
            user = String::new();
            host = "github.com/".to_string();
        }
    }
    if host.is_empty() {
        return Err("failed to parse host segment".to_string());
    }
    Ok((format!("{scheme}{user}{host}"), rest.to_string()))
}

/// A leading `user@` (a letter, then letters, digits and dashes).
fn extract_user(s: &str) -> (String, &str) {
    let bytes = s.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return (String::new(), s);
    }
    let end = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
        .unwrap_or(bytes.len());
    if bytes.get(end) == Some(&b'@') {
        (s[..=end].to_string(), &s[end + 1..])
    } else {
        (String::new(), s)
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `?ref=`/`?version=`, `?timeout=` and `?submodules=`, as kustomize reads
/// them: a query Go's `url.ParseQuery` rejects gives all the defaults, and
/// so does an empty, malformed or non-positive value.
fn parse_query(query: &str) -> (String, Duration, bool) {
    let Some(values) = go_parse_query(query) else {
        return (String::new(), DEFAULT_TIMEOUT, true);
    };
    let get = |k: &str| {
        values
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let git_ref = match get("ref") {
        "" => get("version"),
        r => r,
    };
    let t = get("timeout");
    let timeout = match t.parse::<i64>() {
        Ok(secs) if secs > 0 => Duration::from_secs(secs as u64),
        _ => go_duration(t)
            .filter(|d| !d.is_zero())
            .unwrap_or(DEFAULT_TIMEOUT),
    };
    let submodules = go_bool(get("submodules")).unwrap_or(true);
    (git_ref.to_string(), timeout, submodules)
}

/// Go's `url.ParseQuery`: `None` where it reports an error (a `;`, a bad
/// `%` escape), else the pairs in order.
fn go_parse_query(query: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        if piece.contains(';') {
            return None;
        }
        let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
        out.push((query_unescape(k)?, query_unescape(v)?));
    }
    Some(out)
}

/// Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte.
fn query_unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `strconv.ParseBool`.
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `time.ParseDuration` for non-negative values (`1m1s`, `1.5h`);
/// `None` for what Go rejects and for negative durations.
fn go_duration(s: &str) -> Option<Duration> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Some(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let mut rest = s;
    let mut nanos = 0f64;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..n];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = num.parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u..];
        nanos += value * unit;
    }
    Some(Duration::from_nanos(nanos as u64))
}

/// Whether `r` is a full commit id (SHA-1 or SHA-256), which pins content.
fn is_full_sha(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Remote bases fetched with gix into a cache directory, so that a later
/// build needs no network: the [`RemoteResolver`] the `strata` command uses.
#[derive(Debug)]
pub struct RemoteCache {
    dir: PathBuf,
    offline: bool,
    /// One fetch at a time into the cache (the builds of a run share it).
    fetching: Arc<Mutex<()>>,
    /// Trees opened in this process, by clone URL and commit.
    trees: Mutex<HashMap<(String, String), Arc<Mounted>>>,
}

impl RemoteCache {
    /// A cache in directory `dir` (created on the first fetch). With
    /// `offline`, nothing is fetched: what the cache lacks is an error.
    pub fn new(dir: impl Into<PathBuf>, offline: bool) -> RemoteCache {
        RemoteCache {
            dir: dir.into(),
            offline,
            fetching: Arc::default(),
            trees: Mutex::default(),
        }
    }

    /// The default cache directory: `$STRATA_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/strata/remote`, else `~/.cache/strata/remote`
    /// (without a home, `strata-remote` in the temporary directory).
    pub fn default_dir() -> PathBuf {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(d) = var("STRATA_CACHE_DIR") {
            return PathBuf::from(d);
        }
        let base = match (var("XDG_CACHE_HOME"), var("HOME")) {
            (Some(x), _) => PathBuf::from(x),
            (None, Some(home)) => PathBuf::from(home).join(".cache"),
            (None, None) => return std::env::temp_dir().join("strata-remote"),
        };
        base.join("strata").join("remote")
    }

    /// The cache's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The bare repository holding clone URL `url`'s objects.
    fn repo_dir(&self, url: &str) -> PathBuf {
        self.dir.join("repos").join(key(&[url]))
    }

    /// The record of what `git_ref` of `url` resolved to when last fetched.
    fn record(&self, url: &str, git_ref: &str) -> PathBuf {
        self.dir.join("resolved").join(key(&[url, git_ref]))
    }

    /// The commit `spec` names: from the cache when it pins a commit the
    /// cache has (or, offline, from the last resolution of its ref), else
    /// fetched.
    fn resolve_commit(&self, entry: &str, spec: &RepoSpec) -> Result<String> {
        let url = spec.clone_spec();
        let repo_dir = self.repo_dir(&url);
        let pinned = is_full_sha(&spec.git_ref);
        if pinned && has_commit(&repo_dir, &spec.git_ref) {
            return Ok(spec.git_ref.to_ascii_lowercase());
        }
        if self.offline {
            let cached = std::fs::read_to_string(self.record(&url, &spec.git_ref))
                .ok()
                .filter(|_| !pinned)
                .and_then(|t| t.lines().next().map(str::to_string))
                .filter(|c| has_commit(&repo_dir, c));
            return cached.ok_or_else(|| {
                let what = match spec.git_ref.as_str() {
                    "" => "its default branch was never fetched".to_string(),
                    r => format!("ref '{r}' was never fetched"),
                };
                Error::of(
                    ErrorKind::NotFound,
                    format!(
                        "offline: remote base '{entry}' is not in the cache '{}' ({what}); build once without --offline to fetch it",
                        self.dir.display()
                    ),
                )
            });
        }
        let commit = self.fetch(entry, &repo_dir, &url, spec)?;
        if !pinned {
            let text = format!("{commit}\n{url}\n{}\n", spec.git_ref);
            write_atomic(&self.record(&url, &spec.git_ref), text.as_bytes()).map_err(|e| {
                Error::io(
                    format!(
                        "cannot write the remote cache '{}': {e}",
                        self.dir.display()
                    ),
                    e,
                )
            })?;
        }
        Ok(commit)
    }

    /// Fetches `spec`'s ref (HEAD when none) from `url` into the bare
    /// repository `repo_dir` within the spec's timeout: the commit it names.
    fn fetch(&self, entry: &str, repo_dir: &Path, url: &str, spec: &RepoSpec) -> Result<String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let lock = self.fetching.clone();
        let job = (
            repo_dir.to_path_buf(),
            url.to_string(),
            spec.git_ref.clone(),
            stop.clone(),
        );
        // On a thread of its own, so that a hung connection cannot outlast
        // the timeout (the flag then tells gix to stop).
        std::thread::spawn(move || {
            let (dir, url, rev, stop) = job;
            let _held = lock.lock().unwrap_or_else(|p| p.into_inner());
            let _ = tx.send(fetch_into(&dir, &url, &rev, &stop));
        });
        let failed = |why: String| {
            Error::of(
                ErrorKind::Io,
                format!("cannot fetch remote base '{entry}' from '{url}': {why}"),
            )
        };
        match rx.recv_timeout(spec.timeout) {
            Ok(Ok(commit)) => Ok(commit),
            Ok(Err(why)) => Err(failed(why)),
            Err(_) => {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                Err(failed(format!(
                    "timed out after {:?} (a longer ?timeout= allows more)",
                    spec.timeout
                )))
            }
        }
    }
}

/// GET `url`: the status and the body.
fn http_get(url: &str) -> std::result::Result<(u16, Vec<u8>), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(DEFAULT_TIMEOUT)
        .build()
        .map_err(|e| one_line(&e))?;
    let resp = client.get(url).send().map_err(|e| one_line(&e))?;
    let status = resp.status().as_u16();
    let body = resp.bytes().map_err(|e| one_line(&e))?;
    Ok((status, body.to_vec()))
}

/// A short hex key of `parts` (SHA-256), naming cache entries.
fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the bare repository at `dir` holds commit `sha`.
fn has_commit(dir: &Path, sha: &str) -> bool {
    let Ok(repo) = gix::open(dir) else {
        return false;
    };
    let found = gix::ObjectId::from_hex(sha.as_bytes())
        .ok()
        .is_some_and(|id| repo.find_commit(id).is_ok());
    found
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that
/// a reader never sees half a record.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("record");
    let tmp = dir.join(format!(".{name}.{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The fetch itself: `+REV:refs/strata/KEY` (each fetched ref keeps its
/// objects reachable in the cache), then the commit that ref peels to.
fn fetch_into(
    dir: &Path,
    url: &str,
    rev: &str,
    stop: &AtomicBool,
) -> std::result::Result<String, String> {
    use gix::remote::Direction;
    let why = |e: &dyn std::fmt::Display| one_line(e);
    let repo = if dir.join("HEAD").is_file() {
        gix::open(dir).map_err(|e| why(&e))?
    } else {
        std::fs::create_dir_all(dir).map_err(|e| why(&e))?;
        let repo = gix::init_bare(dir).map_err(|e| why(&e))?;
        // For people looking into the cache: which URL this is.
        let _ = std::fs::write(dir.join("strata-url"), format!("{url}\n"));
        repo
    };
    let src = if rev.is_empty() { "HEAD" } else { rev };
    let local = format!("refs/strata/{}", key(&[src]));
    let refspec = format!("+{src}:{local}");
    let remote = repo
        .remote_at(url)
        .map_err(|e| why(&e))?
        .with_refspecs([refspec.as_str()], Direction::Fetch)
        .map_err(|e| why(&e))?
        // The one ref asked for, not every tag of the remote besides.
        .with_fetch_tags(gix::remote::fetch::Tags::None);
    let outcome = remote
        .connect(Direction::Fetch)
        .map_err(|e| why(&e))?
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| why(&e))?
        .receive(gix::progress::Discard, stop)
        .map_err(|e| why(&e))?;
    if outcome.ref_map.mappings.is_empty() {
        return Err(format!("couldn't find remote ref {src}"));
    }
    let commit = repo
        .find_reference(local.as_str())
        .map_err(|e| why(&e))?
        .peel_to_commit()
        .map_err(|e| why(&e))?;
    Ok(commit.id.to_string())
}

impl RemoteResolver for RemoteCache {
    fn fetch_file(&self, entry: &str) -> Result<Option<Vec<u8>>> {
        let scheme = entry.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("http" | "https")) {
            return Ok(None);
        }
        let spec = RepoSpec::parse(entry).ok();
        // A git base pinned to a commit the cache holds needs no request.
        if let Some(s) = &spec {
            if is_full_sha(&s.git_ref) && has_commit(&self.repo_dir(&s.clone_spec()), &s.git_ref) {
                return Ok(None);
            }
        }
        let stored = self.dir.join("files").join(key(&[entry]));
        if self.offline {
            return match std::fs::read(&stored) {
                Ok(bytes) => Ok(Some(bytes)),
                // Perhaps a git base: its own lookup says what is missing.
                Err(_) if spec.is_some() => Ok(None),
                Err(_) => Err(Error::of(
                    ErrorKind::NotFound,
                    format!(
                        "offline: remote file '{entry}' is not in the cache '{}'; build once without --offline to fetch it",
                        self.dir.display()
                    ),
                )),
            };
        }
        match http_get(entry) {
            Ok((200..=299, body)) => {
                write_atomic(&stored, &body).map_err(|e| {
                    Error::io(
                        format!(
                            "cannot write the remote cache '{}': {e}",
                            self.dir.display()
                        ),
                        e,
                    )
                })?;
                Ok(Some(body))
            }
            // kustomize then tries a git URL as a repository.
            _ if spec.is_some() => Ok(None),
            Ok((status, _)) => {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|c| c.canonical_reason())
                    .unwrap_or("");
                Err(Error::of(
                    ErrorKind::NotFound,
                    format!("cannot fetch remote file '{entry}': HTTP Error: status code {status} ({reason})"),
                ))
            }
            Err(why) => Err(Error::of(
                ErrorKind::Io,
                format!("cannot fetch remote file '{entry}': {why}"),
            )),
        }
    }

    fn resolve(&self, entry: &str) -> Result<Option<RemoteRoot>> {
        let Ok(spec) = RepoSpec::parse(entry) else {
            return Ok(None);
        };
        let url = spec.clone_spec();
        let commit = self.resolve_commit(entry, &spec)?;
        let mounted = self.mount(&url, &commit)?;
        let mut warnings = Vec::new();
        if !is_full_sha(&spec.git_ref) {
            let what = match spec.git_ref.as_str() {
                "" => "has no ?ref= (its default branch is used)".to_string(),
                r => format!("is pinned to '{r}', not to a full commit sha"),
            };
            warnings.push(format!(
                "Warning: remote base '{entry}' {what}: the build is not reproducible (resolved to {commit})"
            ));
        }
        Ok(Some(RemoteRoot {
            dir: mounted.prefix.join(&spec.kust_root_path),
            top: mounted.prefix.clone(),
            fs: mounted,
            warnings,
        }))
    }
}

impl RemoteCache {
    /// The tree of `commit` of `url`'s cached repository, opened once.
    fn mount(&self, url: &str, commit: &str) -> Result<Arc<Mounted>> {
        let key = (url.to_string(), commit.to_string());
        let mut trees = self.trees.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = trees.get(&key) {
            return Ok(m.clone());
        }
        let repo_dir = self.repo_dir(url);
        let m = Arc::new(Mounted {
            prefix: repo_dir.join(commit),
            label: format!("{url}@{}", commit.get(..12).unwrap_or(commit)),
            fs: GitFs::open(&repo_dir, commit)?,
        });
        trees.insert(key, m.clone());
        Ok(m)
    }
}

/// A fetched tree placed under a path of its own (the repository's cache
/// directory joined with the commit), so that its paths never meet those of
/// the local tree or of another remote tree; errors name its files
/// `URL@COMMIT:path`.
struct Mounted {
    prefix: PathBuf,
    label: String,
    fs: GitFs,
}

impl std::fmt::Debug for Mounted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mounted")
            .field("label", &self.label)
            .finish()
    }
}

impl Mounted {
    /// The path in the tree, or a not-found error outside it.
    fn inner(&self, path: &Path) -> io::Result<PathBuf> {
        match path.strip_prefix(&self.prefix) {
            Ok(rel) => Ok(Path::new("/").join(rel)),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("'{}' is outside the remote tree", path.display()),
            )),
        }
    }
}

impl FileSystem for Mounted {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.fs.read(&self.inner(path)?)
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        match self.inner(path) {
            Ok(p) => self.fs.kind(&p),
            Err(_) => Ok(None),
        }
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        let c = self.fs.canonical(&self.inner(path)?)?;
        Ok(self.prefix.join(c.strip_prefix("/").unwrap_or(&c)))
    }
    fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.prefix) {
            Ok(rel) => format!("{}:{}", self.label, rel.display()),
            Err(_) => path.display().to_string(),
        }
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        self.fs.content_id(&self.inner(path).ok()?)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.fs.read_dir(&self.inner(path)?)
    }
}
