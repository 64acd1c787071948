//! Unit tests: values built by hand, expected text taken from
//! `kubectl kustomize` (v5.8.1) runs on equivalent inputs.

use super::*;
use crate::yaml::testgen::lcg;
use crate::yaml::Map;

fn s(t: &str) -> Value {
    Value::string(t)
}

fn sc(tag: Tag, t: &str) -> Value {
    Value::Scalar(Scalar::new(tag, t.to_string()))
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::default();
    for (k, v) in entries {
        m.insert(k.to_string(), v);
    }
    Value::from_map(m)
}

fn emit(v: &Value) -> String {
    let mut out = String::new();
    emit_document(v, &mut out).unwrap();
    out
}

#[test]
fn layout_and_breaks() {
    let v = map(vec![
        ("kind", s("ConfigMap")),
        ("apiVersion", s("v1")),
        ("metadata", map(vec![("name", s("x"))])),
        (
            "data",
            map(vec![
                ("ls", s("a\u{2028}b")),
                ("ls2", s("a\u{2028}b\nc")),
                (&"k".repeat(130), s("v")),
                (&"long key ".repeat(16), s("val")),
                ("ml\nkey", s("v")),
                ("zz", s("end\n\n")),
            ]),
        ),
    ]);
    let want = format!(
        "apiVersion: v1\ndata:\n  ? {}\n  : v\n  ? 'long key long key long key long key long key long key long key long key long\n    key long key long key long key long key long key long key long key '\n  : val\n  ls: 'a\u{2028}    b'\n  ls2: |-\n    a\u{2028}    b\n    c\n  ? |-\n    ml\n    key\n  : v\n  zz: |+\n    end\n\nkind: ConfigMap\nmetadata:\n  name: x\n",
        "k".repeat(130)
    );
    assert_eq!(emit(&v), want);
}

#[test]
fn nel_and_errors() {
    let v = map(vec![
        ("a", s("a \u{85}  b")),
        ("b", s("a\u{85} \u{85}\u{85}b")),
        ("c", s("a\u{85}")),
        ("d", s("\u{85}a")),
        ("e", s("x \u{85}\tb")),
        ("zz", Value::from_seq(vec![s("a\n\n")])),
    ]);
    assert_eq!(
        emit(&v),
        "a: a b\nb: |-\n  a\n\n  b\nc: 'a '\nd: ' a'\ne: \"x \\tb\"\nzz:\n- |+\n  a\n\n"
    );
    for (t, msg) in [
        (sc(Tag::Float, ".inf"), "json: unsupported value: +Inf"),
        (sc(Tag::Float, "-.Inf"), "json: unsupported value: -Inf"),
        (sc(Tag::Float, ".NaN"), "json: unsupported value: NaN"),
        (s("a\u{80}b"), "yaml: control characters are not allowed"),
        (s("a\u{fffe}b"), "yaml: control characters are not allowed"),
        (s("a\u{7f}b"), "yaml: control characters are not allowed"),
    ] {
        let mut out = String::from("keep");
        let r = emit_document(&map(vec![("zz", t)]), &mut out);
        assert_eq!(r, Err(EmitError(msg.into())));
        assert_eq!(out, "keep");
    }
}

#[test]
fn stream() {
    let a = map(vec![("a", Value::int(1))]);
    let b = map(vec![("b", Value::map()), ("c", Value::from_seq(vec![]))]);
    assert_eq!(emit_stream([&a, &b]).unwrap(), "a: 1\n---\nb: {}\nc: []\n");
}

/// Numbers and timestamps by tag, whatever tag the parser picks for edge
/// texts (expected values from the `ints_*`, `floats_*`, `timestamps_*`
/// golden cases).
#[test]
fn typed_scalars() {
    let cases = [
        (Tag::Int, "1__0", "10"),
        (Tag::Int, "18446744073709551615", "18446744073709551615"),
        (Tag::Int, "18446744073709551616", "1.8446744073709552e+19"),
        (Tag::Float, "18446744073709551616", "1.8446744073709552e+19"),
        (Tag::Int, "-9223372036854775809", "-9.223372036854776e+18"),
        (Tag::Int, "99999999999999999999999", "1e+23"),
        (Tag::Int, "0777", "511"),
        (Tag::Int, "08", "8"),
        (Tag::Float, "08", "8"),
        (Tag::Float, "1.8e19", "18000000000000000000"),
        (Tag::Float, "1.85e19", "1.85e+19"),
        (Tag::Float, "1234567.5", "1.2345675e+06"),
        (Tag::Bool, "True", "true"),
        (Tag::Bool, "FALSE", "false"),
        (Tag::Null, "~", "null"),
        (
            Tag::Timestamp,
            "2001-1-4T1:2:3Z",
            "\"2001-01-04T01:02:03Z\"",
        ),
        (
            Tag::Timestamp,
            "2001-12-14T21:59:43.123456789+05:30",
            "\"2001-12-14T21:59:43.123456789+05:30\"",
        ),
    ];
    for (tag, text, want) in cases {
        let got = emit(&map(vec![("v", sc(tag, text))]));
        assert_eq!(got, format!("v: {want}\n"), "{tag:?} {text:?}");
    }
}

