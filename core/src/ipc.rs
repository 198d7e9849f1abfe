//! The local IPC protocol between the resident agent and its clients (the window process, the
//! CLI, a second `guichet`): versioned request, response and event types, newline-delimited JSON
//! framing, and the user-only Unix socket that carries it. The socket is also the agent's
//! single-instance lock: whoever can connect to it talks to the running agent.

use crate::action::{ActionInput, TicketAction};
use crate::connector::categories::CategoryList;
use crate::connector::{TicketDetail, TicketId, TicketSummary};
use crate::facts::MachineFacts;
use crate::report::{Attachment, Limits, Report};
use crate::service::{ErrorInfo, FlushSummary, MyTickets, QueueItem, ReportInput, SubmitOutcome};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use uuid::Uuid;

/// Bumped on any incompatible change of [`Request`] or [`Response`].
pub const PROTOCOL_VERSION: u32 = 3;

/// Longest accepted message (a screenshot preview is the largest).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Overrides the directory of the agent's socket (tests run private agents).
pub const RUNTIME_DIR_ENV: &str = "GUICHET_RUNTIME_DIR";

/// A window of the window process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum WindowKind {
    Wizard,
    MyTickets,
    Settings,
}

impl WindowKind {
    pub const ALL: [WindowKind; 3] = [
        WindowKind::Wizard,
        WindowKind::MyTickets,
        WindowKind::Settings,
    ];

    /// The window's name on `guichet-ui`'s command line (`--window <arg>`) and as Tauri label.
    pub const fn arg(self) -> &'static str {
        match self {
            WindowKind::Wizard => "wizard",
            WindowKind::MyTickets => "my-tickets",
            WindowKind::Settings => "settings",
        }
    }

    pub fn from_arg(arg: &str) -> Option<WindowKind> {
        WindowKind::ALL.into_iter().find(|w| w.arg() == arg)
    }
}

/// Which window the window process was started for (`guichet-ui --window … [--ticket N]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WindowLaunch {
    pub window: WindowKind,
    pub ticket: Option<TicketId>,
}

/// One ticket as "My tickets" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    pub detail: TicketDetail,
    /// This ticket's actions still in the outbox (waiting, or stopped on an error).
    pub pending: Vec<QueueItem>,
    /// The limits on a followup's files (the same as on a report's attachments), shown before
    /// anything is sent.
    pub limits: Limits,
}

/// What the Settings window shows. Only the phone and location are the user's to change; the
/// rest is IT's configuration, shown so that people know what Guichet does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub phone: Option<String>,
    pub location: Option<String>,
    /// The help desk's address; `None` when none is configured (reports stay on this computer).
    pub server: Option<String>,
    pub shortcut: String,
    pub language: crate::i18n::Lang,
    pub poll_interval_secs: u64,
    /// Reports and actions waiting in the outbox.
    pub queued: usize,
    pub version: String,
}

/// What a rectangle drawn on a screenshot does.
pub use crate::capture::{Annotation, AnnotationKind, Rect};

/// The screenshots to attach: which screens, and what to mask or highlight on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScreenshotChoice {
    pub screens: Vec<usize>,
    pub annotations: Vec<Annotation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScreenPreview {
    pub index: usize,
    pub name: String,
    /// Physical pixels of the capture; annotations use these coordinates.
    pub width: u32,
    pub height: u32,
    /// A downscaled JPEG for display, base64.
    pub preview_jpeg_base64: String,
}

