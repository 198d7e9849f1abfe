//! Windows draws Guichet's windows with Microsoft Edge WebView2. Windows 11 and an up-to-date
//! Windows 10 have its runtime; offline images and LTSC editions may not, and without it Tauri
//! would wait for a web view that never comes: no window, no word. So the runtime is looked for
//! first, and when it is missing the user is told in their language what to ask IT for
//! (a message box, the log, standard error), and the process ends with [`EXIT_NO_WEBVIEW`]. The two Win32 calls are `unsafe`; each says why it is sound.
#![allow(unsafe_code)]

use guichet_protocol::i18n::{t, Lang};
use webview2_com::Microsoft::Web::WebView2::Win32::GetAvailableCoreWebView2BrowserVersionString;
use windows_core::{PCWSTR, PWSTR};

/// The exit status of a window process that found no WebView2 runtime.
pub const EXIT_NO_WEBVIEW: u8 = 3;

/// Why no runtime was found.
#[derive(Debug, thiserror::Error)]
enum Missing {
    /// The loader answered, with no version: nothing is installed.
    #[error("no runtime installed")]
    NotInstalled,
    /// The loader itself failed.
    #[error("{0}")]
    Loader(#[from] windows_core::Error),
}

/// The runtime's version, or why there is none.
fn runtime_version() -> Result<String, Missing> {
    let mut version = PWSTR::null();
    // SAFETY: a null folder asks for the installed runtime; `version` is written by the loader
    // and handed to `take_pwstr`, which frees it.
    let found =
        unsafe { GetAvailableCoreWebView2BrowserVersionString(PCWSTR::null(), &mut version) };
    match found {
        Ok(()) if !version.is_null() => Ok(webview2_com::take_pwstr(version)),
        Ok(()) => Err(Missing::NotInstalled),
        Err(e) => Err(Missing::Loader(e)),
    }
}

/// `None` when the runtime is there; otherwise the user has been told, and the status to end with.
pub fn check(lang: Lang) -> Option<std::process::ExitCode> {
    let why = match runtime_version() {
        Ok(version) => {
            tracing::info!("WebView2 runtime {version}");
            return None;
        }
        Err(why) => why,
    };
    let message = t(lang, "window.webview2_missing", &[]);
    tracing::error!("WebView2 runtime missing ({why}): {message}");
    eprintln!("guichet-ui: {message}");
    show(&message);
    Some(std::process::ExitCode::from(EXIT_NO_WEBVIEW))
}

/// A message box, when the session has a desktop to show it on.
fn show(message: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONWARNING, MB_OK};
    let wide = |text: &str| -> Vec<u16> { text.encode_utf16().chain(Some(0)).collect() };
    let (text, title) = (wide(message), wide("Guichet"));
    // SAFETY: both strings are NUL-terminated and outlive the call; no owner window.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            title.as_ptr(),
            MB_OK | MB_ICONWARNING,
        )
    };
}
