//! The real display: [`DisplaySource`] finds the session ([`Session::detect`]) at each capture
//! and hands it to that session's back end ([`back_end`], the one place that maps a session to
//! its capture). Each back end is a [`ScreenSource`] of its own, in its OS's folder of
//! [`crate::platform`]: X11 through MIT-SHM, else `xcap`, and Wayland through the Screenshot
//! portal (Linux); `xcap` after declaring DPI
//! awareness (Windows) or checking the Screen Recording permission (macOS). [`capture_xcap`] is
//! the portable path they share.

use super::{Capture, CaptureError, Frame, ScreenFailure, ScreenShot, ScreenSource};
use crate::display::Session;
use crate::facts::ScreenInfo;
use guichet_protocol::desktop::CaptureMethod;
use image::RgbaImage;

/// Captures every monitor of the current session through its back end. The session is read at
/// each capture and the display opened only then, so holding one costs nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct DisplaySource;

/// Whether a display session is named in the environment. On Windows and macOS there is always
/// one.
pub fn display_available() -> bool {
    Session::detect().is_some()
}

/// The capture back end of `session`. A session without one (a Wayland session on a system other
/// than Linux) is refused in words that say so. A Wayland session is never tried through X11:
/// under XWayland that fails with `BadMatch`, or shows only X11 windows.
pub fn back_end(session: Session) -> Result<&'static dyn ScreenSource, CaptureError> {
    back_end_and_method(session)
        .map(|(source, _)| source)
        .ok_or(CaptureError::NoBackEnd(session))
}

/// How a session is captured, for Settings and the doctor: its back end's method, else
/// [`CaptureMethod::Unavailable`].
pub fn capture_method(session: Option<Session>) -> CaptureMethod {
    session
        .and_then(back_end_and_method)
        .map_or(CaptureMethod::Unavailable, |(_, method)| method)
}

/// The one table from a session to its back end and what people call it.
fn back_end_and_method(session: Session) -> Option<(&'static dyn ScreenSource, CaptureMethod)> {
    match session {
        #[cfg(target_os = "linux")]
        Session::X11 => Some((&crate::platform::X11Screens, CaptureMethod::X11)),
        #[cfg(target_os = "linux")]
        Session::Wayland => Some((&crate::platform::WaylandScreens, CaptureMethod::Portal)),
        #[cfg(windows)]
        Session::Windows => Some((&crate::platform::WindowsScreens, CaptureMethod::Windows)),
        #[cfg(target_os = "macos")]
        Session::MacOs => Some((&crate::platform::MacScreens, CaptureMethod::MacOs)),
        _ => None,
    }
}

impl ScreenSource for DisplaySource {
    fn capture_all(&self) -> Result<Capture, CaptureError> {
        let session = Session::detect().ok_or(CaptureError::NoDisplay)?;
        back_end(session)?.capture_all()
    }
}

/// Every monitor through `xcap` alone (the portable path, and the reference the X11 fast path is
/// tested against).
pub fn capture_xcap() -> Result<Capture, CaptureError> {
    let monitors = xcap::Monitor::all().map_err(|e| CaptureError::Monitors(e.to_string()))?;
    Ok(capture_monitors(&monitors))
}

/// Why one monitor could not be captured, as the display system said it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GrabError(pub String);

/// One monitor, as [`capture_monitors`] needs it. Implemented by `xcap`'s monitors, and by fakes
/// in tests.
pub trait Monitor {
    /// Its name (`HDMI-1`), or empty when it cannot be read.
    fn name(&self) -> String;
    /// Its pixels now, physical.
    fn grab(&self) -> Result<RgbaImage, GrabError>;
    /// Its top-left corner on the desktop, in physical pixels.
    fn origin(&self) -> (i32, i32);
    /// Its scale factor: physical pixels per logical pixel (1.0, 1.5, 2.0…).
    fn scale(&self) -> f32;
}

/// Captures `monitors`, keeping going when one fails: it is listed in [`Capture::failures`].
/// Pixels come first, every monitor, so the images show the moment the user asked; the
/// descriptions (each a round trip to the display) after.
pub fn capture_monitors<M: Monitor>(monitors: &[M]) -> Capture {
    let grabs: Vec<_> = monitors.iter().map(Monitor::grab).collect();
    let mut capture = Capture::default();
    for (monitor, grab) in monitors.iter().zip(grabs) {
        let name = monitor.name();
        match grab {
            Ok(image) => {
                let (x, y) = monitor.origin();
                capture.screens.push(ScreenShot {
                    info: ScreenInfo {
                        name,
                        width: image.width(),
                        height: image.height(),
                        scale: monitor.scale(),
                        x,
                        y,
                    },
                    x,
                    y,
                    // No copy: the RGBA buffer becomes the frame's.
                    image: Frame::from(image),
                });
            }
            Err(GrabError(reason)) => {
                tracing::warn!("cannot capture monitor {name:?}: {reason}");
                capture.failures.push(ScreenFailure { name, reason });
            }
        }
    }
    capture
}

impl Monitor for xcap::Monitor {
    fn name(&self) -> String {
        xcap::Monitor::name(self).unwrap_or_default()
    }

    fn grab(&self) -> Result<RgbaImage, GrabError> {
        self.capture_image().map_err(|e| GrabError(e.to_string()))
    }

    fn origin(&self) -> (i32, i32) {
        // xcap reports positions in logical pixels (physical ÷ scale, truncated) while the image
        // is physical. Under X11 the scale is usually 1, and then this is exact.
        let scale = Monitor::scale(self);
        let physical = |logical: xcap::XCapResult<i32>| {
            logical.map_or(0, |v| (v as f32 * scale).round() as i32)
        };
        (physical(self.x()), physical(self.y()))
    }

    fn scale(&self) -> f32 {
        self.scale_factor().unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_session_without_a_back_end_is_refused_in_words() {
        let err = CaptureError::NoBackEnd(Session::Wayland);
        assert_eq!(
            err.message(Lang::En),
            "Guichet cannot capture the screen of a Wayland session yet. Describe what you see, \
             or attach a screenshot taken with your system’s own tool."
        );
        assert!(err.message(Lang::Fr).contains("session Wayland"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_x11_session_has_its_back_end() {
        let source = back_end(Session::X11).expect("X11 back end");
        assert_eq!(format!("{source:?}"), "X11Screens");
        // Wayland, XWayland or not, has its own: the X11 one is never tried there.
        let source = back_end(Session::Wayland).expect("Wayland back end");
        assert_eq!(format!("{source:?}"), "WaylandScreens");
        assert_eq!(
            capture_method(Some(Session::Wayland)),
            CaptureMethod::Portal
        );
        assert_eq!(capture_method(Some(Session::X11)), CaptureMethod::X11);
        assert_eq!(capture_method(None), CaptureMethod::Unavailable);
    }
}
