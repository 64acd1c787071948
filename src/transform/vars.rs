//! The legacy `vars:`: `$(VAR)` references in the varReference fields
//! replaced by values taken from other resources.
//!
//! As in kustomize, a var is tied to its resource when it is declared (the
//! resource records the var's name, so later renames by prefixes or
//! namespaces do not lose it), vars of every level are merged (a name may be
//! declared once), and all are resolved once at the end of the top-level
//! build, after name references are fixed.

use super::fieldspec::{apply_spec, CreateKind, TransformerConfig};
use super::replacements::smarter_split;
use crate::error::{Error, Result};
use crate::kustomization::Var;
use crate::resource::{ResId, ResMap, Resource};
use crate::yaml::gostr::strconv::{atoi, format_float, parse_bool, parse_float, FloatFormat};
use crate::yaml::{Scalar, Tag, Value};
use std::collections::{BTreeMap, BTreeSet};

/// kustomize's `%v` of a var: `{NAME Kind.version.group {fieldPath}}`.
fn describe(v: &Var) -> String {
    format!("{{{} {} {{{}}}}}", v.name, v.obj_ref.gvk, v.field_path)
}

/// Adds one level's vars to those accumulated so far (a name may be declared once).
pub fn merge_vars(acc: &mut Vec<Var>, incoming: &[Var]) -> Result<()> {
    for v in incoming {
        if acc.iter().any(|a| a.name == v.name) {
            return Err(Error::new(format!("var '{}' already encountered", v.name)));
        }
        acc.push(v.clone());
    }
    Ok(())
}

/// Ties each var to the one resource it names, before the var is merged:
/// the resource remembers the var's name in [`Resource::ref_var_names`].
/// An objref without a namespace (of a namespaced kind) matches by kind and
/// name alone; any current or previous id of a resource may match. A var
/// matching two resources is an error; one matching none is only an error
/// when it is resolved.
pub fn record_var_targets(m: &mut ResMap, incoming: &[Var]) -> Result<()> {
    for v in incoming {
        let target = ResId::new(v.obj_ref.gvk.clone(), &v.obj_ref.name, &v.obj_ref.namespace);
        let strict = !target.namespace.is_empty() || target.cluster_scoped;
        let matches = |id: &ResId| {
            if strict {
                id.equals(&target)
            } else {
                id.name == target.name && id.gvk == target.gvk
            }
        };
        let hits: Vec<usize> = (0..m.len())
            .filter(|&i| {
                let r = &m.resources()[i];
                matches(&r.cur_id()) || r.prev_ids().iter().any(&matches)
            })
            .collect();
        match hits.as_slice() {
            [] => {}
            [one] => m.resources_mut()[*one].ref_var_names.push(v.name.clone()),
            many => {
                let list: Vec<String> = incoming.iter().map(describe).collect();
                return Err(Error::new(format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    many.len(),
                    describe(v)
                ))
                .context(format!("merging vars [{}]", list.join(" "))));
            }
        }
    }
    Ok(())
}

/// Adds a sub-kustomization's vars (kustomize's `MergeSet`): a name already
/// known is an error, even when the two declarations are the same (a base
/// reached twice declares its vars twice).
pub fn merge_var_sets(acc: &mut Vec<Var>, incoming: Vec<Var>) -> Result<()> {
    merge_vars(acc, &incoming).map_err(|e| {
        let why = "a var may be declared once in a build, and a base reached twice declares its vars twice";
        Error::new(format!("{} ({why})", e.message))
    })
}

/// A var's value as kustomize reads it from its resource.
#[derive(Clone, Debug, PartialEq)]
enum VarValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A mapping or list: not substituted (kustomize logs "bad replacement type").
    Unusable,
}

