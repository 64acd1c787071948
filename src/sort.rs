//! Output order: kustomize's legacy sort (the default) or FIFO.

use crate::error::{Error, Result};
use crate::kustomization::{Gvk, SortOptions};
use crate::resource::{join_to, ResId, Resource};
use crate::yaml::{parse_documents, ParseOptions};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The default kind ranking, from the embedded `legacy-sort-order.yaml`.
fn default_orders() -> &'static (Vec<String>, Vec<String>) {
    static ORDERS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    ORDERS.get_or_init(|| {
        let src = crate::data::LEGACY_SORT_ORDER;
        let docs = parse_documents(src.as_bytes(), &ParseOptions::default())
            .expect("embedded sort order parses");
        let list = |k: &str| -> Vec<String> {
            docs[0]
                .value
                .get(k)
                .and_then(|v| v.as_seq())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_scalar_text().map(str::to_string))
                .collect()
        };
        (list("orderFirst"), list("orderLast"))
    })
}

/// A kind ranking: negative for the "first" kinds, 0 for the rest,
/// positive for the "last" kinds.
struct Ranking(HashMap<String, i64, foldhash::fast::RandomState>);

impl Ranking {
    fn new(first: &[String], last: &[String]) -> Ranking {
        let mut m = HashMap::default();
        for (i, k) in first.iter().enumerate() {
            m.insert(k.clone(), i as i64 - first.len() as i64);
        }
        for (i, k) in last.iter().enumerate() {
            m.insert(k.clone(), 1 + i as i64);
        }
        Ranking(m)
    }
    fn rank(&self, kind: &str) -> i64 {
        self.0.get(kind).copied().unwrap_or(0)
    }
}

fn default_ranking() -> &'static Ranking {
    static R: OnceLock<Ranking> = OnceLock::new();
    R.get_or_init(|| {
        let (f, l) = default_orders();
        Ranking::new(f, l)
    })
}

/// The default rank of a kind (used to order field-spec tables too).
pub fn kind_rank(kind: &str) -> i64 {
    default_ranking().rank(kind)
}

/// What the legacy order compares of one resource, computed once.
struct SortKey {
    gvk: Gvk,
    rank: i64,
    /// [`Gvk::stable_sort_string`].
    gvk_string: String,
    /// [`id_sort_string`].
    id_string: String,
}

impl SortKey {
    fn of(id: ResId, ranking: &Ranking) -> SortKey {
        SortKey {
            rank: ranking.rank(&id.gvk.kind),
            gvk_string: id.gvk.stable_sort_string(),
            id_string: id_sort_string(&id),
            gvk: id.gvk,
        }
    }
}

fn gvk_cmp(a: &SortKey, b: &SortKey) -> Ordering {
    if a.rank != b.rank {
        return a.rank.cmp(&b.rank);
    }
    let (sa, sb) = (&a.gvk_string, &b.gvk_string);
    let (a, b) = (&a.gvk, &b.gvk);
    // kustomize reverses the order of two Namespace kinds when either has no group.
    if a.kind == "Namespace" && b.kind == "Namespace" && (a.group.is_empty() || b.group.is_empty())
    {
        return sb.cmp(sa);
    }
    sa.cmp(sb)
}

fn id_sort_string(id: &ResId) -> String {
    let ns = if id.namespace.is_empty() {
        "~X"
    } else {
        &id.namespace
    };
    let name = if id.name.is_empty() { "~N" } else { &id.name };
    let [k, v, g] = id.gvk.display_parts();
    let mut out = String::with_capacity(k.len() + v.len() + g.len() + ns.len() + name.len() + 4);
    // `Gvk`'s text, then the namespace and name.
    join_to(&mut out, &[k, v, g], '.');
    out.push('|');
    join_to(&mut out, &[ns, name], '|');
    out
}

/// Sorts resources in kustomize's legacy order.
pub fn legacy_sort(resources: &mut Vec<Resource>, first: &[String], last: &[String]) {
    let ranking = Ranking::new(first, last);
    let mut keyed: Vec<(SortKey, Resource)> = resources
        .drain(..)
        .map(|r| (SortKey::of(r.cur_id(), &ranking), r))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        if a.gvk != b.gvk {
            gvk_cmp(a, b)
        } else {
            a.id_string.cmp(&b.id_string)
        }
    });
    resources.extend(keyed.into_iter().map(|(_, r)| r));
}

/// Applies `sortOptions` (or the legacy default when `None`).
pub fn apply_sort_options(resources: &mut Vec<Resource>, opts: Option<&SortOptions>) -> Result<()> {
    let (first, last) = default_orders();
    match opts {
        None => legacy_sort(resources, first, last),
        Some(o) => match o.order.as_str() {
            "legacy" => match &o.legacy {
                Some(l) => legacy_sort(resources, &l.order_first, &l.order_last),
                None => legacy_sort(resources, first, last),
            },
            "fifo" => {
                if o.legacy.is_some() {
                    return Err(Error::new(
                        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                    ));
                }
            }
            _ => {
                return Err(Error::new(
                    "the field 'sortOptions.order' must be one of [fifo, legacy]",
                ))
            }
        },
    }
    Ok(())
}
