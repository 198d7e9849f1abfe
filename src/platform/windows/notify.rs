//! Desktop notifications on Windows: toasts (tauri-winrt-notification). Windows drops the toasts
//! of an unknown AppUserModelID without a word, so the agent registers its own first, per user,
//! under `HKCU\Software\Classes\AppUserModelId\Guichet.Agent` (a display name is all it needs; no
//! Start-menu shortcut). The click is heard while the agent runs, which it always does.
#![allow(unsafe_code)]

use crate::platform::{Notification, PlatformError};
use std::sync::{Mutex, OnceLock};
use windows_sys::Win32::System::Registry::{
    RegCloseKey, RegCreateKeyExW, RegSetValueExW, HKEY, HKEY_CURRENT_USER, KEY_SET_VALUE,
    REG_OPTION_NON_VOLATILE, REG_SZ,
};

/// The agent's AppUserModelID.
pub const APP_ID: &str = "Guichet.Agent";

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Writes the AppUserModelID's registry key (idempotent); the error code when Windows refuses.
fn register_app_id() -> Result<(), u32> {
    let key_path = wide(&format!(r"Software\Classes\AppUserModelId\{APP_ID}"));
    let name = wide("DisplayName");
    let value = wide("Guichet");
    let mut key: HKEY = std::ptr::null_mut();
    // SAFETY: valid NUL-terminated strings; `key` is written on success and closed below.
    let status = unsafe {
        RegCreateKeyExW(
            HKEY_CURRENT_USER,
            key_path.as_ptr(),
            0,
            std::ptr::null(),
            REG_OPTION_NON_VOLATILE,
            KEY_SET_VALUE,
            std::ptr::null(),
            &mut key,
            std::ptr::null_mut(),
        )
    };
    if status != 0 {
        return Err(status);
    }
    let bytes = u32::try_from(value.len() * 2).unwrap_or(u32::MAX);
    // SAFETY: an open key; the value is `bytes` long, NUL included.
    let status =
        unsafe { RegSetValueExW(key, name.as_ptr(), 0, REG_SZ, value.as_ptr().cast(), bytes) };
    // SAFETY: opened above, closed once.
    unsafe { RegCloseKey(key) };
    if status != 0 {
        return Err(status);
    }
    Ok(())
}

/// Shows `notification`; `on_activate` runs if the user clicks it or its button.
pub async fn notify(
    notification: &Notification,
    on_activate: impl FnOnce() + Send + 'static,
) -> Result<(), PlatformError> {
    static REGISTERED: OnceLock<Result<(), u32>> = OnceLock::new();
    if let Err(code) = REGISTERED.get_or_init(register_app_id) {
        return Err(PlatformError::Notification(format!(
            "cannot register the AppUserModelID {APP_ID} (error {code})"
        )));
    }
    let once = Mutex::new(Some(on_activate));
    let Notification {
        title,
        body,
        action,
    } = notification.clone();
    // The toast holds COM objects, which stay on the thread that made them.
    tokio::task::spawn_blocking(move || {
        tauri_winrt_notification::Toast::new(APP_ID)
            .title(&title)
            .text1(&body)
            .add_button(&action, "open")
            .on_activated(move |_action| {
                if let Some(open) = once.lock().ok().and_then(|mut f| f.take()) {
                    open();
                }
                Ok(())
            })
            .show()
    })
    .await
    .map_err(|e| PlatformError::Notification(e.to_string()))?
    .map_err(|e| PlatformError::Notification(e.to_string()))
}
