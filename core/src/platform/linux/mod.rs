//! Linux: screenshots through MIT-SHM on X11, and the kernel's route notifications.

pub mod netwatch;
pub mod shm_capture;

pub use netwatch::NetWatch;

/// Every monitor through MIT-SHM, on an X11 session whose server allows it exactly.
pub fn fast_capture() -> Option<crate::capture::Capture> {
    if !is_x11() {
        return None;
    }
    shm_capture::capture_shm().filter(|c| !c.screens.is_empty())
}

/// An X11 session (not Wayland, where X clients see only XWayland's part of the desktop).
fn is_x11() -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    set("DISPLAY")
        && !set("WAYLAND_DISPLAY")
        && std::env::var("XDG_SESSION_TYPE").map_or(true, |t| t != "wayland")
}
