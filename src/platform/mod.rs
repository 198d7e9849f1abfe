//! What differs between operating systems in the agent, behind one small API; one folder per OS
//! (`linux/`, `windows/`, `macos/`), each providing the same names. The agent's logic
//! (`crate::agent`) only ever calls these:
//!
//! - [`TrayIcon`]: the tray icon with the menu of [`menu`], reporting [`menu::TrayEvent`]s:
//!   `spawn`, `set_unread`, `shutdown`. Linux: a StatusNotifierItem (ksni). Windows: `tray-icon`
//!   on a thread running the message loop.
//! - [`watch_shortcut`]: the global shortcut ([`shortcut::Shortcut`], the same syntax
//!   everywhere), calling back on each press. Linux: a passive X11 key grab on a thread blocked
//!   on the X connection. Windows: `RegisterHotKey` on a thread blocked in `GetMessageW`.
//! - [`notify`]: a desktop notification whose activation calls back. Linux: the freedesktop
//!   notification service over D-Bus (notify-rust, on the same zbus as the tray). Windows: a
//!   toast under the agent's registered AppUserModelID.
//! - [`tune_allocator`]: keeps the idle agent small after a capture. Linux/glibc: `mallopt`.
//! - [`spawn_worker`] and [`worker_connection`]: the private channel between the agent and its
//!   outbox worker. Linux: a socket pair, the worker's end on its standard input. Windows: the
//!   worker's standard input and output.
//!
//! The core has its own seams (`guichet_core::platform`: fast capture, network watch) and the
//! IPC transport is `guichet_protocol::transport`'s.

pub mod icon;
pub mod menu;
pub mod shortcut;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::{
    notify, spawn_worker, tune_allocator, watch_shortcut, worker_connection, TrayIcon,
};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::{
    notify, spawn_worker, tune_allocator, watch_shortcut, worker_connection, TrayIcon,
};

/// What a platform back end can fail with. The agent goes on without the part that failed (no
/// tray, no shortcut, no notification); the message is for the log.
#[derive(Debug, thiserror::Error)]
// The display variants are X11's (Linux); other platforms never build them.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub enum PlatformError {
    #[error("no display for the global shortcut: {0}")]
    NoDisplay(String),
    #[error("no key of this keyboard produces {0}")]
    NoKey(String),
    #[error("{0} is already taken by another program")]
    ShortcutTaken(String),
    #[error("the display server refused a request: {0}")]
    Display(String),
    #[error("desktop notification: {0}")]
    Notification(String),
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Ipc(#[from] guichet_core::protocol::ipc::IpcError),
}

/// A desktop notification: a title naming the ticket, a body, and the label of its one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub title: String,
    /// Plain text; the back end escapes whatever its notification service would interpret.
    pub body: String,
    pub action: String,
}
