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

/// The icon, 32×32 ARGB32 (network byte order), drawn from the PNG shipped in `icons/`.
fn icon() -> Vec<ksni::Icon> {
    const PNG: &[u8] = include_bytes!("../../../icons/32x32.png");
    match image_from_png(PNG) {
        Some(icon) => vec![icon],
        None => Vec::new(),
    }
}

fn image_from_png(png: &[u8]) -> Option<ksni::Icon> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let data = buf[..info.buffer_size()]
        .chunks_exact(4)
        .flat_map(|p| [p[3], p[0], p[1], p[2]])
        .collect();
    Some(ksni::Icon {
        width: i32::try_from(info.width).ok()?,
        height: i32::try_from(info.height).ok()?,
        data,
    })
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
