//! The agent's menu, the same on every platform: what each entry says and what it does. The
//! platform's tray ([`crate::platform::TrayIcon`]) shows it.

use super::Command;
use guichet_core::i18n::{t, Lang};
use guichet_core::protocol::view::WindowKind;

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

    pub fn command(self) -> Command {
        match self {
            MenuId::Report => Command::OpenWizard,
            MenuId::MyTickets => Command::OpenWindow(WindowKind::MyTickets, None),
            MenuId::Settings => Command::OpenWindow(WindowKind::Settings, None),
            MenuId::Quit => Command::Quit,
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
