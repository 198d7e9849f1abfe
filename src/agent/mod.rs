//! The resident agent (`guichet` with no subcommand). It owns the outbox (opened only while
//! needed), shows the tray icon, watches the global shortcut, captures the screens when a report
//! is triggered and only then starts the window process, and serves the local IPC socket that
//! the window process and the CLI use. It links no GTK and no WebKit.

mod autostart;
mod delivery;
mod follow;
#[cfg(any(target_os = "linux", windows))]
mod network;
mod outbox;
mod screens;
mod server;
mod window;

use crate::platform::menu::{MenuId, TrayEvent, TrayEvents};
use crate::platform::shortcut;
use crate::platform::{ShortcutWatch, TrayIcon};
use guichet_core::api::Guichet;
use guichet_core::clock::SystemClock;
use guichet_core::protocol::ipc::{IpcError, Request};
use guichet_core::protocol::transport::{self, Client, Listener};
use guichet_core::protocol::view::WindowKind;
use guichet_core::protocol::TicketId;
use screens::Screens;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::Notify;
use window::WindowProcess;

/// What the tray, the shortcut and IPC clients ask the agent to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Capture the screens, then open the wizard.
    OpenWizard,
    /// Open a window (for "My tickets", on a ticket: a notification was clicked).
    OpenWindow(WindowKind, Option<TicketId>),
    /// The tray icon is not registered (its watcher came back, or was not ready): register it
    /// again after a delay that grows with each attempt.
    TrayLost,
    /// Register the tray icon again, now.
    RegisterTray,
    /// The number of notices the user has not looked at (shown by the tray).
    Unread(usize),
    /// The configuration was loaded again: apply its language, shortcut and start at login.
    Reconfigure,
    Quit,
}

/// State shared by the agent's tasks.
#[derive(Debug)]
pub struct Agent {
    /// Loaded again after a sign-in or sign-out (`reload`): read it with `guichet()`.
    guichet: std::sync::RwLock<Arc<Guichet>>,
    /// Wakes what depends on the configuration (the follow-up loop) after a reload.
    pub config_changed: Notify,
    /// The only way the agent touches the outbox (see `crate::worker` for why).
    pub outbox: outbox::OutboxWorker,
    pub screens: Screens,
    pub window: WindowProcess,
    pub commands: UnboundedSender<Command>,
    /// Wakes the delivery loop when a report was queued.
    pub outbox_changed: Notify,
    /// Wakes the follow-up loop when a ticket starts or stops being followed.
    pub follow_changed: Notify,
    /// Wakes the follow-up loop when the help desk answered again after failures, or the
    /// network came back (then it checks soon only if its last checks failed).
    pub network_back: Notify,
    /// Wakes the delivery loop when the network came back: what waits is sent at once.
    pub outbox_retry: Notify,
    /// Tickets to show in the "My tickets" window that is already open.
    pub open_ticket: tokio::sync::broadcast::Sender<TicketId>,
    /// When the wizard was last asked for, to measure how soon it is ready.
    pub last_trigger: tokio::sync::Mutex<Option<std::time::Instant>>,
}

impl Agent {
    /// The API as last loaded.
    pub fn guichet(&self) -> Arc<Guichet> {
        self.guichet
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Loads the configuration again (after a sign-in or a sign-out): new credentials for the
    /// agent's own requests, a fresh outbox worker for delivery, the follow-up loop restarted.
    pub async fn reload(&self) {
        match self.guichet().reloaded() {
            Ok(fresh) => {
                *self
                    .guichet
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(fresh);
                self.outbox.restart().await;
                self.config_changed.notify_waiters();
                self.outbox_changed.notify_one();
                tracing::info!("configuration loaded again");
            }
            Err(e) => tracing::warn!("cannot load the configuration again: {e}"),
        }
    }
}

/// The follow-up loop, started again whenever the configuration changes.
async fn follow_supervised(agent: Arc<Agent>) {
    loop {
        tokio::select! {
            () = follow::run(agent.clone()) => agent.config_changed.notified().await,
            () = agent.config_changed.notified() => {}
        }
    }
}

/// How the agent was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// `guichet`: an agent already running is asked to open the wizard.
    Plain,
    /// `guichet --report`: the wizard opens at once, here or in the running agent.
    Report,
    /// `guichet --background` (login items): nothing is opened, here or in the running agent.
    Background,
}

