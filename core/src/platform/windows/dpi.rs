//! Per-monitor DPI awareness. A process that does not declare it sees scaled monitors in logical
//! pixels, and its screenshots are blurred and misplaced on mixed-DPI desks (a 150 % laptop beside
//! a 100 % screen). Declared once, before the first capture; Windows keeps the first declaration.
#![allow(unsafe_code)]

use std::sync::Once;
use windows_sys::Win32::UI::HiDpi::{
    SetProcessDpiAwarenessContext, DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE,
    DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2,
};

/// Makes this process per-monitor DPI aware (v2 since Windows 10 1703, else v1); idempotent.
pub fn per_monitor_dpi_aware() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for context in [
            DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2,
            DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE,
        ] {
            // SAFETY: a process-wide setting with a constant argument; failure (already set, or
            // an older Windows) leaves the process as it was.
            if unsafe { SetProcessDpiAwarenessContext(context) } != 0 {
                return;
            }
        }
        // `ERROR_ACCESS_DENIED`: the awareness was already declared (by a manifest, or by a
        // library before us), which is what Windows allows once. Anything else: capture still
        // works, in logical pixels on scaled monitors.
        let error = std::io::Error::last_os_error();
        if error.raw_os_error() != Some(5) {
            tracing::info!("per-monitor DPI awareness not set: {error}");
        }
    });
}
