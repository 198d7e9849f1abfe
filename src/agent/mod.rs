//! The resident agent (`guichet` with no subcommand). It owns the outbox (opened only while
//! needed), shows the tray icon, watches the global shortcut, captures the screens when a report
//! is triggered and only then starts the window process, and serves the local IPC socket that
//! the window process and the CLI use. It links no GTK and no WebKit.

mod autostart;
mod delivery;
mod desktop;
mod follow;
#[cfg(any(target_os = "linux", windows))]
mod network;
mod no_tray;
mod outbox;
mod rest;
mod screens;
mod server;
mod window;

use desktop::Desktop;
use guichet_core::api::Guichet;
use guichet_core::clock::SystemClock;
use guichet_core::protocol::ipc::{ask, IpcError};
use guichet_core::protocol::transport::{self, Client, Listener};
use guichet_core::protocol::view::WindowKind;
use guichet_core::protocol::TicketId;
use screens::Screens;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
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
    /// How the shortcut is heard now (set by the desktop side; `None` before it started), for
    /// Settings.
    pub shortcut: std::sync::Mutex<Option<guichet_core::protocol::desktop::ShortcutMechanism>>,
    /// Told when something ran, so that the agent trims itself once at rest (`rest`).
    pub activity: rest::Activity,
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
    crate::platform::tune_allocator();
    let Some(socket) = transport::socket_path() else {
        eprintln!("guichet: no runtime directory for the agent's socket");
        return crate::exit::EXIT_FAILURE;
    };
    if let Some(code) = hand_over(&socket, start).await {
        return code;
    }
    let (agent, mut commands) = match start_agent(config_path, &socket).await {
        Ok(started) => started,
        Err(code) => return code,
    };
    let desktop = Desktop::start(&agent.guichet(), agent.commands.clone()).await;
    if start == Start::Report {
        let _ = agent.commands.send(Command::OpenWizard);
    }
    // Start-up is done: once it has been quiet a while, the agent trims itself.
    agent.activity.happened();
    desktop.run(&agent, &mut commands).await;
    crate::exit::EXIT_OK
}

/// Single instance: when an agent already listens on `socket`, a second `guichet` (with or
/// without `--report`) asks it to open the wizard, and `guichet --background` leaves it be. The
/// exit code then; `None` when this process is to be the agent.
async fn hand_over(socket: &Path, start: Start) -> Option<u8> {
    match Client::connect(socket).await {
        Ok(_) if start == Start::Background => {
            tracing::info!("an agent already runs: nothing to do");
            Some(crate::exit::EXIT_OK)
        }
        Ok(mut client) => Some(match client.ask(ask::OpenWizard {}).await {
            Ok(()) => crate::exit::EXIT_OK,
            Err(e) => {
                tracing::warn!("the running agent: {e}");
                eprintln!(
                    "guichet: {}",
                    e.info(guichet_core::Lang::from_env()).message
                );
                crate::exit::EXIT_FAILURE
            }
        }),
        Err(IpcError::NoAgent) => None,
        Err(e) => {
            tracing::warn!("stale agent socket: {e}");
            None
        }
    }
}

/// Loads the configuration, listens on `socket`, makes the login item match, and starts the
/// agent's tasks (IPC, delivery, follow-up, network watch). The agent and the commands sent to
/// it; on failure, the exit code (the reason was printed).
async fn start_agent(
    config_path: Option<&Path>,
    socket: &Path,
) -> Result<(Arc<Agent>, UnboundedReceiver<Command>), u8> {
    let guichet = match Guichet::from_environment(config_path, Arc::new(SystemClock)) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("guichet: {e}");
            return Err(crate::exit::EXIT_INVALID);
        }
    };
    let listener = match Listener::bind(socket).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("guichet: cannot listen on {}: {e}", socket.display());
            return Err(crate::exit::EXIT_FAILURE);
        }
    };
    tracing::info!("listening on {}", socket.display());
    // Only the agent that holds the socket: a second `guichet` has already left.
    apply_autostart(guichet.config().agent.autostart).await;
    let (tx, rx) = unbounded_channel();
    let activity = rest::Activity::default();
    let agent = Arc::new(Agent {
        guichet: std::sync::RwLock::new(guichet),
        config_changed: Notify::new(),
        outbox: outbox::OutboxWorker::new(config_path.map(Path::to_path_buf)),
        screens: Screens::default(),
        window: WindowProcess::new(activity.clone()),
        commands: tx,
        outbox_changed: Notify::new(),
        follow_changed: Notify::new(),
        network_back: Notify::new(),
        outbox_retry: Notify::new(),
        open_ticket: tokio::sync::broadcast::channel(4).0,
        last_trigger: tokio::sync::Mutex::new(None),
        shortcut: std::sync::Mutex::new(None),
        activity,
    });
    tokio::spawn(agent.activity.watch());
    tokio::spawn(server::serve(listener, agent.clone()));
    tokio::spawn(delivery::run(agent.clone()));
    tokio::spawn(follow_supervised(agent.clone()));
    #[cfg(any(target_os = "linux", windows))]
    tokio::spawn(network::run(agent.clone()));
    Ok((agent, rx))
}

/// Makes the login items match `[agent] autostart` (IT's or the user's).
pub(super) async fn apply_autostart(wanted: Option<bool>) {
    match tokio::task::spawn_blocking(move || autostart::apply(wanted)).await {
        Ok(Ok(change)) => tracing::info!("start at login: {change:?}"),
        Ok(Err(e)) => tracing::warn!("start at login: {e}"),
        Err(e) => tracing::warn!("start at login: {e}"),
    }
}

/// Capture first, window second: the wizard must never be in its own screenshot.
pub(super) async fn open_wizard_now(agent: &Arc<Agent>) {
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
        return;
    }
    // While the window process starts: its first request finds them made.
    agent.screens.prepare_previews().await;
}
