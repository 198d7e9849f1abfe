//! Whether the Microsoft Edge WebView2 runtime (Evergreen) is installed, from the registry
//! values Microsoft documents for it ("Detect if a WebView2 Runtime is already installed"): the
//! value `pv` (its version) of the runtime's client key, per machine (in the 32-bit view, where its
//! updater writes) or per user. The agent links no WebView2 code: `guichet-ui` asks the loader
//! itself before opening a window.

#![allow(unsafe_code)] // One registry call, its buffer's size passed with it.

use windows_sys::Win32::Foundation::ERROR_SUCCESS;
use windows_sys::Win32::System::Registry::{
    RegGetValueW, HKEY, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, RRF_RT_REG_SZ,
};

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

fn string_value(root: HKEY, key: &str, name: &str) -> Option<String> {
    let key: Vec<u16> = key.encode_utf16().chain(Some(0)).collect();
    let name: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
    let mut data = vec![0u16; 128];
    let mut size = (data.len() * 2) as u32;
    // SAFETY: the key and value names are NUL-terminated; `data` holds `size` bytes, and the call
    // writes at most that many (it fails with ERROR_MORE_DATA otherwise: no version is that long).
    let status = unsafe {
        RegGetValueW(
            root,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            data.as_mut_ptr().cast(),
            &mut size,
        )
    };
    if status != ERROR_SUCCESS {
        return None;
    }
    let units = (size as usize / 2).min(data.len());
    let text: Vec<u16> = data[..units]
        .iter()
        .copied()
        .take_while(|&u| u != 0)
        .collect();
    Some(String::from_utf16_lossy(&text).trim().to_owned())
}
