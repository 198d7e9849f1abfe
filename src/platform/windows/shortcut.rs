//! The global shortcut on Windows: `RegisterHotKey` on a thread of its own, which then sleeps in
//! `GetMessageW` until the shortcut is pressed (no polling).
#![allow(unsafe_code)]

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use std::sync::mpsc;
use windows_sys::Win32::UI::Input::KeyboardAndMouse::RegisterHotKey;
use windows_sys::Win32::UI::WindowsAndMessaging::{GetMessageW, MSG, WM_HOTKEY};

/// The hot key's id, for this thread's registration.
const HOTKEY_ID: i32 = 1;

/// Registers `shortcut` and calls `on_press` on each press, from a dedicated thread. Fails when
/// another program holds the same combination; the agent then runs without a shortcut.
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<(), PlatformError> {
    let (registered, result) = mpsc::channel();
    let text = shortcut.to_string();
    std::thread::Builder::new()
        .name("guichet-shortcut".into())
        .spawn(move || {
            // SAFETY: a thread-owned hot key (no window); the thread's message loop follows.
            let ok = unsafe {
                RegisterHotKey(
                    std::ptr::null_mut(),
                    HOTKEY_ID,
                    shortcut.windows_modifiers(),
                    shortcut.windows_virtual_key(),
                )
            };
            let _ = registered.send(ok != 0);
            if ok == 0 {
                return;
            }
            // SAFETY: `msg` is written by GetMessageW; the loop ends with the thread's queue.
            unsafe {
                let mut msg: MSG = std::mem::zeroed();
                while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
                    if msg.message == WM_HOTKEY {
                        on_press();
                    }
                }
            }
        })
        .map_err(|source| PlatformError::Io {
            what: "cannot start the shortcut's thread",
            source,
        })?;
    match result.recv() {
        Ok(true) => Ok(()),
        _ => Err(PlatformError::ShortcutTaken(text)),
    }
}
