//! Unit tests: values built by hand, expected text taken from
//! `kubectl kustomize` (v5.8.1) runs on equivalent inputs.

use super::*;
use crate::yaml::Map;

fn s(t: &str) -> Value {
    Value::string(t)
}

fn sc(tag: Tag, t: &str) -> Value {
    Value::Scalar(Scalar {
        tag,
        text: t.to_string(),
    })
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v);
    }
    Value::Map(m)
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
        ("zz", Value::Seq(vec![s("a\n\n")])),
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
    let b = map(vec![("b", Value::map()), ("c", Value::Seq(vec![]))]);
    assert_eq!(emit_stream([&a, &b]).unwrap(), "a: 1\n---\nb: {}\nc: []\n");
}