/// Mappings that come in sorted order are written without sorting: the
/// keys must still come out exactly as the sort orders them, also for
/// more than 16 keys holding digits, where the order is not transitive
/// (K6) and a merge can move keys whose neighbours are in order.
#[test]
fn key_order_is_the_sorts_order_whatever_the_input_order() {
    let sets: Vec<Vec<String>> = vec![
        // Distinct keys without digits (a mapping keeps one of equal keys).
        (0..40)
            .map(|i| format!("key{}{}", (b'a' + i % 26) as char, (b'a' + i / 26) as char))
            .collect(),
        (0..40).map(|i| format!("item{i}")).collect(),
        (0..30)
            .map(|i| {
                [
                    "1item", "2item", "10item", "item20", "item2a", "item9", "item10",
                ][i % 7]
                    .to_string()
                    + &"x".repeat(i / 7)
            })
            .collect(),
    ];
    let mut next = lcg(12345);
    for set in &sets {
        for trial in 0..200 {
            let mut keys = set.clone();
            if trial % 2 == 1 {
                // A sorted input, then a few neighbours swapped.
                keys::sort_by(&mut keys, &|k: &String| k.as_str());
            }
            for _ in 0..(trial % 7) {
                let i = next(keys.len());
                let j = next(keys.len());
                keys.swap(i, j);
            }
            let mut want = keys.clone();
            keys::sort_by(&mut want, &|k: &String| k.as_str());
            let v = map(keys.iter().map(|k| (k.as_str(), s("v"))).collect());
            let got: Vec<String> = emit(&v)
                .lines()
                .map(|l| l.trim_end_matches(": v").to_string())
                .collect();
            assert_eq!(got, want, "input order {keys:?}");
        }
    }
}

/// Strings for comparing a fast path with the general one: every ASCII
/// character alone and in pairs, and random mixes of ASCII, non-ASCII
/// characters (breaks, BOM, non-BMP) and pieces that matter to the
/// analysis (`: `, ` #`, `---`, runs of spaces, long words).
fn sample_strings() -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for a in 0u8..128 {
        out.push((a as char).to_string());
        for b in 0u8..128 {
            out.push([a as char, b as char].iter().collect());
        }
    }
    let pieces = [
        "a",
        "Z",
        "0",
        "9",
        "-",
        ".",
        "/",
        "_",
        " ",
        "  ",
        ":",
        ": ",
        " #",
        "#",
        "\t",
        "\n",
        "\r",
        "\0",
        "\x7f",
        "'",
        "\"",
        "\\",
        "?",
        "---",
        "...",
        "[",
        "{",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        ",",
        "é",
        "\u{85}",
        "\u{a0}",
        "\u{2028}",
        "\u{2029}",
        "\u{feff}",
        "\u{fffd}",
        "😀",
        "word",
        "longerword",
        "x y",
        "http://e.x/a",
    ];
    let mut next = lcg(99);
    for _ in 0..60_000 {
        let len = if next(10) == 0 {
            40 + next(80)
        } else {
            next(10)
        };
        out.push((0..len).map(|_| pieces[next(pieces.len())]).collect());
    }
    out
}

/// The class bits say what the string holds, for every sample.
#[test]
fn class_bits_are_the_strings_bytes() {
    for s in sample_strings() {
        let c = Class::of(&s);
        let has = |f: fn(u8) -> bool| s.bytes().any(f);
        assert_eq!(c.ascii(), s.is_ascii(), "{s:?}");
        assert_eq!(c.has(class::DEL), has(|b| b == 0x7f), "{s:?}");
        assert_eq!(c.has(class::LF), s.contains('\n'), "{s:?}");
        assert_eq!(c.has(class::CR), s.contains('\r'), "{s:?}");
        assert_eq!(c.has(class::SPACE), s.contains(' '), "{s:?}");
        assert_eq!(c.has(class::COLON), s.contains(':'), "{s:?}");
        assert_eq!(c.has(class::HASH), s.contains('#'), "{s:?}");
        assert_eq!(c.has(class::DIGIT), has(|b| b.is_ascii_digit()), "{s:?}");
        assert_eq!(
            c.has(class::CONTROL),
            has(|b| b < 0x20 && b != b'\n' && b != b'\r'),
            "{s:?}"
        );
    }
}

/// The checks that read the class give what the per-character
/// definitions give.
#[test]
fn class_checks_are_the_character_checks() {
    for s in sample_strings() {
        let c = Class::of(&s);
        assert_eq!(analyze(&s, c), analyze_chars(&s), "{s:?}");
        let b = s.as_bytes();
        let bare = !b.is_empty()
            && (b[0].is_ascii_alphanumeric() || b[0] == b'/' || b[0] == b'_')
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'/' | b'_'));
        assert_eq!(is_bare_word(&s, c), bare, "{s:?}");
        let simple = s.len() <= 128 && !s.chars().any(is_break);
        assert_eq!(is_simple_key(&s, c), simple, "{s:?}");
    }
}