impl Start {
    pub fn from_flags(report: bool, background: bool) -> Start {
        match (report, background) {
            (true, _) => Start::Report,
            (false, true) => Start::Background,
            (false, false) => Start::Plain,
        }
    }
}

/// Runs the agent. With `Start::Report`, the wizard opens at once (`guichet --report`). When an
/// agent already runs, it is asked to open the wizard instead (unless `Start::Background`) and
/// this process exits.
pub async fn run(config_path: Option<&Path>, start: Start) -> u8 {
    let open_wizard = start == Start::Report;
    crate::platform::tune_allocator();
    let Some(socket) = transport::socket_path() else {
        eprintln!("guichet: no runtime directory for the agent's socket");
        return crate::exit::EXIT_FAILURE;
    };
    match Client::connect(&socket).await {
        Ok(_) if start == Start::Background => {
            tracing::info!("an agent already runs: nothing to do");
            return crate::exit::EXIT_OK;
        }
        Ok(mut client) => {
            // Single instance: a second `guichet` (with or without `--report`) asks the running
            // agent to open the wizard.
            return match client.request(&Request::OpenWizard).await {
                Ok(_) => crate::exit::EXIT_OK,
                Err(e) => {
                    tracing::warn!("the running agent: {e}");
                    eprintln!(
                        "guichet: {}",
                        e.info(guichet_core::Lang::from_env()).message
                    );
                    crate::exit::EXIT_FAILURE
                }
            };
        }
        Err(IpcError::NoAgent) => {}
        Err(e) => tracing::warn!("stale agent socket: {e}"),
    }
    let guichet = match Guichet::from_environment(config_path, Arc::new(SystemClock)) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("guichet: {e}");
            return crate::exit::EXIT_INVALID;
        }
    };
    let listener = match Listener::bind(&socket).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("guichet: cannot listen on {}: {e}", socket.display());
            return crate::exit::EXIT_FAILURE;
        }
    };
    tracing::info!("listening on {}", socket.display());
    // Only the agent that holds the socket: a second `guichet` has already left above.
    apply_autostart(guichet.config().agent.autostart).await;
    let (tx, mut rx) = unbounded_channel();
    let agent = Arc::new(Agent {
        guichet: std::sync::RwLock::new(guichet.clone()),
        config_changed: Notify::new(),
        outbox: outbox::OutboxWorker::new(config_path.map(Path::to_path_buf)),
        screens: Screens::default(),
        window: WindowProcess::default(),
        commands: tx.clone(),
        outbox_changed: Notify::new(),
        follow_changed: Notify::new(),
        network_back: Notify::new(),
        outbox_retry: Notify::new(),
        open_ticket: tokio::sync::broadcast::channel(4).0,
        last_trigger: tokio::sync::Mutex::new(None),
    });

    tokio::spawn(server::serve(listener, agent.clone()));
    tokio::spawn(delivery::run(agent.clone()));
    tokio::spawn(follow_supervised(agent.clone()));
    #[cfg(any(target_os = "linux", windows))]
    tokio::spawn(network::run(agent.clone()));
    let mut lang = guichet.lang();
    let mut unread = 0usize;
    let events = tray_events(tx.clone());
    let mut tray = TrayIcon::spawn(lang, events.clone(), unread).await;
    let mut shortcut =
        WatchedShortcut::watch(guichet.config().agent.shortcut().to_owned(), tx.clone());
    let mut autostart = guichet.config().agent.autostart;
    if open_wizard {
        let _ = tx.send(Command::OpenWizard);
    }

    let mut tray_retries = 0u32;
    let mut tray_pending = false;
    loop {
        let command = tokio::select! {
            c = rx.recv() => c,
            _ = tokio::signal::ctrl_c() => Some(Command::Quit),
        };
        match command {
            Some(Command::OpenWizard) => open_wizard_now(&agent).await,
            Some(Command::OpenWindow(kind, ticket)) => {
                // An open "My tickets" window waits (`AwaitTicket`) to be told what to show,
                // whoever started it.
                let listening = kind == WindowKind::MyTickets
                    && ticket.is_some_and(|t| agent.open_ticket.send(t).is_ok());
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
            Some(Command::Unread(count)) => {
                unread = count;
                if let Some(icon) = &tray {
                    icon.set_unread(count).await;
                }
            }
            Some(Command::Reconfigure) => {
                let guichet = agent.guichet();
                if guichet.lang() != lang {
                    lang = guichet.lang();
                    if let Some(old) = tray.take() {
                        old.shutdown().await;
                    }
                    tray = TrayIcon::spawn(lang, events.clone(), unread).await;
                }
                let wanted = guichet.config().agent.shortcut();
                if wanted != shortcut.text {
                    // The old grab goes first: the new shortcut may share its key.
                    shortcut.stop();
                    shortcut = WatchedShortcut::watch(wanted.to_owned(), tx.clone());
                }
                if guichet.config().agent.autostart != autostart {
                    autostart = guichet.config().agent.autostart;
                    apply_autostart(autostart).await;
                }
            }
            Some(Command::TrayLost) if !tray_pending => {
                // Waited for on a task of its own: the wizard must not wait behind it.
                tray_pending = true;
                tray_retries += 1;
                let delay = std::time::Duration::from_millis(500 * u64::from(tray_retries.min(20)));
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.send(Command::RegisterTray);
                });
            }
            Some(Command::TrayLost) => {}
            Some(Command::RegisterTray) => {
                tray_pending = false;
                if let Some(old) = tray.take() {
                    old.shutdown().await;
                }
                tray = TrayIcon::spawn(lang, events.clone(), unread).await;
            }
            Some(Command::Quit) | None => break,
        }
    }
    if let Some(icon) = tray {
        icon.shutdown().await;
    }
    shortcut.stop();
    crate::exit::EXIT_OK
}

