//! Which display session this process runs in, read from the environment at run time. Screen
//! capture (the core's `capture::source::back_end`), the agent's global shortcut
//! (`platform::watch_shortcut` in the `guichet` crate) and the window process's Wayland
//! settings all choose from this one answer, so a session is never captured one way and its
//! keys grabbed another.
//!
//! On Linux the session decides, in this order: `XDG_SESSION_TYPE` (`wayland` or `x11`, as the
//! login manager set it), then `WAYLAND_DISPLAY`, then `DISPLAY`. A Wayland session is Wayland
//! even when `DISPLAY` names its XWayland server: X11 clients there see neither the whole desktop
//! nor the keys (see `../shared/wayland.md`), so taking X11's path would fail in confusing ways.

use std::fmt;

/// A kind of display session; each has (or will have) its own back end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// An X server named by `DISPLAY`.
    X11,
    /// A Wayland compositor (GNOME, KDE Plasma, sway…).
    Wayland,
    /// The Windows desktop.
    Windows,
    /// The macOS desktop.
    MacOs,
}

impl Session {
    /// The session of this process, or `None` when no display is named (a console, a service).
    pub fn detect() -> Option<Session> {
        if cfg!(windows) {
            Some(Session::Windows)
        } else if cfg!(target_os = "macos") {
            Some(Session::MacOs)
        } else {
            Session::from_vars(|name| std::env::var(name).ok())
        }
    }

    /// The Unix rule of [`Session::detect`], reading the environment through `var` (so that it
    /// is tested without touching the process's environment). Empty values count as unset.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Session> {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        match set("XDG_SESSION_TYPE").as_deref() {
            Some("wayland") => return Some(Session::Wayland),
            Some("x11") => return set("DISPLAY").map(|_| Session::X11),
            // "tty" (a console or ssh), "unspecified", "mir", unset: the display variables say.
            _ => {}
        }
        if set("WAYLAND_DISPLAY").is_some() {
            Some(Session::Wayland)
        } else if set("DISPLAY").is_some() {
            Some(Session::X11)
        } else {
            None
        }
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Session::X11 => "X11",
            Session::Wayland => "Wayland",
            Session::Windows => "Windows",
            Session::MacOs => "macOS",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Session;

    fn session(vars: &[(&str, &str)]) -> Option<Session> {
        Session::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_login_managers_word_comes_first() {
        let wayland = [
            ("XDG_SESSION_TYPE", "wayland"),
            ("WAYLAND_DISPLAY", "wayland-0"),
            ("DISPLAY", ":0"),
        ];
        assert_eq!(session(&wayland), Some(Session::Wayland));
        // XWayland's DISPLAY does not make a Wayland session an X11 one.
        assert_eq!(
            session(&[("XDG_SESSION_TYPE", "wayland"), ("DISPLAY", ":0")]),
            Some(Session::Wayland)
        );
        assert_eq!(
            session(&[("XDG_SESSION_TYPE", "x11"), ("DISPLAY", ":0")]),
            Some(Session::X11)
        );
        assert_eq!(session(&[("XDG_SESSION_TYPE", "x11")]), None);
    }

    #[test]
    fn without_it_the_display_variables_say() {
        assert_eq!(session(&[("DISPLAY", ":99")]), Some(Session::X11));
        assert_eq!(
            session(&[("XDG_SESSION_TYPE", "tty"), ("DISPLAY", ":99")]),
            Some(Session::X11)
        );
        assert_eq!(
            session(&[("WAYLAND_DISPLAY", "wayland-1"), ("DISPLAY", ":1")]),
            Some(Session::Wayland)
        );
        assert_eq!(session(&[("DISPLAY", ""), ("WAYLAND_DISPLAY", "")]), None);
        assert_eq!(session(&[]), None);
    }
}
