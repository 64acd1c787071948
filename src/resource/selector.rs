//! Selecting resources: kustomize's `Selector` (group, version, kind, name
//! and namespace as anchored regular expressions, plus Kubernetes label and
//! annotation selectors), used by patches, replacements and the like.

use super::{ResMap, Resource};
use crate::error::{Error, Result};
use crate::kustomization::{Gvk, Selector};
use indexmap::IndexMap;
use regex::Regex;

/// A compiled selector.
#[derive(Debug)]
pub struct CompiledSelector {
    group: Option<Pattern>,
    version: Option<Pattern>,
    kind: Option<Pattern>,
    name: Option<Pattern>,
    namespace: Option<Pattern>,
    labels: LabelSelector,
    annotations: LabelSelector,
}

/// A selector field: an anchored regular expression, or the text itself
/// when it has no metacharacters (most are plain names and kinds, and an
/// anchored literal matches only itself).
#[derive(Debug)]
enum Pattern {
    Literal(String),
    Regex(Regex),
}

impl Pattern {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Pattern::Literal(l) => l == s,
            Pattern::Regex(re) => re.is_match(s),
        }
    }
}

fn anchored(pattern: &str) -> Result<Option<Pattern>> {
    if pattern.is_empty() {
        return Ok(None);
    }
    // Outside a class, only these characters are not literal (`-`, `&`,
    // `~` and `#` are only special inside a class or with the `x` flag).
    if !pattern.contains(|c| "\\.+*?()|[]{}^$".contains(c)) {
        return Ok(Some(Pattern::Literal(pattern.to_string())));
    }
    Regex::new(&format!("^(?:{pattern})$"))
        .map(|re| Some(Pattern::Regex(re)))
        .map_err(|e| Error::new(format!("invalid regular expression '{pattern}': {e}")))
}

impl CompiledSelector {
    /// Compiles a selector's patterns.
    pub fn new(s: &Selector) -> Result<CompiledSelector> {
        Ok(CompiledSelector {
            group: anchored(&s.id.gvk.group)?,
            version: anchored(&s.id.gvk.version)?,
            kind: anchored(&s.id.gvk.kind)?,
            name: anchored(&s.id.name)?,
            namespace: anchored(&s.id.namespace)?,
            labels: LabelSelector::parse(&s.label_selector)?,
            annotations: LabelSelector::parse(&s.annotation_selector)?,
        })
    }

    /// Whether the selector selects `r`: name and namespace may match the
    /// original or the current id, as in kustomize.
    pub fn matches(&self, r: &Resource) -> bool {
        let re = |re: &Option<Pattern>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        // The kind first, from parts borrowed from the object: it rejects
        // most resources before the ids (and the namespace's scope) are
        // looked at.
        if !re(&self.kind, r.kind()) {
            return false;
        }
        let (group, version) = Gvk::split_api_version(r.api_version());
        if !(re(&self.group, group) && re(&self.version, version)) {
            return false;
        }
        let cur = r.id_key();
        let org = r.org_id();
        if !(re(&self.name, &org.name) || re(&self.name, cur.name)) {
            return false;
        }
        if !(re(&self.namespace, org.effective_namespace()) || re(&self.namespace, cur.namespace)) {
            return false;
        }
        // The label and annotation sets are built only for a selector that reads them.
        (self.labels.is_empty() || self.labels.matches(&r.labels()))
            && (self.annotations.is_empty() || self.annotations.matches(&r.annotations()))
    }

    /// Indices of the resources selected, in order.
    pub fn select(&self, m: &ResMap) -> Vec<usize> {
        (0..m.len())
            .filter(|&i| self.matches(&m.resources()[i]))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Exists,
    NotExists,
    In(Vec<String>),
    NotIn(Vec<String>),
    Gt(i64),
    Lt(i64),
}

/// A Kubernetes label selector (`a=b,c!=d,e in (f,g),!h`), as
/// `k8s.io/apimachinery/pkg/labels.Parse` reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    requirements: Vec<(String, Op)>,
}

