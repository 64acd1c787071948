//! Remote bases: kustomize's git URLs (`https://github.com/org/repo//dir?ref=v1`,
//! `git@host:org/repo.git/dir`, `ssh://...`, `file://...`), parsed as
//! kustomize's repospec parses them, fetched with gix into a cache on disk
//! (depth 1, with their submodules, as kustomize's git commands fetch),
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
    /// `?submodules=` (default true): whether the repository's submodules
    /// are fetched and read (`false`: each is an empty directory).
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
    /// Trees opened in this process, by clone URL, commit and whether
    /// submodules are read.
    trees: Mutex<HashMap<(String, String, bool), Arc<Mounted>>>,
    /// What each floating ref (clone URL, ref) resolved to in this process:
    /// fetched once, so that every build of a run (both sides of a diff,
    /// every environment) sees the same commit.
    resolved: Mutex<HashMap<(String, String), String>>,
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
            resolved: Mutex::default(),
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
        let memo = (spec.clone_spec(), spec.git_ref.clone());
        if let Some(c) = self.lock_resolved().get(&memo) {
            return Ok(c.clone());
        }
        let commit = self.resolve_commit_once(entry, spec)?;
        self.lock_resolved().insert(memo, commit.clone());
        Ok(commit)
    }

    fn lock_resolved(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), String>> {
        self.resolved.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// [`RemoteCache::resolve_commit`] without the memo.
    fn resolve_commit_once(&self, entry: &str, spec: &RepoSpec) -> Result<String> {
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
        self.fetch_rev(entry, repo_dir, url, &spec.git_ref, spec.timeout)
    }

    /// Fetches `rev` (a ref or a commit sha; HEAD when empty) from `url`
    /// into the bare repository `repo_dir` within `timeout`: the commit it
    /// names. Processes sharing the cache take turns through a lock file
    /// beside the repository (a fetch writes refs and the shallow file).
    fn fetch_rev(
        &self,
        entry: &str,
        repo_dir: &Path,
        url: &str,
        rev: &str,
        timeout: Duration,
    ) -> Result<String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let lock = self.fetching.clone();
        let job = (
            repo_dir.to_path_buf(),
            url.to_string(),
            rev.to_string(),
            stop.clone(),
        );
        // On a thread of its own, so that a hung connection cannot outlast
        // the timeout (the flag then tells gix to stop).
        std::thread::spawn(move || {
            let (dir, url, rev, stop) = job;
            let _held = lock.lock().unwrap_or_else(|p| p.into_inner());
            let fetched = lock_dir(&dir).and_then(|_file_lock| fetch_into(&dir, &url, &rev, &stop));
            let _ = tx.send(fetched);
        });
        let failed = |why: String| {
            Error::of(
                ErrorKind::Io,
                format!("cannot fetch remote base '{entry}' from '{url}': {why}"),
            )
        };
        match rx.recv_timeout(timeout) {
            Ok(Ok(commit)) => Ok(commit),
            Ok(Err(why)) => Err(failed(why)),
            Err(_) => {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                Err(failed(format!(
                    "timed out after {timeout:?} (a longer ?timeout= allows more)"
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
    let tmp = dir.join(format!(".{name}.{}", unique()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// A name no other writer uses at once: this process, and a counter.
fn unique() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}.{n}", std::process::id())
}

/// Holds an exclusive lock on `<dir>.lock` until dropped: fetches into the
/// repository `dir` from several processes take turns (the operating
/// system releases it if a process dies).
fn lock_dir(dir: &Path) -> std::result::Result<std::fs::File, String> {
    let mut name = dir.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| one_line(&e))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            format!(
                "cannot open the lock file '{}': {}",
                path.display(),
                one_line(&e)
            )
        })?;
    file.lock()
        .map_err(|e| format!("cannot lock '{}': {}", path.display(), one_line(&e)))?;
    Ok(file)
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
    if !dir.join("HEAD").is_file() {
        // Made beside and renamed into place, so that no reader (of this
        // process or another) ever opens half a repository.
        let parent = dir.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| why(&e))?;
        let tmp = parent.join(format!(".init.{}", unique()));
        gix::init_bare(&tmp).map_err(|e| why(&e))?;
        // For people looking into the cache: which URL this is.
        let _ = std::fs::write(tmp.join("strata-url"), format!("{url}\n"));
        if let Err(e) = std::fs::rename(&tmp, dir) {
            let _ = std::fs::remove_dir_all(&tmp);
            // An empty directory left by an older strata: made again.
            if !dir.join("HEAD").is_file() {
                return Err(why(&e));
            }
        }
    }
    let repo = gix::open(dir).map_err(|e| why(&e))?;
    // Another process may have fetched this commit while we waited for
    // the lock.
    if is_full_sha(rev) && has_commit(dir, rev) {
        return Ok(rev.to_ascii_lowercase());
    }
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
        // As kustomize's `git fetch --depth=1`: the one commit, no history.
        .with_shallow(gix::remote::fetch::Shallow::DepthAtRemote(
            std::num::NonZeroU32::MIN,
        ))
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
        let mounted = self.mount(entry, &url, &commit, &spec)?;
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
    /// The tree of `commit` of `url`'s cached repository with its
    /// submodules (when `spec` asks for them), opened once.
    fn mount(&self, entry: &str, url: &str, commit: &str, spec: &RepoSpec) -> Result<Arc<Mounted>> {
        let key = (url.to_string(), commit.to_string(), spec.submodules);
        let mut trees = self.trees.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = trees.get(&key) {
            return Ok(m.clone());
        }
        // Without its submodules a commit is another tree: another path.
        let name = match spec.submodules {
            true => commit.to_string(),
            false => format!("{commit}-nosub"),
        };
        let prefix = self.repo_dir(url).join(name);
        let m = Arc::new(self.open_tree(entry, url, commit, spec, prefix)?);
        trees.insert(key, m.clone());
        Ok(m)
    }

    /// Opens `commit` of `url` at `prefix`, and under it each submodule's
    /// commit (fetched when the cache lacks it), recursively, as kustomize's
    /// `git submodule update --init --recursive` does; with
    /// `?submodules=false` each is an empty directory, as in its checkout.
    fn open_tree(
        &self,
        entry: &str,
        url: &str,
        commit: &str,
        spec: &RepoSpec,
        prefix: PathBuf,
    ) -> Result<Mounted> {
        let repo_dir = self.repo_dir(url);
        let failed = |why: String| {
            Error::of(
                ErrorKind::Io,
                format!("cannot fetch remote base '{entry}': {why}"),
            )
        };
        let mut subs = Vec::new();
        for sub in submodules_of(&repo_dir, commit, url).map_err(failed)? {
            let at = prefix.join(&sub.path);
            let tree = if spec.submodules {
                let what = format!("submodule '{}' ({})", sub.path, sub.url);
                transport_allowed(&repo_dir, &sub.url)
                    .map_err(|why| failed(format!("{what}: {why}")))?;
                let sub_dir = self.repo_dir(&sub.url);
                if !has_commit(&sub_dir, &sub.commit) {
                    if self.offline {
                        return Err(Error::of(
                            ErrorKind::NotFound,
                            format!(
                                "offline: {what} of remote base '{entry}' is not in the cache '{}' (commit {}); build once without --offline to fetch it",
                                self.dir.display(),
                                sub.commit
                            ),
                        ));
                    }
                    self.fetch_rev(entry, &sub_dir, &sub.url, &sub.commit, spec.timeout)?;
                }
                Some(Arc::new(self.open_tree(
                    entry,
                    &sub.url,
                    &sub.commit,
                    spec,
                    at.clone(),
                )?))
            } else {
                None
            };
            subs.push((at, tree));
        }
        Ok(Mounted {
            label: format!("{url}@{}", commit.get(..12).unwrap_or(commit)),
            fs: GitFs::open(&repo_dir, commit)?,
            prefix,
            subs,
        })
    }
}

/// A submodule of a commit: its path, where it comes from, its commit.
struct Submodule {
    path: String,
    url: String,
    commit: String,
}

/// The submodules of `commit` in the bare repository `repo_dir`: each
/// gitlink of its tree, with its URL from the commit's `.gitmodules` (a
/// relative one resolved against `url`, the superproject's, as git does).
fn submodules_of(
    repo_dir: &Path,
    commit: &str,
    url: &str,
) -> std::result::Result<Vec<Submodule>, String> {
    let why = |e: &dyn std::fmt::Display| one_line(e);
    let repo = gix::open(repo_dir).map_err(|e| why(&e))?;
    let id = gix::ObjectId::from_hex(commit.as_bytes()).map_err(|e| why(&e))?;
    let tree = repo
        .find_commit(id)
        .map_err(|e| why(&e))?
        .tree()
        .map_err(|e| why(&e))?;
    let mut rec = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut rec)
        .map_err(|e| why(&e))?;
    let links: Vec<_> = rec
        .records
        .into_iter()
        .filter(|e| e.mode.is_commit())
        .collect();
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut urls = HashMap::new();
    if let Some(file) = tree
        .lookup_entry_by_path(".gitmodules")
        .map_err(|e| why(&e))?
    {
        let blob = file.object().map_err(|e| why(&e))?;
        let config = gix::config::File::from_bytes_no_includes(
            &blob.data,
            gix::config::file::Metadata::api(),
            Default::default(),
        )
        .map_err(|e| format!("cannot read .gitmodules: {}", why(&e)))?;
        for section in config.sections_by_name("submodule").into_iter().flatten() {
            if let (Some(path), Some(u)) = (section.value("path"), section.value("url")) {
                urls.insert(path.to_string(), u.to_string());
            }
        }
    }
    links
        .into_iter()
        .map(|link| {
            let path = link.filepath.to_string();
            let Some(sub_url) = urls.get(&path) else {
                return Err(format!(
                    "no url found for submodule path '{path}' in .gitmodules"
                ));
            };
            Ok(Submodule {
                url: relative_url(url, sub_url),
                commit: link.oid.to_string(),
                path,
            })
        })
        .collect()
}

/// A submodule URL as git resolves it: `./x` and `../x` are relative to
/// the superproject's URL `base` (each `../` drops one of its segments).
fn relative_url(base: &str, sub: &str) -> String {
    if !(sub.starts_with("./") || sub.starts_with("../")) {
        return sub.to_string();
    }
    let mut base = base.trim_end_matches('/').to_string();
    let mut rest = sub;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
            let cut = base.rfind(['/', ':']).unwrap_or(0);
            base.truncate(cut);
        } else {
            break;
        }
    }
    format!("{base}/{rest}")
}

