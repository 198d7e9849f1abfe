//! What the agent shows and listens to on the desktop: the tray icon, the global shortcut and
//! the login item, kept in step with the configuration; and the loop that carries out the
//! agent's commands (from the tray, the shortcut, IPC clients) until it is told to quit.

use super::{apply_autostart, open_wizard_now, Agent, Command};
use crate::platform::menu::{MenuId, TrayEvent, TrayEvents};
use crate::platform::shortcut;
use crate::platform::{ShortcutWatch, TrayIcon};
use guichet_core::api::Guichet;
use guichet_core::display::Session;
use guichet_core::protocol::desktop::{DesktopView, ShortcutMechanism};
use guichet_core::protocol::view::WindowKind;
use guichet_core::protocol::{Lang, TicketId};
use std::sync::Arc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// The desktop side of the agent, and what it needs to redo it after a change.
pub(super) struct Desktop {
    commands: UnboundedSender<Command>,
    events: TrayEvents,
    lang: Lang,
    unread: usize,
    tray: Option<TrayIcon>,
    /// How many times the tray icon was registered again, which lengthens the next wait.
    tray_retries: u32,
    /// A registration is already on its way.
    tray_pending: bool,
    shortcut: WatchedShortcut,
    autostart: Option<bool>,
}

impl Desktop {
    /// Shows the tray icon and watches the shortcut as `guichet`'s configuration says.
    pub(super) async fn start(guichet: &Guichet, commands: UnboundedSender<Command>) -> Desktop {
        let lang = guichet.lang();
        let events = tray_events(commands.clone());
        let tray = TrayIcon::spawn(lang, events.clone(), 0).await;
        let shortcut = WatchedShortcut::watch(
            guichet.config().agent.shortcut().to_owned(),
            commands.clone(),
        );
        let view = desktop_view(shortcut.mechanism);
        tracing::info!(
            "display session: {}; screen capture: {:?}; shortcut: {:?}",
            view.session.as_deref().unwrap_or("none"),
            view.capture,
            view.shortcut
        );
        Desktop {
            commands,
            events,
            lang,
            unread: 0,
            tray,
            tray_retries: 0,
            tray_pending: false,
            shortcut,
            autostart: guichet.config().agent.autostart,
        }
    }

    /// Carries out the agent's commands until `Quit` (or Ctrl-C), then takes the tray icon down
    /// and releases the shortcut.
    pub(super) async fn run(
        mut self,
        agent: &Arc<Agent>,
        commands: &mut UnboundedReceiver<Command>,
    ) {
        agent.set_shortcut(self.shortcut.mechanism);
        let told = agent.clone();
        tokio::spawn(async move {
            super::no_tray::tell_once(told.clone()).await;
            // The last of the start-up: the agent can come to rest after it.
            told.activity.happened();
        });
        loop {
            let command = tokio::select! {
                c = commands.recv() => c,
                _ = tokio::signal::ctrl_c() => Some(Command::Quit),
            };
            match command {
                Some(Command::OpenWizard) => open_wizard_now(agent).await,
                Some(Command::OpenWindow(kind, ticket)) => open_window(agent, kind, ticket).await,
                Some(Command::Unread(count)) => {
                    self.unread = count;
                    if let Some(icon) = &self.tray {
                        icon.set_unread(count).await;
                    }
                }
                Some(Command::Reconfigure) => {
                    self.reconfigure(&agent.guichet()).await;
                    agent.set_shortcut(self.shortcut.mechanism);
                }
                Some(Command::TrayLost) => self.tray_lost(),
                Some(Command::RegisterTray) => {
                    self.tray_pending = false;
                    self.respawn_tray().await;
                }
                Some(Command::Quit) | None => break,
            }
        }
        if let Some(icon) = self.tray {
            icon.shutdown().await;
        }
        self.shortcut.stop();
    }

    /// The tray in the new language, the new shortcut, the login item as now configured.
    async fn reconfigure(&mut self, guichet: &Guichet) {
        if guichet.lang() != self.lang {
            self.lang = guichet.lang();
            self.respawn_tray().await;
        }
        let wanted = guichet.config().agent.shortcut();
        if wanted != self.shortcut.text {
            // The old grab goes first: the new shortcut may share its key.
            self.shortcut.stop();
            self.shortcut = WatchedShortcut::watch(wanted.to_owned(), self.commands.clone());
        }
        if guichet.config().agent.autostart != self.autostart {
            self.autostart = guichet.config().agent.autostart;
            apply_autostart(self.autostart).await;
        }
    }

