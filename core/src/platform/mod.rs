//! What differs between operating systems in the core, behind one small API; one folder per OS
//! (`linux/`, `windows/`, `macos/`):
//!
//! - `fast_capture() -> Option<Capture>`: a capture of every monitor faster than `xcap`'s where
//!   the OS allows it (Linux/X11: MIT-SHM); `None` sends the caller to `xcap`, the portable path.
//! - `NetWatch`: hears the network come back without polling (Linux: `NETLINK_ROUTE`; Windows:
//!   `NotifyIpInterfaceChange`), so that what waits is sent at once. Where there is none (macOS
//!   today), the outbox's back-off still delivers.
//! - Windows only: `per_monitor_dpi_aware()`, called before a capture, so that each monitor comes
//!   out in its physical pixels.
//! - macOS only: `screen_capture_allowed()`, the Screen Recording permission, checked before a
//!   capture (without it macOS returns the wallpaper alone).
//!
//! The local IPC channel and the data and runtime directories are `guichet_protocol::transport`'s.

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "linux")]
pub use linux::{fast_capture, NetWatch};

#[cfg(windows)]
pub mod windows;
#[cfg(windows)]
pub use windows::{per_monitor_dpi_aware, NetWatch};

#[cfg(target_os = "macos")]
pub mod macos;
#[cfg(target_os = "macos")]
pub use macos::screen_capture_allowed;
