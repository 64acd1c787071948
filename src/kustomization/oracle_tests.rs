//! What the decoder makes of the oracle cases under
//! `testdata/kustomization/<case>/` (see its README): the decoded fields,
//! which only the crate can see. Whether each file is accepted or rejected,
//! the warnings, and the errors' words and lines are checked through the
//! public API by `tests/kustomization_decode.rs`.

use super::decode::Decoded;
use super::{
    decode_kustomization_with_warnings, decode_transformer_config, KUSTOMIZATION_FILE_NAMES,
};
use crate::Error;

fn decode_kustomization(bytes: &[u8]) -> Result<Decoded, Error> {
    decode_kustomization_with_warnings(bytes).1
}
use std::fs;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kustomization")
}

/// What the oracle did with one case.
struct Oracle {
    warnings: Vec<String>,
    /// stderr without the warning lines.
    error: String,
    stdout: String,
}

fn oracle(case: &str) -> Oracle {
    let dir = cases_dir().join(case);
    let read =
        |f: &str| fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{case}/{f}: {e}"));
    let stderr = read("oracle-stderr");
    let (warnings, rest): (Vec<&str>, Vec<&str>) =
        stderr.lines().partition(|l| l.starts_with("# Warning:"));
    Oracle {
        warnings: warnings.into_iter().map(String::from).collect(),
        error: rest.join("\n"),
        stdout: read("oracle-stdout"),
    }
}

fn input(case: &str) -> Vec<u8> {
    fs::read(cases_dir().join(case).join("input/kustomization.yaml")).expect("case input")
}

fn decode_case(case: &str) -> (Vec<String>, Result<Decoded, Error>) {
    decode_kustomization_with_warnings(&input(case))
}

fn ok(case: &str) -> Decoded {
    match decode_kustomization(&input(case)) {
        Ok(d) => d,
        Err(e) => panic!("{case}: {e}"),
    }
}

fn err(case: &str) -> Error {
    match decode_kustomization(&input(case)) {
        Ok(_) => panic!("{case}: accepted"),
        Err(e) => e,
    }
}

#[test]
fn field_names_match_case_insensitively() {
    let d = ok("case-commonlabels");
    assert_eq!(d.kustomization.common_labels["a"], "b");
    let d = ok("case-upper");
    assert_eq!(d.kustomization.resources, ["cm.yaml"]);
    assert_eq!(d.kustomization.name_prefix, "p-");
    assert!(oracle("case-upper").stdout.contains("name: p-cm"));
    // Go folds `ſ` to `s` and the Kelvin sign to `k`.
    assert_eq!(ok("case-long-s").kustomization.resources, ["cm.yaml"]);
    assert_eq!(
        ok("case-kelvin").kustomization.type_meta.kind,
        "Kustomization"
    );
    let d = ok("case-nested");
    assert_eq!(d.kustomization.patches[0].path, "patch.yaml");
    let target = d.kustomization.patches[0].target.as_ref().expect("target");
    assert_eq!(target.id.gvk.kind, "ConfigMap");
}

#[test]
fn two_spellings_of_a_field_resolve_in_byte_order() {
    // `nameprefix` sorts after `namePrefix`, so it is decoded last and wins.
    assert_eq!(ok("dup-spellings-1").kustomization.name_prefix, "a-");
    assert!(oracle("dup-spellings-1").stdout.contains("name: a-cm"));
    // `NAMEPREFIX` sorts first, so `namePrefix` wins.
    assert_eq!(ok("dup-spellings-2").kustomization.name_prefix, "b-");
    assert!(oracle("dup-spellings-2").stdout.contains("name: b-cm"));
    // Maps decode into the earlier spelling's map: both entries survive.
    let d = ok("dup-spellings-map-merge");
    assert_eq!(d.kustomization.common_annotations.len(), 2);
    let out = oracle("dup-spellings-map-merge").stdout;
    assert!(out.contains("a: \"1\"") && out.contains("b: \"2\""));
}

