//! Fuzz target `yaml`: see `strata_fuzz::yaml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::yaml(data));
