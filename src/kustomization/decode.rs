//! Strict decoding of kustomization files, accepting and rejecting exactly
//! what kustomize v5.8.1 does, with clearer messages.
//!
//! kustomize reads the file with `sigs.k8s.io/yaml.YAMLToJSON` (go-yaml v2,
//! YAML 1.1, first document only) and decodes the JSON with `encoding/json`
//! (unknown fields rejected, field names matched case-insensitively). The
//! [`engine`] module reproduces that pipeline over our parsed [`Value`];
//! this module runs it with the kustomization schema ([`schema`]), then does
//! what `KustTarget.Load` does next: deprecation warnings, the "empty"
//! check, and the kind/apiVersion check.
//!
//! Facts reproduced (each checked against the oracle, see
//! `testdata/kustomization/`): only the first YAML document is read (later
//! ones are not even parsed); a key repeated in one mapping is no error, the
//! last wins; two spellings of a field (`namePrefix`, `nameprefix`) are
//! decoded in byte order of the key, later into earlier (scalars overwrite,
//! maps and structs merge, list elements are decoded into in place); plain
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans and numbers are numbers, so
//! either is an error where a string is expected (`namePrefix: 012`); a
//! float without fraction is fine as an integer (`count: 3.0`); null leaves a
//! field unset; UTF-8 with a BOM and UTF-16 files are read.
//!
//! The same engine decodes transformer configuration files
//! ([`decode_transformer_config`]), field spec lists ([`decode_field_specs`])
//! and selectors ([`decode_selector`]) with the strictness kustomize applies
//! to those.

mod engine;
mod schema;

use super::*;
use crate::error::{Error, Result};
use crate::yaml::{parse_documents, Marks, ParseOptions, Value};
use engine::{Coercion, Engine, Source, StructTy, Ty};
use indexmap::IndexMap;

/// The file names kustomize recognises as a kustomization, in its order of preference.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// `apiVersion` of a `kind: Kustomization` file.
pub const KUSTOMIZATION_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
/// `apiVersion` of a `kind: Component` file.
pub const COMPONENT_API_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// A decoded kustomization and the warnings kustomize prints for it.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    /// The kustomization, deprecated fields still in place; `kind` and
    /// `apiVersion` defaulted as kustomize does (`Kustomization`, and the
    /// version that goes with the kind).
    pub kustomization: Kustomization,
    /// Warnings for stderr (deprecated fields), in kustomize's words.
    pub warnings: Vec<String>,
}

/// Decodes a kustomization file's bytes. Unknown fields are an error naming
/// the field and its line.
///
/// On error the deprecation warnings kustomize would already have printed
/// are lost; use [`decode_kustomization_with_warnings`] to keep them.
pub fn decode_kustomization(bytes: &[u8]) -> Result<Decoded> {
    decode_kustomization_with_warnings(bytes).1
}

