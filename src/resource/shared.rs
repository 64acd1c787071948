//! Scalars that are one node in kustomize.
//!
//! kustomize's label and annotation transformers build one YAML node per
//! resource and key and set it in every field their specs name. Where the
//! key was missing the node itself is added, so every field created in that
//! run holds the same node; where the key was there its node is overwritten
//! in place (kyaml's `SetYNode` copies the new node into it). A later
//! in-place write to any of the shared fields is therefore seen in all of
//! them: a second `labels:` entry, an overlay's `labels`, or a
//! strategic-merge patch that sets `metadata.labels.app` also changes the
//! selector and template labels that an earlier transformer created with
//! the same node. A JSON patch goes through JSON and back, so afterwards no
//! two fields share a node. strata's values are owned trees, so a resource
//! records these groups of locations beside its object.

use crate::yaml::Value;

/// One step of a location in an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The locations of an object that hold one shared scalar node, and the
/// value it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedScalar {
    /// Where the node is (two or more locations).
    pub paths: Vec<Vec<Step>>,
    /// Its value, as last written.
    pub value: Value,
}

/// The node at `path`, if there is one.
pub fn node_at_mut<'a>(obj: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(obj, |v, s| match s {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.as_seq_mut()?.get_mut(*i),
    })
}

fn node_at<'a>(obj: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.as_seq()?.get(*i),
    })
}

/// A value has been written in place at `path`: every location sharing its
/// node gets the value too.
pub fn write_through(obj: &mut Value, shared: &mut [SharedScalar], path: &[Step], value: &Value) {
    for g in shared.iter_mut() {
        if !g.paths.iter().any(|p| p == path) {
            continue;
        }
        for p in &g.paths {
            if let Some(n @ Value::Scalar(_)) = node_at_mut(obj, p) {
                *n = value.clone();
            }
        }
        g.value = value.clone();
    }
}

/// After an edit that writes scalars in place (a strategic-merge patch):
/// a location whose value changed passes it on to the locations sharing its
/// node; a location that is gone or no scalar any more leaves its group.
pub fn reconcile(obj: &mut Value, shared: &mut Vec<SharedScalar>) {
    for g in shared.iter_mut() {
        // One lookup per location: it stays if it holds a scalar, and the
        // first that differs from the group's value is the change.
        let mut changed: Option<Value> = None;
        g.paths.retain(|p| match node_at(obj, p) {
            Some(v @ Value::Scalar(_)) => {
                if changed.is_none() && *v != g.value {
                    changed = Some(v.clone());
                }
                true
            }
            _ => false,
        });
        if let Some(v) = changed {
            for p in &g.paths {
                if let Some(n) = node_at_mut(obj, p) {
                    *n = v.clone();
                }
            }
            g.value = v;
        }
    }
    shared.retain(|g| g.paths.len() > 1);
}

/// kustomize rebuilt the mapping at `prefix` from strings (its
/// `SetAnnotations`, as when it records an origin or a transformation):
/// the fields under it are new nodes, shared with nothing any more.
pub fn unshare_under(shared: &mut Vec<SharedScalar>, prefix: &[Step]) {
    for g in shared.iter_mut() {
        g.paths.retain(|p| !p.starts_with(prefix));
    }
    shared.retain(|g| g.paths.len() > 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, ParseOptions};

    fn obj(src: &str) -> Value {
        let mut d = parse_documents(src.as_bytes(), &ParseOptions::default()).unwrap();
        d.remove(0).value
    }

    fn path(p: &str) -> Vec<Step> {
        p.split('/')
            .map(|s| match s.parse() {
                Ok(i) => Step::Index(i),
                Err(_) => Step::Key(s.to_string()),
            })
            .collect()
    }

    fn group(paths: &[&str], v: &str) -> SharedScalar {
        SharedScalar {
            paths: paths.iter().map(|p| path(p)).collect(),
            value: Value::string(v),
        }
    }

    #[test]
    fn a_write_reaches_every_location_of_the_group() {
        let mut o = obj("a: {x: one}\nb: [{x: one}]\nc: {x: one}\n");
        let mut shared = vec![group(&["a/x", "b/0/x"], "one")];
        write_through(&mut o, &mut shared, &path("b/0/x"), &Value::string("two"));
        assert_eq!(o.str_at(&["a", "x"]), Some("two"));
        assert_eq!(o, obj("a: {x: two}\nb: [{x: two}]\nc: {x: one}\n"));
        assert_eq!(shared[0].value, Value::string("two"));
        // A location outside every group changes alone.
        write_through(&mut o, &mut shared, &path("c/x"), &Value::string("three"));
        assert_eq!(o.str_at(&["a", "x"]), Some("two"));
    }

    #[test]
    fn unshare_under_drops_the_locations_below_a_rebuilt_map() {
        let mut shared = vec![
            group(&["metadata/annotations/a", "spec/t/annotations/a"], "x"),
            group(&["metadata/labels/l", "spec/t/labels/l", "spec/s/l"], "y"),
        ];
        unshare_under(&mut shared, &path("metadata/annotations"));
        assert_eq!(
            shared,
            vec![group(
                &["metadata/labels/l", "spec/t/labels/l", "spec/s/l"],
                "y"
            )]
        );
        unshare_under(&mut shared, &path("metadata/labels"));
        assert_eq!(shared, vec![group(&["spec/t/labels/l", "spec/s/l"], "y")]);
    }

    #[test]
    fn reconcile_passes_a_change_on_and_drops_what_is_gone() {
        let mut o = obj("a: {x: new}\nb: {x: old}\nc: {}\n");
        let mut shared = vec![group(&["a/x", "b/x", "c/x"], "old")];
        reconcile(&mut o, &mut shared);
        assert_eq!(o, obj("a: {x: new}\nb: {x: new}\nc: {}\n"));
        assert_eq!(shared, vec![group(&["a/x", "b/x"], "new")]);
        // A group left with one location is no group.
        o.as_map_mut().unwrap().shift_remove("a");
        reconcile(&mut o, &mut shared);
        assert!(shared.is_empty());
    }
}
