//! Deterministic generators for the randomised tests that compare a fast
//! path with a general one.

/// A small deterministic generator (one linear congruential step per
/// call): numbers below `n`.
pub(crate) fn lcg(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    }
}
