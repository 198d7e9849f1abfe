//! macOS: `tray-icon` status item, Carbon hot key (global-hotkey), NSUserNotificationCenter
//! notifications (mac-notification-sys), all served by the AppKit event loop on the main thread
//! (`app`, while the agent runs beside it); the socket-pair worker channel shared with Linux.

mod app;
mod notify;
mod shortcut;
mod tray;

pub use super::unix_worker::{spawn_worker, worker_connection};
pub use app::run_agent;
pub use notify::notify;
pub use shortcut::{watch_shortcut, ShortcutWatch};
pub use tray::TrayIcon;

/// Nothing to tune: macOS's malloc maps screenshot-sized blocks apart and returns them once freed.
pub fn tune_allocator() {}
