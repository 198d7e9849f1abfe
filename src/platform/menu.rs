//! The tray's menu, the same on every platform: its entries and what they say. What they do is
//! the agent's (`crate::agent`): the tray only reports a [`TrayEvent`].

use guichet_core::i18n::{t, Lang};
use std::sync::Arc;

/// What the user did with the tray icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayEvent {
    /// A menu entry was chosen.
    Chosen(MenuId),
    /// The icon itself was clicked: report a problem, the main thing people come for.
    Activated,
    /// The desktop's tray host appeared after the icon was shown: show it again (Linux's
    /// StatusNotifierItem; other platforms' trays cannot lose their host).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    HostLost,
}

/// Where the tray reports its events; called on the tray's own task.
pub type TrayEvents = Arc<dyn Fn(TrayEvent) + Send + Sync>;

/// The tray menu's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuId {
    Report,
    MyTickets,
    Settings,
    Quit,
}

impl MenuId {
    pub const ALL: [MenuId; 4] = [
        MenuId::Report,
        MenuId::MyTickets,
        MenuId::Settings,
        MenuId::Quit,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            MenuId::Report => "action.report",
            MenuId::MyTickets => "action.my_tickets",
            MenuId::Settings => "action.settings",
            MenuId::Quit => "action.quit",
        }
    }
}

/// The entry's label in `lang`; "My tickets" counts the unread notices.
pub fn label(lang: Lang, id: MenuId, unread: usize) -> String {
    if id == MenuId::MyTickets && unread > 0 {
        t(lang, "action.my_tickets_unread", &[("count", &unread)])
    } else {
        t(lang, id.label_key(), &[])
    }
}
