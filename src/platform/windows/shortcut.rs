//! The global shortcut on Windows: `RegisterHotKey` on a thread of its own, which then sleeps in
//! `GetMessageW` until the shortcut is pressed (no polling). Stopping posts `WM_QUIT` to that
//! thread, which unregisters the key before it ends.
#![allow(unsafe_code)]

use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use std::sync::mpsc;
use std::time::Duration;
use windows_sys::Win32::System::Threading::GetCurrentThreadId;
use windows_sys::Win32::UI::Input::KeyboardAndMouse::{RegisterHotKey, UnregisterHotKey};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    GetMessageW, PeekMessageW, PostThreadMessageW, MSG, PM_NOREMOVE, WM_HOTKEY, WM_QUIT, WM_USER,
};

/// The hot key's id, for this thread's registration.
const HOTKEY_ID: i32 = 1;

/// A registered shortcut, until [`ShortcutWatch::stop`].
#[derive(Debug)]
pub struct ShortcutWatch {
    thread_id: u32,
    /// Closed when the thread has unregistered the key and ended.
    ended: mpsc::Receiver<()>,
}

impl ShortcutWatch {
    /// Unregisters the key (done when this returns, so the same key may be registered again at
    /// once) and ends the watching thread.
    pub fn stop(self) {
        // SAFETY: posting to a thread id; it fails harmlessly if the thread is gone.
        let posted = unsafe { PostThreadMessageW(self.thread_id, WM_QUIT, 0, 0) };
        if posted == 0 {
            tracing::warn!("cannot stop the global shortcut's thread");
            return;
        }
        if let Err(mpsc::RecvTimeoutError::Timeout) =
            self.ended.recv_timeout(Duration::from_secs(2))
        {
            tracing::warn!("the global shortcut's thread did not end");
        }
    }
}

/// Registers `shortcut` and calls `on_press` on each press, from a dedicated thread. Fails when
/// another program holds the same combination; the agent then runs without a shortcut.
pub fn watch_shortcut(
    shortcut: Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<ShortcutWatch, PlatformError> {
    let (registered, result) = mpsc::channel();
    let (end, ended) = mpsc::channel::<()>();
    let text = shortcut.to_string();
    std::thread::Builder::new()
        .name("guichet-shortcut".into())
        .spawn(move || {
            // Dropped when the thread ends: `stop` waits for it.
            let _end = end;
            // SAFETY: `msg` is only written. Peeking makes the thread's message queue, so that a
            // WM_QUIT posted as soon as this thread reports is not lost.
            unsafe {
                let mut msg: MSG = std::mem::zeroed();
                PeekMessageW(
                    &mut msg,
                    std::ptr::null_mut(),
                    WM_USER,
                    WM_USER,
                    PM_NOREMOVE,
                );
            }
            // SAFETY: a thread-owned hot key (no window); the thread's message loop follows.
            let ok = unsafe {
                RegisterHotKey(
                    std::ptr::null_mut(),
                    HOTKEY_ID,
                    shortcut.windows_modifiers(),
                    shortcut.windows_virtual_key(),
                )
            };
            // SAFETY: no argument.
            let thread_id = unsafe { GetCurrentThreadId() };
            let _ = registered.send((ok != 0).then_some(thread_id));
            if ok == 0 {
                return;
            }
            // SAFETY: `msg` is written by GetMessageW; the loop ends with WM_QUIT (`stop`).
            unsafe {
                let mut msg: MSG = std::mem::zeroed();
                while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
                    if msg.message == WM_HOTKEY {
                        on_press();
                    }
                }
                UnregisterHotKey(std::ptr::null_mut(), HOTKEY_ID);
            }
        })
        .map_err(|source| PlatformError::Io {
            what: "cannot start the shortcut's thread",
            source,
        })?;
    match result.recv() {
        Ok(Some(thread_id)) => Ok(ShortcutWatch { thread_id, ended }),
        _ => Err(PlatformError::ShortcutTaken(text)),
    }
}
