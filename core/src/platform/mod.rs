//! What differs between operating systems in the core, behind one small API; one folder per OS
//! (`linux/`, `windows/`, `macos/`):
//!
//! - The capture back ends, one [`crate::capture::ScreenSource`] per display session, which
//!   [`crate::capture::back_end`] chooses at run time: `X11Screens` (Linux: MIT-SHM, else
//!   `xcap`), `WaylandScreens` (Linux: the Screenshot portal, cut per output), `WindowsScreens` (per-monitor DPI awareness, then `xcap`), `MacScreens` (the
//!   Screen Recording permission, then `xcap`).
//! - `NetWatch`: hears the network come back without polling (Linux: `NETLINK_ROUTE`; Windows:
//!   `NotifyIpInterfaceChange`), so that what waits is sent at once. Where there is none (macOS
//!   today), the outbox's back-off still delivers.
//!
//! The local IPC channel and the data and runtime directories are `guichet_protocol::transport`'s.

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "linux")]
pub use linux::{NetWatch, WaylandScreens, X11Screens};

#[cfg(windows)]
pub mod windows;
#[cfg(windows)]
pub use windows::{per_monitor_dpi_aware, NetWatch, WindowsScreens};

#[cfg(target_os = "macos")]
pub mod macos;
#[cfg(target_os = "macos")]
pub use macos::{screen_capture_allowed, MacScreens};
