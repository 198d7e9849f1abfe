//! Generates the Tauri context (ACL manifests, capability schemas) and checks the web UI is built.

use std::path::Path;

include!("src/command_list.rs");

/// The names of a list of commands.
macro_rules! names {
    ($($command:ident),*) => {
        &[$(stringify!($command)),*]
    };
}

/// The app's commands (`src/command_list.rs`), declared so that each window's capability must
/// grant them.
const COMMANDS: &[&str] = with_commands!(names);

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