impl LabelSelector {
    /// Whether it has no requirements (and so selects everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Parses a selector; the empty string selects everything.
    pub fn parse(s: &str) -> Result<LabelSelector> {
        let mut requirements = Vec::new();
        let bad = |why: &str| Error::new(format!("unable to parse label selector '{s}': {why}"));
        let mut rest = s.trim();
        while !rest.is_empty() {
            // One requirement, up to a comma outside parentheses.
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let req = rest[..end].trim();
            rest = rest.get(end + 1..).unwrap_or("").trim();
            if req.is_empty() {
                return Err(bad("empty requirement"));
            }
            requirements.push(parse_requirement(req).ok_or_else(|| bad(req))?);
        }
        Ok(LabelSelector { requirements })
    }

    /// Whether a label (or annotation) set satisfies every requirement.
    pub fn matches(&self, set: &IndexMap<String, String>) -> bool {
        self.requirements.iter().all(|(k, op)| {
            let v = set.get(k);
            match op {
                Op::Exists => v.is_some(),
                Op::NotExists => v.is_none(),
                Op::In(vals) => v.is_some_and(|v| vals.contains(v)),
                Op::NotIn(vals) => v.is_none_or(|v| !vals.contains(v)),
                Op::Gt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|x| x > *n),
                Op::Lt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|x| x < *n),
            }
        })
    }
}

fn parse_requirement(req: &str) -> Option<(String, Op)> {
    if let Some(k) = req.strip_prefix('!') {
        return Some((k.trim().to_string(), Op::NotExists));
    }
    for (tok, neg) in [(" notin ", true), (" in ", false)] {
        if let Some(i) = req.find(tok) {
            let key = req[..i].trim().to_string();
            let set = req[i + tok.len()..].trim();
            let inner = set.strip_prefix('(')?.strip_suffix(')')?;
            let vals: Vec<String> = inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            return Some((key, if neg { Op::NotIn(vals) } else { Op::In(vals) }));
        }
    }
    for (tok, f) in [
        ("!=", (|v: String| Op::NotIn(vec![v])) as fn(String) -> Op),
        ("==", |v| Op::In(vec![v])),
        ("=", |v| Op::In(vec![v])),
    ] {
        if let Some((k, v)) = req.split_once(tok) {
            return Some((k.trim().to_string(), f(v.trim().to_string())));
        }
    }
    if let Some((k, v)) = req.split_once('>') {
        return Some((k.trim().to_string(), Op::Gt(v.trim().parse().ok()?)));
    }
    if let Some((k, v)) = req.split_once('<') {
        return Some((k.trim().to_string(), Op::Lt(v.trim().parse().ok()?)));
    }
    let key = req.trim();
    (!key.is_empty() && !key.contains(' ')).then(|| (key.to_string(), Op::Exists))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_patterns_match_as_their_regexes_do() {
        let words = [
            "app",
            "my-app",
            "a&b",
            "x~y",
            "#tag",
            "two words",
            "ünï",
            "App",
            "",
            "app1",
            "a-b-c",
            "a.b",
            "a+",
            "(a)",
            "x|y",
            "^a$",
            "[a]",
            "a{2}",
            "a\\b",
        ];
        for p in words.iter().filter(|p| !p.is_empty()) {
            let pattern = anchored(p).unwrap().unwrap();
            let re = Regex::new(&format!("^(?:{p})$")).unwrap();
            for w in words {
                assert_eq!(
                    pattern.is_match(w),
                    re.is_match(w),
                    "pattern {p:?} on {w:?}"
                );
            }
        }
        assert!(matches!(
            anchored("my-app&x~#").unwrap(),
            Some(Pattern::Literal(_))
        ));
        assert!(matches!(
            anchored("app.*").unwrap(),
            Some(Pattern::Regex(_))
        ));
    }

    fn set(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_selectors() {
        let s = set(&[("app", "web"), ("tier", "front"), ("n", "5")]);
        let m = |sel: &str| LabelSelector::parse(sel).unwrap().matches(&s);
        assert!(m(""));
        assert!(m("app=web"));
        assert!(m("app==web,tier"));
        assert!(!m("app!=web"));
        assert!(m("app in (web, api)"));
        assert!(!m("app notin (web)"));
        assert!(m("!missing"));
        assert!(!m("missing"));
        assert!(m("n>4") && !m("n<5"));
        assert!(LabelSelector::parse("app in web").is_err());
    }
}
