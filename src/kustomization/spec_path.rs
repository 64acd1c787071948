//! A field spec's path (`spec/template/spec/containers[]/image`), split
//! into its segments once, when it is decoded: every transformer walks it
//! over every object it selects, and splitting the text at each visit was a
//! twentieth of a many-root build's instructions (docs/performance.md).

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A field spec's path: its text as written, and its segments as the walk
/// reads them (a leading `/` dropped, split at `/`, a `\/` being a `/`).
/// Equal, hashed and dereferenced as its text.
///
/// Shared: the builtin tables are copied into every transformer of every
/// root, and a copy is a count.
#[derive(Clone, Default)]
pub struct SpecPath(Arc<Parts>);

/// What a [`SpecPath`] shares.
#[derive(Default)]
struct Parts {
    text: String,
    segments: Box<[Segment]>,
}

/// One segment of a [`SpecPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The field's name (`containers`), without the `[]` of a list.
    pub name: String,
    /// Written with `[]`: the field is a list whose items the walk enters.
    pub seq: bool,
}

impl SpecPath {
    /// Splits `text` into its segments.
    pub fn new(text: impl Into<String>) -> SpecPath {
        let text = text.into();
        let segments = segments(strip_root(&text))
            .into_iter()
            .map(|s| match s.strip_suffix("[]") {
                Some(name) => Segment {
                    name: name.to_string(),
                    seq: true,
                },
                None => Segment {
                    name: s,
                    seq: false,
                },
            })
            .collect();
        SpecPath(Arc::new(Parts { text, segments }))
    }

    /// Its segments, first to last (never none: an empty path is one
    /// empty segment, which the walk reports).
    pub fn segments(&self) -> &[Segment] {
        &self.0.segments
    }
}

impl From<&str> for SpecPath {
    fn from(text: &str) -> SpecPath {
        SpecPath::new(text)
    }
}

impl From<String> for SpecPath {
    fn from(text: String) -> SpecPath {
        SpecPath::new(text)
    }
}

impl Deref for SpecPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0.text
    }
}

impl PartialEq for SpecPath {
    fn eq(&self, other: &SpecPath) -> bool {
        self.0.text == other.0.text
    }
}

impl Eq for SpecPath {}

impl PartialEq<str> for SpecPath {
    fn eq(&self, other: &str) -> bool {
        self.0.text == other
    }
}

impl PartialEq<&str> for SpecPath {
    fn eq(&self, other: &&str) -> bool {
        self.0.text == *other
    }
}

impl Hash for SpecPath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.text.hash(state)
    }
}

impl fmt::Debug for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.text.fmt(f)
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.text)
    }
}

impl<'de> Deserialize<'de> for SpecPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SpecPath, D::Error> {
        String::deserialize(d).map(SpecPath::new)
    }
}

/// A spec path without the leading `/` it may be written with.
fn strip_root(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

/// The first segment of a spec path (split at `/`; a `\/` in it is a `/`) and the path
/// after the `/` that ends it, if any. Borrowed unless a slash was escaped,
/// so walking a path allocates nothing.
fn next_segment(path: &str) -> (Cow<'_, str>, Option<&str>) {
    let bytes = path.as_bytes();
    let mut owned: Option<String> = None;
    let (mut start, mut from) = (0, 0);
    loop {
        // A byte loop: segments are short, too short for memchr to pay off.
        let Some(j) = bytes[from..].iter().position(|&b| b == b'/') else {
            return (joined(owned, path, start, path.len()), None);
        };
        let at = from + j;
        if at > 0 && bytes[at - 1] == b'\\' {
            let o = owned.get_or_insert_with(String::new);
            o.push_str(&path[start..at - 1]);
            o.push('/');
            start = at + 1;
            from = at + 1;
            continue;
        }
        return (joined(owned, path, start, at), Some(&path[at + 1..]));
    }
}

/// Every segment of a spec path, as [`next_segment`] reads them (a leading
/// `/` gives an empty first segment: strip it with [`strip_root`] first
/// where the walk would).
pub(crate) fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = Some(path);
    while let Some(p) = rest {
        let (segment, next) = next_segment(p);
        out.push(segment.into_owned());
        rest = next;
    }
    out
}

/// The segment `path[start..end]` after the escaped part `owned`, if any.
fn joined(owned: Option<String>, path: &str, start: usize, end: usize) -> Cow<'_, str> {
    match owned {
        Some(mut o) => {
            o.push_str(&path[start..end]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(&path[start..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path's segments, as the walk reads them.
    fn split_path(path: &str) -> Vec<String> {
        segments(strip_root(path))
    }

    /// The splitting the walk replaced: split at every `/`, then join a
    /// part to the next while it ends with `\` (dropping the backslash);
    /// with `strip`, a leading empty part goes when there are others (the
    /// value-add transformer's split keeps it).
    fn split_by_parts(path: &str, strip: bool) -> Vec<String> {
        let mut parts: Vec<&str> = path.split('/').collect();
        if strip && parts.len() > 1 && parts[0].is_empty() {
            parts.remove(0);
        }
        let mut out: Vec<String> = Vec::new();
        for p in parts {
            match out.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push('/');
                    last.push_str(p);
                }
                _ => out.push(p.to_string()),
            }
        }
        out
    }

    #[test]
    fn segments_split_as_parts_do() {
        // Every path of up to 7 characters over an alphabet of the
        // characters that matter.
        let alphabet = ['a', '/', '\\', '[', ']'];
        let mut paths = vec![String::new()];
        let mut level = vec![String::new()];
        for _ in 0..7 {
            level = level
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            paths.extend(level.iter().cloned());
        }
        for p in &paths {
            assert_eq!(split_path(p), split_by_parts(p, true), "path {p:?}");
            assert_eq!(segments(p), split_by_parts(p, false), "path {p:?}");
        }
    }

    #[test]
    fn a_path_keeps_its_text_and_marks_lists() {
        let p = SpecPath::new("/spec/containers[]/a\\/b");
        assert_eq!(&*p, "/spec/containers[]/a\\/b");
        let names: Vec<(&str, bool)> = p.segments().iter().map(|s| (&*s.name, s.seq)).collect();
        assert_eq!(
            names,
            [("spec", false), ("containers", true), ("a/b", false)]
        );
        assert_eq!(SpecPath::new("").segments().len(), 1);
    }
}