/// Whether git lets a submodule be fetched over `url`'s transport: git
/// refuses `file://` and local paths for submodules unless
/// `protocol.file.allow` (or `protocol.allow`) is `always`
/// (CVE-2022-39253), and kustomize, running git, fails with it. The
/// policy is read from the configuration git would use (system, global,
/// `GIT_CONFIG_*`), through the cache repository `repo_dir`.
fn transport_allowed(repo_dir: &Path, url: &str) -> std::result::Result<(), String> {
    let scheme = gix::url::parse(url.as_bytes())
        .map(|u| u.scheme.as_str().to_string())
        .map_err(|e| one_line(&e))?;
    let repo = gix::open(repo_dir).map_err(|e| one_line(&e))?;
    let config = repo.config_snapshot();
    let policy = config
        .string(format!("protocol.{scheme}.allow").as_str())
        .or_else(|| config.string("protocol.allow"))
        .map(|v| v.to_string());
    let allowed = match policy.as_deref() {
        Some(p) => p == "always",
        // git's defaults; "user" (any other scheme's) denies submodules.
        None => matches!(scheme.as_str(), "http" | "https" | "ssh" | "git"),
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "transport '{scheme}' not allowed (git refuses it for submodules unless protocol.{scheme}.allow is 'always', e.g. git config --global protocol.{scheme}.allow always)"
        ))
    }
}