    /// The tray icon is not registered: register it again after a delay that grows with each
    /// attempt, waited for on a task of its own (the wizard must not wait behind it).
    fn tray_lost(&mut self) {
        if self.tray_pending {
            return;
        }
        self.tray_pending = true;
        self.tray_retries += 1;
        let delay = std::time::Duration::from_millis(500 * u64::from(self.tray_retries.min(20)));
        let commands = self.commands.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = commands.send(Command::RegisterTray);
        });
    }

    async fn respawn_tray(&mut self) {
        if let Some(old) = self.tray.take() {
            old.shutdown().await;
        }
        self.tray = TrayIcon::spawn(self.lang, self.events.clone(), self.unread).await;
    }
}

/// Opens a window; an open "My tickets" window waits (`AwaitTicket`) to be told what to show,
/// whoever started it.
async fn open_window(agent: &Arc<Agent>, kind: WindowKind, ticket: Option<TicketId>) {
    let listening =
        kind == WindowKind::MyTickets && ticket.is_some_and(|t| agent.open_ticket.send(t).is_ok());
    if listening {
        tracing::info!("ticket handed to the open My tickets window");
    } else if agent.window.is_running(kind) {
        tracing::info!("the {} window is already open", kind.arg());
    } else if let Err(e) = agent
        .window
        .open(kind, agent.guichet().lang(), false, ticket, || {})
        .await
    {
        tracing::warn!("{e}");
    }
}

impl Agent {
    /// Records how the shortcut is heard, for Settings.
    pub(super) fn set_shortcut(&self, mechanism: ShortcutMechanism) {
        *self
            .shortcut
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(mechanism);
    }

    /// This session as Settings shows it.
    pub(super) fn desktop(&self) -> DesktopView {
        let shortcut = *self
            .shortcut
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut view = desktop_view(shortcut.unwrap_or(ShortcutMechanism::Unavailable));
        if view.shortcut == ShortcutMechanism::Compositor {
            view.binding = self
                .guichet()
                .config()
                .agent
                .shortcut()
                .parse::<shortcut::Shortcut>()
                .ok()
                .map(|keys| format!("bindsym {} exec guichet --report", keys.sway_keys()));
        }
        view
    }
}

/// This session as Settings and the doctor show it, with the shortcut heard through `shortcut`.
pub(super) fn desktop_view(shortcut: ShortcutMechanism) -> DesktopView {
    let session = Session::detect();
    DesktopView {
        session: session.map(|s| s.to_string()),
        capture: guichet_core::capture::capture_method(session),
        shortcut,
        binding: None,
    }
}

/// The global shortcut the agent watches, as the configuration wrote it.
struct WatchedShortcut {
    text: String,
    /// `None` when it could not be watched (no display, taken, not a shortcut): logged.
    watch: Option<ShortcutWatch>,
    /// How it is heard (or what this session offers instead).
    mechanism: ShortcutMechanism,
}

impl WatchedShortcut {
    /// Starts watching `text`; each press asks the agent for the wizard.
    fn watch(text: String, commands: UnboundedSender<Command>) -> WatchedShortcut {
        let watch = match text.parse::<shortcut::Shortcut>() {
            Ok(parsed) => {
                let shown = parsed.to_string();
                match crate::platform::watch_shortcut(parsed, move || {
                    let _ = commands.send(Command::OpenWizard);
                }) {
                    Ok(watch) => {
                        tracing::info!("global shortcut {shown} ready");
                        Some(watch)
                    }
                    Err(e) => {
                        tracing::warn!("no global shortcut: {e}");
                        None
                    }
                }
            }
            Err(e) => {
                tracing::warn!("{e}");
                None
            }
        };
        let mechanism = crate::platform::shortcut_mechanism(watch.as_ref());
        WatchedShortcut {
            text,
            watch,
            mechanism,
        }
    }

    fn stop(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.stop();
            tracing::info!("global shortcut {} released", self.text);
        }
    }
}

/// What the tray's events ask the agent to do.
fn tray_events(commands: UnboundedSender<Command>) -> TrayEvents {
    Arc::new(move |event| {
        let command = match event {
            TrayEvent::Activated | TrayEvent::Chosen(MenuId::Report) => Command::OpenWizard,
            TrayEvent::Chosen(MenuId::MyTickets) => {
                Command::OpenWindow(WindowKind::MyTickets, None)
            }
            TrayEvent::Chosen(MenuId::Settings) => Command::OpenWindow(WindowKind::Settings, None),
            TrayEvent::Chosen(MenuId::Quit) => Command::Quit,
            TrayEvent::HostLost => Command::TrayLost,
        };
        let _ = commands.send(command);
    })
}
