//! The mapping of a [`Value`]: entries in insertion order, found by
//! comparing keys while the mapping is small and through a hash index once
//! it is not.
//!
//! Most mappings of a manifest have a handful of entries (an object's top
//! level, `metadata`, labels, a container), and every build copies many of
//! them (copy on write, [`super::Shared`]). An `IndexMap` gave each one a
//! hash index: a second allocation, a hash per inserted key and a table to
//! copy with every copy. Here the index exists only above [`SCAN_UP_TO`]
//! entries, where scanning would cost more than hashing.
//!
//! Semantics follow `IndexMap`'s: `insert` of a present key keeps its place,
//! `shift_remove` keeps the order of the rest, equality ignores order.

use super::Value;
use hashbrown::HashTable;
use std::fmt;
use std::hash::BuildHasher;

/// Up to this many entries a key is found by comparing keys in order (a
/// key compares by length first); above it, through the index.
pub(crate) const SCAN_UP_TO: usize = 8;

/// An ordered mapping with string keys. Output order is decided by the
/// emitter (go-yaml's key sort), but insertion order is kept so merges and
/// patches are deterministic.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(String, Value)>,
    index: Option<Box<Index>>,
}

/// Positions of the entries by key hash. foldhash with a random seed per
/// index keeps collision attacks as hard as with std's hasher; order never
/// depends on it.
#[derive(Clone)]
struct Index {
    table: HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl Index {
    fn of(entries: &[(String, Value)]) -> Box<Index> {
        let hasher = foldhash::fast::RandomState::default();
        let mut table = HashTable::with_capacity(entries.len());
        for (i, (k, _)) in entries.iter().enumerate() {
            let h = hasher.hash_one(k.as_str());
            table.insert_unique(h, i, |&j| hasher.hash_one(entries[j].0.as_str()));
        }
        Box::new(Index { table, hasher })
    }
}

impl Map {
    /// An empty mapping.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty mapping with room for `n` entries.
    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    /// How many entries there are.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `key`.
    #[inline]
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        // The scan inline at each lookup, as most are in small mappings.
        match &self.index {
            None => self.entries.iter().position(|(k, _)| k.as_str() == key),
            Some(ix) => self.find_indexed(ix, key),
        }
    }

    fn find_indexed(&self, ix: &Index, key: &str) -> Option<usize> {
        let h = ix.hasher.hash_one(key);
        ix.table.find(h, |&i| self.entries[i].0 == key).copied()
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    /// The value of `key`, mutably.
    #[inline]
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.get_index_of(key)?;
        Some(&mut self.entries[i].1)
    }

    /// The position, key and value of `key`.
    pub fn get_full(&self, key: &str) -> Option<(usize, &String, &Value)> {
        let i = self.get_index_of(key)?;
        let (k, v) = &self.entries[i];
        Some((i, k, v))
    }

    /// Whether `key` is present.
    #[inline]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&String, &Value)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    /// The entry at position `i`, its value mutably.
    pub fn get_index_mut(&mut self, i: usize) -> Option<(&String, &mut Value)> {
        self.entries.get_mut(i).map(|(k, v)| (&*k, v))
    }

    /// Sets `key` to `value`: in its place if present (the old value is
    /// returned), else at the end.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.insert_full(key, value).1
    }

    /// [`Map::insert`], with the entry's position.
    pub fn insert_full(&mut self, key: String, value: Value) -> (usize, Option<Value>) {
        if let Some(i) = self.get_index_of(&key) {
            let old = std::mem::replace(&mut self.entries[i].1, value);
            return (i, Some(old));
        }
        let i = self.push_new(key, value);
        (i, None)
    }

    /// Appends an entry whose key is known to be absent.
    fn push_new(&mut self, key: String, value: Value) -> usize {
        let i = self.entries.len();
        match &mut self.index {
            Some(ix) => {
                let h = ix.hasher.hash_one(key.as_str());
                let (entries, hasher) = (&self.entries, &ix.hasher);
                ix.table
                    .insert_unique(h, i, |&j| hasher.hash_one(entries[j].0.as_str()));
                self.entries.push((key, value));
            }
            None => {
                self.entries.push((key, value));
                if self.entries.len() > SCAN_UP_TO {
                    self.index = Some(Index::of(&self.entries));
                }
            }
        }
        i
    }

    /// Removes `key`, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        self.shift_remove_full(key).map(|(_, _, v)| v)
    }

    /// [`Map::shift_remove`], with the position and key.
    pub fn shift_remove_full(&mut self, key: &str) -> Option<(usize, String, Value)> {
        let i = self.get_index_of(key)?;
        let (k, v) = self.entries.remove(i);
        self.reindex();
        Some((i, k, v))
    }

    /// Removes the entry at position `i`, keeping the order of the others.
    pub fn shift_remove_index(&mut self, i: usize) -> Option<(String, Value)> {
        if i >= self.entries.len() {
            return None;
        }
        let e = self.entries.remove(i);
        self.reindex();
        Some(e)
    }

    /// Keeps the entries `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    /// Sorts the entries by key.
    pub fn sort_keys(&mut self) {
        self.entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        self.reindex();
    }

    /// The index again after the positions changed.
    fn reindex(&mut self) {
        self.index = (self.entries.len() > SCAN_UP_TO).then(|| Index::of(&self.entries));
    }

    /// The entries in order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The entries in order, values mutably.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, mutably.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The entry of `key`, to read or fill in.
    pub fn entry(&mut self, key: String) -> Entry<'_> {
        match self.get_index_of(&key) {
            Some(i) => Entry::Occupied(OccupiedEntry {
                map: self,
                index: i,
            }),
            None => Entry::Vacant(VacantEntry { map: self, key }),
        }
    }
}

