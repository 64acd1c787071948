//! Tests of the YAML parser: rules that were each confirmed with the oracle
//! first, or features of our own (marks). The fixtures with the oracle's
//! answers (testdata/yaml-parse/cases, from testdata/yaml-parse/regen.sh)
//! are cases of the suite (tests/suite), `yaml-parse/NAME`.

use strata::yaml::{parse_documents, Document, Mark, ParseOptions, Tag, Value};

fn opts(record_marks: bool) -> ParseOptions {
    ParseOptions {
        record_marks,
        ..ParseOptions::default()
    }
}

fn parse(src: &str) -> Vec<Value> {
    parse_documents(src.as_bytes(), &opts(false))
        .unwrap_or_else(|e| panic!("{src:?}: {e}"))
        .into_iter()
        .map(|d| d.value)
        .collect()
}

fn parse_err(src: &[u8]) -> strata::yaml::ParseError {
    match parse_documents(src, &opts(false)) {
        Ok(docs) => panic!("{:?} parsed: {:?}", String::from_utf8_lossy(src), docs),
        Err(e) => e,
    }
}

fn scalar(v: &Value) -> (Tag, &str) {
    match v {
        Value::Scalar(s) => (s.tag, s.text.as_str()),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// Runs `f` on a freshly spawned thread with the default stack: values
/// nested thousands deep (go-yaml allows 10000 levels) must parse, compare
/// and drop there without overflowing.
fn on_default_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn multi_document_stream() {
    let docs = parse_documents(b"a: 1\n---\n---\n# c\n---\n- x\n...\n", &opts(false)).unwrap();
    let values: Vec<_> = docs.iter().map(|d| &d.value).collect();
    assert_eq!(values.len(), 4);
    assert_eq!(scalar(values[0].get("a").unwrap()), (Tag::Int, "1"));
    assert!(values[1].is_null() && values[2].is_null());
    assert_eq!(values[3].as_seq().unwrap().len(), 1);
    assert_eq!(docs[0].start, Mark { line: 1, column: 1 });
    assert_eq!(docs[1].start, Mark { line: 2, column: 1 });
    assert_eq!(docs[3].start, Mark { line: 5, column: 1 });
    assert!(parse_documents(b"", &opts(false)).unwrap().is_empty());
    assert!(parse_documents(b"# only a comment\n", &opts(false))
        .unwrap()
        .is_empty());
}

#[test]
fn bom_bare_scalars_and_lists() {
    let docs = parse("\u{feff}a: b\n");
    assert_eq!(scalar(docs[0].get("a").unwrap()), (Tag::Str, "b"));
    assert_eq!(scalar(&parse("hello\n")[0]), (Tag::Str, "hello"));
    assert_eq!(scalar(&parse("012\n")[0]), (Tag::Int, "012"));
    assert_eq!(parse("- a\n- 1\n")[0].as_seq().unwrap().len(), 2);
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    let v = &parse("a: \"1\"\nb: '~'\nc: |\n  true\nd: >-\n  x\n  y\ne: \"\\t\\u00e9\"\n")[0];
    assert_eq!(scalar(v.get("a").unwrap()), (Tag::Str, "1"));
    assert_eq!(scalar(v.get("b").unwrap()), (Tag::Str, "~"));
    assert_eq!(scalar(v.get("c").unwrap()), (Tag::Str, "true\n"));
    assert_eq!(scalar(v.get("d").unwrap()), (Tag::Str, "x y"));
    assert_eq!(scalar(v.get("e").unwrap()), (Tag::Str, "\té"));
}

#[test]
fn explicit_tags() {
    let v = &parse(
        "a: !!str 123\nb: !!int \"0x1F\"\nc: !!float 1\nd: !mytag 12\ne: ! 12\n\
         f: !!binary aGVsbG8=\ng: !!binary 8J+Y\nh: !!null ''\n",
    )[0];
    assert_eq!(scalar(v.get("a").unwrap()), (Tag::Str, "123"));
    assert_eq!(scalar(v.get("b").unwrap()), (Tag::Int, "0x1F"));
    assert_eq!(scalar(v.get("c").unwrap()), (Tag::Float, "1"));
    assert_eq!(scalar(v.get("d").unwrap()), (Tag::Str, "12"));
    assert_eq!(scalar(v.get("e").unwrap()), (Tag::Int, "12"));
    assert_eq!(scalar(v.get("f").unwrap()), (Tag::Str, "hello"));
    // A truncated 4-byte sequence: one U+FFFD per byte, as Go prints it.
    assert_eq!(
        scalar(v.get("g").unwrap()),
        (Tag::Str, "\u{fffd}\u{fffd}\u{fffd}")
    );
    assert_eq!(scalar(v.get("h").unwrap()).0, Tag::Null);
    let e = parse_err(b"a: !!int abc\n");
    assert_eq!(e.message, "yaml: cannot decode !!str `abc` as a !!int");
    assert_eq!(e.mark, Some(Mark { line: 1, column: 4 }));
}

#[test]
fn anchors_aliases_and_merges() {
    let v = &parse(
        "b: &b {x: 1, y: 2}\no: &o {y: 3, z: 4}\n\
         m1: {<<: *b, x: 9}\nm2: {x: 9, <<: [*b, *o]}\nm3: {<<: [*o, *b]}\n\
         s: [&s v, *s]\n",
    )[0];
    let get = |m: &str, k: &str| scalar(v.get(m).unwrap().get(k).unwrap()).1.to_string();
    assert_eq!((get("m1", "x"), get("m1", "y")), ("9".into(), "2".into()));
    assert_eq!(
        (get("m2", "x"), get("m2", "y"), get("m2", "z")),
        ("9".into(), "2".into(), "4".into())
    );
    assert_eq!((get("m3", "x"), get("m3", "y")), ("1".into(), "3".into()));
    assert!(v.get("m1").unwrap().get("<<").is_none());
    assert_eq!(
        v.get("s").unwrap().as_seq().unwrap()[1],
        v.get("s").unwrap().as_seq().unwrap()[0]
    );
    // A quoted or `!!str` "<<" is dropped with its value (oracle), and is
    // no duplicate of a real merge key.
    let v = &parse("m: {\"<<\": {a: 1}, b: 2}\nn: {'<<': 1, <<: {a: 1}}\no: {!!str <<: x}\n")[0];
    assert_eq!(v.get("m").unwrap().as_map().unwrap().len(), 1);
    assert_eq!(scalar(v.get("n").unwrap().get("a").unwrap()).1, "1");
    assert!(v.get("o").unwrap().as_map().unwrap().is_empty());
}

#[test]
fn anchor_errors() {
    assert_eq!(
        parse_err(b"a: &d 1\n---\nb: *d\n").message,
        "yaml: unknown anchor 'd' referenced"
    );
    assert_eq!(
        parse_err(b"a: &a [*a]\n").message,
        "yaml: anchor 'a' value contains itself"
    );
    assert_eq!(
        parse_err(b"m:\n  <<: 1\n").message,
        "map merge requires map or sequence of maps as the value"
    );
    assert_eq!(
        parse_err(b"b: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n").message,
        "duplicate merge key"
    );
}

#[test]
fn duplicate_keys() {
    let e = parse_err(b"a: 1\nb:\n  c: 1\n  \"c\": 2\n");
    assert_eq!(
        e.message,
        "yaml: unmarshal errors:\n  line 4: mapping key \"c\" already defined at line 3"
    );
    assert_eq!(e.mark, Some(Mark { line: 4, column: 3 }));
    // kustomize finds duplicates only after reading everything, so a
    // later syntax error is what it reports.
    let e = parse_err(b"a: 1\na: 2\nb: {c\n");
    assert!(e.message.contains("did not find expected"), "{}", e.message);
    let e = parse_err(b"a: !!int x\nb: }\n");
    assert!(e.message.contains("did not find expected"), "{}", e.message);
}

#[test]
fn non_string_keys_are_recorded() {
    let docs = parse_documents(
        b"data:\n  1: a\n  true: b\n  ~: c\n  \"2\": d\n  !!str 3: e\n",
        &opts(true),
    )
    .unwrap();
    let keys: Vec<_> = docs[0]
        .non_string_keys
        .iter()
        .map(|k| (k.text.as_str(), k.tag, k.mark.line, k.map_path.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("1", Tag::Int, 2, "/data"),
            ("true", Tag::Bool, 3, "/data"),
            ("~", Tag::Null, 4, "/data")
        ]
    );
    let data = docs[0].value.get("data").unwrap().as_map().unwrap();
    assert_eq!(
        data.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1", "true", "~", "2", "3"]
    );
}

#[test]
fn unicode_line_breaks_do_not_count_as_lines_in_marks() {
    // NEL, LS and PS are line breaks to libyaml (and go-yaml, whose message
    // keeps its count), but not to editors or the error report's source
    // lines: marks count `\n`, `\r\n` and `\r` only.
    for brk in ["\u{85}", "\u{2028}", "\u{2029}"] {
        let src = format!("a: \"x{brk}y\"\nb: 1\nc: [1, {brk}2]\n");
        let docs = parse_documents(src.as_bytes(), &opts(true)).unwrap();
        let d = &docs[0];
        assert_eq!(
            d.mark_at(&["b"]),
            Some(Mark { line: 2, column: 4 }),
            "{brk:?}"
        );
        assert_eq!(
            d.mark_at(&["c", "1"]),
            Some(Mark { line: 3, column: 9 }),
            "{brk:?}"
        );
        // With a byte-order mark, which libyaml's offsets leave out.
        let bom = format!("\u{feff}{src}");
        let docs = parse_documents(bom.as_bytes(), &opts(true)).unwrap();
        assert_eq!(
            docs[0].mark_at(&["c", "1"]),
            Some(Mark { line: 3, column: 9 })
        );
        let e = parse_err(format!("a: \"x{brk}y\"\nb: c: d\n").as_bytes());
        assert_eq!(e.mark, Some(Mark { line: 2, column: 5 }), "{brk:?}: {e}");
        assert!(e.message.contains("mapping values are not allowed"), "{e}");
    }
    // `\r` alone ends a line for both.
    let docs = parse_documents("a: \"x\u{85}\"\rb: 1\r".as_bytes(), &opts(true));
    assert_eq!(
        docs.unwrap()[0].mark_at(&["b"]),
        Some(Mark { line: 2, column: 4 })
    );
}

#[test]
fn syntax_errors_use_go_yaml_lines() {
    // go-yaml prints the 0-based line of the enclosing construct for
    // parser errors (here the flow mapping on line 2 → "line 1").
    let e = parse_err(b"a: 1\nb: {c: 1\n");
    assert_eq!(e.message, "yaml: line 1: did not find expected ',' or '}'");
    // ... and no line at all when that line is 0.
    let e = parse_err(b"a: b: c\n");
    assert_eq!(
        e.message,
        "yaml: mapping values are not allowed in this context"
    );
    assert_eq!(e.mark.map(|m| m.line), Some(1));
    // Scanner errors add one: the quoted scalar starts on 0-based line 0,
    // so go-yaml falls back to the end of input (0-based 1) plus one.
    let e = parse_err(b"a: \"x\n");
    assert_eq!(e.message, "yaml: line 2: found unexpected end of stream");
}

#[test]
fn input_checks() {
    let e = parse_err(b"a: 1\nb: \xff\n");
    assert_eq!(e.message, "yaml: invalid leading UTF-8 octet");
    assert_eq!(e.mark, Some(Mark { line: 2, column: 4 }));
    assert_eq!(
        parse_err(b"a: \x7f\n").message,
        "yaml: control characters are not allowed"
    );
    // UTF-16 with a byte-order mark is decoded (kustomize reads it too).
    let mut u16 = vec![0xFF, 0xFE];
    for c in "a: b\n".encode_utf16() {
        u16.extend_from_slice(&c.to_le_bytes());
    }
    assert_eq!(
        scalar(
            parse_documents(&u16, &opts(false)).unwrap()[0]
                .value
                .get("a")
                .unwrap()
        )
        .1,
        "b"
    );
}

#[test]
fn crlf_and_tabs() {
    let v = &parse("a: |\r\n  x\r\n  y\r\nb: \"p\r\n  q\"\r\nc: x\ty\r\n")[0];
    assert_eq!(scalar(v.get("a").unwrap()).1, "x\ny\n");
    assert_eq!(scalar(v.get("b").unwrap()).1, "p q");
    assert_eq!(scalar(v.get("c").unwrap()).1, "x\ty");
}

fn bomb(levels: usize) -> String {
    let mut s = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..levels {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        s.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    s
}

#[test]
fn billion_laughs_is_refused() {
    let e = parse_err(bomb(10).as_bytes());
    assert_eq!(e.message, "yaml: document contains excessive aliasing");
}

#[test]
fn nested_anchors_are_bounded() {
    // Each anchor keeps a copy of its node: 3000 nested anchors would copy
    // 4.5 million nodes, so this is refused like an alias bomb.
    on_default_stack(|| {
        let n = 3000;
        let src: String =
            (0..n).map(|i| format!("&a{i} [")).collect::<String>() + &"]".repeat(n) + "\n";
        let e = parse_err(src.as_bytes());
        assert_eq!(e.message, "yaml: document contains excessive aliasing");
        // A few hundred nested anchors are fine.
        let src: String =
            (0..300).map(|i| format!("&a{i} [")).collect::<String>() + &"]".repeat(300) + "\n";
        assert!(parse_documents(src.as_bytes(), &opts(false)).is_ok());
    });
}

#[test]
fn moderate_aliasing_is_allowed() {
    // kustomize builds 10^5 alias copies fine (0.75 s); so must we.
    // (the oracle's case: levels l0..l4, l4 holding 10^5 leaves).
    let docs = parse(&bomb(5));
    let l4 = docs[0].get("l4").unwrap().as_seq().unwrap();
    assert_eq!(l4.len(), 10);
    assert_eq!(l4[9].as_seq().unwrap()[9].as_seq().unwrap().len(), 10);
}

#[test]
fn marks() {
    let src = "a:\n  b: [1, {c: 2}]\n  'x/y~': v\nl:\n- q\n- *al\n";
    let src = src.replace("*al", "&al w");
    let docs = parse_documents(src.as_bytes(), &opts(true)).unwrap();
    let d = &docs[0];
    assert_eq!(d.mark_at::<&str>(&[]), Some(Mark { line: 1, column: 1 }));
    assert_eq!(d.mark_at(&["a"]), Some(Mark { line: 2, column: 3 }));
    assert_eq!(d.mark_at(&["a", "b"]), Some(Mark { line: 2, column: 6 }));
    assert_eq!(
        d.mark_at(&["a", "b", "1", "c"]),
        Some(Mark {
            line: 2,
            column: 14
        })
    );
    assert_eq!(
        d.mark_at(&["a", "x/y~"]),
        Some(Mark {
            line: 3,
            column: 11
        })
    );
    assert!(d.marks.as_ref().unwrap().contains_key("/a/x~1y~0"));
    assert_eq!(d.mark_at(&["l", "1"]), Some(Mark { line: 6, column: 3 }));
    assert_eq!(d.marks.as_ref().unwrap().len(), 10);
    assert!(parse_documents(src.as_bytes(), &opts(false)).unwrap()[0]
        .marks
        .is_none());
}

#[test]
fn marks_through_aliases_and_merges() {
    let src = "b: &b\n  x: 1\n  y: [2]\nm:\n  <<: *b\n  x: 9\nn: *b\n";
    let docs = parse_documents(src.as_bytes(), &opts(true)).unwrap();
    let d = &docs[0];
    // Explicit key: its own position; merged key: where the anchor had it.
    assert_eq!(d.mark_at(&["m", "x"]), Some(Mark { line: 6, column: 6 }));
    assert_eq!(d.mark_at(&["m", "y"]), Some(Mark { line: 3, column: 6 }));
    assert_eq!(
        d.mark_at(&["m", "y", "0"]),
        Some(Mark { line: 3, column: 7 })
    );
    // An alias: the alias itself, then the anchored node's children.
    assert_eq!(d.mark_at(&["n"]), Some(Mark { line: 7, column: 4 }));
    assert_eq!(d.mark_at(&["n", "x"]), Some(Mark { line: 2, column: 6 }));
    let marks = d.marks.as_ref().unwrap();
    assert!(marks.keys().all(|k| !k.contains("<<")), "{marks:?}");
    // b, b/x, b/y, b/y/0, m, m/x, m/y, m/y/0, n, n/x, n/y, n/y/0, root
    assert_eq!(marks.len(), 13, "{marks:?}");
}

#[test]
fn read_resources_splits_like_kustomize() {
    let src = b"# head\n---\na: 1\n...\nb: 2\n--- # comment\n\n---\nc: 3\n---\n~\n";
    let docs = Document::read_resources(src, &opts(true)).unwrap();
    let values: Vec<_> = docs.iter().map(|d| d.value.clone()).collect();
    // `b: 2` after `...` is never read; `~` is dropped.
    assert_eq!(values, parse("a: 1\n---\nc: 3\n"));
    assert_eq!(docs[0].mark_at(&["a"]), Some(Mark { line: 3, column: 4 }));
    assert_eq!(docs[1].mark_at(&["c"]), Some(Mark { line: 9, column: 4 }));
    let e = Document::read_resources(b"a: 1\n---foo\nb: 2\n", &opts(false)).unwrap_err();
    assert_eq!(e.message, "invalid document separator: ---foo");
    assert_eq!(e.mark, Some(Mark { line: 2, column: 1 }));
    // Error lines count from the piece, as kustomize prints them; the mark
    // is in the file.
    let e = Document::read_resources(b"a: 1\n---\nb: 1\nc: d: e\n", &opts(false)).unwrap_err();
    assert_eq!(
        e.message,
        "yaml: line 2: mapping values are not allowed in this context"
    );
    assert_eq!(e.mark.map(|m| m.line), Some(4));
}

#[test]
fn nesting_limit() {
    on_default_stack(|| {
        let nested = |n: usize| format!("{}{}\n", "[".repeat(n), "]".repeat(n));
        assert!(parse_documents(nested(10_000).as_bytes(), &opts(false)).is_ok());
        let e = parse_err(nested(10_001).as_bytes());
        assert_eq!(e.message, "yaml: line 1: exceeded max depth of 10000");
    });
}

/// Speed is measured in benches/, not asserted here.
#[test]
fn long_documents_parse() {
    let mut s = String::from("items:\n");
    for i in 0..100_000 {
        s.push_str(&format!("- name: item{i}\n  value: {i}\n  ok: true\n"));
    }
    let docs = parse_documents(s.as_bytes(), &opts(false)).unwrap();
    assert_eq!(
        docs[0].value.get("items").unwrap().as_seq().unwrap().len(),
        100_000
    );
}

/// A block scalar that ends the input without a line break keeps no final
/// newline, whatever its chomping (oracle: `a: |\n  x` prints `a: x`), and
/// must not crash the parser.
#[test]
fn block_scalar_at_end_of_input_without_newline() {
    for header in ["|", "|+", "|-", ">", ">+"] {
        let src = format!("a: {header}\n  x");
        let docs = parse_documents(src.as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!(docs[0].value.str_at(&["a"]), Some("x"), "{header}");
    }
    let docs = parse_documents(b"a: |\n  x\n", &ParseOptions::default()).unwrap();
    assert_eq!(docs[0].value.str_at(&["a"]), Some("x\n"));
}
