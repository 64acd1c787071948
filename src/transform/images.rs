//! Image references (kustomization `images:`/`imageTags:`, builtin
//! `ImageTagTransformer`).
//!
//! Each entry runs two passes, as in kustomize: a legacy pass over every
//! `containers`/`initContainers` list anywhere in an object, then the
//! `images` field-spec table. A field both reach is updated twice, which
//! shows with `tagSuffix` (appended twice); kustomize does the same.

use super::common::{set_scalar, wrong_kind};
use super::fieldspec::{apply_spec_where, CreateKind, TransformerConfig};
use super::Transformer;
use crate::error::{Error, Result};
use crate::kustomization::plugins::ImageTagTransformerPlugin;
use crate::kustomization::{decode_plugin_config, FieldSpec, Image};
use crate::resource::ResMap;
use crate::yaml::Value;
use regex::Regex;

/// Rewrites image references matching one `images:` entry.
#[derive(Clone, Debug)]
pub struct ImageTagTransformer {
    /// The entry.
    pub image: Image,
    /// Where images are, besides any containers list.
    pub field_specs: Vec<FieldSpec>,
    /// `^<name>(:tag)?(@sha256:digest)?$`; the name is used as a regular
    /// expression, unescaped, as kustomize does.
    matcher: Regex,
}

impl PartialEq for ImageTagTransformer {
    fn eq(&self, o: &Self) -> bool {
        self.image == o.image && self.field_specs == o.field_specs
    }
}

impl ImageTagTransformer {
    /// A transformer for one image entry and the fields to look in.
    pub fn new(image: &Image, field_specs: Vec<FieldSpec>) -> Result<ImageTagTransformer> {
        let pattern = format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            image.name
        );
        let matcher = Regex::new(&pattern).map_err(|e| {
            Error::new(format!(
                "image name '{}' is not a valid regular expression: {e}",
                image.name
            ))
        })?;
        Ok(ImageTagTransformer {
            image: image.clone(),
            field_specs,
            matcher,
        })
    }

    /// The transformer for one `images:` entry (the `images` table).
    pub fn from_image(image: &Image, tc: &TransformerConfig) -> Result<ImageTagTransformer> {
        ImageTagTransformer::new(image, tc.images.clone())
    }

    /// Decodes an `ImageTagTransformer` config: `imageTag` (`name`,
    /// `newName`, `newTag`, `digest`, `tagSuffix`) and `fieldSpecs`.
    pub fn from_config(doc: &Value) -> Result<ImageTagTransformer> {
        let c: ImageTagTransformerPlugin = decode_plugin_config(doc)?;
        ImageTagTransformer::new(&c.image_tag, c.field_specs)
    }

    /// The new reference for `value`, or `None` when it does not match.
    pub fn rewrite(&self, value: &str) -> Option<String> {
        if !self.matcher.is_match(value) {
            return None;
        }
        let (mut name, mut tag, mut digest) = split_image(value);
        let i = &self.image;
        if !i.new_name.is_empty() {
            name = i.new_name.clone();
        }
        if !i.new_tag.is_empty() && !i.digest.is_empty() {
            tag = i.new_tag.clone();
            digest = i.digest.clone();
        } else if !i.new_tag.is_empty() {
            tag = i.new_tag.clone();
            digest.clear();
        } else if !i.digest.is_empty() {
            tag.clear();
            digest = i.digest.clone();
        } else if !i.tag_suffix.is_empty() {
            tag.push_str(&i.tag_suffix);
            digest.clear();
        }
        if !tag.is_empty() {
            name = format!("{name}:{tag}");
        }
        if !digest.is_empty() {
            name = format!("{name}@{digest}");
        }
        Some(name)
    }

    /// Whether [`Self::update`] would change or reject `node`: a scalar
    /// only when it names the image.
    fn changes(&self, node: &Value) -> bool {
        match node {
            Value::Scalar(s) => self.matcher.is_match(&s.text),
            _ => true,
        }
    }

    /// kustomize's image updater on one node: must be a scalar (or null).
    fn update(&self, node: &mut Value) -> Result<()> {
        let Value::Scalar(s) = node else {
            return Err(wrong_kind("ScalarNode", node));
        };
        match self.rewrite(&s.text.clone()) {
            // Set with an empty tag: typed as a plain scalar.
            Some(new) => set_scalar(node, &new, None),
            None => Ok(()),
        }
    }

    /// The legacy pass: every `containers`/`initContainers` sequence, at
    /// any depth, children before parents. The images it rewrites are found
    /// by reading, and only the way to each is walked mutably: a mutable
    /// walk copies every shared collection it passes through (`Shared`).
    fn legacy(&self, obj: &mut Value) -> Result<()> {
        let mut found = Vec::new();
        let failed = self.legacy_find(obj, &mut Vec::new(), &mut found);
        for path in &found {
            self.update(at_path_mut(obj, path))?;
        }
        // Made after the updates: the error shows the item as they left it.
        match failed {
            Some(path) => Err(wrong_kind("MappingNode", at_path_mut(obj, &path))),
            None => Ok(()),
        }
    }

    /// Appends to `found`, in the legacy pass's order, the paths (entry
    /// indices) of the images under `node` it rewrites or fails on; stops
    /// at an item of the wrong kind and returns its path.
    fn legacy_find(
        &self,
        node: &Value,
        path: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) -> Option<Vec<usize>> {
        crate::yaml::deep(|| match node {
            Value::Map(m) => m
                .iter()
                .enumerate()
                .find_map(|(i, (k, v))| self.legacy_child(i, Some(k), v, path, found)),
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| self.legacy_child(i, None, v, path, found)),
            Value::Scalar(_) => None,
        })
    }

    /// [`Self::legacy_find`] of the child at index `i` (under `key` if the
    /// parent is a mapping), then of its items if it is a containers list.
    fn legacy_child(
        &self,
        i: usize,
        key: Option<&str>,
        v: &Value,
        path: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) -> Option<Vec<usize>> {
        if matches!(v, Value::Scalar(_)) {
            return None;
        }
        path.push(i);
        if let Some(e) = self.legacy_find(v, path, found) {
            return Some(e);
        }
        if let (Some("containers" | "initContainers"), Value::Seq(items)) = (key, v) {
            for (j, item) in items.iter().enumerate() {
                match item {
                    v if v.is_null() => {}
                    Value::Map(c) => {
                        let Some((at, _, img)) = c.get_full("image") else {
                            continue;
                        };
                        // A non-scalar is the updater's error, in its turn.
                        if let Value::Scalar(s) = img {
                            if !self.matcher.is_match(&s.text) {
                                continue;
                            }
                        }
                        let mut p = path.clone();
                        p.extend([j, at]);
                        found.push(p);
                    }
                    _ => {
                        path.push(j);
                        return Some(std::mem::take(path));
                    }
                }
            }
        }
        path.pop();
        None
    }
}

