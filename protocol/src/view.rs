//! What the windows and the CLI show: outbox items, the outcome of a report, "My tickets", one
//! ticket, the Settings window and the wizard's starting point. Every type here is built by the
//! core and only read by its clients.

use crate::action::ActionKind;
use crate::error::ErrorInfo;
use crate::facts::MachineFacts;
use crate::i18n::Lang;
use crate::notice::Notice;
use crate::report::{Category, Limits};
use crate::ticket::{Capabilities, RejectedFile, TicketDetail, TicketId, TicketSummary};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a report or an action in the outbox stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum EntryState {
    /// Waiting for its next attempt.
    Pending,
    /// Stopped on a permanent error; needs `retry` or `dismiss`.
    Failed,
    /// The ticket exists, but the help desk refused some files.
    Delivered {
        ticket: TicketId,
        rejected: Vec<RejectedFile>,
    },
}

/// What became of a submitted report or action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SubmitOutcome {
    Sent {
        ticket: TicketId,
        rejected: Vec<RejectedFile>,
    },
    Queued {
        id: Uuid,
        reason: ErrorInfo,
    },
    Failed {
        id: Uuid,
        error: ErrorInfo,
    },
}

/// A report or an action in the outbox, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    pub id: Uuid,
    /// A report's subject, or what an action does ("Refuse the solution of #815").
    pub subject: String,
    /// For actions: the ticket and what is done to it.
    pub ticket: Option<TicketId>,
    pub action: Option<ActionKind>,
    pub created_at_ms: i64,
    pub state: EntryState,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub attachments: Vec<String>,
    pub last_error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    pub id: Uuid,
    pub ticket: TicketId,
    pub rejected: Vec<RejectedFile>,
}

/// What `queue flush` did: what left, what still waits, what needs a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FlushSummary {
    pub sent: Vec<SentItem>,
    pub waiting: Vec<QueueItem>,
    pub failed: Vec<QueueItem>,
    /// Some of those waiting were left alone: an earlier attempt, whose answer never came, may
    /// still be under way at the help desk until then (ms since the epoch).
    #[serde(default)]
    pub settling_until_ms: Option<i64>,
}

/// Where the offered categories come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum CategorySource {
    HelpDesk,
    Cache,
    Configuration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CategoryList {
    pub categories: Vec<Category>,
    pub source: CategorySource,
}

/// "My tickets": the list, and what the user has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MyTickets {
    pub tickets: Vec<TicketSummary>,
    /// Set when the help desk could not be reached: `tickets` then come from this computer's
    /// follow-up state.
    pub offline: Option<ErrorInfo>,
    pub unread: Vec<Notice>,
    /// The language the window should speak (the configuration may force one).
    pub language: Lang,
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
    /// What the help desk lets the user do: actions it cannot take are not offered.
    pub capabilities: Capabilities,
}

/// What the Settings window shows. The phone, the location, the language, the shortcut and
/// starting at login are the user's to change unless IT locked them (`locked`); the rest is IT's
/// configuration, shown so that people know what Guichet does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub phone: Option<String>,
    pub location: Option<String>,
    /// The help desk's address; `None` when none is configured (reports stay on this computer).
    pub server: Option<String>,
    pub shortcut: String,
    pub language: Lang,
    pub poll_interval_secs: u64,
    /// Reports and actions waiting in the outbox.
    pub queued: usize,
    pub version: String,
    /// The kind of help desk (`glpi`, `rt`), when one is configured.
    pub server_kind: Option<String>,
    /// Settings IT locked in the system configuration: shown read-only, "Set by IT".
    pub locked: Vec<crate::setting::Lockable>,
    /// Who is signed in, when someone is.
    pub account: Option<AccountView>,
    /// Problems in the configuration files, each naming its file, line and key.
    pub config_problems: Vec<String>,
    /// Whether the agent starts at login (`[agent] autostart`, IT's or the user's); `None` when
    /// neither chose, and the login items are left as they are.
    #[serde(default)]
    pub autostart: Option<bool>,
}

/// The account Guichet signs in with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// `password` (a login and password) or `token` (a personal API token).
    pub method: String,
    /// The login, for a password sign-in.
    pub login: Option<String>,
    /// Whether IT's configuration file holds the credentials (then there is nothing to sign out).
    pub from_config: bool,
}

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

/// The screenshots to attach: which screens, and what to mask or highlight on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScreenshotChoice {
    pub screens: Vec<usize>,
    pub annotations: Vec<crate::annotation::Annotation>,
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
    /// Why nothing could be captured at all (no display, the permission refused), in the user's
    /// language; the wizard says it and goes on without a screenshot.
    #[serde(default)]
    pub capture_problem: Option<String>,
    pub language: Lang,
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

    /// The name and bytes, or `None` when the base64 is damaged.
    pub fn decode(self) -> Option<(String, Vec<u8>)> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.base64)
            .ok()?;
        Some((self.name, bytes))
    }
}
