//! The global shortcut on Linux, through the display session's back end, chosen at run time from
//! the same [`Session`] as screen capture (`guichet_core::capture::back_end`): X11's passive key
//! grab ([`super::x11`]), or in a Wayland session the desktop's GlobalShortcuts portal
//! ([`super::portal`]). A Wayland session never grabs through XWayland, where the keys arrive
//! only while an X11 window has the focus. Where the portal is missing, [`mechanism`] says what
//! works instead: a GNOME custom shortcut Settings can install, or the compositor's own binding.

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use guichet_core::display::Session;
use guichet_core::platform::linux::gnome;
use guichet_core::protocol::desktop::ShortcutMechanism;
use std::fmt;

/// A shortcut one back end holds, until released.
pub(super) trait HeldShortcut: Send + fmt::Debug {
    /// Gives the key back (done when this returns, so it may be taken again at once) and stops
    /// calling back.
    fn release(self: Box<Self>);
}

/// A watched shortcut, until [`ShortcutWatch::stop`].
#[derive(Debug)]
pub struct ShortcutWatch {
    held: Box<dyn HeldShortcut>,
    mechanism: ShortcutMechanism,
}

impl ShortcutWatch {
    /// Releases the key and ends the watch.
    pub fn stop(self) {
        self.held.release();
    }
}

/// How the shortcut is heard: through `watch` when there is one, else what this session offers
/// instead (GNOME: a custom shortcut, installed or to install from Settings; another Wayland
/// desktop: its own configuration's binding).
pub fn mechanism(watch: Option<&ShortcutWatch>) -> ShortcutMechanism {
    if let Some(watch) = watch {
        return watch.mechanism;
    }
    if Session::detect() != Some(Session::Wayland) {
        return ShortcutMechanism::Unavailable;
    }
    let desktop = std::env::var("XDG_CURRENT_DESKTOP").unwrap_or_default();
    if !gnome::is_gnome(&desktop) {
        return ShortcutMechanism::Compositor;
    }
    match gnome::installed() {
        Ok(true) => ShortcutMechanism::GnomeKeybinding,
        Ok(false) => ShortcutMechanism::GnomeKeybindingOffered,
        Err(e) => {
            tracing::warn!("cannot read GNOME's custom shortcuts: {e}");
            ShortcutMechanism::Unavailable
        }
    }
}

/// Watches `shortcut` through the session's back end, calling `on_press` on each press. Fails
/// when there is no display, no back end for this session, or the key is taken; the agent then
/// runs without a shortcut (the tray and `guichet --report` still open the wizard).
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<ShortcutWatch, PlatformError> {
    let session = Session::detect().ok_or_else(|| {
        PlatformError::NoDisplay("neither DISPLAY nor WAYLAND_DISPLAY is set".into())
    })?;
    let (held, mechanism): (Box<dyn HeldShortcut>, _) = match session {
        Session::X11 => (
            Box::new(super::x11::grab(&shortcut, on_press)?),
            ShortcutMechanism::KeyGrab,
        ),
        Session::Wayland => (
            Box::new(super::portal::bind(&shortcut, on_press)?),
            ShortcutMechanism::Portal,
        ),
        other => return Err(PlatformError::NoBackEnd(other)),
    };
    Ok(ShortcutWatch { held, mechanism })
}
