//! Strategic merge, the way kustomize applies it: kyaml's `merge2` walk
//! (not apimachinery's strategicpatch).
//!
//! The walk visits the resource (dest) and the patch (origin) together.
//! Maps merge field by field; a `null` in the patch clears a field; lists
//! merge by their schema merge keys when the schema gives the list a
//! `merge` strategy, and are replaced otherwise (so every list of a type
//! without a schema, such as a custom resource, is replaced). Directives:
//! `$patch: delete | replace | merge` on maps and as a list element. kyaml
//! knows no other directive: `$setElementOrder/...`, `$retainKeys` and
//! `$deleteFromPrimitiveList/...` are ordinary fields to it, so they are
//! merged into the result like any other field (the oracle agrees).
//!
//! In kyaml the merged result *is* the dest node, mutated in place; where
//! the walk hands back the patch node instead (an added subtree, or
//! `$patch: replace`), the two sources below it are one node. [`Out::is_dest`]
//! and the `aliased` flag carry those identities, because the list merge
//! depends on them.

use super::schema::{Schema, SchemaDoc};
use crate::error::{Error, Result};
use crate::yaml::{Map, Scalar, Tag, Value};

const DIRECTIVE: &str = "$patch";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Directive {
    Merge,
    Replace,
    Delete,
    /// An unknown value, when the error is ignored (kyaml ignores it when
    /// the dest is missing).
    Unknown,
}

/// A walk result: the value, whether a null in it is kept (a null the
/// resource had, not one the patch asked for), and whether it is the dest
/// node itself (merged into) rather than the patch's node.
#[derive(Debug)]
struct Out {
    v: Value,
    keep_null: bool,
    is_dest: bool,
}

impl Out {
    fn dest(v: Value) -> Out {
        Out {
            v,
            keep_null: false,
            is_dest: true,
        }
    }
    fn origin(v: Value) -> Out {
        Out {
            v,
            keep_null: false,
            is_dest: false,
        }
    }
}

fn is_null(v: Option<&Value>) -> bool {
    v.is_none_or(Value::is_null)
}

fn node_kind(v: &Value) -> &'static str {
    match v {
        Value::Scalar(_) => "ScalarNode",
        Value::Seq(_) => "SequenceNode",
        Value::Map(_) => "MappingNode",
    }
}

/// The text go-yaml keeps in a node's `Value`: a scalar's text, "" for
/// collections and for null.
fn node_text(v: &Value) -> &str {
    match v {
        Value::Scalar(s) if s.tag != Tag::Null => &s.text,
        Value::Scalar(s) => &s.text,
        _ => "",
    }
}

/// kyaml's `GetValue`: "" for null.
fn get_value(v: &Value) -> &str {
    if v.is_null() {
        ""
    } else {
        node_text(v)
    }
}

fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Scalar(_) => v.is_null(),
        Value::Seq(s) => s.is_empty(),
        Value::Map(m) => m.is_empty(),
    }
}

fn is_empty_map(v: &Value) -> bool {
    v.is_null() || matches!(v, Value::Map(m) if m.is_empty())
}

/// A scalar kyaml makes with `NewScalarRNode` and sets with `SetField`:
/// untagged, quoted when YAML 1.1 would not read it as a string, so a
/// string either way for what the merge sets (merge key values).
fn set_field_scalar(text: &str) -> Value {
    Value::Scalar(Scalar::new(Tag::Str, text.to_string()))
}

/// Merges `patch` into `dest` with the schema `schemas`; `None` when the
/// patch deletes the whole object.
pub fn merge(schemas: &SchemaDoc, dest: Value, patch: Value) -> Result<Option<Value>> {
    let w = Walker { schemas };
    let out = w.walk(Some(dest), Some(patch), None, &mut Vec::new(), false)?;
    Ok(out.map(|o| o.v))
}

struct Walker<'s> {
    schemas: &'s SchemaDoc,
}

