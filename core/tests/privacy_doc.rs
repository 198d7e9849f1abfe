//! `docs/PRIVACY.md` says what the code does: each retention figure it gives, in French and in
//! English, is the code's own constant, and every test it points to exists.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::api::LOG_TAIL_BYTES;
use guichet_core::config::RetentionConfig;
use guichet_core::follow::{MISSING_LIMIT, UNREAD_LIMIT};
use guichet_core::protocol::logs::KEPT_FILES;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_owned()
}

fn document() -> String {
    std::fs::read_to_string(root().join("docs/PRIVACY.md")).expect("docs/PRIVACY.md")
}

#[test]
fn every_retention_figure_is_the_code_s() {
    let doc = document();
    let hours = RetentionConfig::default().sent_hours;
    assert_eq!(
        hours, 720,
        "delivered records: 30 days unless IT says otherwise"
    );
    let days = hours / 24;
    let figures = [
        format!("**{hours} heures ({days} jours)**"),
        format!("**{hours} hours ({days} days)**"),
        format!("**{KEPT_FILES} derniers fichiers**"),
        format!("**last {KEPT_FILES} daily files**"),
        format!("**{MISSING_LIMIT} vérifications de suite**"),
        format!("**{MISSING_LIMIT} checks in a row**"),
        format!("**{UNREAD_LIMIT} notifications non lues**"),
        format!("**{UNREAD_LIMIT} unread notices**"),
        format!("au plus {} Kio", LOG_TAIL_BYTES / 1024),
        format!("at most {} KiB", LOG_TAIL_BYTES / 1024),
    ];
    for figure in figures {
        assert!(
            doc.contains(&figure),
            "docs/PRIVACY.md does not say {figure:?}"
        );
    }
}

#[test]
fn every_test_the_document_points_to_exists() {
    let doc = document();
    let quoted: Vec<&str> = doc.split('`').skip(1).step_by(2).collect();
    let files: Vec<&str> = quoted
        .iter()
        .copied()
        .filter(|q| q.ends_with(".rs"))
        .collect();
    assert!(files.len() >= 6, "{files:?}");
    let mut sources = String::new();
    for file in &files {
        let path = root().join(file);
        sources.push_str(
            &std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("the document names {file}: {e}")),
        );
    }
    // Test names: lower-case words joined by underscores.
    let tests: Vec<&str> = quoted
        .iter()
        .copied()
        .filter(|q| q.matches('_').count() >= 3)
        .filter(|q| q.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(tests.len() >= 3, "{tests:?}");
    for test in tests {
        assert!(
            sources.contains(&format!("fn {test}(")),
            "the document names the test {test}, which none of {files:?} has"
        );
    }
}
