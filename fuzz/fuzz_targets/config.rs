//! A configuration file's text: `Config` from TOML, then its checks.
//! The checks are in `guichet_core::fuzz::config`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guichet_core::fuzz::config(data));
