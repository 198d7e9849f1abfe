//! What the `tray-icon` trays of Windows and macOS share: the menu (the entries of
//! [`crate::platform::menu`], each reported back by its catalogue key), the picture and tooltip,
//! and the event handlers. `tray-icon` and its menu take their handlers once per process, so they
//! are installed once and forward to the icon shown now ([`show_events`]).

use crate::platform::menu::{self, MenuId, TrayEvent, TrayEvents};
use crate::platform::PlatformError;
use guichet_core::i18n::{t, Lang};
use std::sync::{Mutex, Once};
use tray_icon::menu::{Menu, MenuEvent, MenuItem};
use tray_icon::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};

/// Where the shown icon's events go; `None` while no icon is shown.
static EVENTS: Mutex<Option<TrayEvents>> = Mutex::new(None);

fn send(event: TrayEvent) {
    // Cloned out, so that the lock is not held while the agent is told.
    let events = EVENTS.lock().ok().and_then(|events| events.clone());
    if let Some(events) = events {
        events(event);
    }
}

/// Sends the tray's events to `events` from now on (`None`: nowhere, the icon is gone). A click
/// on the icon reports a problem; the menu's entries report themselves.
pub fn show_events(events: Option<TrayEvents>) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        MenuEvent::set_event_handler(Some(|event: MenuEvent| {
            if let Some(id) = MenuId::from_label_key(&event.id.0) {
                send(TrayEvent::Chosen(id));
            }
        }));
        TrayIconEvent::set_event_handler(Some(|event: TrayIconEvent| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                send(TrayEvent::Activated);
            }
        }));
    });
    if let Ok(mut slot) = EVENTS.lock() {
        *slot = events;
    }
}

/// The tray's builder, with its menu, picture and tooltip; and the "My tickets" entry, whose
/// label counts the unread notices ([`menu::label`]).
pub fn builder(lang: Lang, unread: usize) -> Result<(TrayIconBuilder, MenuItem), PlatformError> {
    let menu = Menu::new();
    let mut my_tickets = None;
    for id in MenuId::ALL {
        let item = MenuItem::with_id(id.label_key(), menu::label(lang, id, unread), true, None);
        menu.append(&item).map_err(tray_error)?;
        if id == MenuId::MyTickets {
            my_tickets = Some(item);
        }
    }
    let my_tickets =
        my_tickets.ok_or_else(|| PlatformError::Tray("the menu has no My tickets entry".into()))?;
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
    Ok((builder, my_tickets))
}

/// A refusal of the tray library, as the agent logs it.
pub fn tray_error(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Tray(e.to_string())
}
