//! The name-reference pass (kustomize's `FixBackReferences`), run once at
//! the end of a build: wherever a resource names another (a Deployment's
//! ConfigMap volume, a RoleBinding's roleRef...) and that other resource was
//! renamed (prefix, suffix, hash, namespace...), the reference is updated to
//! the new name, and the referral records who referred to it (refBy).
//!
//! Candidate selection follows kustomize's sieve exactly: a referral must
//! once have had the referenced name and the referenced kind; for
//! `roleRef/name` the roleRef's apiGroup and kind; it must be cluster-scoped,
//! a ServiceAccount, or in the referrer's namespace; then name prefixes and
//! suffixes must agree (first allowing an empty side, then strictly).

use super::common::{restyled, scalar, set_scalar};
use super::fieldspec::{apply_path, CreateKind, NameBackRef};
use crate::error::{Error, Result};
use crate::kustomization::{FieldSpec, Gvk};
use crate::kustomization::{Segment, SpecPath};
use crate::resource::{ResId, ResMap, Resource};
use crate::yaml::{Map, Value};
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// Maps looked up per reference: a fast hasher (no order is read from them).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// One pending update of a referrer: which field, pointing at which kind.
struct Pending<'a> {
    spec: &'a FieldSpec,
    target: &'a Gvk,
}

/// What the sieve reads of each resource, computed once: none of it
/// changes during the pass (only referrers' reference fields and the
/// referrals' refBy annotations do).
struct Facts {
    /// The current id (its name, namespace and kind as the resource has them).
    cur: ResId,
    prev: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Facts {
    fn of(r: &Resource) -> Facts {
        Facts {
            cur: r.cur_id(),
            prev: r.prev_ids(),
            prefixes: r.name_prefixes(),
            suffixes: r.name_suffixes(),
        }
    }

    /// The original id: the oldest previous one, or the current one.
    fn org(&self) -> &ResId {
        self.prev.first().unwrap_or(&self.cur)
    }

    /// kustomize's `PrefixesSuffixesEquals`.
    fn affixes_agree(&self, o: &Facts, allow_empty: bool) -> bool {
        let (p1, p2, s1, s2) = (&self.prefixes, &o.prefixes, &self.suffixes, &o.suffixes);
        if allow_empty {
            (p1.is_empty() || p2.is_empty() || same_ending(p1, p2))
                && (s1.is_empty() || s2.is_empty() || same_ending(s1, s2))
        } else {
            same_ending(p1, p2) && same_ending(s1, s2)
        }
    }
}

/// Whether the shorter list ends the longer one (two empty lists agree).
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

/// The facts of every resource, and an index from previous names.
struct World {
    facts: Vec<Facts>,
    by_prev_name: HashMap<String, Vec<usize>>,
}

/// Updates every name reference in `m` per the nameReference table.
pub fn fix_name_references(m: &mut ResMap, backrefs: &[NameBackRef]) -> Result<()> {
    let facts: Vec<Facts> = m.resources().iter().map(Facts::of).collect();
    let mut by_prev_name: HashMap<String, Vec<usize>> = HashMap::default();
    // Resources by original kind: most specs name one kind.
    let mut by_org_kind: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, f) in facts.iter().enumerate() {
        let names: HashSet<&str> = f.prev.iter().map(|id| id.name.as_str()).collect();
        for n in names {
            by_prev_name.entry(n.to_string()).or_default().push(i);
        }
        by_org_kind
            .entry(f.org().gvk.kind.as_str())
            .or_default()
            .push(i);
    }
    // Filters per referrer, in table order, selected by original id
    // (kustomize keys a map by resource; the order of referrers does not
    // change the result, so document order is used).
    let mut filters: Vec<Vec<Pending>> = (0..m.len()).map(|_| Vec::new()).collect();
    let all: Vec<usize> = (0..facts.len()).collect();
    for br in backrefs {
        for spec in &br.field_specs {
            let pool = if spec.gvk.kind.is_empty() {
                &all
            } else {
                match by_org_kind.get(spec.gvk.kind.as_str()) {
                    Some(pool) => pool,
                    None => continue,
                }
            };
            for &i in pool {
                if facts[i].org().gvk.is_selected_by(&spec.gvk) {
                    filters[i].push(Pending {
                        spec,
                        target: &br.gvk,
                    });
                }
            }
        }
    }
    drop(by_org_kind);
    let world = World {
        facts,
        by_prev_name,
    };
    let mut memo = Referable::default();
    for (i, list) in filters.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let candidates = memo.of(m, &world, i)?;
        for p in list {
            apply_filter(m, &world, i, &candidates, &p)?;
        }
    }
    Ok(())
}

