//! Stack for recursion over values of any depth.
//!
//! Documents nest up to 10,000 levels (go-yaml's limit, which kustomize
//! inherits), and every walk over a [`Value`](super::Value) (parse, clone,
//! compare, drop, merge, patch, emit, hash) recurses once per level. On a
//! thread with the default 2 MiB stack that overflows and aborts the process,
//! so each recursive function runs its body through [`deep`], which moves onto
//! a fresh heap-allocated stack segment when the current one runs low.

/// Stack that must be left before a level of recursion runs in place. One
/// level between two calls of [`deep`] must never use more (debug builds'
/// frames are large: the emitter's and the merge's are a few KiB).
const RED_ZONE: usize = 256 * 1024;

/// Size of each new stack segment.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, first growing the stack if less than a red zone is left.
/// Wrap the body of every function that recurses once per nesting level.
#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