/// Like [`decode_kustomization`], but also returns the warnings kustomize
/// prints before it fails: the deprecation warnings come out before the
/// "empty" and kind/apiVersion checks (an error there still prints them).
pub fn decode_kustomization_with_warnings(bytes: &[u8]) -> (Vec<String>, Result<Decoded>) {
    let text = match source_text(bytes) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let (doc, text) = match first_document_last_key_wins(&text) {
        Ok(d) => d,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let src = Source::new(&text, doc.marks.as_ref()).with_typed_keys(doc.typed_keys);
    decode_with_source(&doc.value, &src)
}

/// The file as text: UTF-8, with or without a byte-order mark, or UTF-16
/// with one (go-yaml reads all three).
fn source_text(bytes: &[u8]) -> Result<String> {
    let utf16 = |be: bool| {
        let units = bytes[2..].chunks(2).map(|c| {
            let pair = [c[0], *c.get(1).unwrap_or(&0)];
            if be {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| Error::new(format!("invalid UTF-16 in the file: {e}")))
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        _ => {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(b.to_vec()).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                Error::new(format!(
                    "the file is not valid UTF-8 (bad byte at offset {at})"
                ))
            })
        }
    }
}

/// Parses the first document the way go-yaml v2's non-strict `Unmarshal`
/// reads a kustomization: a key repeated in one mapping is no error, the
/// last one wins. The shared parser rejects duplicates (right for
/// resources), so each earlier entry it reports is blanked out of the text
/// (spaces, so lines and columns stay put) and the text parsed again.
/// Returns the document and the text it was parsed from.
fn first_document_last_key_wins(text: &str) -> Result<(FirstDocument, String)> {
    let mut current = text.to_string();
    loop {
        match first_document(&current) {
            Ok(doc) => return Ok((doc, current)),
            Err(e) => match duplicate_key(&e.message)
                .and_then(|(key, line)| blank_entry(&current, &key, line))
            {
                Some(next) if next != current => current = next,
                _ => return Err(e),
            },
        }
    }
}

/// `line` with its first flow-mapping entry for one of the spellings in
/// `keys` (`{a: 1, a: 2}` → `{      a: 2}`) replaced by spaces, when the
/// entry ends on the same line.
fn blank_flow_entry(line: &str, keys: &[String]) -> Option<String> {
    let start = (0..line.len()).find(|&i| {
        line.is_char_boundary(i)
            && line[..i]
                .trim_end_matches([' ', '\t'])
                .ends_with(['{', ','])
            && keys.iter().any(|q| {
                line[i..]
                    .strip_prefix(q.as_str())
                    .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
            })
    })?;
    // The entry ends at the next `,` (blanked too) or `}` at its own depth.
    let (mut depth, mut quote) = (0i32, None::<char>);
    let mut end = None;
    for (i, c) in line[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') if depth > 0 => depth -= 1,
            (None, '}') => {
                end = Some(start + i);
                break;
            }
            (None, ',') if depth == 0 => {
                end = Some(start + i + 1);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    Some(format!(
        "{}{}{}",
        &line[..start],
        " ".repeat(line[start..end].chars().count()),
        &line[end..]
    ))
}

/// The key and the line of its first definition, from the parser's
/// duplicate-key error (`mapping key "a" already defined at line 6`).
fn duplicate_key(message: &str) -> Option<(String, usize)> {
    let rest = &message[message.find("mapping key \"")? + 13..];
    let (key, rest) = rest.split_once("\" already defined at line ")?;
    if key.contains('\\') {
        return None; // an escaped key: leave the error as it is
    }
    let line: usize = rest.trim().parse().ok()?;
    Some((key.to_string(), line))
}

/// `text` with the block-mapping entry `key` that starts on 1-based `line`
/// (the key and its value lines) replaced by spaces; `None` if the entry
/// is not a block-mapping key on that line (a flow mapping, say).
fn blank_entry(text: &str, key: &str, line: usize) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    let first = lines.get(line.checked_sub(1)?)?.clone();
    // The key must be the first thing on its line, after indentation and
    // sequence dashes.
    let quoted = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    if let Some(flow) = blank_flow_entry(&first, &quoted) {
        lines[line - 1] = flow;
        return Some(lines.concat());
    }
    let col = (0..first.len()).find(|&i| {
        first.is_char_boundary(i)
            && first[..i].chars().all(|c| matches!(c, ' ' | '-' | '\t'))
            && quoted.iter().any(|q| {
                first[i..]
                    .strip_prefix(q.as_str())
                    .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
            })
    })?;
    let blank = |l: &str, from: usize| -> String {
        let end = l.trim_end_matches(['\n', '\r']).len();
        let mut out: String = l[..from].to_string();
        out.push_str(&" ".repeat(l[from..end].chars().count()));
        out.push_str(&l[end..]);
        out
    };
    let after_colon = first[col..].split_once(':').map_or("", |(_, r)| r).trim();
    let value_below = after_colon.is_empty() || after_colon.starts_with('#');
    lines[line - 1] = blank(&first, col);
    for l in lines.iter_mut().skip(line) {
        let body = l.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = body.len() - trimmed.len();
        let same_level_seq =
            indent == col && value_below && (trimmed == "-" || trimmed.starts_with("- "));
        if indent > col || same_level_seq {
            *l = blank(l, 0);
        } else {
            break;
        }
    }
    Some(lines.concat())
}

/// Decodes an already-parsed kustomization document. `marks` and `text`
/// (the source) give positions and tell quoted `"yes"` from a plain `yes`
/// (a boolean in YAML 1.1); without them scalars are taken as tagged.
pub fn decode_kustomization_value(
    value: &Value,
    marks: Option<&Marks>,
    text: &str,
) -> (Vec<String>, Result<Decoded>) {
    decode_with_source(value, &Source::new(text, marks))
}

fn decode_with_source(value: &Value, src: &Source) -> (Vec<String>, Result<Decoded>) {
    let mut eng = Engine::new(src, Coercion::None, "Kustomization");
    let norm = match normalise_root(&mut eng, value, &schema::KUSTOMIZATION) {
        Ok(n) => n,
        Err(e) => return (Vec::new(), Err(e)),
    };
    let warnings = deprecation_warnings(&norm);
    let result = build(&norm, src).map(|kustomization| Decoded {
        kustomization,
        warnings: warnings.clone(),
    });
    (warnings, result)
}

/// Parses the first YAML document of `text`, as go-yaml v2's `Unmarshal`
/// reads only that one: later documents are not even parsed (a syntax error
/// in them goes unnoticed).
fn first_document(text: &str) -> Result<FirstDocument> {
    let head = &text[..first_document_end(text)];
    // libyaml-safer 0.3 panics on a block scalar that ends the input without
    // a line break (`a: |\n  x`), so the parser is given one; the scalar it
    // then gains a "\n" it did not have (go-yaml reads `x`), removed below.
    let missing_newline = !head.is_empty() && !head.ends_with('\n');
    let parsed;
    let input = if missing_newline {
        parsed = format!("{head}\n");
        parsed.as_str()
    } else {
        head
    };
    let docs = parse_documents(input.as_bytes(), &ParseOptions { record_marks: true })?;
    Ok(match docs.into_iter().next() {
        Some(mut d) => {
            if missing_newline {
                trim_final_block_scalar(&mut d.value, d.marks.as_ref(), head);
            }
            FirstDocument {
                value: d.value,
                marks: d.marks,
                typed_keys: d
                    .non_string_keys
                    .into_iter()
                    .map(|k| (k.map_path, k.text))
                    .collect(),
            }
        }
        None => FirstDocument {
            value: Value::null(),
            marks: None,
            typed_keys: Vec::new(),
        },
    })
}

/// Drops the line break the parser added to the document's last node when
/// that node is a block scalar (`|`, `>`) running to the end of `text`.
fn trim_final_block_scalar(value: &mut Value, marks: Option<&Marks>, text: &str) {
    let mut path = String::new();
    let Some(s) = last_scalar(value, &mut path) else {
        return;
    };
    let Some(mark) = marks.and_then(|m| m.get(&path)) else {
        return;
    };
    let Some(line) = text.lines().nth(mark.line.saturating_sub(1)) else {
        return;
    };
    // Skip an anchor or tag before the block indicator.
    let mut rest: &str = &line[line
        .char_indices()
        .nth(mark.column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)..];
    while rest.starts_with(['&', '!']) {
        rest = rest
            .find([' ', '\t'])
            .map_or("", |i| rest[i..].trim_start_matches([' ', '\t']));
    }
    if rest.starts_with(['|', '>']) && s.text.ends_with('\n') {
        s.text.pop();
    }
}

/// The last scalar of a document in document order, and its marks path.
fn last_scalar<'v>(value: &'v mut Value, path: &mut String) -> Option<&'v mut crate::yaml::Scalar> {
    match value {
        Value::Scalar(s) => Some(s),
        Value::Map(m) => {
            let (k, v) = m.iter_mut().last()?;
            path.push('/');
            path.push_str(&k.replace('~', "~0").replace('/', "~1"));
            last_scalar(v, path)
        }
        Value::Seq(items) => {
            let n = items.len();
            path.push_str(&format!("/{}", n.checked_sub(1)?));
            last_scalar(items.last_mut()?, path)
        }
    }
}