/// The candidate lists of [`referable_by`], kept per effective namespace:
/// for any referrer but a RoleBinding that is all the list depends on.
#[derive(Default)]
struct Referable {
    cluster: Option<Rc<[usize]>>,
    by_namespace: HashMap<String, Rc<[usize]>>,
}

impl Referable {
    fn of(&mut self, m: &ResMap, w: &World, referrer: usize) -> Result<Rc<[usize]>> {
        let rid = &w.facts[referrer].cur;
        if rid.cluster_scoped {
            let all = self.cluster.get_or_insert_with(|| (0..m.len()).collect());
            return Ok(all.clone());
        }
        if m.resources()[referrer].kind() == "RoleBinding" {
            return Ok(referable_by(m, w, referrer)?.into());
        }
        let ns = rid.effective_namespace();
        if let Some(list) = self.by_namespace.get(ns) {
            return Ok(list.clone());
        }
        let list: Rc<[usize]> = referable_by(m, w, referrer)?.into();
        self.by_namespace.insert(ns.to_string(), list.clone());
        Ok(list)
    }
}

/// kustomize's `SubsetThatCouldBeReferencedByResource`: everything for a
/// cluster-scoped referrer; otherwise cluster-scoped resources, those in
/// the referrer's namespace, and for a RoleBinding those in the namespaces
/// of its ServiceAccount subjects. Indices, ascending.
fn referable_by(m: &ResMap, w: &World, referrer: usize) -> Result<Vec<usize>> {
    let rid = &w.facts[referrer].cur;
    if rid.cluster_scoped {
        return Ok((0..m.len()).collect());
    }
    let rb_namespaces = role_binding_namespaces(&m.resources()[referrer], rid)?;
    Ok((0..m.len())
        .filter(|&j| {
            let t = &w.facts[j];
            t.cur.cluster_scoped || t.cur.ns_equals(rid) || rb_namespaces.contains(&t.cur.namespace)
        })
        .collect())
}

/// Namespaces of a RoleBinding's ServiceAccount subjects.
fn role_binding_namespaces(r: &Resource, rid: &ResId) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    if r.kind() != "RoleBinding" {
        return Ok(out);
    }
    let Some(Value::Seq(subjects)) = r.obj.get("subjects") else {
        return Ok(out);
    };
    for s in subjects {
        let (Some(ns), Some(kind)) = (s.get("namespace"), s.get("kind")) else {
            continue;
        };
        if kind.as_str() != Some("ServiceAccount") {
            continue;
        }
        match ns.as_str() {
            Some(n) => {
                out.insert(n.to_string());
            }
            None => {
                return Err(Error::new(format!(
                    "Invalid Input: namespace is blank for resource \"{rid}\"\n"
                )))
            }
        }
    }
    Ok(out)
}

