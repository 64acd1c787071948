//! Collections shared between copies of a value until one copy writes.
//!
//! A run builds a base once and hands its resources to every overlay that
//! includes it; each overlay then changes a few fields of each resource
//! (names, namespace, labels) and leaves the rest as the base had it. With
//! [`Shared`] holding a [`Value`](super::Value)'s mapping or sequence, copying
//! a resource copies a pointer, and writing one copies only the collections
//! on the way to what is written: the untouched subtrees stay shared.
//! (Copying whole trees and dropping them again was a third of the
//! instructions of fifty overlays of one base; docs/performance.md.)

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A reference-counted `T`, copied on first write.
///
/// Reading goes through [`Deref`]; writing through [`DerefMut`], which
/// first makes this copy the only owner (a shallow copy of `T` when it is
/// shared). So code that takes `&mut` to a collection it only reads still
/// costs a copy: read through `&` where no write follows.
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Wraps `value`, owned by nobody else yet.
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// Whether `a` and `b` are the same allocation (so equal without looking).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The value, if no other copy shares it.
    pub fn get_mut_unshared(&mut self) -> Option<&mut T> {
        Arc::get_mut(&mut self.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> Clone for Shared<T> {
    #[inline]
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<A, T: FromIterator<A>> FromIterator<A> for Shared<T> {
    fn from_iter<I: IntoIterator<Item = A>>(iter: I) -> Self {
        Shared::new(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&**self).into_iter()
    }
}

impl<'a, T: Clone> IntoIterator for &'a mut Shared<T>
where
    &'a mut T: IntoIterator,
{
    type Item = <&'a mut T as IntoIterator>::Item;
    type IntoIter = <&'a mut T as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&mut **self).into_iter()
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_copies_only_a_shared_value() {
        let mut a = Shared::new(vec![1, 2]);
        let b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        a.push(3);
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!((&a[..], &b[..]), (&[1, 2, 3][..], &[1, 2][..]));
        // Unshared now: a second write keeps the allocation.
        let before = Arc::as_ptr(&a.0);
        a.push(4);
        assert_eq!(Arc::as_ptr(&a.0), before);
        assert!(a.get_mut_unshared().is_some());
    }
}