/// The parts of a parsed document the decoder uses.
struct FirstDocument {
    value: Value,
    marks: Option<Marks>,
    /// `(mapping path, key text)` of plain keys that are not strings.
    typed_keys: Vec<(String, String)>,
}

/// The byte offset where the first document of a stream ends: at the second
/// `---` marker line (or the first, if content came before it), or at a
/// `...` line after content. Lines are kept whole, so positions in the
/// first document do not move.
fn first_document_end(text: &str) -> usize {
    let mut started = false; // a `---` or content was seen
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let marker = |m: &str| {
            body.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        };
        if marker("---") {
            if started {
                return offset;
            }
            started = true;
        } else if marker("...") {
            if started {
                return offset;
            }
        } else {
            let t = body.trim_start();
            let directive = !started && body.starts_with('%');
            if !t.is_empty() && !t.starts_with('#') && !directive {
                started = true;
            }
        }
        offset += line.len();
    }
    text.len()
}

/// Runs the engine over a whole document whose top level must be `st`.
fn normalise_root(eng: &mut Engine, value: &Value, st: &'static StructTy) -> Result<Value> {
    eng.precheck(value)?;
    Ok(eng
        .decode(value, &Ty::Struct(st), None)?
        .unwrap_or_else(Value::map))
}

/// A field of the normalised top level is "non-nil" in Go terms: present
/// and not null (an empty list still counts).
fn non_nil(norm: &Value, key: &str) -> bool {
    norm.get(key).is_some_and(|v| !v.is_null())
}

