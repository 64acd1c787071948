//! What happens to a generator's strings before the generator sees them.
//!
//! kustomize hands a builtin generator its arguments as YAML made by
//! `sigs.k8s.io/yaml.Marshal` (Go's `json.Marshal`, then go-yaml v2 parsing
//! that JSON); a `generators:` config reaches it printed by the same JSON
//! hop. go-yaml v2 reads each JSON string as a double-quoted YAML scalar, so
//! two things happen to the raw characters JSON leaves unescaped:
//!
//! * characters v2's reader refuses (DEL, C1 controls other than NEL,
//!   U+FFFE, U+FFFF) fail the build: `yaml: control characters are not
//!   allowed`;
//! * NEL (U+0085) is a line break there, folded like one: spaces before it
//!   are dropped, spaces after it too, one break becomes a space and a run
//!   of `n` breaks becomes `n - 1` newlines (oracle: `a \x85 b` → `a b`,
//!   `a\x85\x85b` → `a\nb`).
//!
//! Everything else (tabs, newlines, other controls, U+2028/U+2029, `<>&`)
//! travels escaped in the JSON and comes out unchanged.

use crate::error::{Error, Result};
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use indexmap::IndexMap;

const NEL: char = '\u{85}';

/// Whether go-yaml v2's reader rejects `c` when it appears raw.
fn refused(c: char) -> bool {
    matches!(c, '\u{7f}' | '\u{80}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// One string after the JSON-to-YAML hop.
pub fn reencode(s: &str) -> Result<String> {
    if s.chars().any(refused) {
        return Err(Error::new("yaml: control characters are not allowed"));
    }
    if !s.contains(NEL) {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' && c != NEL {
            out.push(c);
            i += 1;
            continue;
        }
        // A run of spaces and breaks.
        let mut spaces = 0;
        let mut breaks = 0;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == NEL) {
            if chars[i] == NEL {
                breaks += 1;
            } else if breaks == 0 {
                spaces += 1;
            }
            i += 1;
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    Ok(out)
}

fn strings(v: &[String]) -> Result<Vec<String>> {
    v.iter().map(|s| reencode(s)).collect()
}

fn map(m: &IndexMap<String, String>) -> Result<IndexMap<String, String>> {
    m.iter()
        .map(|(k, v)| Ok((reencode(k)?, reencode(v)?)))
        .collect()
}

/// Every string of a generator's arguments after the hop.
pub fn reencode_args(a: &GeneratorArgs) -> Result<GeneratorArgs> {
    Ok(GeneratorArgs {
        name: reencode(&a.name)?,
        namespace: reencode(&a.namespace)?,
        behavior: reencode(&a.behavior)?,
        literals: strings(&a.literals)?,
        files: strings(&a.files)?,
        envs: strings(&a.envs)?,
        env: String::new(),
        options: match &a.options {
            None => None,
            Some(o) => Some(GeneratorOptions {
                labels: map(&o.labels)?,
                annotations: map(&o.annotations)?,
                disable_name_suffix_hash: o.disable_name_suffix_hash,
                immutable: o.immutable,
            }),
        },
        type_: reencode(&a.type_)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        reencode(s).unwrap()
    }

    #[test]
    fn nel_folds_like_a_line_break() {
        // Oracle answers for literals `k=<value>`.
        assert_eq!(r("k=U\u{85}oL3"), "k=U oL3");
        assert_eq!(r("k=a\u{85}"), "k=a ");
        assert_eq!(r("k=\u{85}"), "k= ");
        assert_eq!(r("k=a \u{85} b"), "k=a b");
        assert_eq!(r("k=a\u{85}\u{85}b"), "k=a\nb");
        assert_eq!(r("k=a \u{85} \u{85} b"), "k=a\nb");
        assert_eq!(r("k=\u{85}\u{85}"), "k=\n");
        assert_eq!(r("k= \u{85}x"), "k= x");
        assert_eq!(r("k=a\u{85}\tb"), "k=a \tb");
        assert_eq!(r("k=a  b\t\n\u{2028}<&>"), "k=a  b\t\n\u{2028}<&>");
    }

    #[test]
    fn control_characters_fail() {
        for bad in ["\u{7f}", "\u{80}", "\u{9f}", "\u{fffe}"] {
            assert!(reencode(&format!("k={bad}")).is_err());
        }
        assert_eq!(r("\u{feff}"), "\u{feff}");
    }
}