/// The entries of a [`Map`] in order.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The entries of a [`Map`] in order, values mutably.
pub struct IterMut<'a>(std::slice::IterMut<'a, (String, Value)>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a String, &'a mut Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

/// A [`Map`]'s entry for one key ([`Map::entry`]).
pub enum Entry<'a> {
    /// The key is present.
    Occupied(OccupiedEntry<'a>),
    /// The key is absent.
    Vacant(VacantEntry<'a>),
}

/// A present entry.
pub struct OccupiedEntry<'a> {
    map: &'a mut Map,
    index: usize,
}

/// An absent entry.
pub struct VacantEntry<'a> {
    map: &'a mut Map,
    key: String,
}

impl<'a> OccupiedEntry<'a> {
    /// The value, mutably, for as long as the map is borrowed.
    pub fn into_mut(self) -> &'a mut Value {
        &mut self.map.entries[self.index].1
    }
}

impl<'a> VacantEntry<'a> {
    /// Adds the entry with `value`.
    pub fn insert(self, value: Value) -> &'a mut Value {
        let i = self.map.push_new(self.key, value);
        &mut self.map.entries[i].1
    }
}

impl<'a> Entry<'a> {
    /// The value, `make`'s put in first when absent.
    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'a mut Value {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(make()),
        }
    }
}

impl PartialEq for Map {
    /// Equal when both have the same keys with equal values, in any order
    /// (as `IndexMap`'s equality).
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        let mut m = Map::new();
        m.extend(iter);
        m
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.entries.reserve(iter.size_hint().0);
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("key present in the mapping")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn same(m: &Map, r: &IndexMap<String, Value>) {
        let ours: Vec<(&String, &Value)> = m.iter().collect();
        let theirs: Vec<(&String, &Value)> = r.iter().collect();
        assert_eq!(ours, theirs);
        for k in r.keys() {
            assert_eq!(m.get_index_of(k), r.get_index_of(k), "{k}");
        }
    }

    #[test]
    fn operations_agree_with_indexmap() {
        // Keys of one length with a shared prefix, and enough of them to
        // cross the scan limit both ways.
        let keys: Vec<String> = (0..24).map(|i| format!("internal.key/{i:02}")).collect();
        let mut next = crate::yaml::testgen::lcg(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let (mut m, mut r) = (Map::new(), IndexMap::<String, Value>::new());
            for step in 0..60 {
                let k = keys[next(keys.len())].clone();
                let v = Value::int((round * 100 + step) as i64);
                match next(10) {
                    0..=3 => assert_eq!(m.insert(k.clone(), v.clone()), r.insert(k, v)),
                    4 => assert_eq!(m.shift_remove(&k), r.shift_remove(&k)),
                    5 => {
                        let cut = next(3);
                        m.retain(|k, _| !k.ends_with(&cut.to_string()));
                        r.retain(|k, _| !k.ends_with(&cut.to_string()));
                    }
                    6 if !r.is_empty() => {
                        let i = next(r.len());
                        assert_eq!(m.shift_remove_index(i), r.shift_remove_index(i));
                    }
                    7 => {
                        *m.entry(k.clone()).or_insert_with(|| v.clone()) = Value::int(-1);
                        *r.entry(k).or_insert_with(|| v) = Value::int(-1);
                    }
                    8 if !r.is_empty() => {
                        let i = next(r.len());
                        *m.get_index_mut(i).unwrap().1 = v.clone();
                        *r.get_index_mut(i).unwrap().1 = v;
                    }
                    _ => {
                        m.sort_keys();
                        r.sort_keys();
                    }
                }
                same(&m, &r);
                let copy = m.clone();
                same(&copy, &r);
                assert!(copy == m);
            }
        }
    }

    #[test]
    fn equality_ignores_order() {
        let a: Map = [("x", 1), ("y", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::int(v)))
            .collect();
        let b: Map = [("y", 2), ("x", 1)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::int(v)))
            .collect();
        assert!(a == b);
        let c: Map = [("y", 2), ("x", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::int(v)))
            .collect();
        assert!(a != c);
    }
}
