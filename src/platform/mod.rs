//! What differs between operating systems in the agent, behind one small API; one folder per OS
//! (`linux/`, `windows/`, `macos/`), each providing the same names. The agent's logic
//! (`crate::agent`) only ever calls these:
//!
//! - [`TrayIcon`]: the tray icon with the menu of [`menu`], reporting [`menu::TrayEvent`]s:
//!   `spawn`, `set_unread`, `shutdown`. Linux: a StatusNotifierItem (ksni). Windows: `tray-icon`
//!   on a thread running the message loop. macOS: `tray-icon`'s status item, on the main thread.
//! - [`watch_shortcut`]: the global shortcut ([`shortcut::Shortcut`], the same syntax
//!   everywhere), calling back on each press until its [`ShortcutWatch`] is stopped (a new
//!   shortcut chosen in Settings). Linux: through the display session's back end, chosen at run
//!   time (`guichet_core::display::Session`): on X11 a passive key grab on a thread blocked
//!   on the X connection; on Wayland the GlobalShortcuts portal, else what the desktop offers
//!   ([`shortcut_mechanism`]). Windows: `RegisterHotKey` on a thread blocked in `GetMessageW`. macOS:
//!   a Carbon hot key (global-hotkey), registered on the main thread.
//! - [`notify`]: a desktop notification whose activation calls back. Linux: the freedesktop
//!   notification service over D-Bus (notify-rust, on the same zbus as the tray). Windows: a
//!   toast under the agent's registered AppUserModelID. macOS: NSUserNotificationCenter
//!   (mac-notification-sys), its answer waited for on a blocking task.
//! - [`tune_allocator`]: keeps the idle agent small after a capture. Linux/glibc: `mallopt`.
//!   Windows and macOS: nothing to do.
//! - [`trim_resident`]: gives back, once the agent is at rest, what it does not need resident
//!   ([`Trimmed`] says how much). Linux: the page-table entries of code and read-only data that
//!   ran once (the pages stay in the page cache), and the allocator's free memory. Windows and
//!   macOS: nothing; their memory figures (Task Manager's private working set, Activity
//!   Monitor's memory footprint) do not count an executable's unmodified pages at all.
//! - [`spawn_worker`] and [`worker_connection`]: the private channel between the agent and its
//!   outbox worker. Linux: a socket pair, the worker's end on its standard input. Windows: the
//!   worker's standard input and output. macOS: the same socket pair as Linux (`unix_worker`).
//! - `run_agent` (macOS only): the agent's runtime on a thread of its own, the main thread given
//!   to the AppKit event loop that the tray, the shortcut and notifications need there (`main`
//!   calls it for the agent, never for the CLI).
//!
//! The core has its own seams (`guichet_core::platform`: capture back ends, network watch) and the
//! IPC transport is `guichet_protocol::transport`'s.

pub mod icon;
pub mod menu;
/// The shortcut's syntax is the core's: it checks the configuration with it.
pub use guichet_core::shortcut;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::{
    notify, shortcut_mechanism, spawn_worker, tray_host_present, trim_resident, tune_allocator,
    watch_shortcut, worker_connection, ShortcutWatch, TrayIcon,
};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::{
    console, notify, spawn_worker, tune_allocator, watch_shortcut, worker_connection,
    ShortcutWatch, TrayIcon,
};

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::{
    notify, run_agent, spawn_worker, tune_allocator, watch_shortcut, worker_connection,
    ShortcutWatch, TrayIcon,
};

/// What one [`trim_resident`] gave back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    /// Resident kB of unmodified file pages unmapped from this process (they stay in the page
    /// cache).
    pub file_kb: u64,
    /// How many mappings they were in.
    pub mappings: usize,
}

/// Windows and macOS: nothing to give back. Their memory figures (Task Manager's private
/// working set, Activity Monitor's memory footprint) leave out an executable's unmodified
/// pages, and trimming the working set on Windows would push the agent's own pages to the page
/// file.
#[cfg(not(target_os = "linux"))]
pub fn trim_resident() -> std::io::Result<Trimmed> {
    Ok(Trimmed::default())
}

/// Windows' notification area and macOS' menu bar always show the tray icon.
#[cfg(not(target_os = "linux"))]
pub async fn tray_host_present() -> bool {
    true
}

/// How the shortcut is heard on Windows and macOS: Guichet holds the key itself, when it could.
#[cfg(not(target_os = "linux"))]
pub fn shortcut_mechanism(
    watch: Option<&ShortcutWatch>,
) -> guichet_core::protocol::desktop::ShortcutMechanism {
    use guichet_core::protocol::desktop::ShortcutMechanism;
    watch.map_or(ShortcutMechanism::Unavailable, |_| {
        ShortcutMechanism::KeyGrab
    })
}

/// The outbox worker's channel on Linux and macOS.
#[cfg(unix)]
mod unix_worker;

/// The `tray-icon` menu, picture and events shared by the Windows and macOS trays.
#[cfg(any(windows, target_os = "macos"))]
mod tray_icon_menu;

/// What a platform back end can fail with. The agent goes on without the part that failed (no
/// tray, no shortcut, no notification); the message is for the log.
#[derive(Debug, thiserror::Error)]
// The display variants are X11's (Linux); other platforms never build them.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub enum PlatformError {
    #[error("no display for the global shortcut: {0}")]
    NoDisplay(String),
    /// A display session Guichet has no global-shortcut back end for yet (Wayland, today).
    #[error("no global shortcut in a {0} session yet: use the tray or `guichet --report`")]
    NoBackEnd(guichet_core::display::Session),
    #[error("no key of this keyboard produces {0}")]
    NoKey(String),
    #[error("{0} is already taken by another program")]
    ShortcutTaken(String),
    #[error("the display server refused a request: {0}")]
    Display(String),
    #[error("desktop notification: {0}")]
    Notification(String),
    /// The desktop's portal (Wayland) is missing or refused.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    #[error("the desktop's GlobalShortcuts portal: {0}")]
    Portal(String),
    /// The tray library or the shell refused the icon or its menu.
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    #[error("tray icon: {0}")]
    Tray(String),
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
