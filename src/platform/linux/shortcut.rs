//! The global shortcut on Linux, through the display session's back end, chosen at run time from
//! the same [`Session`] as screen capture (`guichet_core::capture::back_end`): X11's passive key
//! grab ([`super::x11`]) today. A Wayland session has no back end yet and says so, rather than
//! grabbing through XWayland, where the keys arrive only while an X11 window has the focus.

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use guichet_core::display::Session;
use std::fmt;

/// A shortcut one back end holds, until released.
pub(super) trait HeldShortcut: Send + fmt::Debug {
    /// Gives the key back (done when this returns, so it may be taken again at once) and stops
    /// calling back.
    fn release(self: Box<Self>);
}

/// A watched shortcut, until [`ShortcutWatch::stop`].
#[derive(Debug)]
pub struct ShortcutWatch(Box<dyn HeldShortcut>);

impl ShortcutWatch {
    /// Releases the key and ends the watch.
    pub fn stop(self) {
        self.0.release();
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
    let held: Box<dyn HeldShortcut> = match session {
        Session::X11 => Box::new(super::x11::grab(&shortcut, on_press)?),
        other => return Err(PlatformError::NoBackEnd(other)),
    };
    Ok(ShortcutWatch(held))
}
