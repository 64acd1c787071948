//! Image references (kustomization `images:`/`imageTags:`, builtin
//! `ImageTagTransformer`).
//!
//! Each entry runs two passes, as in kustomize: a legacy pass over every
//! `containers`/`initContainers` list anywhere in an object, then the
//! `images` field-spec table. A field both reach is updated twice, which
//! shows with `tagSuffix` (appended twice); kustomize does the same.

use super::common::{set_scalar, wrong_kind};
use super::fieldspec::{apply_spec, CreateKind, TransformerConfig};
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
    /// any depth, children before parents.
    /// Only the subtrees [`Self::legacy_reaches`] goes into: a mutable walk
    /// of a shared value copies what it passes through (`Shared`).
    fn legacy(&self, node: &mut Value) -> Result<()> {
        match node {
            Value::Map(_) if !self.legacy_reaches(node) => Ok(()),
            Value::Map(m) => {
                for (k, v) in m.iter_mut() {
                    self.legacy(v)?;
                    if k == "containers" || k == "initContainers" {
                        if let Value::Seq(items) = v {
                            for item in items {
                                match item {
                                    v if v.is_null() => {}
                                    Value::Map(c) => {
                                        if let Some(img) = c.get_mut("image") {
                                            self.update(img)?;
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
            Value::Seq(_) if !self.legacy_reaches(node) => Ok(()),
            Value::Seq(items) => items.iter_mut().try_for_each(|i| self.legacy(i)),
            Value::Scalar(_) => Ok(()),
        }
    }

    /// Whether the legacy pass changes `node` or fails on it: a matching
    /// image, or an item or image of the wrong kind, in some containers list.
    fn legacy_reaches(&self, node: &Value) -> bool {
        crate::yaml::deep(|| match node {
            Value::Map(m) => m.iter().any(|(k, v)| {
                self.legacy_reaches(v)
                    || ((k == "containers" || k == "initContainers")
                        && v.as_seq().is_some_and(|items| {
                            items.iter().any(|item| match item {
                                v if v.is_null() => false,
                                Value::Map(c) => c.get("image").is_some_and(|img| match img {
                                    Value::Scalar(s) => self.matcher.is_match(&s.text),
                                    _ => true,
                                }),
                                _ => true,
                            })
                        }))
            }),
            Value::Seq(items) => items.iter().any(|i| self.legacy_reaches(i)),
            Value::Scalar(_) => false,
        })
    }
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
                apply_spec(&mut r.obj, fs, CreateKind::Nothing, &mut |n| self.update(n))?;
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
}