/// kustomize's `CheckDeprecatedFields`, same order and words.
fn deprecation_warnings(norm: &Value) -> Vec<String> {
    const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
    let mut out = Vec::new();
    let mut warn = |field: &str, instead: &str, experimental: bool| {
        if non_nil(norm, field) {
            out.push(format!(
                "# Warning: '{field}' is deprecated. Please use '{instead}' instead. {}{FIX}",
                if experimental { "[EXPERIMENTAL] " } else { "" }
            ));
        }
    };
    warn("bases", "resources", false);
    warn("commonLabels", "labels", false);
    warn("imageTags", "images", false);
    warn("patchesJson6902", "patches", false);
    warn("patchesStrategicMerge", "patches", false);
    warn("vars", "replacements", true);
    out
}

/// Whether kustomize's `CheckEmpty` would call this file empty: every field
/// but kind/apiVersion zero (nil lists and maps, empty strings), after
/// `bases`, `imageTags` and `helmChartInflationGenerator` were moved to
/// their replacements (so an empty `bases: []` adds nothing).
fn is_empty(norm: &Value) -> bool {
    let Some(m) = norm.as_map() else {
        return true;
    };
    m.iter().all(|(k, v)| match k.as_str() {
        "kind" | "apiVersion" => true,
        "namePrefix" | "nameSuffix" | "namespace" => v.as_str().is_none_or(str::is_empty),
        "bases" | "imageTags" | "helmChartInflationGenerator" => {
            v.as_seq().is_none_or(Vec::is_empty)
        }
        _ => v.is_null(),
    })
}

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn b(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_scalar_text) == Some("true")
}

