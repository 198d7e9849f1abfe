//! What differs between operating systems in the core, behind one small API; one folder per OS
//! (`linux/` today; `windows/` and `macos/` provide the same names when they come):
//!
//! - `fast_capture() -> Option<Capture>`: a capture of every monitor faster than `xcap`'s where
//!   the OS allows it (Linux/X11: MIT-SHM); `None` sends the caller to `xcap`, the portable path.
//! - `NetWatch`: hears the network come back without polling (Linux: `NETLINK_ROUTE`), so that
//!   what waits is sent at once. Where there is none, the outbox's back-off still delivers.
//!
//! The local IPC channel and the data and runtime directories are `guichet_protocol::transport`'s.

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(target_os = "linux")]
pub use linux::{fast_capture, NetWatch};
