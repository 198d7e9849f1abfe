//! The local IPC protocol between the resident agent and its clients (the window process, the
//! CLI, a second `guichet`): versioned request and response types, framed as newline-delimited
//! JSON by [`crate::transport`]. The first message on every connection is `Hello`.

use crate::action::ActionInput;
use crate::error::{ErrorCode, ErrorInfo};
use crate::facts::ScreenInfo;
use crate::i18n::{t, Lang};
use crate::report::ReportInput;
use crate::ticket::{TicketId, TicketSummary};
use crate::view::{
    CategoryList, EntityList, FlushSummary, InlineFile, MyTickets, QueueItem, ScreenshotChoice,
    SettingsView, SubmitOutcome, TicketView, WindowKind, WizardContext,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod ask;
pub use ask::Ask;

/// Bumped on any incompatible change of [`Request`] or [`Response`].
pub const PROTOCOL_VERSION: u32 = 7;

/// Longest accepted message (a screenshot preview is the largest).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// What a client asks the agent (or the CLI's in-process dispatch); each has its [`Response`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Request {
    /// First message on every connection.
    Hello {
        /// The client's [`PROTOCOL_VERSION`].
        version: u32,
    },
    /// Capture the screens, then open the wizard (the tray, the shortcut, a second `guichet`).
    OpenWizard,
    /// Open one of the windows (or bring it to the front).
    OpenWindow {
        /// Which window.
        window: WindowKind,
        /// For "My tickets": the ticket to show (a notification was clicked).
        #[serde(default)]
        ticket: Option<TicketId>,
    },
    /// A window is interactive, with its content (for the wizard: the screenshot) shown.
    WindowReady {
        /// The window that is ready.
        window: WindowKind,
    },
    /// The wizard's initial data, including previews of the capture taken at the trigger.
    WizardContext,
    /// Capture again (the wizard hid itself first); answers with a new context.
    Recapture,
    /// The wizard's report, with the chosen screenshots.
    Submit {
        /// What the user typed.
        report: ReportInput,
        /// Which of the captured screens to attach, and their masks and highlights.
        screenshots: ScreenshotChoice,
    },
    /// The CLI's report (attachment paths must be absolute). `files` are attachments the CLI
    /// already holds in memory (its `--screenshot`, masked), `screens` their facts.
    Report {
        /// The report, its attachments as paths.
        report: ReportInput,
        /// Attachments sent whole.
        #[serde(default)]
        files: Vec<InlineFile>,
        /// The screens the attached screenshots were taken of, for the machine facts.
        #[serde(default)]
        screens: Vec<ScreenInfo>,
    },
    /// Every report and action still in the outbox.
    QueueList,
    /// Try everything in the outbox now, ignoring back-off.
    QueueFlush,
    /// Put a failed outbox entry back in line, to be tried at once.
    QueueRetry {
        /// The outbox entry.
        id: Uuid,
    },
    /// Forget a failed or delivered outbox entry (one still waiting cannot be dismissed).
    QueueDismiss {
        /// The outbox entry.
        id: Uuid,
    },
    /// The user's tickets, from the help desk (an error when it cannot be reached).
    Tickets,
    /// The categories a report may be filed under.
    Categories,
    /// "My tickets": the list (from this computer's state when offline) and unread notices.
    MyTickets,
    /// One ticket in detail, with the user's actions still waiting in the outbox.
    Ticket {
        /// The ticket's number.
        id: TicketId,
    },
    /// A followup, approval, refusal or survey answer.
    Act {
        /// What the user does, unchecked (the agent validates it).
        action: ActionInput,
    },
    /// "My tickets" waits here to be told to show another ticket (a notification about it was
    /// clicked while the window was open); answered with `OpenTicket`, possibly much later.
    AwaitTicket,
    /// What the Settings window shows.
    Settings,
    /// The user's own phone and location (the Settings window).
    SaveProfile {
        /// The phone number to remember; `None` or blank forgets it.
        phone: Option<String>,
        /// The location (office, room) to remember; `None` or blank forgets it.
        location: Option<String>,
    },
    /// The connection doctor (Settings, "Test the connection"; `guichet doctor`).
    Doctor,
    /// Signs in to the help desk (the setup screen): checked with the help desk, then kept in the
    /// OS keyring. Answered with the new `Settings`.
    SignIn {
        /// The address and credentials typed.
        sign_in: SignInInput,
    },
    /// Forgets the credentials (removed from the keyring). Answered with the new `Settings`.
    SignOut,
    /// The entities the user's tickets may go to, from the help desk (Settings).
    Entities,
    /// The user's preferences (the Settings window), applied at once by the agent. Answered with
    /// the new `Settings`.
    SavePreferences {
        /// The values changed.
        preferences: Preferences,
    },
    /// Capture the screens now, from Settings, while its window has the focus: on desktops that
    /// ask the user first (GNOME, KDE Plasma 6.4+), this is when the permission is given.
    /// Answered with `CaptureTested`; the capture is dropped at once.
    TestCapture,
    /// Install GNOME's custom keyboard shortcut that runs `guichet --report` (GNOME without the
    /// GlobalShortcuts portal). Answered with the new `Settings`.
    InstallShortcut,
}