impl<'s> Walker<'s> {
    /// kyaml `Walker.GetSchema`: the schema handed down, else the schema of
    /// the type a source declares with `apiVersion` and `kind`.
    fn schema_for(
        &self,
        dest: Option<&Value>,
        origin: Option<&Value>,
        schema: Option<Schema<'s>>,
    ) -> Option<Schema<'s>> {
        if schema.is_some() {
            return schema;
        }
        for v in [dest, origin].into_iter().flatten() {
            if v.is_null() {
                continue;
            }
            let (Some(kind), Some(av)) = (v.str_at(&["kind"]), v.str_at(&["apiVersion"])) else {
                continue;
            };
            if kind.is_empty() || av.is_empty() {
                continue;
            }
            if let Some(s) = self.schemas.for_type(av, kind) {
                return Some(s);
            }
        }
        None
    }

    fn walk(
        &self,
        dest: Option<Value>,
        origin: Option<Value>,
        schema: Option<Schema<'s>>,
        path: &mut Vec<String>,
        aliased: bool,
    ) -> Result<Option<Out>> {
        crate::yaml::deep(|| self.walk_inner(dest, origin, schema, path, aliased))
    }

    // Body of `walk`, run with stack to spare.
    fn walk_inner(
        &self,
        dest: Option<Value>,
        origin: Option<Value>,
        schema: Option<Schema<'s>>,
        path: &mut Vec<String>,
        aliased: bool,
    ) -> Result<Option<Out>> {
        let schema = self.schema_for(dest.as_ref(), origin.as_ref(), schema);
        let first = [dest.as_ref(), origin.as_ref()]
            .into_iter()
            .flatten()
            .find(|v| !v.is_null());
        let kind = first.map(node_kind);
        if let Some(kind) = kind {
            for v in [dest.as_ref(), origin.as_ref()].into_iter().flatten() {
                if !v.is_null() && node_kind(v) != kind {
                    return Err(Error::new(format!(
                        "wrong node kind: expected {kind} but got {}: node contents:\n{}",
                        node_kind(v),
                        crate::yaml::emit_stream([v]).unwrap_or_default().trim_end()
                    )));
                }
            }
        }
        match kind {
            Some("SequenceNode") => {
                if schema.is_some_and(|s| s.has_merge_strategy()) {
                    self.walk_assoc_seq(dest, origin, schema, path, aliased)
                } else {
                    // Non-associative list: the patch's list replaces.
                    Ok(match origin {
                        Some(mut o) => {
                            // merge2's `SetStyle`: the patch list takes the
                            // style of the resource list it replaces, so over a
                            // flow list its bare `-` items read back as "" and
                            // its timestamps keep their spelling, over a block
                            // one its own flow items are plain again (seen with
                            // kustomize v5.8.1). An empty resource list counts
                            // as missing. Under an element or field the patch
                            // adds (`aliased`), the dest is the patch's own
                            // list: nothing is replaced.
                            if let Some(d) = dest
                                .as_ref()
                                .filter(|d| !aliased && d.as_seq().is_some_and(|d| !d.is_empty()))
                            {
                                o.set_flow_style(d.is_flow());
                            }
                            Some(Out::origin(o))
                        }
                        None => dest.map(Out::dest),
                    })
                }
            }
            Some("ScalarNode") => Ok(match origin {
                // merge2's `SetStyle`: the patch's scalar takes the style of
                // the one it replaces (`targetPort: "8443"` patched with
                // 9443 prints "9443").
                Some(o) => Some(Out::origin(match dest.as_ref() {
                    Some(Value::Scalar(d)) if !o.is_null() => match o.into_scalar() {
                        Ok(s) => Value::Scalar(d.restyle(s)),
                        Err(o) => o,
                    },
                    _ => o,
                })),
                None => dest.map(Out::dest),
            }),
            _ => self.walk_map(dest, origin, schema, path, aliased),
        }
    }

    fn walk_map(
        &self,
        dest: Option<Value>,
        mut origin: Option<Value>,
        schema: Option<Schema<'s>>,
        path: &mut Vec<String>,
        mut aliased: bool,
    ) -> Result<Option<Out>> {
        let mut is_dest = true;
        let mut dest = if is_null(dest.as_ref()) {
            // Add: the patch's subtree, unless it deletes itself.
            let ps = match origin.as_mut() {
                Some(o) => map_directive(o).unwrap_or(Directive::Unknown),
                None => Directive::Merge,
            };
            if ps == Directive::Delete {
                return Ok(None);
            }
            if let (None, Some(d)) = (&origin, &dest) {
                // A null the resource wrote out (`null`, `~`) survives, and
                // so does an empty node a setter created without a tag.
                if !node_text(d).is_empty() || is_untagged(d) {
                    return Ok(Some(Out {
                        v: d.clone(),
                        keep_null: true,
                        is_dest: true,
                    }));
                }
            }
            let Some(o) = origin.as_ref() else {
                return Ok(None);
            };
            aliased = true;
            is_dest = false;
            o.clone()
        } else {
            if origin.as_ref().is_some_and(Value::is_null) {
                return Ok(None);
            }
            let ps = match origin.as_mut() {
                Some(o) => map_directive(o)?,
                None => Directive::Merge,
            };
            match ps {
                Directive::Delete => return Ok(None),
                Directive::Replace => {
                    aliased = true;
                    is_dest = false;
                    origin.clone().expect("a directive comes from the patch")
                }
                _ => dest.expect("dest checked non-null"),
            }
        };
        if aliased {
            // The two sources are one node: what was elided from the patch
            // is gone from the dest too.
            if let Some(o) = &origin {
                dest = o.clone();
            }
        }
        let Value::Map(_) = dest else {
            // A null node: nothing to walk.
            return Ok(Some(Out {
                v: dest,
                keep_null: false,
                is_dest,
            }));
        };
        let mut keys: Vec<String> = Vec::new();
        for src in [Some(&dest), origin.as_ref()].into_iter().flatten() {
            if let Value::Map(m) = src {
                keys.extend(m.keys().cloned());
            }
        }
        keys.sort();
        keys.dedup();
        let mut out = dest.into_map().expect("checked a mapping above");
        for key in keys {
            let child_schema = schema.and_then(|s| s.field(&key));
            // Moved out, not cloned (set_field puts or removes each key):
            // a clone per level is quadratic in a deep document.
            let dv = out.get_mut(&key).map(std::mem::take);
            let ov = origin
                .as_mut()
                .and_then(|o| o.get_mut(&key))
                .map(std::mem::take);
            path.push(key.clone());
            let r = self.walk(dv, ov, child_schema, path, aliased)?;
            path.pop();
            set_field(&mut out, &key, r);
        }
        Ok(Some(Out {
            v: Value::from_map(out),
            keep_null: false,
            is_dest,
        }))
    }

    fn walk_assoc_seq(
        &self,
        dest: Option<Value>,
        mut origin: Option<Value>,
        schema: Option<Schema<'s>>,
        path: &mut Vec<String>,
        mut aliased: bool,
    ) -> Result<Option<Out>> {
        let dest = if is_null(dest.as_ref()) {
            let Some(o) = origin.as_ref() else {
                return Ok(None);
            };
            aliased = true;
            o.clone()
        } else {
            if origin.as_ref().is_some_and(Value::is_null) {
                return Ok(None);
            }
            let ps = match origin.as_mut() {
                Some(o) => seq_directive(o)?,
                None => Directive::Merge,
            };
            match ps {
                Directive::Delete => return Ok(None),
                Directive::Replace => {
                    aliased = true;
                    origin.clone().expect("a directive comes from the patch")
                }
                _ => dest.expect("dest checked non-null"),
            }
        };
        let dest = if aliased {
            origin.clone().unwrap_or(dest)
        } else {
            dest
        };
        let dest_list = match dest.into_seq() {
            Ok(list) => list,
            Err(dest) => return Ok(Some(Out::origin(dest))),
        };
        let origin_list: Option<Vec<Value>> = origin.and_then(|o| o.into_seq().ok());
        let (_, keys) = schema.map(|s| s.strategy_and_keys()).unwrap_or_default();
        let elem_schema = schema.and_then(|s| s.elements());
        let values = element_values(&keys, &dest_list, origin_list.as_deref());
        let merged = if !values.is_empty() || !keys.is_empty() {
            self.set_elements(
                values,
                &keys,
                dest_list,
                origin_list.as_deref(),
                elem_schema,
                path,
                aliased,
            )?
        } else {
            // A primitive associative list (finalizers): merged by value.
            let values = primitive_values(&dest_list, origin_list.as_deref());
            self.set_elements(
                values,
                &[String::new()],
                dest_list,
                origin_list.as_deref(),
                elem_schema,
                path,
                aliased,
            )?
        };
        Ok(Some(Out::origin(Value::from_seq(merged))))
    }

    /// kyaml `setAssociativeSequenceElements`: walks the elements each key
    /// tuple names in both lists, collects the results (patch order first),
    /// then appends the dest's elements, replacing those with equal keys.
    #[allow(clippy::too_many_arguments)]
    fn set_elements(
        &self,
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        mut dest: Vec<Value>,
        origin: Option<&[Value]>,
        elem_schema: Option<Schema<'s>>,
        path: &mut Vec<String>,
        aliased: bool,
    ) -> Result<Vec<Value>> {
        let mut items: Vec<Value> = Vec::new();
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let (vk, vv) = validate_keys(&values_list, values, keys);
            valid_keys = vk.clone();
            let (k2, v2) = validate_keys(std::slice::from_ref(&vv), &vv, &vk);
            let d_idx = element_index(&dest, &k2, &v2);
            let o_el = origin.and_then(|o| element_index(o, &k2, &v2).map(|i| o[i].clone()));
            let d_el = d_idx.map(|i| dest[i].clone());
            let r = self.walk(d_el, o_el, elem_schema, path, aliased)?;
            let mut exit = false;
            let mut val = r;
            for (i, key) in vk.iter().enumerate() {
                match &mut val {
                    Some(o) if !is_empty_map(&o.v) => {
                        if key.is_empty() {
                            // A primitive element is rewritten with its text.
                            if !vv[i].is_empty() {
                                o.v = set_field_scalar(&vv[i]);
                            }
                        } else if let Value::Map(m) = &mut o.v {
                            if !m.contains_key(key) && !vv[i].is_empty() {
                                m.insert(key.clone(), set_field_scalar(&vv[i]));
                            }
                        }
                    }
                    _ => {
                        element_setter(&mut dest, None, &vk, &vv)?;
                        exit = true;
                    }
                }
            }
            if exit {
                continue;
            }
            let Some(val) = val else { continue };
            if val.is_dest {
                // The dest element was merged in place.
                if let Some(i) = d_idx {
                    if i < dest.len() {
                        dest[i] = val.v.clone();
                    }
                }
            }
            element_setter(&mut items, Some(val.v), &vk, &vv)?;
        }
        if values_list.is_empty() {
            return Ok(dest);
        }
        append_list(&mut items, dest, &valid_keys)?;
        Ok(items)
    }
}

