//! Unit tests: values built by hand, expected text taken from
//! `kubectl kustomize` (v5.8.1) runs on equivalent inputs.

use super::*;
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
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for set in &sets {
        for trial in 0..200 {
            let mut keys = set.clone();
            if trial % 2 == 1 {
                // A sorted input, then a few neighbours swapped.
                keys::sort_by(&mut keys, &|k: &String| k.as_str());
            }
            for _ in 0..(trial % 7) {
                let i = next() % keys.len();
                let j = next() % keys.len();
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
