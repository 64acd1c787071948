//! Where a kustomization's entries are in its file, so that an error that
//! arises while building one (a missing resource, a bad patch file) names
//! the kustomization line that led there, not only the file it failed in.

use crate::error::Location;
use crate::yaml::{push_segment, Mark, Marks};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The kustomization file's path and its nodes' positions (empty for a
/// kustomization that was not read from a file), and its text, to place
/// errors inside inline texts (a `patch: |-` block) on the file's lines.
#[derive(Clone, Debug, Default)]
pub struct Entries {
    pub(crate) file: PathBuf,
    marks: Option<Arc<Marks>>,
    text: Option<Arc<str>>,
    /// The top-level keys among `marks`, escaped, found at the first
    /// lookup: every entry's lookup needs them, and `marks` holds every
    /// node of the file.
    top_keys: OnceLock<Vec<String>>,
}

/// Where a string field of a kustomization entry (an inline patch) lies in
/// the kustomization file, so that a position inside the string maps to
/// the file's line and column.
#[derive(Clone, Debug)]
pub struct Embedded {
    pub(crate) file: PathBuf,
    /// The value's own position (a block scalar's `|`).
    start: Mark,
    /// For a literal block scalar: the content's indentation; lines of the
    /// string are then the file's lines after `start`. `None` for other
    /// styles, whose positions all map to `start`.
    indent: Option<usize>,
    /// Lines and columns (of the first line) cut from the string's front
    /// before it was parsed (`patch.trim()`).
    skipped: (usize, usize),
}

impl Embedded {
    /// The file position of position `m` of the (trimmed) string.
    pub(crate) fn map(&self, m: Mark) -> Mark {
        let Some(indent) = self.indent else {
            return self.start;
        };
        let (lines, cols) = self.skipped;
        let column = if m.line == 1 {
            m.column + cols
        } else {
            m.column
        };
        Mark {
            line: self.start.line + lines + m.line,
            column: indent + column,
        }
    }
}

impl Entries {
    /// Sets the file's node positions and text.
    pub(crate) fn set_source(&mut self, marks: Option<Arc<Marks>>, text: Option<Arc<str>>) {
        self.marks = marks;
        self.text = text;
        self.top_keys = OnceLock::new();
    }

    /// The place of entry `index` of top-level field `field` (its JSON name:
    /// `resources`, `patches`), or of the field itself for `None`. Field
    /// names match case-insensitively, as kustomize decodes them; of several
    /// spellings the last in byte order is the one that took effect.
    pub fn at(&self, field: &str, index: Option<usize>) -> Location {
        Location::new(&self.file, self.mark(field, index))
    }

    /// Where string field `key` of entry `index` of `field` is, given the
    /// string as decoded (`value`) and the part of it that was parsed
    /// (`used`: `value`, or `value.trim()`); `None` when
    /// the file's text or the field's position is not known.
    pub(crate) fn embedded(
        &self,
        field: &str,
        index: usize,
        key: &str,
        value: &str,
        used: &str,
    ) -> Option<Embedded> {
        let marks = self.marks.as_deref()?;
        let text = self.text.as_deref()?;
        let mut item = format!("/{}", self.field_key(field)?);
        push_segment(&mut item, &index.to_string());
        // The key as written, else another spelling of it (the last in
        // byte order, as for fields).
        let exact = format!("{item}/{key}");
        let start = match marks.get(&exact) {
            Some(m) => *m,
            None => {
                *marks
                    .iter()
                    .filter(|(p, _)| {
                        p.strip_prefix(item.as_str())
                            .and_then(|rest| rest.strip_prefix('/'))
                            .is_some_and(|k| {
                                !k.contains('/') && unescape(k).eq_ignore_ascii_case(key)
                            })
                    })
                    .max_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()))?
                    .1
            }
        };
        // The file from the value's line on (found by newlines alone: one
        // lookup per entry of a file with many).
        let from = match start.line.checked_sub(1)? {
            0 => 0,
            n => memchr::memchr_iter(b'\n', text.as_bytes()).nth(n - 1)? + 1,
        };
        let mut lines = text[from..].lines();
        let header: String = lines.next()?.chars().skip(start.column - 1).collect();
        // A literal block scalar without an indentation digit: its lines
        // are the file's, less the indentation of its first non-blank one.
        let literal = header.strip_prefix('|').is_some_and(|rest| {
            let ind = rest.split([' ', '#']).next().unwrap_or("");
            ind.chars().all(|c| c == '+' || c == '-')
        });
        let indent = literal
            .then(|| {
                lines
                    .find(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start_matches(' ').len())
            })
            .flatten();
        // `used` starts with the first non-blank character of `value`.
        let cut = &value[..value.find(used).unwrap_or(0)];
        let skipped = (
            cut.matches('\n').count(),
            cut.rsplit('\n').next().unwrap_or("").chars().count(),
        );
        Some(Embedded {
            file: self.file.clone(),
            start,
            indent,
            skipped,
        })
    }

    /// The spelling of top-level field `field` that took effect (see
    /// [`Entries::at`]), escaped as in a marks path.
    fn field_key(&self, field: &str) -> Option<&str> {
        let marks = self.marks.as_deref()?;
        let top = self.top_keys.get_or_init(|| {
            marks
                .keys()
                .filter_map(|p| p.strip_prefix('/'))
                .filter(|k| !k.contains('/'))
                .map(str::to_string)
                .collect()
        });
        top.iter()
            .map(String::as_str)
            .filter(|k| unescape(k).eq_ignore_ascii_case(field))
            .max_by(|a, b| unescape(a).as_bytes().cmp(unescape(b).as_bytes()))
    }

    fn mark(&self, field: &str, index: Option<usize>) -> Option<Mark> {
        let marks = self.marks.as_deref()?;
        let key = self.field_key(field)?;
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
            text: Some(Arc::from(text)),
            top_keys: OnceLock::new(),
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

    #[test]
    fn a_literal_block_maps_to_the_file_lines_at_its_indentation() {
        let value = "\nkind: A\nx: [\n";
        let e = entries("patches:\n- Patch: |\n\n    kind: A\n    x: [\n");
        let t = e
            .embedded("patches", 0, "patch", value, value.trim())
            .unwrap();
        // Line 2 of the trimmed text (`x: [`) is the file's line 5.
        assert_eq!(
            t.map(Mark { line: 2, column: 4 }),
            Mark { line: 5, column: 8 }
        );
        assert_eq!(
            t.map(Mark { line: 1, column: 1 }),
            Mark { line: 4, column: 5 }
        );
    }

    #[test]
    fn other_styles_map_to_the_value() {
        let e = entries("patches:\n- patch: \"a\\nb\"\n");
        let t = e.embedded("patches", 0, "patch", "a\nb", "a\nb").unwrap();
        assert_eq!(
            t.map(Mark { line: 2, column: 1 }),
            Mark {
                line: 2,
                column: 10
            }
        );
        assert!(e.embedded("patches", 1, "patch", "a", "a").is_none());
    }
}