/// What the user changed in the Settings window's preferences: only the values given are
/// changed. A value IT locked is refused, unless it is the one already in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// The language of the windows, the tray menu and the notifications.
    pub language: Option<Lang>,
    /// The global shortcut that opens the wizard, e.g. "Ctrl+Alt+G".
    pub shortcut: Option<String>,
    /// Whether Guichet starts when the user logs in.
    pub autostart: Option<bool>,
    /// The entity the user's tickets go to, at a help desk that has entities.
    pub entity: Option<EntityChoice>,
}

/// Where the user's tickets go, at a help desk whose requesters may belong to several entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "choice", rename_all = "camelCase")]
pub enum EntityChoice {
    /// The help desk's default (GLPI: the user's default entity).
    Default,
    /// This entity.
    Entity {
        /// Its id at the help desk.
        id: u64,
    },
}

impl EntityChoice {
    /// The entity chosen; `None` for the help desk's default.
    pub fn id(self) -> Option<u64> {
        match self {
            EntityChoice::Default => None,
            EntityChoice::Entity { id } => Some(id),
        }
    }
}

/// What the setup screen sends to sign in: the help desk's address when IT configured none, and
/// either a login and password (the académie's, which GLPI checks against the directory) or a
/// personal API token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    /// The help desk's address; ignored when IT configured one.
    pub url: Option<String>,
    /// The login, with `password`.
    pub login: Option<String>,
    /// The password of `login`.
    pub password: Option<Secret>,
    /// A personal API token, instead of a login and password.
    pub token: Option<Secret>,
}

/// A password or token: it travels over the user-only channel but never shows in a log
/// (`Debug` hides it).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
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
            Request::TestCapture => "testCapture",
            Request::InstallShortcut => "installShortcut",
            Request::Settings => "settings",
            Request::SaveProfile { .. } => "saveProfile",
            Request::Doctor => "doctor",
            Request::SignIn { .. } => "signIn",
            Request::SignOut => "signOut",
            Request::SavePreferences { .. } => "savePreferences",
            Request::Entities => "entities",
        }
    }
}

