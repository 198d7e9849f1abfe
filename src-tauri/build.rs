//! Generates the Tauri context (ACL manifests, capability schemas) and checks the web UI is built.

use std::path::Path;

/// The app's commands (`src/commands.rs`), declared so that each window's capability must grant
/// them (`allow-wizard-context`, …).
const COMMANDS: &[&str] = &[
    "launch",
    "wizard_context",
    "window_ready",
    "recapture",
    "submit",
    "my_tickets",
    "ticket",
    "act",
    "await_ticket",
    "settings",
    "save_profile",
    "doctor",
    "sign_in",
    "sign_out",
    "save_preferences",
];

fn main() {
    // With `custom-protocol` (every build but `tauri dev`), `generate_context!` embeds ui/dist;
    // without a built UI it fails later as a proc-macro panic that does not say what to run.
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some() && !index.exists() {
        eprintln!("guichet-ui: ui/dist is missing; build the web UI first: cd ui && npm ci && npm run build");
        std::process::exit(1);
    }
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("guichet-ui: {error:#}");
        std::process::exit(1);
    }
}
