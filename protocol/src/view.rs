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
        /// The ticket created.
        ticket: TicketId,
        /// The files the help desk refused.
        rejected: Vec<RejectedFile>,
    },
}

/// What became of a submitted report or action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SubmitOutcome {
    /// Delivered: `ticket` is the number to quote.
    Sent {
        /// The ticket created (or acted on).
        ticket: TicketId,
        /// Files the help desk refused while accepting the rest.
        rejected: Vec<RejectedFile>,
    },
    /// Kept in the outbox and tried again later.
    Queued {
        /// The outbox entry.
        id: Uuid,
        /// Why it was not sent now, in the user's language.
        reason: ErrorInfo,
    },
    /// Refused for good; kept in the outbox until retried or dismissed.
    Failed {
        /// The outbox entry.
        id: Uuid,
        /// Why, in the user's language.
        error: ErrorInfo,
    },
}

/// A report or an action in the outbox, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// The outbox entry.
    pub id: Uuid,
    /// A report's subject, or what an action does ("Refuse the solution of #815").
    pub subject: String,
    /// For actions: the ticket and what is done to it.
    pub ticket: Option<TicketId>,
    /// The action, for an action; `None` for a report.
    pub action: Option<ActionKind>,
    /// When it entered the outbox, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// Where it stands.
    pub state: EntryState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// When the next attempt is due, ms since the Unix epoch.
    pub next_attempt_ms: i64,
    /// The names of its files.
    pub attachments: Vec<String>,
    /// Why the last attempt failed; `None` before any attempt failed.
    pub last_error: Option<ErrorInfo>,
}

/// A report or action that reached the help desk in a flush.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    /// Its outbox entry.
    pub id: Uuid,
    /// The ticket created or acted on.
    pub ticket: TicketId,
    /// The files the help desk refused.
    pub rejected: Vec<RejectedFile>,
}

/// What `queue flush` did: what left, what still waits, what needs a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FlushSummary {
    /// Delivered by this flush.
    pub sent: Vec<SentItem>,
    /// Still waiting, to be tried again.
    pub waiting: Vec<QueueItem>,
    /// Refused for good: retry or dismiss them.
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
    /// Read from the help desk just now.
    HelpDesk,
    /// The help desk's list as last read, kept on this computer.
    Cache,
    /// IT's list from the configuration file.
    Configuration,
}

/// The categories offered, and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CategoryList {
    /// The categories, by full name.
    pub categories: Vec<Category>,
    /// Where they come from.
    pub source: CategorySource,
}

/// "My tickets": the list, and what the user has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MyTickets {
    /// The user's tickets.
    pub tickets: Vec<TicketSummary>,
    /// Set when the help desk could not be reached: `tickets` then come from this computer's
    /// follow-up state.
    pub offline: Option<ErrorInfo>,
    /// Notices the user has not opened yet.
    pub unread: Vec<Notice>,
    /// The language the window should speak (the configuration may force one).
    pub language: Lang,
}

/// One ticket as "My tickets" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    /// The ticket itself.
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
    /// The remembered phone number (IT's when locked).
    pub phone: Option<String>,
    /// The remembered location (IT's when locked).
    pub location: Option<String>,
    /// The help desk's address; `None` when none is configured (reports stay on this computer).
    pub server: Option<String>,
    /// The global shortcut that opens the wizard ("Ctrl+Alt+G").
    pub shortcut: String,
    /// The language Guichet speaks.
    pub language: Lang,
    /// How often open tickets are checked, in seconds.
    pub poll_interval_secs: u64,
    /// Reports and actions waiting in the outbox.
    pub queued: usize,
    /// Guichet's version.
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
    /// How this session is captured and its shortcut heard (the agent's answer; `None` from the
    /// CLI's own dispatch).
    #[serde(default)]
    pub desktop: Option<Box<crate::desktop::DesktopView>>,
    /// Whether the help desk files tickets in entities the user chooses among ([`EntityList`]):
    /// the Settings window then offers the choice.
    pub entities: bool,
    /// The entity tickets go to (IT's, else the user's choice); `None`: the help desk's default.
    pub entity: Option<u64>,
}

/// An entity of the help desk (a school, a site) that the user's tickets may go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    /// The help desk's id for it.
    pub id: u64,
    /// Its full name, as the help desk shows it ("Root entity > Collège Jean Moulin").
    pub name: String,
}

/// The entities the user belongs to, for the Settings window's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EntityList {
    /// The user's entities, by name.
    pub entities: Vec<Entity>,
    /// The entity in force (IT's, else the user's choice); `None`: the help desk's default.
    pub chosen: Option<u64>,
    /// IT chose (`server.entity`, or `entity` locked): shown read-only.
    pub locked: bool,
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
    /// The report wizard.
    Wizard,
    /// "My tickets".
    MyTickets,
    /// The Settings window.
    Settings,
}

impl WindowKind {
    /// Every window, in the order the tray menu lists them.
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

    /// The window named `arg` on the command line (see [`WindowKind::arg`]).
    pub fn from_arg(arg: &str) -> Option<WindowKind> {
        WindowKind::ALL.into_iter().find(|w| w.arg() == arg)
    }
}

/// Which window the window process was started for (`guichet-ui --window … [--ticket N]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WindowLaunch {
    /// The window to open.
    pub window: WindowKind,
    /// For "My tickets": the ticket to show first.
    pub ticket: Option<TicketId>,
}

/// The screenshots to attach: which screens, and what to mask or highlight on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScreenshotChoice {
    /// Indexes of the captured screens to attach; empty attaches none.
    pub screens: Vec<usize>,
    /// Masks (burned in) and highlights on those screens.
    pub annotations: Vec<crate::annotation::Annotation>,
}

/// One captured screen as the wizard previews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ScreenPreview {
    /// Its index in the capture.
    pub index: usize,
    /// Its name for people ("Left screen").
    pub name: String,
    /// Physical pixels of the capture; annotations use these coordinates.
    pub width: u32,
    /// Physical pixels of the capture.
    pub height: u32,
    /// A downscaled JPEG for display, base64.
    pub preview_jpeg_base64: String,
}

/// Everything the wizard shows before the user types anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WizardContext {
    /// The categories offered.
    pub categories: CategoryList,
    /// The phone number to pre-fill (remembered, else IT's).
    pub phone: Option<String>,
    /// The location to pre-fill (remembered, else IT's).
    pub location: Option<String>,
    /// The facts that will be added to the ticket, shown to the user.
    pub facts: MachineFacts,
    /// The limits the report must respect.
    pub limits: Limits,
    /// The screens captured at the trigger.
    pub screens: Vec<ScreenPreview>,
    /// Screens that could not be captured, by name.
    pub capture_failures: Vec<String>,
    /// Why nothing could be captured at all (no display, the permission refused), in the user's
    /// language; the wizard says it and goes on without a screenshot.
    #[serde(default)]
    pub capture_problem: Option<String>,
    /// The language the wizard should speak.
    pub language: Lang,
}

/// A named attachment sent whole over the wire (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct InlineFile {
    /// The file's name.
    pub name: String,
    /// Its bytes, base64 (standard alphabet, padded).
    pub base64: String,
}

impl InlineFile {
    /// `bytes` named `name`, encoded for the wire.
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
