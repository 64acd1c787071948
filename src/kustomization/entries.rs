//! Where a kustomization's entries are in its file, so that an error that
//! arises while building one (a missing resource, a bad patch file) names
//! the kustomization line that led there, not only the file it failed in.

use crate::error::Location;
use crate::yaml::{push_segment, Mark, Marks};
use std::path::PathBuf;
use std::sync::Arc;

/// The kustomization file's path and its nodes' positions (empty for a
/// kustomization that was not read from a file).
#[derive(Clone, Debug, Default)]
pub struct Entries {
    pub(crate) file: PathBuf,
    pub(crate) marks: Option<Arc<Marks>>,
}

impl Entries {
    /// The place of entry `index` of top-level field `field` (its JSON name:
    /// `resources`, `patches`), or of the field itself for `None`. Field
    /// names match case-insensitively, as kustomize decodes them; of several
    /// spellings the last in byte order is the one that took effect.
    pub fn at(&self, field: &str, index: Option<usize>) -> Location {
        Location::new(&self.file, self.mark(field, index))
    }

    fn mark(&self, field: &str, index: Option<usize>) -> Option<Mark> {
        let marks = self.marks.as_deref()?;
        let key = marks
            .keys()
            .filter_map(|p| p.strip_prefix('/'))
            .filter(|k| !k.contains('/') && unescape(k).eq_ignore_ascii_case(field))
            .max_by(|a, b| unescape(a).as_bytes().cmp(unescape(b).as_bytes()))?;
        let field_path = format!("/{key}");
        let mut item = field_path.clone();
        if let Some(i) = index {
            push_segment(&mut item, &i.to_string());
        }
        marks.get(&item).or_else(|| marks.get(&field_path)).copied()
    }
}

/// A marks path segment's text (`~1` is `/`, `~0` is `~`).
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, ParseOptions};

    fn entries(text: &str) -> Entries {
        let opts = ParseOptions {
            record_marks: true,
            ..Default::default()
        };
        let doc = parse_documents(text.as_bytes(), &opts).unwrap().remove(0);
        Entries {
            file: PathBuf::from("k.yaml"),
            marks: doc.marks.map(Arc::new),
        }
    }

    #[test]
    fn entries_are_found_by_field_and_index() {
        let e = entries("namePrefix: x\nresources:\n- a.yaml\n- b.yaml\n");
        assert_eq!(e.at("resources", Some(1)).position(), Some((4, 3)));
        // Beyond the list, the field's value.
        assert_eq!(e.at("resources", Some(7)).position(), Some((3, 1)));
        assert_eq!(e.at("nameprefix", None).position(), Some((1, 13)));
        assert_eq!(e.at("patches", Some(0)).position(), None);
        assert_eq!(
            e.at("patches", Some(0)).file(),
            std::path::Path::new("k.yaml")
        );
    }

    #[test]
    fn the_last_spelling_in_byte_order_wins() {
        let e = entries("Resources:\n- a.yaml\nresources:\n- b.yaml\n");
        assert_eq!(e.at("resources", Some(0)).position(), Some((4, 3)));
    }
}
