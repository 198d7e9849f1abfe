//! The examples of `docs/CONFIGURATION.md` are real configurations: IT's system file and the
//! user's settings file, loaded in their layers, give no problem, and the locks hold.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::config::layers;
use guichet_core::Lang;
use std::path::Path;

/// The ```toml blocks of the document, in order.
fn toml_blocks(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_documented_files_load_in_their_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace");
    let doc = std::fs::read_to_string(root.join("docs/CONFIGURATION.md")).expect("the document");
    let blocks = toml_blocks(&doc);
    assert_eq!(blocks.len(), 2, "IT's file and the user's");
    let dir = tempfile::tempdir().expect("tempdir");
    // The example's CA file is IT's; Debian's bundle of authorities stands in for it.
    let system = dir.path().join("config.toml");
    std::fs::write(
        &system,
        blocks[0].replace(
            "/etc/guichet/ca-academie.pem",
            "/etc/ssl/certs/ca-certificates.crt",
        ),
    )
    .expect("write");
    std::fs::write(dir.path().join(layers::SETTINGS_FILE), &blocks[1]).expect("write");

    let loaded = layers::load(Some(&system), dir.path());
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let config = &loaded.config;
    assert_eq!(
        config.language,
        Some(Lang::En),
        "language is not locked: the user's"
    );
    assert_eq!(
        config.agent.shortcut.as_deref(),
        Some("Ctrl+Alt+G"),
        "locked: IT's"
    );
    let server = config.server.as_ref().expect("a help desk");
    assert_eq!(
        server.url(),
        "https://assistance.example.org/apirest.php",
        "server is locked: IT's"
    );
    assert_eq!(
        server.http.net.proxy.url.as_deref(),
        Some("http://proxy.example.org:3128")
    );
    assert!(
        server.http.net.tls.extra_ca.is_some(),
        "[tls] reaches the help desk's client"
    );
    assert_eq!(
        loaded
            .user
            .account
            .as_ref()
            .and_then(|a| a.login.as_deref()),
        Some("jdupont")
    );
    assert_eq!(config.categories.len(), 2);
}