/// kyaml `FieldSetter`: a missing value or a null the patch asked for
/// removes the field; anything else sets it.
fn set_field(m: &mut Map, key: &str, r: Option<Out>) {
    match r {
        None => {
            m.shift_remove(key);
        }
        // Only a node tagged null clears the field (kyaml's `IsTaggedNull`):
        // an untagged empty one a setter created stays, printed as null.
        Some(o) if o.v.is_null() && !o.keep_null && !is_untagged(&o.v) => {
            m.shift_remove(key);
        }
        Some(mut o) => {
            // Seen with kustomize v5.8.1: a field the merge walks keeps its
            // value but a node a setter created without a tag (a replacement's
            // `create`) comes out a string (`010` then prints "010", not 8;
            // `~` prints "~"), unless it is empty (still null); items of a
            // list that is replaced whole are not walked.
            if let Value::Scalar(s) = &mut o.v {
                if s.untagged && !s.text.is_empty() {
                    s.untagged = false;
                    s.tag = Tag::Str;
                }
            }
            m.insert(key.to_string(), o.v);
        }
    }
}

fn is_untagged(v: &Value) -> bool {
    matches!(v, Value::Scalar(s) if s.untagged)
}

fn parse_directive(v: &str) -> Option<Directive> {
    match v {
        "delete" => Some(Directive::Delete),
        "replace" => Some(Directive::Replace),
        "merge" => Some(Directive::Merge),
        _ => None,
    }
}

