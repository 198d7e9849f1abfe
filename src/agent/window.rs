//! Starting the window process `guichet-ui` on demand. It is looked for beside the agent's own
//! executable (`GUICHET_UI` overrides), and handed the socket's directory so that it talks to
//! this agent. Its crash or exit never affects the agent or the outbox.

use guichet_core::i18n::LANG_ENV;
use guichet_core::protocol::transport::{runtime_dir, RUNTIME_DIR_ENV};
use guichet_core::protocol::view::WindowKind;
use guichet_core::protocol::TicketId;
use guichet_core::Lang;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const UI_ENV: &str = "GUICHET_UI";

/// The window processes this agent started and that still run: at most one per window kind.
#[derive(Debug, Default)]
pub struct WindowProcess {
    running: Arc<Mutex<HashSet<WindowKind>>>,
    /// Told when a window process ends: its requests are over.
    activity: super::rest::Activity,
}

impl WindowProcess {
    pub fn new(activity: super::rest::Activity) -> WindowProcess {
        WindowProcess {
            running: Arc::default(),
            activity,
        }
    }
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

impl WindowProcess {
    /// True while a window process showing `kind`, started by this agent, is alive.
    pub fn is_running(&self, kind: WindowKind) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&kind)
    }

    /// Starts `guichet-ui` on `window` (on `ticket`, for "My tickets"), speaking `lang`.
    /// `captured` tells it the screenshot is already taken. `on_exit` runs when the process
    /// ends, however it ends (crash included).
    pub async fn open(
        &self,
        window: WindowKind,
        lang: Lang,
        captured: bool,
        ticket: Option<TicketId>,
        on_exit: impl FnOnce() + Send + 'static,
    ) -> Result<(), std::io::Error> {
        let binary = ui_binary().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "cannot locate guichet-ui")
        })?;
        let mut cmd = tokio::process::Command::new(&binary);
        cmd.arg("--window").arg(window.arg());
        if captured {
            cmd.arg("--captured");
        }
        if let Some(ticket) = ticket {
            cmd.arg("--ticket").arg(ticket.to_string());
        }
        if let Some(dir) = runtime_dir() {
            cmd.env(RUNTIME_DIR_ENV, dir);
        }
        // The window speaks the agent's language, which the configuration may force.
        cmd.env(LANG_ENV, lang.code());
        #[cfg(windows)]
        if guichet_core::platform::windows::webview2::runtime_version().is_none() {
            // guichet-ui asks WebView2's loader itself and tells the user; the agent's log says
            // it too, for IT. The registry can miss a fixed-version runtime, so it still starts.
            let missing = guichet_core::i18n::t(lang, "doctor.webview2.missing", &[]);
            tracing::warn!("no WebView2 runtime registered: {missing}");
        }
        tracing::info!("starting the window process on {}", window.arg());
        let mut child = cmd.spawn().map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot start {}: {e}", binary.display()))
        })?;
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(window);
        let running = self.running.clone();
        let activity = self.activity.clone();
        tokio::spawn(async move {
            match child.wait().await {
                Ok(status) if status.success() => tracing::info!("the window process exited"),
                Ok(status) => tracing::warn!("the window process ended with {status}"),
                Err(e) => tracing::warn!("cannot wait for the window process: {e}"),
            }
            running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&window);
            on_exit();
            activity.happened();
        });
        Ok(())
    }
}
