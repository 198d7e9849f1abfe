//! What Guichet's tests and benches share, as cargo's own `cargo-test-support` does: real servers
//! and desktops started for one test and stopped on drop, doubles that misbehave on purpose, and
//! a WebDriver client. The GLPI double is its own crate (`guichet-glpi-double`), also a binary.
//!
//! A tool a fixture needs may be missing on a developer's machine: the fixture then skips loudly
//! ([`missing`]); under CI, where `scripts/install-deps.sh` installed everything, that fails.
//!
//! Nothing here may name one package's binaries at compile time (`env!("CARGO_BIN_EXE_…")` exists
//! only in that package's tests): such paths are arguments, or, for the `guichet` binary that
//! [`workstation`] runs, found at run time beside the test's own executable.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Fixtures fail loudly by design.

pub mod accounts;
pub mod bench;
pub mod desktop;
pub mod glpi_raw;
pub mod lossy;
pub mod net;
pub mod not_glpi;
pub mod rt;
pub mod webdriver;
pub mod wine;
pub mod workstation;
pub mod xss_corpus;
pub mod xss_probes;

use std::path::{Path, PathBuf};

/// A test fixture that cannot run here: a loud skip on a developer's machine, a failure in CI
/// (where `scripts/install-deps.sh` installed everything and the tests run as root). `checks`
/// names what is skipped.
pub fn missing(why: &str, checks: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{why}: CI must run {checks}"
    );
    eprintln!(
        "\n!!! {why}: SKIPPING {checks} (scripts/install-deps.sh installs what they need) !!!\n"
    );
}

/// Whether this test runs as root (as CI does) with every one of `tools` installed (a name on
/// `PATH`, or an absolute path); else [`missing`] says which, naming `checks`.
pub fn root_with(tools: &[&str], checks: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    if !std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        missing("not root", checks);
        return false;
    }
    let installed = |tool: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    match tools.iter().find(|tool| !installed(tool)) {
        Some(tool) => {
            missing(&format!("{tool} is missing"), checks);
            false
        }
        None => true,
    }
}

/// The repository's root directory (this crate is `tests/support`).
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/support is two levels down")
        .to_owned()
}
