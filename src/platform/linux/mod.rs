//! Linux: ksni tray, the global shortcut through the session's display back end (`shortcut`
//! chooses; `x11` is the X11 key grab, `portal` Wayland's GlobalShortcuts portal), D-Bus notifications, glibc tuning, socket-pair worker
//! channel (`super::unix_worker`, shared with macOS).

mod memory;
mod notify;
mod portal;
mod shortcut;
mod tray;
mod x11;

pub use super::unix_worker::{spawn_worker, worker_connection};
pub use memory::{trim_resident, tune_allocator};
pub use notify::notify;
pub use shortcut::{mechanism as shortcut_mechanism, watch_shortcut, ShortcutWatch};
pub use tray::{host_present as tray_host_present, TrayIcon};
