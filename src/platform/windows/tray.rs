//! The tray icon on Windows: `tray-icon` (a notification-area icon with a native menu) on a thread
//! of its own that runs the Win32 message loop the icon and menu need. The agent talks to that
//! thread with thread messages: a new unread count, or quit.
#![allow(unsafe_code)]

use crate::platform::menu::{self, MenuId, TrayEvents};
use crate::platform::tray_icon_menu::{builder, show_events, tray_error};
use crate::platform::PlatformError;
use guichet_core::i18n::Lang;
use std::sync::mpsc;
use windows_sys::Win32::System::Threading::GetCurrentThreadId;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    DispatchMessageW, GetMessageW, PeekMessageW, PostThreadMessageW, TranslateMessage, MSG,
    PM_NOREMOVE, WM_APP, WM_QUIT,
};

/// "Show this unread count" (`wParam`).
const WM_UNREAD: u32 = WM_APP + 1;

/// The tray icon while it is shown: its thread, and how to reach it.
#[derive(Debug)]
pub struct TrayIcon {
    thread_id: u32,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TrayIcon {
    /// Shows the tray icon; `None` (logged) when the shell refuses it.
    pub async fn spawn(lang: Lang, events: TrayEvents, unread: usize) -> Option<TrayIcon> {
        let (ready, started) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("guichet-tray".into())
            .spawn(move || run(lang, events, unread, ready));
        let thread = match thread {
            Ok(thread) => thread,
            Err(e) => {
                tracing::warn!("no tray icon: cannot start its thread: {e}");
                return None;
            }
        };
        match tokio::task::spawn_blocking(move || started.recv()).await {
            Ok(Ok(Ok(thread_id))) => Some(TrayIcon {
                thread_id,
                thread: Some(thread),
            }),
            Ok(Ok(Err(e))) => {
                tracing::warn!("no tray icon: {e}");
                None
            }
            _ => {
                tracing::warn!("no tray icon: its thread stopped");
                None
            }
        }
    }

    /// Shows how many notices the user has not looked at.
    pub async fn set_unread(&self, count: usize) {
        // SAFETY: posting to a thread id is harmless even if the thread has ended.
        unsafe { PostThreadMessageW(self.thread_id, WM_UNREAD, count, 0) };
    }

    pub async fn shutdown(mut self) {
        // SAFETY: as above.
        unsafe { PostThreadMessageW(self.thread_id, WM_QUIT, 0, 0) };
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// The tray thread: builds the icon and menu, says it is ready (with its thread id), then runs
/// the message loop until told to quit.
fn run(
    lang: Lang,
    events: TrayEvents,
    unread: usize,
    ready: mpsc::Sender<Result<u32, PlatformError>>,
) {
    // SAFETY: plain Win32 calls on this thread; PeekMessage creates its message queue so that
    // messages posted before the loop starts are kept.
    let thread_id = unsafe {
        let mut msg: MSG = std::mem::zeroed();
        PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, PM_NOREMOVE);
        GetCurrentThreadId()
    };
    let tray = match builder(lang, unread)
        .and_then(|(builder, my_tickets)| Ok((builder.build().map_err(tray_error)?, my_tickets)))
    {
        Ok(shown) => shown,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    show_events(Some(events));
    let _ = ready.send(Ok(thread_id));
    // SAFETY: the standard message loop of this thread; `msg` is written by GetMessageW.
    unsafe {
        let mut msg: MSG = std::mem::zeroed();
        while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
            if msg.hwnd.is_null() && msg.message == WM_UNREAD {
                tray.1
                    .set_text(menu::label(lang, MenuId::MyTickets, msg.wParam));
                continue;
            }
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    show_events(None);
    drop(tray);
}
