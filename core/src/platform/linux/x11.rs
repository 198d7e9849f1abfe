//! The X11 back end's capture: every RandR monitor through MIT-SHM when the server allows it
//! exactly ([`super::shm_capture`]), else through `xcap`. Chosen for X11 sessions only
//! ([`crate::capture::back_end`]); under XWayland neither path sees the desktop.

use super::shm_capture;
use crate::capture::{capture_xcap, Capture, CaptureError, ScreenSource};

/// Every monitor of the X server named by `DISPLAY`.
#[derive(Debug, Default, Clone, Copy)]
pub struct X11Screens;

impl ScreenSource for X11Screens {
    fn capture_all(&self) -> Result<Capture, CaptureError> {
        if let Some(capture) = shm_capture::capture_shm().filter(|c| !c.screens.is_empty()) {
            return Ok(capture);
        }
        capture_xcap()
    }
}