/// The `$patch` of a patch map, removed from it.
fn map_directive(patch: &mut Value) -> Result<Directive> {
    match patch {
        Value::Map(m) => {
            let Some(v) = m.get(DIRECTIVE) else {
                return Ok(Directive::Merge);
            };
            let text = node_text(v).to_string();
            match parse_directive(&text) {
                Some(d) => {
                    m.shift_remove(DIRECTIVE);
                    Ok(d)
                }
                None => Err(Error::new(format!("unknown patch strategy '{text}'"))),
            }
        }
        Value::Seq(_) => seq_directive(patch),
        Value::Scalar(s) => Err(Error::new(format!(
            "no implemented strategic merge patch strategy for '{}' ('{}')",
            s.tag.short_name(),
            s.text
        ))),
    }
}

/// The `$patch` element of a patch list (a map holding only `$patch`),
/// removed from it.
fn seq_directive(patch: &mut Value) -> Result<Directive> {
    let Value::Seq(items) = patch else {
        return map_directive(patch);
    };
    let Some(el) = items
        .iter()
        .find(|e| matches!(e, Value::Map(m) if m.contains_key(DIRECTIVE)))
    else {
        return Ok(Directive::Merge);
    };
    let Value::Map(m) = el else {
        return Ok(Directive::Merge);
    };
    if m.len() > 1 {
        return Ok(Directive::Merge);
    }
    let text = node_text(&m[DIRECTIVE]).to_string();
    match parse_directive(&text) {
        Some(d) => {
            element_setter(items, None, &[DIRECTIVE.to_string()], &[text])?;
            Ok(d)
        }
        None => Err(Error::new(format!("unknown patch strategy '{text}'"))),
    }
}