/// The writers as they were before they wrote runs of bytes as slices (and
/// plain ASCII folding by byte offsets): the reference the fast paths are
/// compared with.
mod old {
    use super::*;

    pub(super) fn write_plain(e: &mut Emitter<'_>, s: &str, allow_breaks: bool) {
        if !e.whitespace {
            e.put(' ');
        }
        let w = width(s);
        if !allow_breaks || e.column + w <= BEST_WIDTH + 1 || !s.contains(' ') {
            // No space can reach past column 80: write it in one go.
            e.out.push_str(s);
            e.column += w;
            e.whitespace = false;
            e.indention = false;
            return;
        }
        // Word by word: a space may break the line once past column 80,
        // unless it is followed by another space.
        let mut spaces = false;
        let mut rest = s;
        loop {
            let (word, after) = match rest.find(' ') {
                Some(p) => (&rest[..p], Some(&rest[p + 1..])),
                None => (rest, None),
            };
            if !word.is_empty() {
                e.out.push_str(word);
                e.column += width(word);
                e.indention = false;
                spaces = false;
            }
            let Some(after) = after else { break };
            if !spaces && e.column > BEST_WIDTH && !after.starts_with(' ') {
                e.write_indent();
            } else {
                e.put(' ');
            }
            spaces = true;
            rest = after;
        }
        e.whitespace = false;
        e.indention = false;
    }

    pub(super) fn write_single(e: &mut Emitter<'_>, s: &str, allow_breaks: bool) {
        e.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut it = s.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let next = it.peek().map(|x| x.1);
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && e.column > BEST_WIDTH
                    && i > 0
                    && next.is_some()
                    && next != Some(' ')
                {
                    e.write_indent();
                } else {
                    e.put(' ');
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    e.put_break();
                }
                e.write_break(c);
                e.indention = true;
                breaks = true;
            } else {
                if breaks {
                    e.write_indent();
                }
                if c == '\'' {
                    e.put('\'');
                }
                e.put(c);
                e.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        e.write_indicator("'", false, false, false);
    }

    pub(super) fn write_double(e: &mut Emitter<'_>, s: &str, allow_breaks: bool) {
        e.write_indicator("\"", true, false, false);
        // go-yaml's BOM test looks at the start of the string, not at the
        // current character: a leading U+FEFF escapes everything.
        let bom = s.starts_with('\u{feff}');
        let mut spaces = false;
        let mut it = s.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let next = it.peek().map(|x| x.1);
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                e.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\x07' => Some('a'),
                    '\x08' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\x0b' => Some('v'),
                    '\x0c' => Some('f'),
                    '\r' => Some('r'),
                    '\x1b' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(x) => e.put(x),
                    None => {
                        let v = c as u32;
                        let (p, w) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        e.put(p);
                        for k in (0..w).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            e.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && e.column > BEST_WIDTH && i > 0 && next.is_some() {
                    e.write_indent();
                    if next == Some(' ') {
                        e.put('\\');
                    }
                } else {
                    e.put(' ');
                }
                spaces = true;
            } else {
                e.put(c);
                spaces = false;
            }
        }
        e.write_indicator("\"", false, false, false);
    }
}

/// What a writer wrote and the emitter's state after it, starting from
/// the given column, indent and flags.
fn written(
    (column, indent, whitespace, indention): (usize, i32, bool, bool),
    f: impl FnOnce(&mut Emitter<'_>),
) -> (String, usize, i32, bool, bool) {
    let mut out = String::new();
    let mut e = Emitter {
        out: &mut out,
        column,
        indent,
        whitespace,
        indention,
    };
    f(&mut e);
    let state = (e.column, e.indent, e.whitespace, e.indention);
    (out, state.0, state.1, state.2, state.3)
}

/// The plain, single- and double-quoted writers, which write runs of
/// bytes as slices, write what the character-at-a-time writers wrote, from
/// states around the folding column.
#[test]
fn writers_are_the_character_writers() {
    let columns = [0, 3, 40, 78, 79, 80, 81, 82, 120];
    let indents = [0, 2, 6, 84];
    let mut n = 0usize;
    for s in sample_strings() {
        for k in 0..4 {
            n += 1;
            let state = (
                columns[(n * 7 + k) % columns.len()],
                indents[(n / 3 + k) % indents.len()],
                (n + k).is_multiple_of(2),
                (n / 2 + k).is_multiple_of(3),
            );
            let breaks = !(n + k).is_multiple_of(5);
            let c = Class::of(&s);
            assert_eq!(
                written(state, |e| e.write_plain(&s, c, breaks)),
                written(state, |e| old::write_plain(e, &s, breaks)),
                "plain {s:?} from {state:?}, breaks {breaks}"
            );
            assert_eq!(
                written(state, |e| e.write_single(&s, breaks)),
                written(state, |e| old::write_single(e, &s, breaks)),
                "single {s:?} from {state:?}, breaks {breaks}"
            );
            assert_eq!(
                written(state, |e| e.write_double(&s, breaks)),
                written(state, |e| old::write_double(e, &s, breaks)),
                "double {s:?} from {state:?}, breaks {breaks}"
            );
        }
    }
}
