//! Windows: network changes from `NotifyIpInterfaceChange`, per-monitor DPI awareness so that
//! every monitor is captured in its physical pixels, and the registry values of IT's deployment
//! (`registry`), and whether the WebView2 runtime the windows need is installed (`webview2`).

mod dpi;
mod netwatch;
pub mod registry;
pub mod webview2;

pub use dpi::per_monitor_dpi_aware;
pub use netwatch::NetWatch;

use crate::capture::{capture_xcap, Capture, CaptureError, ScreenSource};

/// The Windows back end's capture: every monitor through `xcap` (GDI), in physical pixels.
#[derive(Debug, Default, Clone, Copy)]
pub struct WindowsScreens;

impl ScreenSource for WindowsScreens {
    fn capture_all(&self) -> Result<Capture, CaptureError> {
        per_monitor_dpi_aware();
        capture_xcap()
    }
}