impl VarValue {
    /// `fmt.Sprintf("%v", value)`, for a var embedded in a longer string
    /// (`%v` of a float64 is `FormatFloat(f, 'g', -1, 64)`).
    fn embedded(&self, name: &str) -> String {
        match self {
            VarValue::Str(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => format_float(*f, FloatFormat::G, 64),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Unusable => format!("$({name})"),
        }
    }

    /// The node a field holding only `$(NAME)` becomes (refvar's
    /// `updateNodeValue`: a float64 as `FormatFloat(f, 'f', -1, 64)`).
    fn whole(&self, name: &str) -> Value {
        match self {
            VarValue::Int(i) => Value::Scalar(Scalar::new(Tag::Int, i.to_string())),
            VarValue::Bool(b) => Value::bool(*b),
            VarValue::Float(f) => Value::Scalar(Scalar::new(
                Tag::Float,
                format_float(*f, FloatFormat::F, 64),
            )),
            other => Value::string(other.embedded(name)),
        }
    }
}

/// kyaml's `GetFieldValue`: the field at a dotted path (`ports[0]` is
/// `ports.0`), typed by its tag.
fn field_value(r: &Resource, path: &str) -> Option<VarValue> {
    let mut parts = Vec::new();
    for p in smarter_split(path) {
        match slice_index(&p) {
            Some((head, idx)) => {
                if !head.is_empty() {
                    parts.push(head.to_string());
                }
                parts.push(idx.to_string());
            }
            None => parts.push(p),
        }
    }
    let node = lookup(&r.obj, &parts)?;
    Some(match node {
        Value::Map(_) | Value::Seq(_) => VarValue::Unusable,
        Value::Scalar(s) => match s.tag {
            Tag::Str | Tag::Null | Tag::Timestamp => VarValue::Str(s.text.clone()),
            // kyaml reads the node's own text: Atoi (decimal, no `_`, no
            // prefix), ParseFloat (Go syntax), ParseBool.
            Tag::Int => VarValue::Int(atoi(&s.text).ok()?),
            Tag::Float => VarValue::Float(parse_float(&s.text).ok()?),
            Tag::Bool => VarValue::Bool(parse_bool(&s.text).ok()?),
        },
    })
}

/// `name[3]` → (`name`, 3).
fn slice_index(p: &str) -> Option<(&str, &str)> {
    let body = p.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let idx = &body[open + 1..];
    (!idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit())).then(|| (&body[..open], idx))
}

/// A path lookup without create (kyaml's `PathGetter`).
fn lookup<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    super::common::path_get(obj, path)
}

/// [`resolve_vars`], returning the names of the vars no field referred to
/// (kustomize logs them as "well-defined vars that were never replaced").
pub fn resolve_vars_reporting(
    m: &mut ResMap,
    vars: &[Var],
    tc: &TransformerConfig,
) -> Result<Vec<String>> {
    let mut values: BTreeMap<String, VarValue> = BTreeMap::new();
    let mut sorted: Vec<&Var> = vars.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for v in sorted {
        let owner = m
            .resources()
            .iter()
            .find(|r| r.ref_var_names.iter().any(|n| n == &v.name));
        let Some(owner) = owner else {
            return Err(Error::new(format!(
                "var '{}' cannot be mapped to a field in the set of known resources (no resource matches its objref {}/{})",
                describe(v),
                v.obj_ref.gvk,
                v.obj_ref.name
            )));
        };
        let value = field_value(owner, &v.field_path).ok_or_else(|| {
            Error::new(format!(
                "field specified in var '{}' not found in corresponding resource {}",
                describe(v),
                owner.cur_id()
            ))
        })?;
        values.insert(v.name.clone(), value);
    }
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    for r in m.resources_mut() {
        let id = r.cur_id();
        for fs in &tc.var_reference {
            apply_spec(&mut r.obj, fs, CreateKind::Nothing, &mut |node| {
                substitute_node(node, &values, &mut used)
            })
            .map_err(|e| e.context(format!("substituting vars in {id}")))?;
        }
    }
    Ok(values
        .keys()
        .filter(|k| !used.contains(*k))
        .cloned()
        .collect())
}

