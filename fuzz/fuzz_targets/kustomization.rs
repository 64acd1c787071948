//! Fuzz target `kustomization`: see `strata_fuzz::kustomization`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| strata_fuzz::kustomization(data));