/// Applies one filter to the referrer. As in kyaml, the referrer is
/// updated in place (an error shows it half-updated, as kustomize's does)
/// and each referral is told who referred to it as it is found.
fn apply_filter(
    m: &mut ResMap,
    w: &World,
    referrer: usize,
    candidates: &[usize],
    p: &Pending,
) -> Result<()> {
    let rid = &w.facts[referrer].cur;
    let obj = &m.resources()[referrer].obj;
    // Most specs name fields the referrer does not have: check before
    // taking the object out of the map.
    if !reaches(obj, &p.spec.path) {
        return Ok(());
    }
    let ctx = Ctx {
        w,
        referrer,
        candidates,
        target: p.target,
        role: role_ref_gvk(&p.spec.path, obj),
        ambiguous: RefCell::new(None),
    };
    let mut obj = std::mem::take(&mut m.resources_mut()[referrer].obj);
    // A referrer naming itself is told once its object is back.
    let mut self_refs = 0;
    // The spec was matched on the original id; the walk is on the current object.
    let walked = apply_path(
        &mut obj,
        &p.spec.path,
        p.spec.create,
        CreateKind::Nothing,
        &mut |node| {
            ctx.set(node, &mut |j| {
                if j == referrer {
                    self_refs += 1;
                } else {
                    m.resources_mut()[j].append_ref_by(rid);
                }
            })
        },
    );
    let walked = walked.map_err(|mut e| {
        if let Some(c) = ctx.ambiguous.take() {
            e.message = ambiguity(m, &obj, referrer, &c, w);
        }
        e.context(format!(
            "updating name reference in '{}' field of '{}'",
            p.spec.path, rid
        ))
    });
    let r = &mut m.resources_mut()[referrer];
    r.obj = obj;
    for _ in 0..self_refs {
        r.append_ref_by(rid);
    }
    walked
}

/// kustomize's error for a reference with several possible referrals; the
/// referrer is printed as it stands (`obj`), the candidates from the map.
fn ambiguity(m: &ResMap, obj: &Value, referrer: usize, c: &[usize], w: &World) -> String {
    let ids: Vec<String> = c.iter().map(|&j| w.facts[j].cur.to_string()).collect();
    let mut details = format!(
        "\n**** Too many possible referral targets to referrer:\n{}\n",
        yaml_of(obj)
    );
    for (n, &j) in c.iter().enumerate() {
        let res = if j == referrer {
            obj
        } else {
            &m.resources()[j].obj
        };
        details.push_str(&format!("--- possible referral {n}:\n{}\n", yaml_of(res)));
    }
    format!(
        "found multiple possible referrals: {}\n{details}",
        ids.join(", ")
    )
}

/// For a `roleRef/name` field, the roleRef's apiGroup and kind; `None`
/// (accept all) when not such a field or the roleRef is incomplete.
fn role_ref_gvk(path: &str, obj: &Value) -> Option<Gvk> {
    if !path.ends_with("roleRef/name") {
        return None;
    }
    let rr = obj.get("roleRef")?;
    let group = rr.get("apiGroup")?.as_scalar_text()?;
    let kind = rr.get("kind")?.as_scalar_text()?;
    Some(Gvk::new(group, "", kind))
}

/// Whether a spec path leads to at least one non-null node of `v`
/// (lists along the way entered element by element, as the walk does).
fn reaches(v: &Value, path: &SpecPath) -> bool {
    reaches_at(v, path.segments())
}

/// [`reaches`] from a node, with the segments left.
fn reaches_at(v: &Value, path: &[Segment]) -> bool {
    crate::yaml::deep(|| reaches_inner(v, path))
}

// Body of `reaches_at`, run with stack to spare.
fn reaches_inner(v: &Value, path: &[Segment]) -> bool {
    let Some((seg, rest)) = path.split_first() else {
        return !v.is_null();
    };
    match v {
        Value::Map(m) => m
            .get(seg.name.as_str())
            .is_some_and(|f| reaches_at(f, rest)),
        Value::Seq(items) => items.iter().any(|i| reaches_at(i, path)),
        // The walk reports a scalar in the middle of a path: let it.
        Value::Scalar(_) => !v.is_null(),
    }
}

/// What one filter needs while walking.
struct Ctx<'a> {
    w: &'a World,
    referrer: usize,
    candidates: &'a [usize],
    target: &'a Gvk,
    /// The roleRef's group and kind, for a `roleRef/name` field.
    role: Option<Gvk>,
    /// The candidates, when a reference had several: the caller builds
    /// the error's text, which shows the whole referrer.
    ambiguous: RefCell<Option<Vec<usize>>>,
}

