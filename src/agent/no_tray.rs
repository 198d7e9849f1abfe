//! A desktop without a tray host (GNOME without the AppIndicator extension, sway without a bar)
//! shows no Guichet icon, and nothing says Guichet runs. Once per user, shortly after the agent
//! starts there, a notification says how to report anyway: the shortcut (or what this desktop
//! offers instead) and the application menu's "Signaler un problème"; activating it opens the
//! wizard. That it was said is remembered in the data directory.

use super::{Agent, Command};
use crate::platform::Notification;
use guichet_core::i18n::t;
use guichet_core::protocol::desktop::ShortcutMechanism;
use std::sync::Arc;
use std::time::Duration;

/// How long a desktop may take to start its tray host after the session opens.
const GRACE: Duration = Duration::from_secs(5);
/// The file that remembers the user was told.
const TOLD: &str = "no-tray-notice";

/// Waits [`GRACE`], then, if no tray host is on the bus and the user was never told, says how to
/// report without the icon.
pub(super) async fn tell_once(agent: Arc<Agent>) {
    tokio::time::sleep(GRACE).await;
    if crate::platform::tray_host_present().await {
        return;
    }
    let guichet = agent.guichet();
    let told = guichet.data_dir().join(TOLD);
    if told.exists() {
        return;
    }
    let lang = guichet.lang();
    let shortcut = guichet.config().agent.shortcut().to_owned();
    let how = match agent.desktop().shortcut {
        ShortcutMechanism::KeyGrab
        | ShortcutMechanism::Portal
        | ShortcutMechanism::GnomeKeybinding => {
            t(lang, "no_tray.shortcut", &[("shortcut", &shortcut)])
        }
        _ => t(lang, "no_tray.settings", &[]),
    };
    let notification = Notification {
        title: t(lang, "no_tray.title", &[]),
        body: t(lang, "no_tray.body", &[("how", &how)]),
        action: t(lang, "action.report", &[]),
    };
    let commands = agent.commands.clone();
    let open = move || {
        let _ = commands.send(Command::OpenWizard);
    };
    match crate::platform::notify(&notification, open).await {
        Ok(()) => {
            tracing::info!("no tray host: told the user how to report without the icon");
            if let Err(e) = guichet_core::protocol::private::write(&told, b"") {
                tracing::warn!("cannot remember the no-tray notice: {e}");
            }
        }
        Err(e) => tracing::warn!("no tray host, and no notification either: {e}"),
    }
}