#[test]
fn yaml_1_1_typing_of_scalars() {
    let e = err("type-nameprefix-int");
    assert!(e
        .message()
        .starts_with("namePrefix: expected a string, found a number (012)"));
    assert_eq!(e.position().expect("mark").0, 2);
    assert_eq!(
        ok("type-nameprefix-quoted").kustomization.name_prefix,
        "012"
    );
    // `yes`, `on` and `y` are booleans for go-yaml v2.
    let e = err("type-label-yes");
    assert!(e
        .message()
        .contains("commonLabels.a: expected a string, found a boolean (yes)"));
    assert!(e.message().contains("quote it"));
    assert!(err("type-label-on").message().contains("boolean (on)"));
    assert!(err("type-label-y").message().contains("boolean (y)"));
    let d = ok("type-label-quoted-yes").kustomization.common_labels;
    assert_eq!((&*d["a"], &*d["b"], &*d["c"]), ("yes", "on", "off"));
    // ... and where a boolean is wanted, they are fine.
    assert!(ok("type-bool-yes").kustomization.labels[0].include_selectors);
    assert!(ok("type-bool-on").kustomization.patches[0].options["allowNameChange"]);
    // Timestamps stay text.
    assert_eq!(
        ok("type-nameprefix-timestamp").kustomization.name_prefix,
        "2001-12-14"
    );
    // Null leaves a string empty, and makes a map value "".
    assert_eq!(ok("type-nameprefix-null").kustomization.name_prefix, "");
    let d = ok("type-label-null").kustomization.common_labels;
    assert_eq!((&*d["a"], &*d["b"]), ("", ""));
}

#[test]
fn integers() {
    let e = err("type-count-string");
    assert!(e
        .message()
        .contains("replicas[0].count: expected an integer, found a string (\"3\")"));
    // A float with no fraction is an integer after the JSON hop.
    assert_eq!(
        ok("type-count-float-integral").kustomization.replicas[0].count,
        3
    );
    assert_eq!(ok("type-count-exp").kustomization.replicas[0].count, 1000);
    assert_eq!(ok("type-count-hex").kustomization.replicas[0].count, 16);
    assert_eq!(ok("type-count-null").kustomization.replicas[0].count, 0);
    assert!(err("type-count-float").message().contains("3.5"));
    assert!(err("type-count-huge")
        .message()
        .contains("expected an integer"));
    assert!(err("type-index-string")
        .message()
        .contains("source.options.index"));
}

#[test]
fn whole_file_shapes() {
    assert!(err("file-empty")
        .message()
        .contains("kustomization.yaml is empty"));
    assert!(err("file-list")
        .message()
        .contains("must be a mapping of fields, but it holds a list"));
    assert!(err("file-scalar")
        .message()
        .contains("holds a string (\"hello\")"));
    // Only the first document counts; later ones are not even parsed.
    assert_eq!(ok("file-multidoc").kustomization.name_prefix, "");
    assert_eq!(
        ok("file-multidoc-bad-second").kustomization.resources,
        ["cm.yaml"]
    );
    assert!(err("file-multidoc-empty-first").message().contains("empty"));
    // An empty list is a set field; `bases: []` is moved into resources
    // and adds nothing.
    ok("file-empty-resources");
    ok("file-empty-metadata");
    let (w, r) = decode_case("file-empty-bases");
    assert!(r.is_err());
    assert_eq!(w.len(), 1);
    assert!(err("type-null-key").message().contains("may not be null"));
    assert!(err("type-inf").message().contains(".inf"));
}

#[test]
fn kind_and_api_version() {
    let d = ok("kind-component-default-version").kustomization;
    assert!(d.is_component());
    assert_eq!(d.type_meta.api_version, "kustomize.config.k8s.io/v1alpha1");
    let d = ok("field-resources").kustomization;
    assert_eq!(d.type_meta.kind, "Kustomization");
    assert_eq!(d.type_meta.api_version, "kustomize.config.k8s.io/v1beta1");
    let e = err("kind-foo");
    assert!(e.message().contains("kind is \"Foo\""), "{}", e.message());
    assert_eq!(e.position().expect("mark").0, 2);
    let e = err("kind-component-v1beta1");
    assert!(e
        .message()
        .contains("a Component must have apiVersion \"kustomize.config.k8s.io/v1alpha1\""));
    assert!(err("kind-lowercase")
        .message()
        .contains("\"kustomization\""));
    assert!(err("kind-int")
        .message()
        .starts_with("kind: expected a string"));
}

#[test]
fn deprecation_warnings_in_kustomize_words() {
    let o = oracle("warn-all");
    assert_eq!(o.warnings.len(), 6);
    ok("warn-all");
    assert_eq!(decode_case("warn-all").0, o.warnings);
    // Null is "not set": no warning.
    ok("warn-null-fields");
    assert!(decode_case("warn-null-fields").0.is_empty());
}