fn opt_b(v: &Value, key: &str) -> Option<bool> {
    v.get(key).map(|x| x.as_scalar_text() == Some("true"))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_seq)
        .map(|items| {
            items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn str_map(v: Option<&Value>) -> IndexMap<String, String> {
    v.and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_seq).map_or(&[], Vec::as_slice)
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|x| !x.is_null())
}

fn gvk(v: &Value) -> Gvk {
    Gvk {
        group: s(v, "group"),
        version: s(v, "version"),
        kind: s(v, "kind"),
    }
}

fn field_spec(v: &Value) -> FieldSpec {
    FieldSpec {
        gvk: gvk(v),
        path: s(v, "path"),
        create: b(v, "create"),
    }
}

fn selector(v: &Value) -> Selector {
    Selector {
        gvk: gvk(v),
        name: s(v, "name"),
        namespace: s(v, "namespace"),
        label_selector: s(v, "labelSelector"),
        annotation_selector: s(v, "annotationSelector"),
    }
}

fn patch(v: &Value) -> Patch {
    let mut options = IndexMap::new();
    if let Some(o) = present(v.get("options")) {
        for key in ["allowNameChange", "allowKindChange"] {
            if let Some(x) = opt_b(o, key) {
                options.insert(key.to_string(), x);
            }
        }
    }
    Patch {
        path: s(v, "path"),
        patch: s(v, "patch"),
        target: present(v.get("target")).map(selector),
        options,
    }
}

fn image(v: &Value) -> Image {
    Image {
        name: s(v, "name"),
        new_name: s(v, "newName"),
        new_tag: s(v, "newTag"),
        digest: s(v, "digest"),
        tag_suffix: s(v, "tagSuffix"),
    }
}

fn generator_options(v: &Value) -> GeneratorOptions {
    GeneratorOptions {
        labels: str_map(v.get("labels")),
        annotations: str_map(v.get("annotations")),
        disable_name_suffix_hash: opt_b(v, "disableNameSuffixHash"),
        immutable: opt_b(v, "immutable"),
    }
}

fn generator_args(v: &Value) -> GeneratorArgs {
    let mut envs = strings(v.get("envs"));
    // kustomize's FixKustomization appends the deprecated `env` to `envs`.
    let env = s(v, "env");
    if !env.is_empty() {
        envs.push(env);
    }
    GeneratorArgs {
        name: s(v, "name"),
        namespace: s(v, "namespace"),
        behavior: s(v, "behavior"),
        literals: strings(v.get("literals")),
        files: strings(v.get("files")),
        envs,
        options: present(v.get("options")).map(generator_options),
        type_: s(v, "type"),
    }
}

fn var(v: &Value) -> Var {
    let empty = Value::map();
    let objref = v
        .get("objref")
        .filter(|x| x.as_map().is_some())
        .unwrap_or(&empty);
    let mut obj_gvk = gvk(objref);
    // types.Target.GVK(): a non-empty apiVersion overrides group/version.
    let api_version = s(objref, "apiVersion");
    if !api_version.is_empty() {
        let parts: Vec<&str> = api_version.split('/').collect();
        match parts.as_slice() {
            [g, ver] => {
                obj_gvk.group = g.to_string();
                obj_gvk.version = ver.to_string();
            }
            [ver] => obj_gvk.version = ver.to_string(),
            _ => {}
        }
    }
    let field_path = v
        .get("fieldref")
        .map(|f| s(f, "fieldPath"))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "metadata.name".to_string());
    Var {
        name: s(v, "name"),
        obj_ref: ObjRef {
            gvk: obj_gvk,
            name: s(objref, "name"),
            namespace: s(objref, "namespace"),
        },
        field_path,
    }
}

