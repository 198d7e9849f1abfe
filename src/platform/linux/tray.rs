//! The tray icon: a StatusNotifierItem (ksni) on Linux, with the menu "Signaler un problème /
//! Report a problem", "Mes tickets / My tickets", "Paramètres / Settings", "Quitter / Quit".
//!
//! ksni registers with the `org.kde.StatusNotifierWatcher` once. When the watcher (the desktop's
//! tray host) starts after the agent, that registration can fail with `UnknownObject` and ksni
//! does not retry, so the icon would never appear: [`Tray`] then reports `HostLost`, and the agent
//! shows the icon again.
//!
//! When there is no watcher yet, ksni waits for one to appear, but it starts listening only after
//! its registration failed: a watcher that appears in between (a desktop starting its tray host
//! while the agent starts at login) is never heard of. [`TrayIcon::spawn`] closes that gap by
//! asking the bus once ksni listens, and reports `HostLost` if the watcher is already there. A
//! watcher that owns its name but does not serve yet refuses the first registration: `HostLost`
//! too.

use crate::platform::menu::{self, MenuId, TrayEvent, TrayEvents};
use guichet_core::i18n::{t, Lang};
use ksni::TrayMethods;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The tray host's well-known name.
const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// How long the tray host has to answer a registration.
const REGISTRATION_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

struct Tray {
    lang: Lang,
    events: TrayEvents,
    /// Notices not looked at yet: shown in the menu, and as "needs attention" (the badge of
    /// desktops whose notifications cannot carry actions).
    unread: usize,
    /// Set when the registration found no watcher on the bus.
    no_watcher: Arc<AtomicBool>,
}

impl Tray {
    fn new(lang: Lang, events: TrayEvents, unread: usize, no_watcher: Arc<AtomicBool>) -> Tray {
        Tray {
            lang,
            events,
            unread,
            no_watcher,
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
        match reason {
            // No watcher yet: ksni registers by itself when one appears (see the module's
            // comment for the one it misses).
            ksni::OfflineReason::Error(ksni::Error::Watcher(zbus::fdo::Error::ServiceUnknown(
                _,
            ))) => self.no_watcher.store(true, Ordering::Release),
            // Any other failure, such as the `UnknownObject` of a watcher that appeared after
            // us, is not retried by ksni: the agent registers again.
            ksni::OfflineReason::Error(e) => {
                tracing::info!("tray registration failed ({e:?}); registering again shortly");
                (self.events)(TrayEvent::HostLost);
            }
            _ => {}
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
    /// Shows the tray icon; `None` when there is no session bus at all, or when the watcher
    /// refused or did not answer (the agent is then told to try again).
    pub async fn spawn(lang: Lang, events: TrayEvents, unread: usize) -> Option<TrayIcon> {
        let no_watcher = Arc::new(AtomicBool::new(false));
        let register = Tray::new(lang, events.clone(), unread, no_watcher.clone())
            .assume_sni_available(true)
            .spawn();
        // A watcher that never answers must not hold up the agent (the shortcut, the windows).
        match tokio::time::timeout(REGISTRATION_LIMIT, register).await {
            Ok(Ok(handle)) => {
                // ksni listens for the watcher from here on; one that came before it did is
                // asked about now.
                if no_watcher.load(Ordering::Acquire) && watcher_present().await {
                    tracing::info!(
                        "the tray host appeared while the icon was registered; registering again"
                    );
                    events(TrayEvent::HostLost);
                }
                Some(TrayIcon(handle))
            }
            Ok(Err(ksni::Error::Watcher(e))) => {
                // The watcher is on the bus but not serving yet (`UnknownObject` while it starts):
                // the agent tries again shortly, as when the watcher goes away.
                tracing::info!("tray registration refused ({e}); registering again shortly");
                events(TrayEvent::HostLost);
                None
            }
            Ok(Err(e)) => {
                tracing::warn!("no tray icon: {e}");
                None
            }
            Err(_) => {
                tracing::warn!(
                    "the tray host did not answer within {} s; registering again shortly",
                    REGISTRATION_LIMIT.as_secs()
                );
                events(TrayEvent::HostLost);
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

/// Whether the tray host's watcher owns its name on the session bus now (`false` when the bus
/// cannot be asked: ksni then hears of the watcher only if it appears later).
/// Whether a tray host (a StatusNotifierWatcher) is on the session bus: none on GNOME without
/// the AppIndicator extension, nor on sway without a bar.
pub async fn host_present() -> bool {
    watcher_present().await
}

async fn watcher_present() -> bool {
    let ask = async {
        let conn = zbus::Connection::session().await?;
        let bus = zbus::fdo::DBusProxy::new(&conn).await?;
        let name = zbus::names::BusName::try_from(WATCHER)?;
        Ok::<bool, zbus::Error>(bus.name_has_owner(name).await?)
    };
    match tokio::time::timeout(REGISTRATION_LIMIT, ask).await {
        Ok(Ok(present)) => present,
        Ok(Err(e)) => {
            tracing::info!("could not ask the bus for the tray host: {e}");
            false
        }
        Err(_) => {
            tracing::info!("the bus did not say whether the tray host is there");
            false
        }
    }
}
