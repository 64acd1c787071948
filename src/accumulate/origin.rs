//! Origins for `buildMetadata`: where each resource came from
//! (`config.kubernetes.io/origin`) and which transformers touched it
//! (`alpha.config.kubernetes.io/transformations`).

use crate::resource::shared::Step;
use crate::resource::{Resource, ORIGIN, TRANSFORMATIONS};
use crate::yaml::{emit_stream, Value};

/// Where a resource or a transformer came from (kustomize's `Origin`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Path of the resource file, relative to the top kustomization.
    pub path: String,
    /// The kustomization file that configured a generator or transformer.
    pub configured_in: String,
    /// `apiVersion`, `kind`, `name`, `namespace` of the configuring plugin.
    pub configured_by: [String; 4],
}

impl Origin {
    /// This origin with `path` appended (joined and cleaned like Go's `filepath.Join`).
    pub fn append(&self, path: &str) -> Origin {
        Origin {
            path: join_clean(&self.path, path),
            ..self.clone()
        }
    }

    /// The origin of a transformer or generator configured in `file` of this directory.
    pub fn configured(&self, file: &str, by: [&str; 4]) -> Origin {
        Origin {
            path: String::new(),
            configured_in: join_clean(&self.path, file),
            configured_by: by.map(str::to_string),
        }
    }

    /// The YAML lines of this origin, each indented by `indent`, the first
    /// prefixed by `first` (for list items).
    fn write(&self, out: &mut String, first: &str, indent: &str) {
        let mut lines: Vec<String> = Vec::new();
        let field = |k: &str, v: &str| format!("{k}: {}", scalar(v));
        if !self.path.is_empty() {
            lines.push(field("path", &self.path));
        }
        if !self.configured_in.is_empty() {
            lines.push(field("configuredIn", &self.configured_in));
        }
        if self.configured_by.iter().any(|s| !s.is_empty()) {
            lines.push("configuredBy:".to_string());
            for (k, v) in ["apiVersion", "kind", "name", "namespace"]
                .iter()
                .zip(&self.configured_by)
            {
                if !v.is_empty() {
                    lines.push(format!("  {}", field(k, v)));
                }
            }
        }
        for (i, l) in lines.iter().enumerate() {
            out.push_str(if i == 0 { first } else { indent });
            out.push_str(l);
            out.push('\n');
        }
    }

    /// The text of the origin annotation.
    pub fn to_annotation(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, "", "");
        s
    }

    /// Parses the origin annotation's text (as written by [`Origin::to_annotation`]).
    pub fn from_annotation(text: &str) -> Origin {
        let mut o = Origin::default();
        for line in text.lines() {
            let nested = line.starts_with("  ");
            let Some((k, v)) = line.trim().split_once(':') else {
                continue;
            };
            let v = unquote(v.trim());
            match (nested, k) {
                (false, "path") => o.path = v,
                (false, "configuredIn") => o.configured_in = v,
                (true, "apiVersion") => o.configured_by[0] = v,
                (true, "kind") => o.configured_by[1] = v,
                (true, "name") => o.configured_by[2] = v,
                (true, "namespace") => o.configured_by[3] = v,
                _ => {}
            }
        }
        o
    }
}

fn unquote(v: &str) -> String {
    if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

/// A string scalar as the emitter writes it (quoted when it must be).
fn scalar(v: &str) -> String {
    let s = Value::string(v);
    let mut out = emit_stream(std::iter::once(&s)).unwrap_or_else(|_| v.to_string());
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn join_clean(base: &str, path: &str) -> String {
    if base.is_empty() {
        return clean_relative(path);
    }
    clean_relative(&format!("{base}/{path}"))
}

/// Cleans a relative path lexically, keeping leading `..` (Go's `filepath.Clean`).
fn clean_relative(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Records that `t` touched `res`: the first origin becomes the resource's
/// origin when it has none, later ones are appended to its transformations.
pub fn add_transformation(res: &mut Resource, t: &Origin) {
    // kustomize writes either through `GetAnnotations`/`SetAnnotations`,
    // which rebuilds the whole map from strings: every annotation becomes a
    // string node (a created `2001-12-14` stays as written) that shares
    // nothing with a pod template's copy any more.
    let mut annotations = res.annotations();
    match res.annotation(ORIGIN) {
        None => {
            annotations.insert(ORIGIN.to_string(), t.to_annotation());
        }
        Some(_) => {
            let mut list = res.annotation(TRANSFORMATIONS).unwrap_or("").to_string();
            t.write(&mut list, "- ", "  ");
            annotations.insert(TRANSFORMATIONS.to_string(), list);
        }
    }
    res.set_annotations(&annotations);
    let path = [
        Step::Key("metadata".into()),
        Step::Key("annotations".into()),
    ];
    crate::resource::shared::unshare_under(&mut res.shared, &path);
}

/// Rewrites the origins a base recorded relative to its own root so that
/// they are relative to the kustomization that names the base `prefix`:
/// the resource's origin (`path`, `configuredIn`) and every recorded
/// transformation's `configuredIn`.
pub fn prefix_origins(res: &mut Resource, prefix: &str) {
    let rebase = |o: &mut Origin| {
        if !o.path.is_empty() {
            o.path = join_clean(prefix, &o.path);
        }
        if !o.configured_in.is_empty() {
            o.configured_in = join_clean(prefix, &o.configured_in);
        }
    };
    if let Some(text) = res.annotation(ORIGIN) {
        let mut o = Origin::from_annotation(text);
        rebase(&mut o);
        res.set_annotation(ORIGIN, &o.to_annotation());
    }
    if let Some(text) = res.annotation(TRANSFORMATIONS) {
        let mut list = String::new();
        for entry in split_list(text) {
            let mut o = Origin::from_annotation(&entry);
            rebase(&mut o);
            o.write(&mut list, "- ", "  ");
        }
        res.set_annotation(TRANSFORMATIONS, &list);
    }
}

/// The entries of a list written by [`Origin::write`] with `- ` items, each
/// with its item indentation removed.
fn split_list(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(first) = line.strip_prefix("- ") {
            entries.push(format!("{first}\n"));
        } else if let (Some(cur), Some(rest)) = (entries.last_mut(), line.strip_prefix("  ")) {
            cur.push_str(rest);
            cur.push('\n');
        }
    }
    entries
}
