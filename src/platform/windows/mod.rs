//! Windows: `tray-icon` tray, `RegisterHotKey` shortcut, toasts, the worker on standard
//! input and output, and the parent's console for a command typed in a terminal (`console`).

pub mod console;
mod notify;
mod shortcut;
mod tray;
mod worker_channel;

pub use notify::notify;
pub use shortcut::{watch_shortcut, ShortcutWatch};
pub use tray::TrayIcon;
pub use worker_channel::{spawn_worker, worker_connection};

/// Nothing to tune: Windows' heap gives large blocks back when they are freed.
pub fn tune_allocator() {}
