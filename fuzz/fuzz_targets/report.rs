//! `Report::build` on a fuzzed draft, limits and categories, attachments as bytes.
//! The checks are in `guichet_core::fuzz::report`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guichet_core::fuzz::report(data));
