//! Linux: ksni tray, X11 key grab, D-Bus notifications, glibc tuning, socket-pair worker channel.

mod memory;
mod notify;
mod shortcut;
mod tray;
mod worker_channel;

pub use memory::tune_allocator;
pub use notify::notify;
pub use shortcut::watch_shortcut;
pub use tray::TrayIcon;
pub use worker_channel::{spawn_worker, worker_connection};
