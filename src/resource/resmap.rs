//! The ordered set of resources a build works on.

use super::id::ResId;
use super::resource::Resource;
use crate::error::{Error, ErrorKind, Result};
use std::collections::{HashMap, HashSet};

/// Resources in accumulation order, ids unique (kustomize's `ResMap`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResMap {
    list: Vec<Resource>,
}

impl ResMap {
    /// An empty map.
    pub fn new() -> ResMap {
        ResMap::default()
    }

    /// The resources, in order.
    pub fn resources(&self) -> &[Resource] {
        &self.list
    }

    /// The resources, mutably.
    pub fn resources_mut(&mut self) -> &mut Vec<Resource> {
        &mut self.list
    }

    /// Takes the resources out.
    pub fn into_resources(self) -> Vec<Resource> {
        self.list
    }

    /// How many resources.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Appends many resources; each current id must be new.
    pub fn append_all(&mut self, other: Vec<Resource>) -> Result<()> {
        {
            let mut seen: HashSet<_, foldhash::fast::RandomState> =
                HashSet::with_capacity_and_hasher(
                    self.list.len() + other.len(),
                    Default::default(),
                );
            seen.extend(self.list.iter().map(Resource::id_key));
            for res in &other {
                if !seen.insert(res.id_key()) {
                    return Err(Error::of(
                        ErrorKind::Conflict,
                        format!(
                            "may not add resource with an already registered id: {}",
                            res.cur_id()
                        ),
                    ));
                }
            }
        }
        self.list.extend(other);
        Ok(())
    }

    /// Indices of resources whose current id equals `id`.
    pub fn find_by_cur_id(&self, id: &ResId) -> Vec<usize> {
        (0..self.list.len())
            .filter(|&i| self.list[i].name() == id.name && self.list[i].cur_id().equals(id))
            .collect()
    }

    /// Indices of resources whose current or any previous id equals `id`.
    pub fn find_by_any_id(&self, id: &ResId) -> Vec<usize> {
        self.find_by_any_id_among(id, 0..self.list.len())
    }

    /// [`ResMap::find_by_any_id`] among some indices (ascending).
    fn find_by_any_id_among(&self, id: &ResId, among: impl Iterator<Item = usize>) -> Vec<usize> {
        among
            .filter(|&i| {
                let r = &self.list[i];
                // Equal ids have equal names: a cheap test first.
                r.had_name(&id.name)
                    && (r.cur_id().equals(id) || r.prev_ids().iter().any(|p| p.equals(id)))
            })
            .collect()
    }

    /// Replaces the resource at `index`.
    pub fn replace(&mut self, index: usize, res: Resource) {
        self.list[index] = res;
    }
}

/// The resources of a [`ResMap`] by each name they have had (current and
/// previous): for many lookups by id in a map that only grows meanwhile,
/// as when a generator's many resources are absorbed one by one, which
/// would otherwise scan the whole map for each.
///
/// It may list more than is true (an entry is never removed), never less,
/// as long as [`NameIndex::add`] is called for every resource appended or
/// replaced; lookups test each candidate as [`ResMap::find_by_any_id`] does.
#[derive(Debug, Default)]
pub struct NameIndex {
    by_name: HashMap<String, Vec<usize>, foldhash::fast::RandomState>,
}

impl NameIndex {
    /// The index of every resource now in `m`.
    pub fn new(m: &ResMap) -> NameIndex {
        let mut index = NameIndex::default();
        for (i, r) in m.list.iter().enumerate() {
            index.add(i, r);
        }
        index
    }

    /// Records the names of the resource at `i`.
    pub fn add(&mut self, i: usize, r: &Resource) {
        for name in r.names() {
            let list = match self.by_name.get_mut(name) {
                Some(list) => list,
                None => self.by_name.entry(name.to_string()).or_default(),
            };
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }

    /// What [`ResMap::find_by_any_id`] finds in `m`.
    pub fn find_by_any_id(&self, m: &ResMap, id: &ResId) -> Vec<usize> {
        let Some(list) = self.by_name.get(id.name.as_str()) else {
            return Vec::new();
        };
        let mut among = list.clone();
        among.sort_unstable();
        among.dedup();
        m.find_by_any_id_among(id, among.into_iter())
    }
}

impl FromIterator<Resource> for ResMap {
    fn from_iter<T: IntoIterator<Item = Resource>>(iter: T) -> Self {
        ResMap {
            list: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::testgen::lcg;

    fn resource(kind: &str, name: &str, ns: &str) -> Resource {
        let text =
            format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n");
        let docs = crate::yaml::parse_documents(text.as_bytes(), &Default::default()).unwrap();
        Resource::new(docs[0].value.clone())
    }

    #[test]
    fn the_name_index_finds_what_a_scan_finds() {
        let mut pick = lcg(7);
        let names = ["a", "b", "c", "d"];
        let kinds = ["ConfigMap", "Secret", "Namespace"];
        let mut found = 0;
        for round in 0..200 {
            let mut m = ResMap::new();
            let mut index = NameIndex::new(&m);
            for step in 0..12 {
                let id = resource(kinds[pick(3)], names[pick(4)], ["", "x"][pick(2)]).cur_id();
                let want = m.find_by_any_id(&id);
                assert_eq!(
                    index.find_by_any_id(&m, &id),
                    want,
                    "round {round} step {step}"
                );
                found += want.len();
                // Grow the map, or rename a resource as a transformer would
                // (its old name then previous), then record it.
                let mut r = resource(kinds[pick(3)], names[pick(4)], ["", "x"][pick(2)]);
                if pick(3) == 0 || m.len() == 0 {
                    index.add(m.len(), &r);
                    m.resources_mut().push(r);
                } else {
                    let at = pick(m.len());
                    r = m.resources()[at].clone();
                    r.store_previous_id();
                    r.set_name(names[pick(4)]);
                    index.add(at, &r);
                    m.replace(at, r);
                }
            }
        }
        // Not vacuous: many lookups found something.
        assert!(found > 200, "{found}");
    }
}
