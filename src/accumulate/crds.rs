//! `crds:`: OpenAPI definitions of custom types whose `x-kubernetes-*`
//! extensions add entries to the field-spec tables (annotations, label
//! selectors, identity fields, object references).

use crate::error::Result;
use crate::kustomization::{FieldSpec, Gvk};
use crate::transform::fieldspec::{NameBackRef, TransformerConfig};
use crate::yaml::{parse_documents, Map, ParseOptions, Tag, Value};

/// Field-spec tables derived from one definitions file (JSON or YAML: a map
/// of type name to `{Schema: {properties: ...}}`).
pub fn config_from_crd_file(bytes: &[u8]) -> Result<TransformerConfig> {
    let docs = parse_documents(bytes, &ParseOptions::default())?;
    let empty = Map::default();
    let defs = docs
        .first()
        .and_then(|d| d.value.as_map())
        .unwrap_or(&empty);
    let mut result = TransformerConfig::default();
    for (name, def) in defs {
        let props = properties(defs, name);
        let looks_like_type = props.is_some_and(|p| {
            p.contains_key("kind") && p.contains_key("apiVersion") && p.contains_key("metadata")
        });
        if !looks_like_type {
            continue;
        }
        let _ = def;
        let kind = name.rsplit('.').next().unwrap_or(name);
        let gvk = Gvk::new("", "", kind);
        let mut tc = TransformerConfig::default();
        load_type(&mut tc, &gvk, defs, name, &mut Vec::new(), 0)?;
        result = result.merge(&tc)?;
    }
    Ok(result)
}

/// The `properties` of a definition (its `Schema`, matched case-insensitively like Go's JSON decoding).
fn properties<'a>(defs: &'a Map, name: &str) -> Option<&'a Map> {
    let def = defs.get(name)?.as_map()?;
    let schema = def
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("schema"))?
        .1;
    schema.get("properties")?.as_map()
}

fn is_string_ext(prop: &Value, key: &str) -> Option<String> {
    match prop.get(key) {
        Some(Value::Scalar(s)) if s.tag == Tag::Str => Some(s.text.clone()),
        _ => None,
    }
}

fn spec(gvk: &Gvk, path: &[String]) -> FieldSpec {
    FieldSpec {
        gvk: gvk.clone(),
        path: path.join("/").into(),
        create: false,
    }
}

fn load_type(
    tc: &mut TransformerConfig,
    gvk: &Gvk,
    defs: &Map,
    type_name: &str,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<()> {
    // Definitions may refer to themselves; kustomize would recurse forever.
    if depth > 64 {
        return Ok(());
    }
    let Some(props) = properties(defs, type_name) else {
        return Ok(());
    };
    for (prop_name, prop) in props {
        path.push(prop_name.clone());
        if is_string_ext(prop, "x-kubernetes-annotation").is_some() {
            tc.common_annotations = crate::transform::fieldspec::merge_specs(
                std::mem::take(&mut tc.common_annotations),
                &[spec(gvk, path)],
            )?;
        }
        if is_string_ext(prop, "x-kubernetes-label-selector").is_some() {
            tc.common_labels = crate::transform::fieldspec::merge_specs(
                std::mem::take(&mut tc.common_labels),
                &[spec(gvk, path)],
            )?;
        }
        if is_string_ext(prop, "x-kubernetes-identity").is_some() {
            tc.name_prefix = crate::transform::fieldspec::merge_specs(
                std::mem::take(&mut tc.name_prefix),
                &[spec(gvk, path)],
            )?;
        }
        if let (Some(version), Some(kind)) = (
            is_string_ext(prop, "x-kubernetes-object-ref-api-version"),
            is_string_ext(prop, "x-kubernetes-object-ref-kind"),
        ) {
            let key = is_string_ext(prop, "x-kubernetes-object-ref-name-key")
                .unwrap_or_else(|| "name".into());
            let mut p = path.clone();
            p.push(key);
            let nbr = NameBackRef {
                gvk: Gvk::new("", &version, &kind),
                field_specs: vec![spec(gvk, &p)],
            };
            *tc = tc.merge(&TransformerConfig {
                name_reference: vec![nbr],
                ..Default::default()
            })?;
        }
        if let Some(r) = prop.get("$ref").and_then(Value::as_scalar_text) {
            let r = r.to_string();
            load_type(tc, gvk, defs, &r, path, depth + 1)?;
        }
        path.pop();
    }
    Ok(())
}
