//! A real desktop for tests, each part started on demand and stopped on drop: an X server (Xvfb,
//! or Xorg with the dummy driver for several monitors) showing a known picture, a private D-Bus
//! session bus, and the services tests start on it (dunst, a tray host's watcher, GNOME Keyring);
//! and a Wayland session (headless sway with the Screenshot portal) as an account of its own.

mod bus;
mod paint;
mod sway;
mod synthetic;
mod xorg;
mod xvfb;

pub use bus::{start_dunst, DbusSendError, Keyring, SessionBus};
pub use paint::{paint_root, painted_colour, painted_display};
pub use sway::{Background, Sway, SwayOutput};
pub use synthetic::synthetic_desktop;
pub use xorg::{Head, XorgDummy};
pub use xvfb::{displayfd, DisplayFdError, Xvfb};

use std::io::Read;
use std::process::Child;
use std::time::{Duration, Instant};

/// A child process killed and reaped on drop (PID 1 here does not reap).
#[derive(Debug)]
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after `limit` naming `what`.
pub fn wait_for<T>(what: &str, limit: Duration, check: impl FnMut() -> Option<T>) -> T {
    poll_until(limit, check).unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Polls `check` every 50 ms until it returns `Some`; `None` after `limit`.
pub fn poll_until<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if start.elapsed() >= limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads what a child wrote so far to a file-backed stream.
pub fn read_file(path: &std::path::Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    s
}