/// Builds the typed kustomization from the normalised value, then applies
/// kustomize's defaults and checks (empty file, kind/apiVersion).
fn build(norm: &Value, src: &Source) -> Result<Kustomization> {
    let mut kind = s(norm, "kind");
    let mut api_version = s(norm, "apiVersion");
    if kind.is_empty() {
        kind = "Kustomization".to_string();
    }
    if api_version.is_empty() {
        api_version = if kind == "Component" {
            COMPONENT_API_VERSION
        } else {
            KUSTOMIZATION_API_VERSION
        }
        .to_string();
    }
    if is_empty(norm) {
        return Err(Error::new(
            "kustomization.yaml is empty: it sets no field besides kind/apiVersion \
             (kustomize rejects such a file)",
        ));
    }
    let mut problems = Vec::new();
    if kind != "Kustomization" && kind != "Component" {
        problems.push(format!(
            "kind is {kind:?}, but must be \"Kustomization\" or \"Component\""
        ));
    }
    let required = if kind == "Component" {
        COMPONENT_API_VERSION
    } else {
        KUSTOMIZATION_API_VERSION
    };
    if api_version != required {
        problems.push(format!(
            "apiVersion is {api_version:?}, but a {kind} must have apiVersion {required:?}"
        ));
    }
    if !problems.is_empty() {
        // Point at the field that is wrong first (kind, else apiVersion).
        let at = if kind != "Kustomization" && kind != "Component" {
            "/kind"
        } else {
            "/apiVersion"
        };
        return Err(Error::new(format!(
            "invalid kustomization file: {}",
            problems.join("; ")
        ))
        .at(src.mark(at)));
    }
    let sort_options = present(norm.get("sortOptions")).map(|so| {
        let legacy = present(so.get("legacySortOptions"));
        SortOptions {
            order: s(so, "order"),
            legacy: legacy.map(|l| LegacySortOptions {
                order_first: strings(l.get("orderFirst")),
                order_last: strings(l.get("orderLast")),
            }),
        }
    });
    let raw_list = |key: &str| items(norm.get(key)).to_vec();
    Ok(Kustomization {
        type_meta: TypeMeta { api_version, kind },
        metadata: present(norm.get("metadata")).cloned(),
        openapi: str_map(norm.get("openapi")),
        name_prefix: s(norm, "namePrefix"),
        name_suffix: s(norm, "nameSuffix"),
        namespace: s(norm, "namespace"),
        common_labels: str_map(norm.get("commonLabels")),
        labels: items(norm.get("labels"))
            .iter()
            .map(|l| Label {
                pairs: str_map(l.get("pairs")),
                include_selectors: b(l, "includeSelectors"),
                include_templates: b(l, "includeTemplates"),
                include_volume_claim_templates: false,
                fields: items(l.get("fields")).iter().map(field_spec).collect(),
            })
            .collect(),
        common_annotations: str_map(norm.get("commonAnnotations")),
        patches_strategic_merge: strings(norm.get("patchesStrategicMerge")),
        patches_json6902: items(norm.get("patchesJson6902"))
            .iter()
            .map(patch)
            .collect(),
        patches: items(norm.get("patches")).iter().map(patch).collect(),
        images: items(norm.get("images")).iter().map(image).collect(),
        image_tags: items(norm.get("imageTags")).iter().map(image).collect(),
        replacements: raw_list("replacements"),
        replicas: items(norm.get("replicas"))
            .iter()
            .map(|r| Replica {
                name: s(r, "name"),
                count: r
                    .get("count")
                    .and_then(Value::as_scalar_text)
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0),
            })
            .collect(),
        vars: items(norm.get("vars")).iter().map(var).collect(),
        sort_options,
        resources: strings(norm.get("resources")),
        components: strings(norm.get("components")),
        crds: strings(norm.get("crds")),
        bases: strings(norm.get("bases")),
        config_map_generator: items(norm.get("configMapGenerator"))
            .iter()
            .map(generator_args)
            .collect(),
        secret_generator: items(norm.get("secretGenerator"))
            .iter()
            .map(generator_args)
            .collect(),
        helm_globals: present(norm.get("helmGlobals")).cloned(),
        helm_charts: raw_list("helmCharts"),
        helm_chart_inflation_generator: raw_list("helmChartInflationGenerator"),
        generator_options: present(norm.get("generatorOptions")).map(generator_options),
        configurations: strings(norm.get("configurations")),
        generators: strings(norm.get("generators")),
        transformers: strings(norm.get("transformers")),
        validators: strings(norm.get("validators")),
        inventory: None,
        build_metadata: strings(norm.get("buildMetadata")),
    })
}