/// Everything the wizard shows before the user types anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WizardContext {
    pub categories: CategoryList,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub facts: MachineFacts,
    pub limits: Limits,
    pub screens: Vec<ScreenPreview>,
    /// Screens that could not be captured, by name.
    pub capture_failures: Vec<String>,
    pub language: crate::i18n::Lang,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Request {
    /// First message on every connection.
    Hello {
        version: u32,
    },
    /// Capture the screens, then open the wizard (the tray, the shortcut, a second `guichet`).
    OpenWizard,
    OpenWindow {
        window: WindowKind,
        /// For "My tickets": the ticket to show (a notification was clicked).
        #[serde(default)]
        ticket: Option<TicketId>,
    },
    /// A window is interactive, with its content (for the wizard: the screenshot) shown.
    WindowReady {
        window: WindowKind,
    },
    /// The wizard's initial data, including previews of the capture taken at the trigger.
    WizardContext,
    /// Capture again (the wizard hid itself first); answers with a new context.
    Recapture,
    /// The wizard's report, with the chosen screenshots.
    Submit {
        report: ReportInput,
        screenshots: ScreenshotChoice,
    },
    /// The CLI's report (attachment paths must be absolute). `files` are attachments the CLI
    /// already holds in memory (its `--screenshot`, masked), `screens` their facts.
    Report {
        report: ReportInput,
        #[serde(default)]
        files: Vec<InlineFile>,
        #[serde(default)]
        screens: Vec<crate::facts::ScreenInfo>,
    },
    QueueList,
    QueueFlush,
    QueueRetry {
        id: Uuid,
    },
    QueueDismiss {
        id: Uuid,
    },
    Tickets,
    Categories,
    /// "My tickets": the list (from this computer's state when offline) and unread notices.
    MyTickets,
    /// One ticket in detail, with the user's actions still waiting in the outbox.
    Ticket {
        id: TicketId,
    },
    /// A followup, approval, refusal or survey answer.
    Act {
        action: ActionInput,
    },
    /// "My tickets" waits here to be told to show another ticket (a notification about it was
    /// clicked while the window was open); answered with `OpenTicket`, possibly much later.
    AwaitTicket,
    /// What the Settings window shows.
    Settings,
    /// The user's own phone and location (the Settings window).
    SaveProfile {
        phone: Option<String>,
        location: Option<String>,
    },
    /// Agent → outbox worker: make this validated report durable, then try it once.
    #[cfg_attr(feature = "ts", ts(skip))]
    SubmitBuilt {
        report: Box<Report>,
        files: Vec<FileBytes>,
    },
    /// Agent → outbox worker: make this validated action durable, then try it once.
    #[cfg_attr(feature = "ts", ts(skip))]
    ActBuilt {
        action: Box<TicketAction>,
        files: Vec<FileBytes>,
    },
    /// Agent → outbox worker: deliver what is due; answers `NextDue`.
    DeliverDue,
}

/// A named attachment sent whole over the wire (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct InlineFile {
    pub name: String,
    pub base64: String,
}

impl InlineFile {
    pub fn new(name: String, bytes: &[u8]) -> InlineFile {
        use base64::Engine;
        InlineFile {
            name,
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// The attachment, or `None` when the base64 is damaged.
    pub fn into_source(self) -> Option<crate::report::AttachmentSource> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.base64)
            .ok()?;
        Some(crate::report::AttachmentSource::Bytes {
            name: self.name,
            bytes,
        })
    }
}

/// An attachment's bytes on the wire (base64), beside a [`Report`] whose attachments carry only
/// their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileBytes {
    pub base64: String,
}

/// Takes attachment bytes off for the wire.
fn files_to_wire(attachments: &mut [Attachment]) -> Vec<FileBytes> {
    use base64::Engine;
    attachments
        .iter_mut()
        .map(|a| FileBytes {
            base64: base64::engine::general_purpose::STANDARD.encode(std::mem::take(&mut a.bytes)),
        })
        .collect()
}

/// Puts the bytes back; `None` when they do not match the attachments.
fn files_from_wire(attachments: &mut [Attachment], files: Vec<FileBytes>) -> Option<()> {
    use base64::Engine;
    if files.len() != attachments.len() {
        return None;
    }
    for (a, f) in attachments.iter_mut().zip(files) {
        a.bytes = base64::engine::general_purpose::STANDARD
            .decode(f.base64)
            .ok()?;
    }
    Some(())
}

/// Splits `report`'s attachment bytes off for the wire.
pub fn report_to_wire(mut report: Report) -> (Report, Vec<FileBytes>) {
    let files = files_to_wire(&mut report.attachments);
    (report, files)
}