/// The agent's answer to a [`Request`]; `Error` answers any request that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Response {
    /// The answer to `Hello`.
    Hello {
        /// The agent's [`PROTOCOL_VERSION`].
        version: u32,
        /// The agent's program version, for logs.
        agent: String,
    },
    /// The request was carried out; nothing to return.
    Done,
    /// The answer to `WizardContext` and `Recapture`.
    WizardContext {
        /// What the wizard shows first.
        context: Box<WizardContext>,
    },
    /// The answer to `Submit`, `Report` and `Act`.
    Submitted {
        /// Sent, queued or failed.
        outcome: SubmitOutcome,
    },
    /// The answer to `QueueList`.
    Queue {
        /// Every outbox entry, reports first.
        items: Vec<QueueItem>,
    },
    /// The answer to `QueueFlush`.
    Flushed {
        /// What left, what waits, what failed.
        summary: FlushSummary,
    },
    /// The answer to `QueueDismiss`.
    Dismissed {
        /// False when the entry still waits to be sent (it was kept).
        dismissed: bool,
    },
    /// The answer to `Tickets`.
    Tickets {
        /// The user's tickets, as the help desk lists them.
        tickets: Vec<TicketSummary>,
    },
    /// The answer to `Categories`.
    Categories {
        /// The categories and where they came from.
        list: CategoryList,
    },
    /// The answer to `MyTickets`.
    MyTickets {
        /// The list, whether it is offline, and the unread notices.
        view: MyTickets,
    },
    /// The answer to `Ticket`.
    Ticket {
        /// The ticket, its pending actions and what may be done.
        view: Box<TicketView>,
    },
    /// The answer to `Settings`, `SignIn`, `SignOut` and `SavePreferences`.
    Settings {
        /// What the Settings window shows, after the change.
        view: SettingsView,
    },
    /// The answer to `Entities`.
    Entities {
        /// The user's entities and the one in force.
        list: EntityList,
    },
    /// The answer to `Doctor`.
    Doctor {
        /// Every step of the diagnosis.
        report: crate::doctor::DoctorReport,
    },
    /// The answer to `TestCapture`.
    CaptureTested {
        /// How many screens were captured, and what went wrong.
        test: crate::desktop::CaptureTest,
    },
    /// Show this ticket (the answer to `AwaitTicket`).
    OpenTicket {
        /// The ticket's number.
        ticket: TicketId,
    },
    /// The request failed.
    Error {
        /// What went wrong, in the user's language.
        error: ErrorInfo,
    },
}

impl Response {
    /// The answer's name, for "unexpected answer" errors and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Hello { .. } => "hello",
            Response::Done => "done",
            Response::WizardContext { .. } => "wizardContext",
            Response::Submitted { .. } => "submitted",
            Response::Queue { .. } => "queue",
            Response::Flushed { .. } => "flushed",
            Response::Dismissed { .. } => "dismissed",
            Response::Tickets { .. } => "tickets",
            Response::Categories { .. } => "categories",
            Response::MyTickets { .. } => "myTickets",
            Response::Ticket { .. } => "ticket",
            Response::Settings { .. } => "settings",
            Response::Entities { .. } => "entities",
            Response::Doctor { .. } => "doctor",
            Response::CaptureTested { .. } => "captureTested",
            Response::OpenTicket { .. } => "openTicket",
            Response::Error { .. } => "error",
        }
    }
}

/// Why talking to the agent (or the agent to its outbox worker) failed.
#[derive(Debug, thiserror::Error)]
pub enum IpcError {
    /// Nothing listens on the agent's socket or pipe.
    #[error("no Guichet agent is running")]
    NoAgent,
    /// The two sides speak different protocol versions.
    #[error("the Guichet agent speaks protocol {agent}, this program {ours}")]
    Version {
        /// The agent's version.
        agent: u32,
        /// This program's version.
        ours: u32,
    },
    /// Reading or writing the local connection failed.
    #[error("local connection failed: {0}")]
    Io(#[from] std::io::Error),
    /// A message that is not JSON of the expected shape, or too long.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The other side hung up before answering.
    #[error("the peer closed the connection")]
    Closed,
    /// An answer of another kind than the request's (its [`Response::kind`]).
    #[error("unexpected answer `{0}`")]
    Unexpected(&'static str),
}

impl IpcError {
    /// What the user is told, in their language; the detail is for the log.
    pub fn info(&self, lang: Lang) -> ErrorInfo {
        let key = match self {
            IpcError::Version { .. } => "error.agent_version",
            _ => "error.agent",
        };
        ErrorInfo::new(ErrorCode::Internal, t(lang, key, &[]))
    }
}
