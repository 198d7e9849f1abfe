//! Entry point of `guichet-ui`, the window process the agent starts on demand
//! (`guichet-ui [--window wizard] [--captured]`).

// On Windows a GUI program: no console opens next to the window.
#![cfg_attr(windows, windows_subsystem = "windows")]

#[cfg(windows)]
mod webview2;

use guichet_ui::{AgentLink, Launch};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread or file: what this process and the web view's own processes create (the
    // log file, WebKit's caches) is their user's only. The agent tightens older files.
    guichet_protocol::private::restrict_umask();
    // Before GTK and before any thread (the log writer's): the environment is read by WebKit.
    #[cfg(target_os = "linux")]
    let dmabuf = guichet_ui::wayland::disable_dmabuf_renderer();
    #[cfg(target_os = "linux")]
    guichet_ui::wayland::name_the_program();
    if let Err(e) = guichet_protocol::logs::init(guichet_protocol::logs::WINDOWS_LOG) {
        tracing::warn!("logging to standard error only: {e}");
    }
    // Without a web view no window can open: say so now, whoever started this process.
    #[cfg(target_os = "linux")]
    if dmabuf {
        tracing::info!(
            "Wayland: WebKit's DMA-BUF renderer is off (WEBKIT_DISABLE_DMABUF_RENDERER=1)"
        );
    }
    #[cfg(windows)]
    if let Some(code) = webview2::check(guichet_protocol::i18n::Lang::from_env()) {
        return code;
    }
    let bare = std::env::args_os().len() == 1;
    let (launch, ignored) = match Launch::parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("guichet-ui: {error}");
            return ExitCode::from(2);
        }
    };
    if !ignored.is_empty() {
        tracing::info!("ignoring arguments {ignored:?}");
    }
    let agent = match AgentLink::from_environment() {
        Ok(agent) => agent,
        Err(error) => {
            eprintln!("guichet-ui: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Started by hand (the Start menu, the Finder, a menu entry) with no agent running: this
    // window alone could not send anything, so the agent next to it takes over and opens the
    // wizard with the screens captured first.
    if bare {
        if let Some(code) = guichet_ui::hand_over::to_agent(&agent) {
            return code;
        }
    }
    match guichet_ui::run(launch, agent) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("guichet-ui: {error}");
            ExitCode::FAILURE
        }
    }
}
