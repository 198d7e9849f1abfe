//! macOS: the Screen Recording permission. Without it, macOS still hands a capture over, but of
//! the desktop wallpaper alone, so a report would carry a picture that shows nothing. The agent
//! therefore asks before capturing; when the permission is missing, the capture fails with
//! [`crate::capture::CaptureError::PermissionDenied`], the wizard says how to grant it and the
//! report goes on without a screenshot.
#![allow(unsafe_code)]

#[link(name = "CoreGraphics", kind = "framework")]
extern "C" {
    /// Whether this process may capture the screen (macOS 10.15+); asks nothing.
    fn CGPreflightScreenCaptureAccess() -> bool;
    /// Asks the user once (macOS shows its dialog the first time), and answers as above.
    fn CGRequestScreenCaptureAccess() -> bool;
}

/// Whether the Screen Recording permission is granted; the first time it is not, macOS is asked
/// to show its dialog (it shows it once per program; afterwards only System Settings can grant it).
pub fn screen_capture_allowed() -> bool {
    static ASKED: std::sync::Once = std::sync::Once::new();
    // SAFETY: both functions take no arguments, have no preconditions and only read state.
    if unsafe { CGPreflightScreenCaptureAccess() } {
        return true;
    }
    let mut granted = false;
    ASKED.call_once(|| {
        // SAFETY: as above.
        granted = unsafe { CGRequestScreenCaptureAccess() };
    });
    granted
}

/// The macOS back end's capture: every monitor through `xcap`, once the Screen Recording
/// permission is granted ([`crate::capture::CaptureError::PermissionDenied`] otherwise).
#[derive(Debug, Default, Clone, Copy)]
pub struct MacScreens;

impl crate::capture::ScreenSource for MacScreens {
    fn capture_all(&self) -> Result<crate::capture::Capture, crate::capture::CaptureError> {
        if !screen_capture_allowed() {
            return Err(crate::capture::CaptureError::PermissionDenied);
        }
        crate::capture::capture_xcap()
    }
}
