//! The tray icon on macOS: `tray-icon` (a status item in the menu bar, with a native menu). AppKit
//! wants it made, changed and removed on the main thread, which runs the application's event loop
//! (`super::app`): each step is sent there through the main dispatch queue, and the icon lives in
//! a `MainThreadBound` that only the main thread opens.
//!
//! As on Windows, a click on the icon reports a problem and a secondary click (two fingers, or
//! the right button) opens the menu.

use super::app::on_main;
use crate::platform::menu::{self, MenuId, TrayEvents};
use crate::platform::tray_icon_menu::{builder, show_events, tray_error};
use crate::platform::PlatformError;
use dispatch2::MainThreadBound;
use guichet_core::i18n::Lang;
use objc2::MainThreadMarker;
use std::sync::Arc;
use tray_icon::menu::MenuItem;

/// What is shown, on the main thread: the status item (which owns the menu) and the entry whose
/// label counts the unread notices.
struct Shown {
    lang: Lang,
    my_tickets: MenuItem,
    _tray: tray_icon::TrayIcon,
}

/// The tray icon while it is shown.
pub struct TrayIcon {
    /// Cloned into the blocks sent to the main thread; the last one dropped removes the icon, on
    /// the main thread (`MainThreadBound` sends its drop there).
    shown: Arc<MainThreadBound<Shown>>,
}

impl std::fmt::Debug for TrayIcon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrayIcon")
    }
}

impl TrayIcon {
    /// Shows the tray icon; `None` (logged) when AppKit refuses it.
    pub async fn spawn(lang: Lang, events: TrayEvents, unread: usize) -> Option<TrayIcon> {
        match on_main(move |mtm| build(mtm, lang, events, unread)).await {
            Some(Ok(shown)) => Some(TrayIcon {
                shown: Arc::new(shown),
            }),
            Some(Err(e)) => {
                tracing::warn!("no tray icon: {e}");
                None
            }
            None => {
                tracing::warn!("no tray icon: the main thread did not answer");
                None
            }
        }
    }

    /// Shows how many notices the user has not looked at.
    pub async fn set_unread(&self, count: usize) {
        let shown = self.shown.clone();
        on_main(move |mtm| {
            let shown = shown.get(mtm);
            shown
                .my_tickets
                .set_text(menu::label(shown.lang, MenuId::MyTickets, count));
        })
        .await;
    }

    pub async fn shutdown(self) {
        let shown = self.shown;
        on_main(move |_mtm| {
            show_events(None);
            // The last reference (blocks run in order, so any earlier one is done): the status
            // item leaves the menu bar here.
            drop(shown);
        })
        .await;
    }
}

/// Makes the menu and the status item, on the main thread.
fn build(
    mtm: MainThreadMarker,
    lang: Lang,
    events: TrayEvents,
    unread: usize,
) -> Result<MainThreadBound<Shown>, PlatformError> {
    let (builder, my_tickets) = builder(lang, unread)?;
    let tray = builder.build().map_err(tray_error)?;
    show_events(Some(events));
    Ok(MainThreadBound::new(
        Shown {
            lang,
            my_tickets,
            _tray: tray,
        },
        mtm,
    ))
}
