//! The binary's allocator: mimalloc, called through its plain entry points,
//! and tuned for a short-lived process. A module of the binary (and of the
//! parse bench, which includes this file), not of the library: a library
//! leaves the allocator to the program.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment `mi_malloc` gives every block of at least this size (as
/// `malloc` does; smaller blocks are aligned to their size rounded up).
const MALLOC_ALIGN: usize = 16;

/// mimalloc as the global allocator. The `mimalloc` crate's allocator asks
/// for every block through `mi_malloc_aligned`, whose fast path only takes
/// a free block that happens to sit at the alignment asked for and falls to
/// a slower generic path otherwise; a layout that `malloc`'s own alignment
/// satisfies (nearly all of them) goes to `mi_malloc` here instead, as the
/// standard library does with the system allocator. That was 3.6 % of
/// the instructions of a many-root build (docs/performance.md).
pub struct Mimalloc;

/// Whether `mi_malloc` alone aligns a block of `size` bytes to `align`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= MALLOC_ALIGN && align <= size
}

/// A new block for `layout` from the plain entry point or its aligned twin.
///
/// # Safety
/// As `GlobalAlloc::alloc`: `layout` has a non-zero size.
#[inline]
unsafe fn fresh(
    layout: Layout,
    plain_fn: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_fn: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    if plain(layout.align(), layout.size()) {
        plain_fn(layout.size()) as *mut u8
    } else {
        aligned_fn(layout.size(), layout.align()) as *mut u8
    }
}

// SAFETY: every block comes from mimalloc and goes back to it; the plain
// entry points are used only where their alignment suffices (`plain`), and
// `mi_free` and `mi_realloc` take blocks of either kind.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        fresh(
            layout,
            libmimalloc_sys::mi_malloc,
            libmimalloc_sys::mi_malloc_aligned,
        )
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        fresh(
            layout,
            libmimalloc_sys::mi_zalloc,
            libmimalloc_sys::mi_zalloc_aligned,
        )
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        libmimalloc_sys::mi_free(ptr as *mut c_void)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            libmimalloc_sys::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            libmimalloc_sys::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align())
                as *mut u8
        }
    }
}

/// mimalloc's defaults commit whole arenas eagerly and purge freed memory
/// late; for a short-lived process that doubled peak memory (38 vs 17 MiB
/// on one 500-resource overlay) for no speed. Lazy commit and immediate
/// purging keep peak memory at or below the system allocator's and the
/// speed (docs/performance.md). The indices are `mi_option_e` in
/// libmimalloc-sys 0.1.49's `mimalloc.h` (v3, its default) (pinned in Cargo.toml).
pub fn tune() {
    // mimalloc asks for transparent huge pages on its 2 MiB-aligned arenas
    // and the kernel then backs each touched arena with a whole zeroed
    // 2 MiB page: 43 vs 25 MiB peak on 50 overlays, 23 vs 18 on one, and
    // the zeroing showed as system time. mimalloc is built without that
    // advice (its `no_thp` feature: the arenas it reserves before `main`
    // too); on kernels that give huge pages unasked (THP `always`), the
    // process flag turns them off for what is reserved from here on.
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const MINIMAL_PURGE_SIZE: libmimalloc_sys::mi_option_t = 44;
    // An option set in the environment (mimalloc reads `MIMALLOC_<NAME>`)
    // wins, so a measurement can try other settings without a rebuild.
    for (option, env, value) in [
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 0),
        // In KiB: mimalloc's value without huge pages (with them it is 2 MiB).
        (MINIMAL_PURGE_SIZE, "MIMALLOC_MINIMAL_PURGE_SIZE", 64),
    ] {
        if std::env::var_os(env).is_none() {
            // SAFETY: setting an option is allowed at any time; both are
            // read when memory is next reserved or freed.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}
