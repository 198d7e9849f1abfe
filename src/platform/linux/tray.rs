//! The tray icon: a StatusNotifierItem (ksni) on Linux, with the menu "Signaler un problème /
//! Report a problem", "Mes tickets / My tickets", "Paramètres / Settings", "Quitter / Quit".
//!
//! ksni registers with the `org.kde.StatusNotifierWatcher` once. When the watcher (the desktop's
//! tray host) starts after the agent, that registration can fail with `UnknownObject` and ksni
//! does not retry, so the icon would never appear: [`Tray`] then reports `HostLost`, and the agent
//! shows the icon again.

use crate::platform::menu::{self, MenuId, TrayEvent, TrayEvents};
use guichet_core::i18n::{t, Lang};
use ksni::TrayMethods;

struct Tray {
    lang: Lang,
    events: TrayEvents,
    /// Notices not looked at yet: shown in the menu, and as "needs attention" (the badge of
    /// desktops whose notifications cannot carry actions).
    unread: usize,
}

impl Tray {
    fn new(lang: Lang, events: TrayEvents, unread: usize) -> Tray {
        Tray {
            lang,
            events,
            unread,
        }
    }

    fn label(&self, id: MenuId) -> String {
        menu::label(self.lang, id, self.unread)
    }
}

impl std::fmt::Debug for Tray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tray")
            .field("unread", &self.unread)
            .finish()
    }
}

/// The icon as ksni wants it: ARGB32 in network byte order.
fn icon() -> Vec<ksni::Icon> {
    let Some(icon) = crate::platform::icon::tray() else {
        return Vec::new();
    };
    let (Ok(width), Ok(height)) = (i32::try_from(icon.width), i32::try_from(icon.height)) else {
        return Vec::new();
    };
    let data = icon
        .pixels
        .chunks_exact(4)
        .flat_map(|p| [p[3], p[0], p[1], p[2]])
        .collect();
    vec![ksni::Icon {
        width,
        height,
        data,
    }]
}

impl ksni::Tray for Tray {
    fn id(&self) -> String {
        "guichet".into()
    }

    fn title(&self) -> String {
        format!("Guichet — {}", t(self.lang, "action.report", &[]))
    }

    fn status(&self) -> ksni::Status {
        if self.unread > 0 {
            ksni::Status::NeedsAttention
        } else {
            ksni::Status::Active
        }
    }

    fn icon_name(&self) -> String {
        "help-browser".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        icon()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: self.title(),
            ..Default::default()
        }
    }

    /// A left click reports a problem: the main thing people come for.
    fn activate(&mut self, _x: i32, _y: i32) {
        (self.events)(TrayEvent::Activated);
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        MenuId::ALL
            .iter()
            .map(|&id| {
                ksni::menu::StandardItem {
                    label: self.label(id),
                    activate: Box::new(move |tray: &mut Self| {
                        (tray.events)(TrayEvent::Chosen(id));
                    }),
                    ..Default::default()
                }
                .into()
            })
            .collect()
    }

    fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
        if let ksni::OfflineReason::Error(e) = reason {
            // No watcher yet (`ServiceUnknown`): ksni registers by itself when one appears. Any
            // other failure, such as the `UnknownObject` of a watcher that appeared after us,
            // is not retried by ksni: the agent registers again.
            if !format!("{e:?}").contains("ServiceUnknown") {
                tracing::info!("tray registration failed ({e:?}); registering again shortly");
                (self.events)(TrayEvent::HostLost);
            }
        }
        true
    }
}

/// The tray icon while it is shown.
pub struct TrayIcon(ksni::Handle<Tray>);

impl std::fmt::Debug for TrayIcon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrayIcon")
    }
}

impl TrayIcon {
    /// Shows the tray icon; `None` when there is no session bus at all.
    pub async fn spawn(lang: Lang, events: TrayEvents, unread: usize) -> Option<TrayIcon> {
        match Tray::new(lang, events, unread)
            .assume_sni_available(true)
            .spawn()
            .await
        {
            Ok(handle) => Some(TrayIcon(handle)),
            Err(e) => {
                tracing::warn!("no tray icon: {e}");
                None
            }
        }
    }

    /// Shows how many notices the user has not looked at.
    pub async fn set_unread(&self, count: usize) {
        self.0.update(|t| t.unread = count).await;
    }

    pub async fn shutdown(self) {
        self.0.shutdown().await;
    }
}
