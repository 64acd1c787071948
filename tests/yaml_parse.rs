//! Tests of the YAML parser against behaviour pinned by the oracle.

use strata::yaml::{parse_documents, ParseOptions, Tag, Value};

fn parse(src: &str) -> Vec<Value> {
    parse_documents(src.as_bytes(), &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{src:?}: {e}"))
        .into_iter()
        .map(|d| d.value)
        .collect()
}

fn err(src: &str) -> String {
    parse_documents(src.as_bytes(), &ParseOptions::default())
        .expect_err(src)
        .message
}

#[test]
fn smoke() {
    let docs = parse("a: 1\nb: [x, 'y', ~]\n---\n- &a {k: v}\n- *a\n");
    assert_eq!(docs.len(), 2);
    println!("{docs:?}");
    let m = docs[0].as_map().unwrap();
    assert_eq!(m["a"].as_scalar_text(), Some("1"));
    assert_eq!(m["a"].kind_name(), "int");
    assert_eq!(docs[1].as_seq().unwrap()[1], docs[1].as_seq().unwrap()[0]);
    let _ = Tag::Str;
    let _ = err("a: *x\n");
}