#[test]
fn every_top_level_field_decodes() {
    let k = |c: &str| ok(c).kustomization;
    let m = k("field-metadata").metadata.expect("metadata");
    assert_eq!(m.str_at(&["namespace"]), Some("ns"));
    assert_eq!(k("field-openapi").openapi["version"], "v1.21.2");
    assert_eq!(k("field-nameprefix").name_prefix, "p-");
    assert_eq!(k("field-namesuffix").name_suffix, "-s");
    assert_eq!(k("field-namespace").namespace, "ns");
    assert_eq!(k("field-commonlabels").common_labels["app"], "web");
    let l = &k("field-labels").labels[0];
    assert!(l.include_selectors && !l.include_templates);
    assert_eq!(l.fields[0].path, "metadata/annotations");
    assert_eq!(l.fields[0].gvk.kind, "ConfigMap");
    assert_eq!(l.fields[0].gvk.version, "v1");
    assert!(l.fields[0].create);
    assert_eq!(
        k("field-commonannotations").common_annotations["note"],
        "hi"
    );
    let psm = k("field-patchesstrategicmerge").patches_strategic_merge;
    assert_eq!(psm[0], "patch.yaml");
    assert_eq!(
        psm[1],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  c: d"
    );
    let pj = &k("field-patchesjson6902").patches_json6902[0];
    assert_eq!(pj.target.as_ref().expect("target").id.name, "cm");
    assert!(pj.patch.starts_with("[{"));
    let p = k("field-patches").patches;
    assert_eq!(p[0].path, "patch.yaml");
    assert!(p[1].options["allowNameChange"]);
    assert_eq!(p[1].options.get("allowKindChange"), Some(&false));
    let imgs = k("field-images").images;
    assert_eq!((&*imgs[0].new_name, &*imgs[0].new_tag), ("my/nginx", "1.2"));
    assert!(imgs[1].digest.starts_with("sha256:"));
    assert_eq!(imgs[2].tag_suffix, "-s");
    assert_eq!(k("field-imagetags").image_tags[0].new_tag, "1.2");
    let r = &k("field-replacements").replacements[0];
    assert_eq!(r.str_at(&["source", "fieldPath"]), Some("data.a"));
    assert_eq!(r.str_at(&["source", "options", "index"]), Some("0"));
    assert_eq!(k("field-replicas").replicas[0].count, 3);
    let v = &k("field-vars").vars[0];
    assert_eq!(
        (&*v.obj_ref.gvk.version, &*v.field_path),
        ("v1", "metadata.name")
    );
    let so = k("field-sortoptions").sort_options.expect("sortOptions");
    assert_eq!(so.order, "legacy");
    assert_eq!(
        so.legacy.expect("legacySortOptions").order_first,
        vec!["ConfigMap".to_string()]
    );
    assert_eq!(k("field-components").components, ["comp"]);
    assert_eq!(k("field-crds").crds, ["crd.yaml"]);
    assert_eq!(k("field-bases").bases, ["base"]);
    let g = &k("field-configmapgenerator").config_map_generator[0];
    assert_eq!(g.envs, ["a.env", "b.env"]);
    assert_eq!(g.files, ["f.txt", "k=f.txt"]);
    let opts = g.options.as_ref().expect("options");
    assert_eq!(opts.disable_name_suffix_hash, Some(true));
    assert_eq!(opts.labels["l"], "v");
    assert_eq!(
        k("field-secretgenerator").secret_generator[0].type_,
        "Opaque"
    );
    let hg = k("field-helmglobals").helm_globals.expect("helmGlobals");
    assert_eq!(hg.str_at(&["chartHome"]), Some("charts"));
    let hc = &k("field-helmcharts").helm_charts[0];
    // valuesInline is typed the YAML 1.1 way: `yes` is a boolean.
    assert_eq!(
        hc.get_path(&["valuesInline", "a"]),
        Some(&crate::yaml::Value::bool(true))
    );
    assert_eq!(
        k("field-helmchartinflationgenerator")
            .helm_chart_inflation_generator
            .len(),
        1
    );
    let go = k("field-generatoroptions")
        .generator_options
        .expect("generatorOptions");
    assert_eq!(go.disable_name_suffix_hash, Some(true));
    assert_eq!(go.immutable, None);
    assert_eq!(k("field-configurations").configurations, ["config.yaml"]);
    assert!(k("field-generators").generators.is_empty());
    assert!(k("field-transformers").transformers.is_empty());
    assert!(k("field-validators").validators.is_empty());
    assert_eq!(
        k("field-buildmetadata").build_metadata,
        ["originAnnotations"]
    );
}