/// Puts the bytes back; `None` when they do not match the report's attachments.
pub fn report_from_wire(mut report: Report, files: Vec<FileBytes>) -> Option<Report> {
    files_from_wire(&mut report.attachments, files)?;
    Some(report)
}

/// Splits `action`'s attachment bytes off for the wire.
pub fn action_to_wire(mut action: TicketAction) -> (TicketAction, Vec<FileBytes>) {
    let files = files_to_wire(&mut action.attachments);
    (action, files)
}

/// Puts the bytes back; `None` when they do not match the action's attachments.
pub fn action_from_wire(mut action: TicketAction, files: Vec<FileBytes>) -> Option<TicketAction> {
    files_from_wire(&mut action.attachments, files)?;
    Some(action)
}

impl Request {
    /// The request's name, for logs (never its content: it may hold personal data).
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "hello",
            Request::OpenWizard => "openWizard",
            Request::OpenWindow { .. } => "openWindow",
            Request::WindowReady { .. } => "windowReady",
            Request::WizardContext => "wizardContext",
            Request::Recapture => "recapture",
            Request::Submit { .. } => "submit",
            Request::Report { .. } => "report",
            Request::QueueList => "queueList",
            Request::QueueFlush => "queueFlush",
            Request::QueueRetry { .. } => "queueRetry",
            Request::QueueDismiss { .. } => "queueDismiss",
            Request::Tickets => "tickets",
            Request::Categories => "categories",
            Request::MyTickets => "myTickets",
            Request::Ticket { .. } => "ticket",
            Request::Act { .. } => "act",
            Request::AwaitTicket => "awaitTicket",
            Request::Settings => "settings",
            Request::SaveProfile { .. } => "saveProfile",
            Request::ActBuilt { .. } => "actBuilt",
            Request::SubmitBuilt { .. } => "submitBuilt",
            Request::DeliverDue => "deliverDue",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Response {
    Hello {
        version: u32,
        agent: String,
    },
    Done,
    WizardContext {
        context: Box<WizardContext>,
    },
    Submitted {
        outcome: SubmitOutcome,
    },
    Queue {
        items: Vec<QueueItem>,
    },
    Flushed {
        summary: FlushSummary,
    },
    Dismissed {
        dismissed: bool,
    },
    Tickets {
        tickets: Vec<TicketSummary>,
    },
    Categories {
        list: CategoryList,
    },
    MyTickets {
        view: MyTickets,
    },
    Ticket {
        view: Box<TicketView>,
    },
    Settings {
        view: SettingsView,
    },
    /// Show this ticket (the answer to `AwaitTicket`).
    OpenTicket {
        ticket: TicketId,
    },
    /// When the next waiting report is due, ms since the epoch (`None`: nothing waits).
    NextDue {
        at_ms: Option<i64>,
    },
    Error {
        error: ErrorInfo,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum IpcError {
    #[error("no Guichet agent is running")]
    NoAgent,
    #[error("the Guichet agent speaks protocol {agent}, this program {ours}")]
    Version { agent: u32, ours: u32 },
    #[error("local connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("malformed message: {0}")]
    Malformed(String),
    #[error("the agent closed the connection")]
    Closed,
}

/// The directory holding the agent's socket: `$GUICHET_RUNTIME_DIR`, else
/// `$XDG_RUNTIME_DIR/guichet`, else `<data dir>/run`. Only the user can enter it.
pub fn runtime_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(RUNTIME_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::runtime_dir()
        .map(|d| d.join("guichet"))
        .or_else(|| crate::config::data_dir().ok().map(|d| d.join("run")))
}

pub fn socket_path() -> Option<PathBuf> {
    runtime_dir().map(|d| d.join("agent.sock"))
}

#[cfg(unix)]
pub use unix::{Client, Connection, Listener};

#[cfg(unix)]
mod unix {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
    use tokio::net::{UnixListener, UnixStream};

    /// One framed connection: JSON values, one per line.
    #[derive(Debug)]
    pub struct Connection {
        reader: BufReader<OwnedReadHalf>,
        writer: OwnedWriteHalf,
    }

    impl Connection {
        fn new(stream: UnixStream) -> Connection {
            let (r, w) = stream.into_split();
            Connection {
                reader: BufReader::new(r),
                writer: w,
            }
        }

        /// Wraps one end of a socket pair (the agent's outbox worker gets its end as stdin).
        pub fn from_std(stream: std::os::unix::net::UnixStream) -> Result<Connection, IpcError> {
            stream.set_nonblocking(true)?;
            Ok(Connection::new(UnixStream::from_std(stream)?))
        }

        pub async fn send<T: Serialize>(&mut self, message: &T) -> Result<(), IpcError> {
            let mut line =
                serde_json::to_vec(message).map_err(|e| IpcError::Malformed(e.to_string()))?;
            line.push(b'\n');
            self.writer.write_all(&line).await?;
            self.writer.flush().await?;
            Ok(())
        }

        /// The next message; `None` when the peer closed the connection cleanly.
        pub async fn receive<T: for<'de> Deserialize<'de>>(
            &mut self,
        ) -> Result<Option<T>, IpcError> {
            let mut line = Vec::new();
            let limit = (MAX_MESSAGE_BYTES + 1) as u64;
            let n = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut line)
                .await?;
            if n == 0 {
                return Ok(None);
            }
            if line.last() != Some(&b'\n') {
                return Err(IpcError::Malformed(format!(
                    "message over {MAX_MESSAGE_BYTES} bytes or cut short"
                )));
            }
            serde_json::from_slice(&line)
                .map(Some)
                .map_err(|e| IpcError::Malformed(e.to_string()))
        }
    }

    /// The agent's side: a socket only its user can reach.
    #[derive(Debug)]
    pub struct Listener {
        listener: UnixListener,
        path: PathBuf,
    }

    impl Listener {
        /// Binds the socket at `path`. Fails with `AddrInUse` when an agent already answers
        /// there; a stale socket left by a crashed agent is replaced.
        pub async fn bind(path: &Path) -> Result<Listener, IpcError> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
            if path.exists() {
                if UnixStream::connect(path).await.is_ok() {
                    return Err(IpcError::Io(std::io::Error::new(
                        std::io::ErrorKind::AddrInUse,
                        "an agent is already running",
                    )));
                }
                std::fs::remove_file(path)?;
            }
            let listener = UnixListener::bind(path)?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            Ok(Listener {
                listener,
                path: path.to_owned(),
            })
        }

        pub async fn accept(&self) -> Result<Connection, IpcError> {
            let (stream, _) = self.listener.accept().await?;
            Ok(Connection::new(stream))
        }

        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// A client of the agent.
    #[derive(Debug)]
    pub struct Client {
        connection: Connection,
    }

    impl Client {
        /// Connects and checks the protocol version. `NoAgent` when nobody listens.
        pub async fn connect(path: &Path) -> Result<Client, IpcError> {
            let stream = match UnixStream::connect(path).await {
                Ok(s) => s,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                    ) =>
                {
                    return Err(IpcError::NoAgent)
                }
                Err(e) => return Err(e.into()),
            };
            let mut client = Client {
                connection: Connection::new(stream),
            };
            match client
                .request(&Request::Hello {
                    version: PROTOCOL_VERSION,
                })
                .await?
            {
                Response::Hello { version, .. } if version == PROTOCOL_VERSION => Ok(client),
                Response::Hello { version, .. } => Err(IpcError::Version {
                    agent: version,
                    ours: PROTOCOL_VERSION,
                }),
                other => Err(IpcError::Malformed(format!(
                    "unexpected greeting {other:?}"
                ))),
            }
        }

        pub async fn request(&mut self, request: &Request) -> Result<Response, IpcError> {
            self.connection.send(request).await?;
            self.connection.receive().await?.ok_or(IpcError::Closed)
        }
    }
}