/// Decodes a list of field specs (`labels[].fields`, a transformer config
/// table) the way kustomize reads transformer configs: unknown keys are an
/// error, numbers and booleans where a string is expected become their text
/// (`sigs.k8s.io/yaml.UnmarshalStrict` with a typed target), `create` must
/// be a boolean. `value` is a parsed document or part of one, without
/// positions; use [`decode_transformer_config`] for a whole file with
/// line numbers.
pub fn decode_field_specs(value: &Value) -> Result<Vec<FieldSpec>> {
    let src = Source::none();
    let mut eng = Engine::new(&src, Coercion::ToString, "field specs");
    let norm = eng
        .decode(value, &Ty::List(&Ty::Struct(&schema::FIELD_SPEC)), None)?
        .unwrap_or_else(Value::null);
    Ok(items(Some(&norm)).iter().map(field_spec).collect())
}

/// Decodes a transformer configuration file (an entry of `configurations:`):
/// a mapping of table name (`namePrefix`, `commonLabels`, `nameReference`,
/// ...) to a list of field specs, `nameReference` entries being
/// `{group, version, kind, fieldSpecs}`. As kustomize (`yaml.UnmarshalStrict`
/// into `TransformerConfig`): unknown keys are errors, field names match
/// case-insensitively, numbers/booleans become strings where strings are
/// expected, only the first document counts, and an empty file is an empty
/// config.
pub fn decode_transformer_config(bytes: &[u8]) -> Result<TransformerConfig> {
    let text = source_text(bytes)?;
    let doc = first_document(&text)?;
    let src = Source::new(&text, doc.marks.as_ref()).with_typed_keys(doc.typed_keys);
    let mut eng = Engine::new(&src, Coercion::ToString, "TransformerConfig");
    let norm = normalise_root(&mut eng, &doc.value, &schema::TRANSFORMER_CONFIG)?;
    let specs =
        |key: &str| -> Vec<FieldSpec> { items(norm.get(key)).iter().map(field_spec).collect() };
    Ok(TransformerConfig {
        name_prefix: specs("namePrefix"),
        name_suffix: specs("nameSuffix"),
        namespace: specs("namespace"),
        common_labels: specs("commonLabels"),
        labels: specs("labels"),
        template_labels: specs("templateLabels"),
        common_annotations: specs("commonAnnotations"),
        name_reference: items(norm.get("nameReference"))
            .iter()
            .map(|n| NameBackReference {
                gvk: gvk(n),
                field_specs: items(n.get("fieldSpecs")).iter().map(field_spec).collect(),
            })
            .collect(),
        var_reference: specs("varReference"),
        images: specs("images"),
        replicas: specs("replicas"),
    })
}