#[test]
fn transformer_configs() {
    let c = decode_transformer_config(
        b"namePrefix:\n- path: 1\n  kind: Foo\nnameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/volumes/configMap/name\n    kind: Pod\n    create: true\n",
    )
    .expect("config");
    // Numbers become text where text is expected (typed yaml.Unmarshal).
    assert_eq!(c.name_prefix[0].path, "1");
    assert_eq!(c.name_reference[0].gvk.kind, "ConfigMap");
    assert!(c.name_reference[0].field_specs[0].create);
    let e = decode_transformer_config(b"namePrefix:\n- path: a\n  kindd: X\n").unwrap_err();
    assert!(e.message().contains("unknown field \"kindd\""));
    assert_eq!(e.position().expect("mark").0, 3);
    let e = decode_transformer_config(b"namePrefix:\n- path: a\n  create: \"true\"\n").unwrap_err();
    assert!(e.message().contains("expected a boolean"));
}

#[test]
fn transformer_config_coercion_only_reaches_direct_string_fields() {
    // `path: 1` becomes "1" (a direct string field), `kind: 1` is an error
    // (kind is promoted from the embedded Gvk, which yaml.Unmarshal does
    // not look through).
    let read = |c: &str| fs::read(cases_dir().join(c).join("input/cfg.yaml")).expect("cfg");
    let c = decode_transformer_config(&read("config-path-int")).expect("accepted");
    assert_eq!(c.common_labels[0].path, "1");
    let e = decode_transformer_config(&read("config-kind-int")).unwrap_err();
    assert!(
        e.message()
            .contains("expected a string, found a number (1)"),
        "{}",
        e.message()
    );
    let c = decode_transformer_config(&read("config-create-yes")).expect("accepted");
    assert!(c.common_annotations[0].create);
    let c = decode_transformer_config(&read("config-case")).expect("accepted");
    assert_eq!(c.name_prefix[0].path, "metadata/name");
}

