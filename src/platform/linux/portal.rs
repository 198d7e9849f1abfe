//! The global shortcut in a Wayland session, through the desktop's GlobalShortcuts portal
//! (`org.freedesktop.portal.GlobalShortcuts`: KDE Plasma ≥ 5.27, GNOME ≥ 48, Hyprland). The
//! desktop owns the key: Guichet asks for a "report" shortcut with its preferred trigger, and
//! the desktop may show it to the user, who can change it there. Activations arrive as D-Bus
//! signals on a thread of its own, which sleeps in between.
//!
//! Where the portal lacks the interface (wlroots and sway, Debian 12's GNOME 43 and KDE 5.27
//! without it exported), [`bind`] fails at once and the agent says what else works
//! (`super::shortcut::fallback`).

use super::shortcut::HeldShortcut;
use crate::platform::shortcut::Shortcut;
use crate::platform::PlatformError;
use ashpd::desktop::global_shortcuts::{GlobalShortcuts, NewShortcut};
use futures_util::StreamExt;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::oneshot;

/// How long the portal may take to say whether it has the interface and a session.
const SET_UP: Duration = Duration::from_secs(5);

/// A shortcut bound through the portal; released by closing its session.
#[derive(Debug)]
pub(super) struct PortalShortcut {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HeldShortcut for PortalShortcut {
    fn release(mut self: Box<Self>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds `shortcut` through the portal, calling `on_press` on each activation. Fails when the
/// desktop has no GlobalShortcuts portal.
pub(super) fn bind(
    shortcut: &Shortcut,
    on_press: impl Fn() + Send + 'static,
) -> Result<PortalShortcut, PlatformError> {
    let trigger = shortcut.xdg_trigger();
    let (ready, set_up) = mpsc::channel();
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("shortcut-portal".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready.send(Err(PlatformError::Portal(e.to_string())));
                    return;
                }
            };
            runtime.block_on(listen(trigger, on_press, ready, stopped));
        })
        .map_err(|source| PlatformError::Io {
            what: "the shortcut portal's thread",
            source,
        })?;
    match set_up.recv_timeout(SET_UP) {
        Ok(Ok(())) => Ok(PortalShortcut {
            stop: Some(stop),
            thread: Some(thread),
        }),
        Ok(Err(why)) => Err(why),
        Err(_) => {
            let _ = stop.send(());
            Err(PlatformError::Portal("the portal did not answer".into()))
        }
    }
}

/// The portal conversation: register, open a session (then `ready`), bind, and call `on_press`
/// on each activation until `stopped`.
async fn listen(
    trigger: String,
    on_press: impl Fn(),
    ready: mpsc::Sender<Result<(), PlatformError>>,
    stopped: oneshot::Receiver<()>,
) {
    let session = async {
        let connection = ashpd::zbus::Connection::session().await?;
        guichet_core::platform::linux::wayland::portal::register(&connection).await;
        let portal = GlobalShortcuts::with_connection(connection).await?;
        let session = portal.create_session(Default::default()).await?;
        Ok::<_, ashpd::Error>((portal, session))
    };
    let (portal, session) = match session.await {
        Ok(opened) => {
            let _ = ready.send(Ok(()));
            opened
        }
        Err(e) => {
            let _ = ready.send(Err(PlatformError::Portal(e.to_string())));
            return;
        }
    };
    let wanted = [
        NewShortcut::new("report", "Signaler un problème / Report a problem")
            .preferred_trigger(trigger.as_str()),
    ];
    match portal
        .bind_shortcuts(&session, &wanted, None, Default::default())
        .await
        .and_then(|request| request.response())
    {
        Ok(bound) => tracing::info!(
            "global shortcut bound by the desktop: {:?}",
            bound
                .shortcuts()
                .iter()
                .map(|s| s.trigger_description())
                .collect::<Vec<_>>()
        ),
        Err(e) => tracing::warn!("the desktop did not bind the shortcut: {e}"),
    }
    let Ok(mut activations) = portal.receive_activated().await else {
        tracing::warn!("cannot hear the portal's shortcut activations");
        return;
    };
    let mut stopped = std::pin::pin!(stopped);
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            activation = activations.next() => match activation {
                Some(a) if a.shortcut_id() == "report" => on_press(),
                Some(_) => {}
                None => break,
            },
        }
    }
    let _ = session.close().await;
}
