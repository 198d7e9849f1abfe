//! Guichet's window process: opens the wizard at start and exits when its last window closes.
//!
//! The resident agent owns tickets, the outbox and the tray; this process only shows windows.
//! Its commands will be thin adapters over IPC calls to the agent.

mod window;

pub use window::WindowLabel;

/// Runs the window process until its last window is closed.
///
/// Exiting with the last window is Tauri's default: no `RunEvent::ExitRequested` handler may
/// prevent it, since the agent, not this process, is what stays resident.
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .setup(|app| {
            // WebDriver sessions attach to the window that exists at start-up.
            window::open(app.handle(), WindowLabel::Wizard)?;
            Ok(())
        })
        .run(tauri::generate_context!())
}