#[test]
fn plain_keys_are_typed_the_yaml_1_1_way() {
    // The oracle's failure dump (a later kustomize bug) shows the keys as
    // kustomize decoded them: `10`, `1.5`, `1.2345679e+08` (Go's 32-bit
    // %g), `true`.
    let keys = |c: &str| -> Vec<String> {
        ok(c)
            .kustomization
            .common_annotations
            .keys()
            .cloned()
            .collect()
    };
    assert!(oracle("key-plain-int-annotation")
        .error
        .contains("{10:\"x\"}"));
    assert_eq!(keys("key-plain-int-annotation"), ["10"]);
    assert_eq!(keys("key-quoted-int-annotation"), ["012"]);
    let o = oracle("key-plain-float-annotation").error;
    assert!(o.contains("1.5:\"x\"") && o.contains("1.2345679e+08:\"z\""));
    assert_eq!(keys("key-plain-float-annotation"), ["1.5", "1.2345679e+08"]);
    assert!(oracle("key-plain-yes-annotation")
        .error
        .contains("{true:\"x\"}"));
    assert_eq!(keys("key-plain-yes-annotation"), ["true"]);
    assert_eq!(keys("key-quoted-yes-annotation"), ["yes"]);
    assert_eq!(keys("key-timestamp-annotation"), ["2001-12-14"]);
    // A top-level `on:` is the unknown field "true".
    let e = err("type-key-on");
    assert!(
        e.message()
            .starts_with("unknown field \"on\" in Kustomization"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("\"true\""));
    assert_eq!(e.position().expect("mark").0, 2);
}

#[test]
fn a_second_spelling_of_a_list_decodes_into_the_first_ones_elements() {
    // Go's encoding/json decodes a JSON array into the existing slice's
    // elements: `Images` (sorted first) leaves {newTag: "1.0"} in element 0,
    // `images` adds newName to it; the oracle prints x/nginx:1.0.
    for case in ["dup-spellings-list-merge", "dup-spellings-list-shorter"] {
        assert!(oracle(case).stdout.contains("image: x/nginx:1.0"));
        let images = ok(case).kustomization.images;
        assert_eq!(images.len(), 1, "{case}");
        let i = &images[0];
        assert_eq!(
            (&*i.name, &*i.new_name, &*i.new_tag),
            ("nginx", "x/nginx", "1.0")
        );
    }
}

#[test]
fn anchors_aliases_and_merge_keys() {
    // An anchored or aliased plain `yes` is still a YAML 1.1 boolean.
    assert!(err("anchor-yes").message().contains("boolean (yes)"));
    assert!(err("alias-yes").message().contains("commonAnnotations.b"));
    assert_eq!(ok("alias-quoted-yes").kustomization.name_prefix, "yes");
    // Explicit keys win over merged ones.
    let a = ok("merge-key").kustomization.common_annotations;
    assert_eq!((&*a["a"], &*a["b"]), ("1", "3"));
    assert!(oracle("merge-key").stdout.contains("b: \"3\""));
    assert_eq!(ok("anchor-list").kustomization.crds, ["cm.yaml"]);
}

#[test]
fn a_repeated_key_is_no_error_and_the_last_one_wins() {
    // go-yaml v2's non-strict Unmarshal, unlike the v3 reading of resources.
    assert_eq!(ok("dup-same-key").kustomization.name_prefix, "b-");
    assert!(oracle("dup-same-key").stdout.contains("name: b-cm"));
    assert_eq!(ok("dup-three-times").kustomization.name_prefix, "c-");
    assert!(oracle("dup-three-times").stdout.contains("name: c-cm"));
    let k = ok("dup-list-key").kustomization;
    assert_eq!(
        (k.resources.as_slice(), &*k.name_prefix),
        (&["cm.yaml".to_string()][..], "p-")
    );
    let p = &ok("dup-nested-key").kustomization.patches[0];
    assert_eq!(p.path, "patch.yaml");
    assert_eq!(p.target.as_ref().expect("target").id.gvk.kind, "Secret");
    assert_eq!(
        ok("dup-flow-key").kustomization.common_annotations["a"],
        "2"
    );
    assert!(oracle("dup-flow-key").stdout.contains("a: \"2\""));
    // The later value replaces the earlier one whole, and is type-checked.
    assert!(err("dup-nested-map")
        .message()
        .contains("commonAnnotations.a: expected a string"));
}

#[test]
fn byte_order_marks_and_utf16() {
    assert!(oracle("file-utf16").stdout.contains("name: u-cm"));
    assert_eq!(ok("file-utf16").kustomization.name_prefix, "u-");
    assert!(oracle("file-utf8-bom").stdout.contains("name: b-cm"));
    assert_eq!(ok("file-utf8-bom").kustomization.name_prefix, "b-");
}

/// Every kustomization file in the shared conformance corpus (kustomize's
/// own test suite, `../shared/conformance` or `$STRATA_CONFORMANCE`) of a
/// case the oracle built successfully must decode. Skipped, saying so,
/// without the corpus.
#[test]
fn conformance_corpus_kustomizations_decode() {
    let root = std::env::var_os("STRATA_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"));
    if !root.is_dir() {
        eprintln!(
            "conformance corpus not found at {}: skipped",
            root.display()
        );
        return;
    }
    let mut stack = vec![root];
    let (mut seen, mut failures) = (0, Vec::new());
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("corpus dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !KUSTOMIZATION_FILE_NAMES.contains(&name) {
                continue;
            }
            let text = path.to_string_lossy().into_owned();
            let Some(case) = text.find("/input/").map(|i| &text[..i]) else {
                continue;
            };
            let meta = fs::read_to_string(format!("{case}/case.yaml")).unwrap_or_default();
            if !(meta.contains("expect: success") || meta.contains("expect: \"success\"")) {
                continue;
            }
            seen += 1;
            if let Err(e) = decode_kustomization(&fs::read(&path).expect("read")) {
                failures.push(format!("{text}: {e}"));
            }
        }
    }
    assert!(seen > 100, "only {seen} kustomization files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn files_without_a_final_line_break() {
    // A block scalar at the very end keeps no line break (oracle: `a: x`).
    assert!(oracle("file-block-scalar-at-eof")
        .stdout
        .contains("    a: x\n"));
    assert_eq!(
        ok("file-block-scalar-at-eof")
            .kustomization
            .common_annotations["a"],
        "x"
    );
    assert_eq!(ok("file-no-final-newline").kustomization.name_prefix, "p-");
}
