//! Tags as go-yaml scans them, and a guard against the parser's panics.
//!
//! go-yaml reads `,`, `[` and `]` as part of a tag's URI anywhere
//! (`[!!str, a]` is the tag `!!str,` on the scalar `a`; `l: !!str,a` is the
//! tag `!!str,a` on an empty scalar), as YAML 1.1 allowed. libyaml-safer
//! follows YAML 1.2 and stops the tag there: in block context that is a
//! syntax error, and in a flow collection its scanner *panics* (an
//! unfinished `panic!` in `scan_tag`). [`go_tag_uris`] finds each such tag
//! and percent-encodes those characters inside it, which libyaml-safer
//! decodes back, so it reads the same tag go-yaml reads.

use libyaml_safer::{Scanner, TokenData};
use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// How many tags one text may have rewritten; each costs a few scans of
/// the text, so hostile input cannot make this quadratic without bound.
pub(super) const MAX_REWRITTEN_TAGS: usize = 64;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing it: the panics
/// caught here come from the YAML dependency, on input it does not
/// expect, and are reported as that input's syntax error instead.
pub(super) fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        // Chain to the hook already installed, silent only on this thread
        // and only inside `quietly`.
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.ok()
}

/// How a scan of the whole text ended.
enum Scan {
    Ok,
    /// libyaml-safer's "tag not followed by whitespace" error, at this byte.
    TagEnd(usize),
    Panicked,
}

fn scan(src: &[u8]) -> Scan {
    quietly(|| {
        let mut input = src;
        let mut scanner = Scanner::new();
        scanner.set_input_string(&mut input);
        loop {
            match Scanner::scan(&mut scanner) {
                Ok(t) if matches!(t.data, TokenData::StreamEnd) => return Scan::Ok,
                Ok(_) => {}
                Err(e) => {
                    let at = e.problem_mark().map(|m| m.index as usize);
                    return match at {
                        Some(i)
                            if e.problem() == "did not find expected whitespace or line break"
                                && e.context() == Some("while scanning a tag")
                                && src.get(i).is_some_and(|c| b",[]".contains(c)) =>
                        {
                            Scan::TagEnd(i)
                        }
                        // Any other error is the parser's to report.
                        _ => Scan::Ok,
                    };
                }
            }
        }
    })
    .unwrap_or(Scan::Panicked)
}

/// Bytes go-yaml takes into a tag URI (libyaml's set, plus `,[]`).
fn is_uri_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_;/?:@&=+$.%!~*'(),[]".contains(&c) || c >= 0x80
}

/// The `,`, `[` and `]` bytes that directly follow the characters of a
/// possible tag (a `!` and URI bytes): the only places libyaml-safer can
/// stop a tag go-yaml would continue. A cheap over-approximation.
fn candidates(src: &[u8], from: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = from;
    while i < src.len() {
        // Jump to the next `!` (most texts have none).
        match super::find_byte(b'!', &src[i..]) {
            Some(k) => i += k,
            None => break,
        }
        if src[i] == b'!' {
            let mut j = i + 1;
            while j < src.len() && is_uri_byte(src[j]) {
                if b",[]".contains(&src[j]) {
                    out.push(j);
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// `src` with every tag go-yaml would continue past `,`, `[` or `]`
/// percent-encoded there. Borrowed (no work beyond one byte search) when
/// the text has no such tag. `Err` with a reason when the scanner panics
/// for another reason, or too many tags need rewriting.
pub(super) fn go_tag_uris(src: &[u8]) -> Result<Cow<'_, [u8]>, &'static str> {
    if candidates(src, 0).is_empty() {
        return Ok(Cow::Borrowed(src));
    }
    let mut text = Cow::Borrowed(src);
    let mut from = 0;
    for _ in 0..=MAX_REWRITTEN_TAGS {
        let at = match scan(&text) {
            Scan::Ok => return Ok(text),
            Scan::TagEnd(at) => at,
            Scan::Panicked => {
                // The panic comes at the first tag ended by `,` in a flow
                // collection: the first candidate whose prefix (closed by
                // a line break, so a block scalar there does not panic for
                // its own reason) panics. Later ones panic as well.
                let cands = candidates(&text, from);
                let panics = |c: usize| {
                    let prefix = [&text[..=c], b"\n"].concat();
                    matches!(scan(&prefix), Scan::Panicked)
                };
                let first = cands.partition_point(|&c| !panics(c));
                match cands.get(first) {
                    Some(&c) => c,
                    None => return Err("the YAML scanner failed on this text"),
                }
            }
        };
        text = Cow::Owned(encode_from(&text, at));
        from = at;
    }
    Err("too many tags followed by ',', '[' or ']'")
}

/// `src` with the `,`, `[` and `]` of the URI run starting at `at`
/// percent-encoded.
fn encode_from(src: &[u8], at: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() + 8);
    out.extend_from_slice(&src[..at]);
    let mut i = at;
    while i < src.len() && is_uri_byte(src[i]) {
        match src[i] {
            b',' => out.extend_from_slice(b"%2C"),
            b'[' => out.extend_from_slice(b"%5B"),
            b']' => out.extend_from_slice(b"%5D"),
            c => out.push(c),
        }
        i += 1;
    }
    out.extend_from_slice(&src[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_none() {
        assert_eq!(quietly(|| 1), Some(1));
        assert_eq!(quietly(|| -> i32 { panic!("from the dependency") }), None);
    }

    #[test]
    fn only_tags_ended_by_a_flow_indicator_are_rewritten() {
        assert!(matches!(go_tag_uris(b"a: b\n"), Ok(Cow::Borrowed(_))));
        let got = go_tag_uris(b"l: [!!str, a]\nm: 'x!y,z'\n").unwrap();
        assert_eq!(&got[..], b"l: [!!str%2C a]\nm: 'x!y,z'\n");
        let got = go_tag_uris(b"l: !!str,a[b]\n").unwrap();
        assert_eq!(&got[..], b"l: !!str%2Ca%5Bb%5D\n");
    }

    #[test]
    fn too_many_rewrites_are_refused() {
        let many: Vec<String> = (0..=MAX_REWRITTEN_TAGS)
            .map(|i| format!("!t{i}, v"))
            .collect();
        let src = format!("l: [{}]\n", many.join(", "));
        assert!(go_tag_uris(src.as_bytes()).is_err());
    }
}
