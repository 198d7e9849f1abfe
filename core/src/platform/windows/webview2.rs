//! Whether the Microsoft Edge WebView2 runtime (Evergreen) is installed, from the registry
//! values Microsoft documents for it ("Detect if a WebView2 Runtime is already installed"): the
//! value `pv` (its version) of the runtime's client key, per machine (in the 32-bit view, where its
//! updater writes) or per user. The agent links no WebView2 code: `guichet-ui` asks the loader
//! itself before opening a window.

use super::registry::string_value;
use windows_sys::Win32::System::Registry::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};

/// The runtime's client key, under `SOFTWARE` (per machine on 64-bit Windows, `WOW6432Node`).
const CLIENT: &str = r"Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}";

/// The installed runtime's version, or `None` when none is registered (a missing, empty or
/// `0.0.0.0` `pv` means not installed, or removed).
pub fn runtime_version() -> Option<String> {
    let places = [
        (
            HKEY_LOCAL_MACHINE,
            format!(r"SOFTWARE\WOW6432Node\{CLIENT}"),
        ),
        (HKEY_LOCAL_MACHINE, format!(r"SOFTWARE\{CLIENT}")),
        (HKEY_CURRENT_USER, format!(r"Software\{CLIENT}")),
    ];
    places
        .iter()
        .filter_map(|(root, key)| string_value(*root, key, "pv"))
        .find(|version| !version.is_empty() && version != "0.0.0.0")
}
