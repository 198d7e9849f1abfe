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
    CategoryList, FlushSummary, InlineFile, MyTickets, QueueItem, ScreenshotChoice, SettingsView,
    SubmitOutcome, TicketView, WindowKind, WizardContext,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod ask;
pub use ask::Ask;

/// Bumped on any incompatible change of [`Request`] or [`Response`].
pub const PROTOCOL_VERSION: u32 = 6;

/// Longest accepted message (a screenshot preview is the largest).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

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
        screens: Vec<ScreenInfo>,
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
    /// The connection doctor (Settings, "Test the connection"; `guichet doctor`).
    Doctor,
    /// Signs in to the help desk (the setup screen): checked with the help desk, then kept in the
    /// OS keyring. Answered with the new `Settings`.
    SignIn {
        sign_in: SignInInput,
    },
    /// Forgets the credentials (removed from the keyring). Answered with the new `Settings`.
    SignOut,
    /// The user's preferences (the Settings window), applied at once by the agent. Answered with
    /// the new `Settings`.
    SavePreferences {
        preferences: Preferences,
    },
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
}

/// What the setup screen sends to sign in: the help desk's address when IT configured none, and
/// either a login and password (the académie's, which GLPI checks against the directory) or a
/// personal API token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    pub url: Option<String>,
    pub login: Option<String>,
    pub password: Option<Secret>,
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
            Request::Settings => "settings",
            Request::SaveProfile { .. } => "saveProfile",
            Request::Doctor => "doctor",
            Request::SignIn { .. } => "signIn",
            Request::SignOut => "signOut",
            Request::SavePreferences { .. } => "savePreferences",
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
    Doctor {
        report: crate::doctor::DoctorReport,
    },
    /// Show this ticket (the answer to `AwaitTicket`).
    OpenTicket {
        ticket: TicketId,
    },
    Error {
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
            Response::Doctor { .. } => "doctor",
            Response::OpenTicket { .. } => "openTicket",
            Response::Error { .. } => "error",
        }
    }
}

/// Why talking to the agent (or the agent to its outbox worker) failed.
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
    #[error("the peer closed the connection")]
    Closed,
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
