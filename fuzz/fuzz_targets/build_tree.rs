//! Fuzz target `build_tree`: see `strata_fuzz::build_tree`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::build_tree(data));