/// Tells a referral (by index) that the referrer names it.
type Record<'r> = dyn FnMut(usize) + 'r;

impl Ctx<'_> {
    fn facts(&self, i: usize) -> &Facts {
        &self.w.facts[i]
    }

    fn set(&self, node: &mut Value, referred: &mut Record) -> Result<()> {
        match node {
            v if v.is_null() => Ok(()),
            Value::Scalar(_) => self.set_scalar(node, referred),
            Value::Map(_) => self.set_mapping(node, referred),
            Value::Seq(items) => {
                for item in items {
                    match item {
                        v if v.is_null() => {}
                        Value::Scalar(_) => self.set_scalar(item, referred)?,
                        Value::Map(_) => self.set_mapping(item, referred)?,
                        Value::Seq(_) => {
                            return Err(Error::new(
                                "a sequence element is expected to be either a string or a map of string",
                            ))
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn set_scalar(&self, node: &mut Value, referred: &mut Record) -> Result<()> {
        let old = node.as_scalar_text().unwrap_or("").to_string();
        let Some(j) = self.select(&old, self.candidates, false)? else {
            return Ok(());
        };
        referred(j);
        let new = &self.facts(j).cur.name;
        if *new != old {
            set_scalar(node, new, None)?;
        }
        Ok(())
    }

    fn set_mapping(&self, node: &mut Value, referred: &mut Record) -> Result<()> {
        let map = node.as_map().expect("mapping");
        let Some(name) = map.get("name") else {
            return Err(Error::new("path config error; no 'name' field in node"));
        };
        let old = name.as_scalar_text().unwrap_or("").to_string();
        let found = match map.get("namespace") {
            None => self.select(&old, self.candidates, true)?,
            Some(ns) => {
                let ns = ns.as_scalar_text().unwrap_or("");
                self.select(&old, &self.in_namespace(ns), true)?
            }
        };
        let Some(j) = found else {
            return Ok(());
        };
        referred(j);
        let referral = self.facts(j);
        let (new, new_ns) = (&referral.cur.name, &referral.cur.namespace);
        if *new == old && new_ns.is_empty() {
            return Ok(());
        }
        // kyaml sets both with an empty tag, keeping an existing field's style.
        let map = node.as_map_mut().expect("mapping");
        set_field(map, "name", new);
        if !new_ns.is_empty() {
            set_field(map, "namespace", new_ns);
        }
        Ok(())
    }

    /// Candidates whose original namespace is `ns`, or failing any, whose
    /// current one is (cluster-scoped ones never match).
    fn in_namespace(&self, ns: &str) -> Vec<usize> {
        let by = |original: bool| -> Vec<usize> {
            self.candidates
                .iter()
                .copied()
                .filter(|&j| {
                    let f = self.facts(j);
                    let id = if original { f.org() } else { &f.cur };
                    let eff = id.effective_namespace();
                    !id.cluster_scoped && eff != CLUSTER_NS && eff == ns
                })
                .collect()
        };
        let org = by(true);
        if !org.is_empty() {
            return org;
        }
        by(false)
    }

    /// kustomize's `selectReferral` among `pool` (ascending indices).
    fn select(&self, old: &str, pool: &[usize], with_ns: bool) -> Result<Option<usize>> {
        // Had the referenced name once: looked up in the index, kept in order.
        let mut c: Vec<usize> = match self.w.by_prev_name.get(old) {
            Some(named) => named
                .iter()
                .copied()
                .filter(|j| pool.binary_search(j).is_ok())
                .collect(),
            None => return Ok(None),
        };
        c.retain(|&j| {
            let prev = &self.facts(j).prev;
            prev.iter().any(|id| id.gvk.is_selected_by(self.target))
        });
        if let Some(role) = &self.role {
            c.retain(|&j| {
                let prev = &self.facts(j).prev;
                prev.iter().any(|id| id.gvk.is_selected_by(role))
            });
        }
        let me = self.facts(self.referrer);
        if !me.cur.cluster_scoped {
            c.retain(|&j| {
                let f = self.facts(j);
                f.cur.cluster_scoped
                    || f.cur.gvk.kind == "ServiceAccount"
                    || me.cur.ns_equals(&f.cur)
            });
        }
        if c.len() == 1 {
            return Ok(Some(c[0]));
        }
        c.retain(|&j| self.facts(j).affixes_agree(me, true));
        if c.len() > 1 {
            c.retain(|&j| self.facts(j).affixes_agree(me, false));
        }
        match c.len() {
            0 => return Ok(None),
            1 => return Ok(Some(c[0])),
            _ => {}
        }
        let first = self.facts(c[0]);
        let identical = c.iter().all(|&j| {
            let f = self.facts(j);
            f.cur.name == first.cur.name && (!with_ns || f.cur.namespace == first.cur.namespace)
        });
        if identical {
            return Ok(Some(c[0]));
        }
        *self.ambiguous.borrow_mut() = Some(c);
        Err(Error::new("found multiple possible referrals"))
    }
}

/// The effective namespace of cluster-scoped ids, excluded from groupings.
const CLUSTER_NS: &str = "_non_namespaceable_";

/// kyaml's `FieldSetter` with a name and an untagged value.
fn set_field(map: &mut Map, key: &str, text: &str) {
    let v = match map.get(key) {
        Some(Value::Scalar(old)) => restyled(old, text, None),
        _ => scalar(text, None),
    };
    map.insert(key.to_string(), v);
}

/// An object as YAML, for error details (bookkeeping annotations included,
/// as kustomize shows them).
fn yaml_of(obj: &Value) -> String {
    let mut out = String::new();
    match crate::yaml::emit_document(obj, &mut out) {
        Ok(()) => out,
        Err(e) => format!("<unprintable: {}>", e.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::fieldspec::TransformerConfig;
    use crate::transform::prefix_suffix::NameAffixTransformer;
    use crate::transform::Transformer;
    use crate::yaml::{parse_documents, ParseOptions};

    fn resmap(src: &str) -> ResMap {
        parse_documents(src.as_bytes(), &ParseOptions::default())
            .unwrap()
            .into_iter()
            .map(|d| Resource::new(d.value))
            .collect()
    }

    const SRC: &str = "
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes:
  - configMap: {name: cm}
  - configMap: {name: other}
";

    #[test]
    fn renamed_referral_is_followed_and_records_ref_by() {
        let tc = TransformerConfig::builtin();
        let mut m = resmap(SRC);
        NameAffixTransformer::prefix("x-", tc)
            .transform(&mut m, &Default::default())
            .unwrap();
        fix_name_references(&mut m, &tc.name_reference).unwrap();
        let pod = &m.resources()[1].obj;
        let vols = pod
            .get_path(&["spec", "volumes"])
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(vols[0].str_at(&["configMap", "name"]), Some("x-cm"));
        assert_eq!(vols[1].str_at(&["configMap", "name"]), Some("other"));
        let by = m.resources()[0].ref_by();
        assert_eq!(by.len(), 1);
        assert_eq!(by[0].to_string(), "Pod.v1.[noGrp]/x-p.[noNs]");
    }

    #[test]
    fn never_renamed_resources_are_not_candidates() {
        let tc = TransformerConfig::builtin();
        let mut m = resmap(SRC);
        fix_name_references(&mut m, &tc.name_reference).unwrap();
        assert!(m.resources()[0].ref_by().is_empty());
    }

    #[test]
    fn other_namespaces_are_not_candidates() {
        let tc = TransformerConfig::builtin();
        let src = SRC.replace("metadata: {name: cm}", "metadata: {name: cm, namespace: a}");
        let mut m = resmap(&src);
        NameAffixTransformer::prefix("x-", tc)
            .transform(&mut m, &Default::default())
            .unwrap();
        fix_name_references(&mut m, &tc.name_reference).unwrap();
        let pod = &m.resources()[1].obj;
        let vols = pod
            .get_path(&["spec", "volumes"])
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(vols[0].str_at(&["configMap", "name"]), Some("cm"));
    }
}