/// Substitutes in one field: a string, the string values of a mapping, or
/// the items of a list (which must all be strings). A string is kyaml's
/// `IsYNodeString`: tagged `!!str` or untagged (a setter's fresh `+1`),
/// and the result is tagged `!!str` either way, so `+1` prints `"+1"`.
fn substitute_node(
    node: &mut Value,
    values: &BTreeMap<String, VarValue>,
    used: &mut BTreeSet<String>,
) -> Result<()> {
    match node {
        Value::Scalar(s) if is_string(s) => {
            *node = expand(&s.text, values, used);
        }
        Value::Scalar(_) => {}
        Value::Map(m) => {
            for (_, v) in m.iter_mut() {
                if let Value::Scalar(s) = v {
                    if is_string(s) {
                        *v = expand(&s.text, values, used);
                    }
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                match item {
                    Value::Scalar(s) if is_string(s) => {
                        *item = expand(&s.text, values, used);
                    }
                    _ => return Err(Error::new("invalid value type expect a string")),
                }
            }
        }
    }
    Ok(())
}

/// Whether refvar takes the node for a string. A plain scalar that is a
/// string only once go-yaml re-encodes its flow collection (`plain_in_flow`:
/// `[a, 2024-01-01T00:00:00.000Z]`, a bare `-` patched into a flow list)
/// still has its own tag when vars run, so it is not one.
fn is_string(s: &Scalar) -> bool {
    (s.tag == Tag::Str && !s.plain_in_flow) || s.untagged
}

/// kustomize's `DoReplacements`: `$(NAME)` becomes the var's value (a field
/// that is exactly `$(NAME)` takes its type), `$$` is a literal `$`, and
/// unknown names are left as written.
fn expand(input: &str, values: &BTreeMap<String, VarValue>, used: &mut BTreeSet<String>) -> Value {
    let mut lookup = |name: &str| -> Option<&VarValue> {
        let v = values.get(name)?;
        if *v != VarValue::Unusable {
            used.insert(name.to_string());
        }
        Some(v)
    };
    let bytes = input.as_bytes();
    let mut out = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < bytes.len() {
        if bytes[cursor] == b'$' && cursor + 1 < bytes.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let advance;
            match rest.as_bytes()[0] {
                b'$' => {
                    out.push('$');
                    advance = 1;
                }
                b'(' => match rest.find(')') {
                    Some(close) => {
                        let name = &rest[1..close];
                        let mapped = lookup(name);
                        if input.len() == name.len() + 3 {
                            // The whole field is one reference.
                            return match mapped {
                                Some(v) => v.whole(name),
                                None => Value::string(input),
                            };
                        }
                        match mapped {
                            Some(v) => out.push_str(&v.embedded(name)),
                            None => out.push_str(&format!("$({name})")),
                        }
                        advance = close + 1;
                    }
                    None => {
                        out.push_str("$(");
                        advance = 1;
                    }
                },
                _ => {
                    // `$` followed by another character: both kept (the
                    // character may be multi-byte, so copy it whole).
                    let c = rest.chars().next().expect("non-empty");
                    out.push('$');
                    out.push(c);
                    advance = c.len_utf8();
                }
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    if checkpoint < input.len() {
        out.push_str(&input[checkpoint..]);
    }
    Value::string(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals() -> BTreeMap<String, VarValue> {
        let mut m = BTreeMap::new();
        m.insert("A".to_string(), VarValue::Str("svc".into()));
        m.insert("N".to_string(), VarValue::Int(80));
        m.insert("M".to_string(), VarValue::Unusable);
        m
    }

    fn run(s: &str) -> Value {
        expand(s, &vals(), &mut BTreeSet::new())
    }

    #[test]
    fn expands_references() {
        assert_eq!(run("http://$(A):$(N)/"), Value::string("http://svc:80/"));
        assert_eq!(run("$(N)"), Value::int(80));
        assert_eq!(run("$(X)"), Value::string("$(X)"));
        assert_eq!(run("$$(A)"), Value::string("$(A)"));
        assert_eq!(run("a$(b"), Value::string("a$(b"));
        assert_eq!(run("cost $5$"), Value::string("cost $5$"));
        assert_eq!(run("$(M)"), Value::string("$(M)"));
        assert_eq!(run("é$é"), Value::string("é$é"));
    }

    #[test]
    fn counts_used_vars() {
        let mut used = BTreeSet::new();
        expand("$(A) $(M) $(X)", &vals(), &mut used);
        assert_eq!(used.into_iter().collect::<Vec<_>>(), ["A"]);
    }

    #[test]
    fn slice_indices() {
        assert_eq!(slice_index("ports[0]"), Some(("ports", "0")));
        assert_eq!(slice_index("[12]"), Some(("", "12")));
        assert_eq!(slice_index("[a=b]"), None);
    }
}
