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

    /// The entry whose catalogue key is `key` (menus that report entries by a text id use the
    /// key as that id: Windows and macOS).
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    pub fn from_label_key(key: &str) -> Option<MenuId> {
        MenuId::ALL.into_iter().find(|id| id.label_key() == key)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_comes_back_from_its_key() {
        for id in MenuId::ALL {
            assert_eq!(MenuId::from_label_key(id.label_key()), Some(id));
        }
        assert_eq!(MenuId::from_label_key("something else"), None);
    }

    #[test]
    fn my_tickets_counts_the_unread_notices() {
        assert_ne!(
            label(Lang::En, MenuId::MyTickets, 2),
            label(Lang::En, MenuId::MyTickets, 0)
        );
        assert!(label(Lang::En, MenuId::MyTickets, 2).contains('2'));
        assert_eq!(
            label(Lang::Fr, MenuId::Report, 5),
            label(Lang::Fr, MenuId::Report, 0)
        );
    }
}
