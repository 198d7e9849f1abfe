//! The tray icon on Windows: `tray-icon` (a notification-area icon with a native menu) on a thread
//! of its own that runs the Win32 message loop the icon and menu need. The agent talks to that
//! thread with thread messages: a new unread count, or quit.
#![allow(unsafe_code)]

use crate::platform::menu::{self, MenuId, TrayEvent, TrayEvents};
use guichet_core::i18n::{t, Lang};
use std::sync::mpsc;
use tray_icon::menu::{Menu, MenuEvent, MenuItem};
use tray_icon::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use windows_sys::Win32::System::Threading::GetCurrentThreadId;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    DispatchMessageW, GetMessageW, PeekMessageW, PostThreadMessageW, TranslateMessage, MSG,
    PM_NOREMOVE, WM_APP, WM_QUIT,
};

/// "Show this unread count" (`wParam`).
const WM_UNREAD: u32 = WM_APP + 1;

/// The menu entry's id, as the menu reports it back.
fn id_text(id: MenuId) -> &'static str {
    id.label_key()
}

fn menu_id(text: &str) -> Option<MenuId> {
    MenuId::ALL.into_iter().find(|id| id_text(*id) == text)
}

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
fn run(lang: Lang, events: TrayEvents, unread: usize, ready: mpsc::Sender<Result<u32, String>>) {
    // SAFETY: plain Win32 calls on this thread; PeekMessage creates its message queue so that
    // messages posted before the loop starts are kept.
    let thread_id = unsafe {
        let mut msg: MSG = std::mem::zeroed();
        PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, PM_NOREMOVE);
        GetCurrentThreadId()
    };
    let items: Vec<(MenuId, MenuItem)> = MenuId::ALL
        .into_iter()
        .map(|id| {
            let item = MenuItem::with_id(id_text(id), menu::label(lang, id, unread), true, None);
            (id, item)
        })
        .collect();
    let menu = Menu::new();
    for (_, item) in &items {
        if let Err(e) = menu.append(item) {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    }
    let mut builder = TrayIconBuilder::new()
        .with_menu(Box::new(menu))
        .with_menu_on_left_click(false)
        .with_tooltip(format!("Guichet — {}", t(lang, "action.report", &[])));
    if let Some(icon) = crate::platform::icon::tray() {
        match tray_icon::Icon::from_rgba(icon.pixels, icon.width, icon.height) {
            Ok(icon) => builder = builder.with_icon(icon),
            Err(e) => tracing::warn!("tray picture refused: {e}"),
        }
    }
    let menu_events = events.clone();
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        if let Some(id) = menu_id(&event.id.0) {
            menu_events(TrayEvent::Chosen(id));
        }
    }));
    TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
        if let TrayIconEvent::Click {
            button: MouseButton::Left,
            button_state: MouseButtonState::Up,
            ..
        } = event
        {
            events(TrayEvent::Activated);
        }
    }));
    let tray = match builder.build() {
        Ok(tray) => tray,
        Err(e) => {
            let _ = ready.send(Err(e.to_string()));
            return;
        }
    };
    let _ = ready.send(Ok(thread_id));
    // SAFETY: the standard message loop of this thread; `msg` is written by GetMessageW.
    unsafe {
        let mut msg: MSG = std::mem::zeroed();
        while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
            if msg.hwnd.is_null() && msg.message == WM_UNREAD {
                let count = msg.wParam;
                for (id, item) in &items {
                    item.set_text(menu::label(lang, *id, count));
                }
                continue;
            }
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    MenuEvent::set_event_handler(None::<fn(MenuEvent)>);
    TrayIconEvent::set_event_handler(None::<fn(TrayIconEvent)>);
    drop(tray);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_comes_back_from_its_id() {
        for id in MenuId::ALL {
            assert_eq!(menu_id(id_text(id)), Some(id));
        }
        assert_eq!(menu_id("something else"), None);
    }
}