/// A fetched tree placed under a path of its own (the repository's cache
/// directory joined with the commit), so that its paths never meet those of
/// the local tree or of another remote tree; errors name its files
/// `URL@COMMIT:path`. Each submodule is a tree of its own at its path
/// (`None`: not fetched, an empty directory).
struct Mounted {
    prefix: PathBuf,
    label: String,
    fs: GitFs,
    subs: Vec<(PathBuf, Option<Arc<Mounted>>)>,
}

/// Where a path of a [`Mounted`] tree lies.
enum At<'a> {
    /// In the tree itself.
    Here,
    /// In a fetched submodule.
    Sub(&'a Mounted),
    /// At an unfetched submodule's (empty) directory.
    Empty,
    /// Below an unfetched submodule: nothing.
    Missing,
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

impl Mounted {
    fn at(&self, path: &Path) -> At<'_> {
        for (at, tree) in &self.subs {
            if let Ok(rel) = path.strip_prefix(at) {
                return match tree {
                    Some(t) => At::Sub(t),
                    None if rel.as_os_str().is_empty() => At::Empty,
                    None => At::Missing,
                };
            }
        }
        At::Here
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("'{}' not found", path.display()),
    )
}

impl FileSystem for Mounted {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.at(path) {
            At::Here => self.fs.read(&self.inner(path)?),
            At::Sub(t) => t.read(path),
            At::Empty => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                format!("'{}' is a directory", path.display()),
            )),
            At::Missing => Err(not_found(path)),
        }
    }
    fn kind(&self, path: &Path) -> io::Result<Option<EntryKind>> {
        match self.at(path) {
            At::Here => match self.inner(path) {
                Ok(p) => self.fs.kind(&p),
                Err(_) => Ok(None),
            },
            At::Sub(t) => t.kind(path),
            At::Empty => Ok(Some(EntryKind::Dir)),
            At::Missing => Ok(None),
        }
    }
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        match self.at(path) {
            At::Here => {
                let c = self.fs.canonical(&self.inner(path)?)?;
                Ok(self.prefix.join(c.strip_prefix("/").unwrap_or(&c)))
            }
            At::Sub(t) => t.canonical(path),
            At::Empty => Ok(path.to_path_buf()),
            At::Missing => Err(not_found(path)),
        }
    }
    fn display(&self, path: &Path) -> String {
        if let At::Sub(t) = self.at(path) {
            return t.display(path);
        }
        match path.strip_prefix(&self.prefix) {
            Ok(rel) => format!("{}:{}", self.label, rel.display()),
            Err(_) => path.display().to_string(),
        }
    }
    fn content_id(&self, path: &Path) -> Option<ContentId> {
        match self.at(path) {
            At::Here => self.fs.content_id(&self.inner(path).ok()?),
            At::Sub(t) => t.content_id(path),
            At::Empty | At::Missing => None,
        }
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        match self.at(path) {
            At::Here => self.fs.read_dir(&self.inner(path)?),
            At::Sub(t) => t.read_dir(path),
            At::Empty => Ok(Vec::new()),
            At::Missing => Err(not_found(path)),
        }
    }
}
