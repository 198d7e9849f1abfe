//! Windows: network changes from `NotifyIpInterfaceChange`, and per-monitor DPI awareness so that
//! every monitor is captured in its physical pixels.

mod dpi;
mod netwatch;

pub use dpi::per_monitor_dpi_aware;
pub use netwatch::NetWatch;
