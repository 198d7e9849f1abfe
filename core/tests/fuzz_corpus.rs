//! The fuzz corpus as a regression test, on the stable toolchain and without libFuzzer: every file
//! of `fuzz/corpus/<target>/` goes through the same `guichet_core::fuzz::<target>` function the
//! cargo-fuzz target calls (`scripts/fuzz.sh` grows the corpus; docs/RELIABILITY.md, "Fuzzing").

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// Runs `check` on every file of `fuzz/corpus/<target>/`; fails when the folder is missing or
/// empty, or naming every file that panicked.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fuzz")
        .join("corpus")
        .join(target);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("no corpus for {target} at {}: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "the corpus of {target} is empty: {}",
        dir.display()
    );
    let mut failed = Vec::new();
    for path in &files {
        let data = match std::fs::read(path) {
            Ok(data) => data,
            Err(e) => panic!("cannot read {}: {e}", path.display()),
        };
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs of {target} panicked:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn every_target_has_a_test_here() {
    assert_eq!(
        guichet_core::fuzz::TARGETS,
        ["config", "report", "glpi", "rt", "html"]
    );
}

#[test]
fn config_corpus() {
    replay("config", guichet_core::fuzz::config);
}

#[test]
fn report_corpus() {
    replay("report", guichet_core::fuzz::report);
}

#[test]
fn glpi_corpus() {
    replay("glpi", guichet_core::fuzz::glpi);
}

#[test]
fn rt_corpus() {
    replay("rt", guichet_core::fuzz::rt);
}

#[test]
fn html_corpus() {
    replay("html", guichet_core::fuzz::html);
}
