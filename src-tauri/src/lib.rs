//! Guichet's window process: shows one window and exits when its last window closes.
//!
//! The resident agent owns the capture, the outbox, the help desk and the tray; this process only
//! shows windows. Its commands ([`commands`]) are thin adapters, each one request to the agent
//! over the local socket ([`agent`]).

pub mod agent;
pub mod commands;
pub mod early;
mod error;
pub mod hand_over;
pub mod launch;
pub mod wayland;
mod window;

pub use agent::AgentLink;
pub use early::EarlyContext;
pub use launch::Launch;

use guichet_protocol::ipc::ask;
use guichet_protocol::view::WindowKind;
use std::time::Duration;
use tauri::{Builder, Runtime};

/// How long the wizard waits for the agent's capture before opening without one.
const CAPTURE_WAIT: Duration = Duration::from_secs(10);

/// Registers the application state and the commands: everything the real app and the command
/// tests (on Tauri's mock runtime) have in common. `early` is the wizard's context already asked
/// for ([`EarlyContext::ask`]), or none.
pub fn configure<R: Runtime>(
    builder: Builder<R>,
    agent: AgentLink,
    launch: Launch,
    early: EarlyContext,
) -> Builder<R> {
    builder
        .manage(agent)
        .manage(launch)
        .manage(early)
        .invoke_handler(commands::handler())
}

/// Runs the window process until its last window is closed.
///
/// Exiting with the last window is Tauri's default: no `RunEvent::ExitRequested` handler may
/// prevent it, since the agent, not this process, is what stays resident.
pub fn run(launch: Launch, agent: AgentLink) -> tauri::Result<()> {
    if launch.needs_capture() {
        // Before any window exists, so that the wizard is never in its own screenshot. Without
        // an agent (or with a stuck one) the wizard still opens, and says what is wrong.
        // The timer must be made inside the runtime: `timeout` registers with it at once.
        let capture =
            async { tokio::time::timeout(CAPTURE_WAIT, agent.ask(ask::Recapture {})).await };
        match tauri::async_runtime::block_on(capture) {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("no capture before the wizard: {e}"),
            Err(_) => tracing::warn!(
                "no capture before the wizard: the agent did not answer in {CAPTURE_WAIT:?}"
            ),
        }
    }
    // Asked now, it is ready when the web view asks for it (see `early`).
    let early = match launch.window {
        WindowKind::Wizard => EarlyContext::ask(&agent),
        _ => EarlyContext::default(),
    };
    configure(tauri::Builder::default(), agent, launch, early)
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // WebDriver sessions attach to the window that exists at start-up.
            window::open(app.handle(), launch.window)?;
            Ok(())
        })
        .run(tauri::generate_context!())
}