/// Checks a patch target or replacement selector (`group`, `version`,
/// `kind`, `name`, `namespace`, `labelSelector`, `annotationSelector`)
/// with kustomization-file strictness and returns it typed.
pub fn decode_selector(value: &Value) -> Result<Selector> {
    let src = Source::none();
    let mut eng = Engine::new(&src, Coercion::None, "Selector");
    let norm = eng
        .decode(value, &Ty::Struct(&schema::SELECTOR), None)?
        .unwrap_or_else(Value::map);
    Ok(selector(&norm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_entries_are_blanked() {
        let t = "resources:\n- a.yaml\n- b.yaml\nnamePrefix: x\nresources:\n- c.yaml\n";
        assert_eq!(
            blank_entry(t, "resources", 1).expect("blanked"),
            "          \n        \n        \nnamePrefix: x\nresources:\n- c.yaml\n"
        );
        let t = "- a: 1\n  b:\n    c: 2\n  a: 3\n";
        assert_eq!(
            blank_entry(t, "b", 2).expect("blanked"),
            "- a: 1\n    \n        \n  a: 3\n"
        );
        assert_eq!(
            blank_entry("x: {a: '1,}', a: 2}\n", "a", 1).expect("blanked"),
            "x: {          a: 2}\n"
        );
        assert_eq!(blank_entry("x: {a: [1,\n 2], a: 3}\n", "a", 1), None);
        assert_eq!(
            duplicate_key("yaml: unmarshal errors:\n  line 3: mapping key \"namePrefix\" already defined at line 2"),
            Some(("namePrefix".to_string(), 2))
        );
    }

    #[test]
    fn first_document_cut() {
        let t = "a: 1\n---\nb: 2\n";
        assert_eq!(&t[..first_document_end(t)], "a: 1\n");
        let t = "---\na: 1\n---\nb\n";
        assert_eq!(&t[..first_document_end(t)], "---\na: 1\n");
        let t = "# c\n%YAML 1.1\n---\na: 1\n...\n";
        assert_eq!(&t[..first_document_end(t)], "# c\n%YAML 1.1\n---\na: 1\n");
        let t = "---\n---\na: 1\n";
        assert_eq!(&t[..first_document_end(t)], "---\n");
        let t = "a: |\n  ---\n";
        assert_eq!(first_document_end(t), t.len());
    }
}

#[cfg(test)]
mod value_tests {
    //! Decoding hand-built values (no source text: scalars are taken as the
    //! parser tagged them).
    use super::*;
    use crate::yaml::Map;

    fn map(entries: &[(&str, Value)]) -> Value {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(k.to_string(), v.clone());
        }
        Value::Map(m)
    }

    #[test]
    fn field_specs_from_values() {
        let v = Value::Seq(vec![
            map(&[
                ("path", Value::string("spec/selector")),
                ("kind", Value::string("Service")),
                ("create", Value::bool(true)),
            ]),
            map(&[("PATH", Value::int(1))]),
        ]);
        let specs = decode_field_specs(&v).expect("field specs");
        assert_eq!(specs[0].gvk.kind, "Service");
        assert!(specs[0].create);
        // Case-insensitive name; a number becomes text for `path`.
        assert_eq!(specs[1].path, "1");
        let bad = Value::Seq(vec![map(&[("pth", Value::string("a"))])]);
        let e = decode_field_specs(&bad).unwrap_err();
        assert!(e
            .message
            .contains("unknown field \"pth\" in [0] (FieldSpec)"));
        assert!(
            e.message.contains("did you mean \"path\"?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn selectors_from_values() {
        let s = decode_selector(&map(&[
            ("kind", Value::string("Deployment")),
            ("labelSelector", Value::string("app=web")),
        ]))
        .expect("selector");
        assert_eq!(s.gvk.kind, "Deployment");
        assert_eq!(s.label_selector, "app=web");
        let e = decode_selector(&map(&[("name", Value::int(3))])).unwrap_err();
        assert!(e
            .message
            .starts_with("name: expected a string, found a number (3)"));
    }

    #[test]
    fn value_level_kustomization() {
        let v = map(&[
            ("resources", Value::Seq(vec![Value::string("a.yaml")])),
            ("bases", Value::Seq(vec![])),
        ]);
        let (warnings, r) = decode_kustomization_value(&v, None, "");
        assert_eq!(warnings.len(), 1);
        assert_eq!(r.expect("decoded").kustomization.resources, ["a.yaml"]);
        let (_, r) = decode_kustomization_value(&Value::Seq(vec![]), None, "");
        let e = r.unwrap_err();
        assert!(e
            .message
            .contains("must be a mapping of fields, but it holds a list"));
    }
}
