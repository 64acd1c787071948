//! The binary's allocator: jemalloc (the `tikv-jemallocator` crate) where
//! it builds, the system allocator elsewhere (MSVC). A module of the binary
//! (and of the parse bench, which includes this file), not of the library:
//! a library leaves the allocator to the program.
//!
//! jemalloc keeps the pages a finished root freed and hands them to the next
//! root; mimalloc, tuned to purge at once to hold its peak memory down, gave
//! them back to the kernel, and each root faulted them in again (a quarter of
//! a 50-root run's CPU). Against mimalloc, jemalloc took 28 % less CPU on 50
//! overlays, 12 % on one and 18 % on the CRDs, at 1-1.5 MiB more peak memory
//! (docs/performance.md, seventh round).

#[cfg(not(target_env = "msvc"))]
pub use tikv_jemallocator::Jemalloc as Allocator;

#[cfg(target_env = "msvc")]
pub use std::alloc::System as Allocator;

/// Settings for a short-lived process, made before the first build.
pub fn tune() {
    // On kernels that give transparent huge pages unasked (THP `always`),
    // each touched 2 MiB of the heap would be a whole zeroed huge page:
    // that nearly doubled the peak memory of many-root runs and showed as
    // system time. jemalloc asks for none itself (its `thp` option is
    // `default`); the process flag turns the kernel's off.
    #[cfg(target_os = "linux")]
    if std::env::var_os("STRATA_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}
