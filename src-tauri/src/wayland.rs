//! What the window process does differently in a Wayland session (`../shared/wayland.md`):
//!
//! - WebKitGTK's DMA-BUF renderer (the default since 2.42) shows blank or white windows on
//!   NVIDIA and some Mesa set-ups under Wayland (tauri#9304, #13899): it is turned off, unless
//!   the user or IT set `WEBKIT_DISABLE_DMABUF_RENDERER` themselves.
//! - Wayland restricts focus stealing, and a window cannot place itself: the wizard asks for the
//!   user's attention rather than assuming it has the focus (`window::open`).

use guichet_protocol::display::Session;

/// Whether this process runs in a Wayland session.
pub fn is_wayland() -> bool {
    Session::detect() == Some(Session::Wayland)
}

/// Names the program [`APP_ID`](guichet_protocol::desktop::APP_ID) for GTK, before it starts: the
/// windows' Wayland app id and X11 class then match the desktop entry `fr.guichet.app.desktop`
/// and the id the agent registers with the portals (GNOME shows a portal's permission dialog only
/// for the app whose window has the focus, and finds the window's icon and name by its app id).
#[cfg(target_os = "linux")]
pub fn name_the_program() {
    glib::set_prgname(Some(guichet_protocol::desktop::APP_ID));
}

/// Sets `WEBKIT_DISABLE_DMABUF_RENDERER=1` in a Wayland session when it is not set; whether it
/// did. Called first thing in `main`, while the process has one thread.
pub fn disable_dmabuf_renderer() -> bool {
    let wanted = decide(is_wayland(), std::env::var_os(VAR).is_some());
    if wanted {
        std::env::set_var(VAR, "1");
    }
    wanted
}

const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// The rule: only in a Wayland session, and never over someone's own choice.
fn decide(wayland: bool, already_set: bool) -> bool {
    wayland && !already_set
}

#[cfg(test)]
mod tests {
    use super::decide;

    #[test]
    fn the_renderer_is_turned_off_on_wayland_unless_someone_chose() {
        assert!(decide(true, false));
        assert!(!decide(true, true));
        assert!(!decide(false, false));
    }
}
