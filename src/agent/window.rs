//! Starting the window process `guichet-ui` on demand. It is looked for beside the agent's own
//! executable (`GUICHET_UI` overrides), and handed the socket's directory so that it talks to
//! this agent. Its crash or exit never affects the agent or the outbox.

use guichet_core::ipc::{self, WindowKind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub const UI_ENV: &str = "GUICHET_UI";

/// The window process this agent started, if it still runs.
#[derive(Debug, Default)]
pub struct WindowProcess {
    running: Arc<AtomicBool>,
}

fn ui_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(UI_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let name = if cfg!(windows) {
        "guichet-ui.exe"
    } else {
        "guichet-ui"
    };
    Some(exe.parent()?.join(name))
}

pub fn window_arg(kind: WindowKind) -> &'static str {
    match kind {
        WindowKind::Wizard => "wizard",
        WindowKind::MyTickets => "my-tickets",
        WindowKind::Settings => "settings",
    }
}

impl WindowProcess {
    /// True while a window process started by this agent is alive.
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Starts `guichet-ui` on `window`. `captured` tells it the screenshot is already taken.
    /// `on_exit` runs when the process ends, however it ends (crash included).
    pub async fn open(
        &self,
        window: WindowKind,
        captured: bool,
        on_exit: impl FnOnce() + Send + 'static,
    ) -> Result<(), String> {
        let binary = ui_binary().ok_or("cannot locate guichet-ui")?;
        let mut cmd = tokio::process::Command::new(&binary);
        cmd.arg("--window").arg(window_arg(window));
        if captured {
            cmd.arg("--captured");
        }
        if let Some(dir) = ipc::runtime_dir() {
            cmd.env(ipc::RUNTIME_DIR_ENV, dir);
        }
        tracing::info!("starting the window process on {}", window_arg(window));
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        self.running.store(true, Ordering::SeqCst);
        let running = self.running.clone();
        tokio::spawn(async move {
            match child.wait().await {
                Ok(status) if status.success() => tracing::info!("the window process exited"),
                Ok(status) => tracing::warn!("the window process ended with {status}"),
                Err(e) => tracing::warn!("cannot wait for the window process: {e}"),
            }
            running.store(false, Ordering::SeqCst);
            on_exit();
        });
        Ok(())
    }
}
