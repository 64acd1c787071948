//! Patch text that ends inside a block scalar.
//!
//! kustomize trims inline patches (`strings.TrimSpace`), so a patch often
//! ends right after the last line of a block scalar (`data:\n  x: |\n    a`),
//! with no line break. go-yaml reads such a scalar without a final line
//! break (`"a"`); the YAML parser strata uses cannot read a block scalar cut
//! off at the end of input, so the text gets a final line break and the
//! one line break that adds to that last scalar is taken off again.

use crate::yaml::{parse_documents, ParseOptions, Value};

/// A key or index of a path into a document.
pub(crate) type Path = Vec<String>;

/// `text` ready for the parser, and the path (in the last document) of a
/// block scalar that the added line break lengthened, if any.
pub(crate) fn terminated(text: &str) -> (String, Option<Path>) {
    if text.is_empty() || text.ends_with('\n') {
        return (text.to_string(), None);
    }
    let fixed = format!("{text}\n");
    let opts = ParseOptions { record_marks: true };
    let Ok(docs) = parse_documents(fixed.as_bytes(), &opts) else {
        return (fixed, None);
    };
    let Some(doc) = docs.last() else {
        return (fixed, None);
    };
    let mut path = Vec::new();
    let mut cur = &doc.value;
    loop {
        match cur {
            Value::Map(m) => match m.last() {
                Some((k, v)) => {
                    path.push(k.clone());
                    cur = v;
                }
                None => return (fixed, None),
            },
            Value::Seq(s) => match s.last() {
                Some(v) => {
                    path.push((s.len() - 1).to_string());
                    cur = v;
                }
                None => return (fixed, None),
            },
            Value::Scalar(_) => break,
        }
    }
    let Some(mark) = doc.mark_at(&path) else {
        return (fixed, None);
    };
    let line = fixed.lines().nth(mark.line.saturating_sub(1)).unwrap_or("");
    let block = matches!(
        line.chars().nth(mark.column.saturating_sub(1)),
        Some('|' | '>')
    );
    (fixed, block.then_some(path))
}

/// Takes the added line break off the scalar at `path` in `v`.
pub(crate) fn unterminate(v: &mut Value, path: &Path) {
    let mut cur = v;
    for seg in path {
        let next = match cur {
            Value::Map(m) => m.get_mut(seg),
            Value::Seq(s) => seg.parse::<usize>().ok().and_then(|i| s.get_mut(i)),
            Value::Scalar(_) => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Value::Scalar(s) = cur {
        if s.text.ends_with('\n') {
            s.text.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalar_at_end_of_input() {
        let (t, p) = terminated("data:\n  x: |\n    foo\n    bar");
        assert_eq!(t, "data:\n  x: |\n    foo\n    bar\n");
        assert_eq!(p, Some(vec!["data".to_string(), "x".to_string()]));
        let (_, p) = terminated("data:\n  x: \"a\\n\"");
        assert_eq!(p, None);
        let (t, p) = terminated("a: 1\n");
        assert_eq!((t.as_str(), p), ("a: 1\n", None));
    }
}