/// kyaml `ElementValuesList` over the patch's elements, then the dest's:
/// each element's merge key values ("" when a key is missing), first
/// occurrence only.
fn element_values(keys: &[String], dest: &[Value], origin: Option<&[Value]>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for src in [origin, Some(dest)].into_iter().flatten() {
        for el in src {
            let vals: Vec<String> = keys
                .iter()
                .map(|k| match el {
                    Value::Map(m) => match m.get(k) {
                        Some(v) if !is_nil_or_empty(v) => node_text(v).to_string(),
                        _ => String::new(),
                    },
                    _ => String::new(),
                })
                .collect();
            if vals.is_empty() || out.contains(&vals) {
                continue;
            }
            out.push(vals);
        }
    }
    out
}

/// The values of a primitive list, patch first, each once.
fn primitive_values(dest: &[Value], origin: Option<&[Value]>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for src in [origin, Some(dest)].into_iter().flatten() {
        for el in src {
            let v = vec![node_text(el).to_string()];
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// kyaml `validateKeys`: only the keys some element has a value for (all
/// keys when none has any).
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut valid: Vec<&String> = Vec::new();
    for vals in values_list {
        for (i, v) in vals.iter().enumerate() {
            if !v.is_empty() && i < keys.len() && !valid.contains(&&keys[i]) {
                valid.push(&keys[i]);
            }
        }
    }
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let vk: Vec<String> = keys.iter().filter(|k| valid.contains(k)).cloned().collect();
    let vv: Vec<String> = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(&k)))
        .map(|(_, v)| v.clone())
        .collect();
    (vk, vv)
}

/// kyaml `mergeValues`: key tuples that differ only where one side is
/// empty are the same element.
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        for j in 0..list.len() {
            if let Some(v) = match_values(&list[i], &list[j]) {
                list[i] = v.clone();
                list[j] = v;
            }
        }
    }
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut res = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            res.push(x.clone());
            continue;
        }
        if !x.is_empty() && !y.is_empty() {
            return None;
        }
        res.push(if x.is_empty() { y.clone() } else { x.clone() });
    }
    common.then_some(res)
}

/// kyaml `ElementMatcher` (via `ElementList`): the first element whose
/// fields `keys` have exactly the texts `values`; for a primitive list
/// (key ""), the first element with that text.
fn element_index(list: &[Value], keys: &[String], values: &[String]) -> Option<usize> {
    if keys.is_empty() || keys[0].is_empty() {
        let want = values.first().map_or("", String::as_str);
        return list.iter().position(|e| node_text(e) == want);
    }
    if keys.len() != values.len() {
        return None;
    }
    list.iter().position(|e| {
        let Value::Map(m) = e else { return false };
        keys.iter()
            .zip(values)
            .all(|(k, v)| m.get(k).is_some_and(|f| node_text(f) == v))
    })
}

/// kyaml `FieldMatcher` as `ElementSetter` uses it: an empty value matches
/// any element that has the field.
fn field_matches(item: &Value, name: &str, value: &str) -> Result<bool> {
    if item.is_null() {
        return Ok(false);
    }
    if name.is_empty() {
        if !matches!(item, Value::Scalar(_)) {
            return Err(Error::new(format!(
                "wrong node kind: expected ScalarNode but got {}",
                node_kind(item)
            )));
        }
        return Ok(get_value(item) == value);
    }
    let Value::Map(m) = item else {
        return Err(Error::new(format!(
            "wrong node kind: expected MappingNode but got {}",
            node_kind(item)
        )));
    };
    Ok(match m.get(name) {
        Some(f) => value.is_empty() || node_text(f) == value,
        None => false,
    })
}

