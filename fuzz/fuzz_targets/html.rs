//! The HTML path: `sanitize`, `escape`, `paragraphs`, `to_text`.
//! The checks are in `guichet_core::fuzz::html`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guichet_core::fuzz::html(data));