/// The node at a path of entry indices (mapping entries in order, sequence
/// items), walked mutably.
fn at_path_mut<'a>(mut node: &'a mut Value, path: &[usize]) -> &'a mut Value {
    for &i in path {
        node = match node {
            Value::Map(m) => m.get_index_mut(i).expect("a path found by reading").1,
            Value::Seq(items) => &mut items[i],
            Value::Scalar(_) => unreachable!("paths end at scalars"),
        };
    }
    node
}

/// Splits an image reference into name, tag and digest
/// (`[host[:port]/]path[:tag][@digest]`): a colon before the first slash
/// is a registry port, not a tag.
pub fn split_image(image: &str) -> (String, String, String) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (
            image[..a].to_string(),
            String::new(),
            image[a + 1..].to_string(),
        ),
        (Some(c), Some(a)) => (
            image[..c].to_string(),
            image[c + 1..a].to_string(),
            image[a + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..c].to_string(),
            image[c + 1..].to_string(),
            String::new(),
        ),
        (None, Some(_)) => unreachable!("handled by the digest-only arm"),
    }
}

impl Transformer for ImageTagTransformer {
    fn builtin_kind(&self) -> &str {
        "ImageTagTransformer"
    }

    fn transform(&self, m: &mut ResMap, _env: &crate::transform::Env) -> Result<()> {
        for r in m.resources_mut() {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            self.legacy(&mut r.obj)?;
        }
        for r in m.resources_mut() {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            for fs in &self.field_specs {
                apply_spec_where(
                    &mut r.obj,
                    fs,
                    CreateKind::Nothing,
                    &|n| self.changes(n),
                    &mut |n| self.update(n),
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, String, String) {
        split_image(s)
    }

    #[test]
    fn splits() {
        let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(split("nginx"), t("nginx", "", ""));
        assert_eq!(split("nginx:1.2"), t("nginx", "1.2", ""));
        assert_eq!(split("nginx@sha256:abc"), t("nginx", "", "sha256:abc"));
        assert_eq!(
            split("nginx:1.2@sha256:abc"),
            t("nginx", "1.2", "sha256:abc")
        );
        assert_eq!(
            split("localhost:5000/app:v1"),
            t("localhost:5000/app", "v1", "")
        );
        assert_eq!(split("localhost:5000/app"), t("localhost:5000/app", "", ""));
    }

    fn img(name: &str) -> Image {
        Image {
            name: name.into(),
            ..Image::default()
        }
    }

    #[test]
    fn rewrites() {
        let mut i = img("nginx");
        i.new_tag = "2".into();
        let t = ImageTagTransformer::new(&i, vec![]).unwrap();
        assert_eq!(t.rewrite("nginx:1@sha256:x").as_deref(), Some("nginx:2"));
        assert_eq!(t.rewrite("nginx").as_deref(), Some("nginx:2"));
        assert_eq!(t.rewrite("nginxx"), None);
        assert_eq!(t.rewrite("my/nginx"), None);

        let mut i = img("nginx");
        i.digest = "sha256:d".into();
        i.new_name = "reg/ng".into();
        let t = ImageTagTransformer::new(&i, vec![]).unwrap();
        assert_eq!(t.rewrite("nginx:1").as_deref(), Some("reg/ng@sha256:d"));

        let mut i = img("nginx");
        i.tag_suffix = "-x".into();
        let t = ImageTagTransformer::new(&i, vec![]).unwrap();
        assert_eq!(t.rewrite("nginx:1").as_deref(), Some("nginx:1-x"));
        assert_eq!(t.rewrite("nginx").as_deref(), Some("nginx:-x"));
    }

    /// The legacy pass as it was: a mutable walk over everything.
    fn legacy_walk_all(t: &ImageTagTransformer, node: &mut Value) -> Result<()> {
        match node {
            Value::Map(m) => {
                for (k, v) in m.iter_mut() {
                    legacy_walk_all(t, v)?;
                    if k == "containers" || k == "initContainers" {
                        if let Value::Seq(items) = v {
                            for item in items.iter_mut() {
                                match item {
                                    v if v.is_null() => {}
                                    Value::Map(c) => {
                                        if let Some(img) = c.get_mut("image") {
                                            t.update(img)?;
                                        }
                                    }
                                    v => return Err(wrong_kind("MappingNode", v)),
                                }
                            }
                        }
                    }
                }
                Ok(())
            }
            Value::Seq(items) => items.iter_mut().try_for_each(|i| legacy_walk_all(t, i)),
            Value::Scalar(_) => Ok(()),
        }
    }

    /// Random trees of containers lists: items null, scalar, mappings with
    /// matching, other or non-scalar images, lists nested in items.
    fn tree(next: &mut impl FnMut(usize) -> usize, depth: usize) -> Value {
        let leaf = |next: &mut dyn FnMut(usize) -> usize| match next(4) {
            0 => Value::null(),
            1 => Value::string(["app", "app:1", "other", "app@sha256:x"][next(4)]),
            2 => Value::from_seq(vec![Value::string("app")]),
            _ => Value::string("x"),
        };
        if depth == 0 || next(5) == 0 {
            return leaf(next);
        }
        if next(3) == 0 {
            return Value::from_seq((0..next(4)).map(|_| tree(next, depth - 1)).collect());
        }
        let mut m = crate::yaml::Map::default();
        for _ in 0..next(5) {
            let k = ["containers", "initContainers", "image", "spec", "name"][next(5)];
            let v = if k.ends_with("ontainers") && next(2) == 0 {
                // A list of containers, most of them well formed.
                let items = (0..next(4))
                    .map(|_| match next(6) {
                        0 => tree(next, depth - 1),
                        _ => {
                            let mut c = crate::yaml::Map::default();
                            c.insert("image".to_string(), leaf(next));
                            Value::from_map(c)
                        }
                    })
                    .collect();
                Value::from_seq(items)
            } else {
                tree(next, depth - 1)
            };
            m.insert(k.to_string(), v);
        }
        Value::from_map(m)
    }

    #[test]
    fn legacy_pass_does_what_the_full_walk_did() {
        let t = ImageTagTransformer::new(
            &Image {
                name: "app".into(),
                new_tag: "2".into(),
                ..Image::default()
            },
            Vec::new(),
        )
        .unwrap();
        let mut next = crate::yaml::testgen::lcg(41);
        let (mut changed, mut failed) = (0, 0);
        for _ in 0..20_000 {
            let original = tree(&mut next, 5);
            let (mut old, mut new) = (original.clone(), original.clone());
            let a = legacy_walk_all(&t, &mut old).map_err(|e| e.to_string());
            let b = t.legacy(&mut new).map_err(|e| e.to_string());
            assert_eq!(a, b, "on {original:?}");
            assert_eq!(old, new, "on {original:?}");
            changed += usize::from(old != original);
            failed += usize::from(a.is_err());
        }
        // The trees reach both outcomes often.
        assert!(
            changed > 1000 && failed > 1000,
            "{changed} changed, {failed} failed"
        );
    }
}
