//! GLPI's answers: error bodies, and JSON through every reader of the GLPI connector.
//! The checks are in `guichet_core::fuzz::glpi`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guichet_core::fuzz::glpi(data));