/// kyaml `ElementSetter`: replaces (or, without an element, removes) the
/// elements matching the keys, appending the element when none matched.
/// Null and empty-map elements are dropped on the way, as in kyaml.
fn element_setter(
    list: &mut Vec<Value>,
    element: Option<Value>,
    keys: &[String],
    values: &[String],
) -> Result<()> {
    let empty_key = [String::new()];
    let keys = if keys.is_empty() {
        &empty_key[..]
    } else {
        keys
    };
    let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut out = Vec::with_capacity(list.len() + 1);
    let mut matched = false;
    for item in std::mem::take(list) {
        if is_empty_map(&item) {
            continue;
        }
        if !matches!(item, Value::Map(_)) && mapping_setter {
            out.push(item);
            continue;
        }
        let mut found = false;
        for (j, k) in keys.iter().enumerate() {
            if j < values.len() {
                found = field_matches(&item, k, &values[j])?;
            }
            if !found {
                break;
            }
        }
        if !found {
            if !values.is_empty() {
                out.push(item);
            }
            continue;
        }
        matched = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    *list = out;
    if let Some(e) = element {
        if !e.is_null() && !matched {
            list.push(e);
        }
    }
    Ok(())
}

/// kyaml `appendListNode`: adds the dest's elements to `dst`, replacing
/// elements with the same keys.
fn append_list(dst: &mut Vec<Value>, src: Vec<Value>, keys: &[String]) -> Result<()> {
    for el in src {
        if keys.is_empty() || keys[0].is_empty() {
            let text = node_text(&el).to_string();
            element_setter(dst, Some(el), &[String::new()], &[text])?;
            continue;
        }
        let mut v = Vec::new();
        for k in keys {
            let Value::Map(m) = &el else {
                return Err(Error::new(format!(
                    "wrong node kind: expected MappingNode but got {}",
                    node_kind(&el)
                )));
            };
            match m.get(k) {
                None => dst.push(el.clone()),
                Some(f) => v.push(node_text(f).to_string()),
            }
        }
        if keys.len() > 1 {
            element_setter(dst, None, keys, &v)?;
        }
        element_setter(dst, Some(el), keys, &v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_documents, ParseOptions};

    fn v(src: &str) -> Value {
        parse_documents(src.as_bytes(), &ParseOptions::default()).unwrap()[0]
            .value
            .clone()
    }

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn key_tuples_differing_only_in_blanks_merge() {
        let mut l = vec![s(&["8080", ""]), s(&["8080", "TCP"]), s(&["9090", "UDP"])];
        merge_values(&mut l);
        assert_eq!(l[0], s(&["8080", "TCP"]));
        assert_eq!(l[2], s(&["9090", "UDP"]));
        let (k, vals) = validate_keys(
            &[s(&["80", ""])],
            &s(&["80", ""]),
            &s(&["port", "protocol"]),
        );
        assert_eq!((k, vals), (s(&["port"]), s(&["80"])));
    }

    #[test]
    fn element_setter_empty_value_matches_any_element_with_the_key() {
        let mut list = vec![v("name: a"), v("name: b"), v("image: x"), v("{}")];
        element_setter(&mut list, None, &s(&["name"]), &s(&[""])).unwrap();
        // Both named elements go, the empty map is dropped on the way.
        assert_eq!(list, vec![v("image: x")]);
    }

    #[test]
    fn crd_lists_replace_and_schema_lists_merge() {
        let schemas = super::super::schema::builtin();
        let crd = v("apiVersion: x/v1\nkind: W\nmetadata: {name: w}\nl: [{name: a, v: 1}]");
        let out = merge(&schemas, crd, v("l: [{name: b}]")).unwrap().unwrap();
        assert_eq!(out.get("l"), Some(&v("[{name: b}]")));
        let pod = v("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: i}]}");
        let out = merge(
            &schemas,
            pod,
            v("spec: {containers: [{name: b, image: j}]}"),
        )
        .unwrap()
        .unwrap();
        let names: Vec<&str> = out
            .get_path(&["spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|c| c.str_at(&["name"]).unwrap())
            .collect();
        assert_eq!(names, ["b", "a"]);
    }

    #[test]
    fn delete_directive_removes_the_object_and_unknown_ones_fail() {
        let schemas = super::super::schema::builtin();
        let cm = v("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}");
        assert_eq!(
            merge(&schemas, cm.clone(), v("$patch: delete")).unwrap(),
            None
        );
        let e = merge(&schemas, cm, v("$patch: bogus")).unwrap_err();
        assert_eq!(e.message, "unknown patch strategy 'bogus'");
    }
}