/// The global shortcut the agent watches, as the configuration wrote it.
struct WatchedShortcut {
    text: String,
    /// `None` when it could not be watched (no display, taken, not a shortcut): logged.
    watch: Option<ShortcutWatch>,
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
        WatchedShortcut { text, watch }
    }

    fn stop(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.stop();
            tracing::info!("global shortcut {} released", self.text);
        }
    }
}

/// Makes the login items match `[agent] autostart` (IT's or the user's).
async fn apply_autostart(wanted: Option<bool>) {
    match tokio::task::spawn_blocking(move || autostart::apply(wanted)).await {
        Ok(Ok(change)) => tracing::info!("start at login: {change:?}"),
        Ok(Err(e)) => tracing::warn!("start at login: {e}"),
        Err(e) => tracing::warn!("start at login: {e}"),
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

/// Capture first, window second: the wizard must never be in its own screenshot.
async fn open_wizard_now(agent: &Arc<Agent>) {
    *agent.last_trigger.lock().await = Some(std::time::Instant::now());
    if agent.window.is_running(WindowKind::Wizard) {
        tracing::info!("the wizard is already open; not capturing over it");
        return;
    }
    agent.screens.capture().await;
    let forget = agent.clone();
    // A wizard closed without sending must not leave the screenshot in the agent's memory.
    let on_exit = move || {
        tokio::spawn(async move { forget.screens.forget().await });
    };
    if let Err(e) = agent
        .window
        .open(
            WindowKind::Wizard,
            agent.guichet().lang(),
            true,
            None,
            on_exit,
        )
        .await
    {
        tracing::warn!("{e}");
    }
}
