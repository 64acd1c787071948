//! The ordered set of resources a build works on.

use super::id::ResId;
use super::resource::Resource;
use crate::error::{Error, ErrorKind, Result};
use std::collections::HashSet;

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
        (0..self.list.len())
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

impl FromIterator<Resource> for ResMap {
    fn from_iter<T: IntoIterator<Item = Resource>>(iter: T) -> Self {
        ResMap {
            list: iter.into_iter().collect(),
        }
    }
}
