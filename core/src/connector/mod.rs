//! The help-desk back ends. Each one implements [`Connector`]; the outbox, the CLI and the agent
//! only ever see the trait, so GLPI, Request Tracker and later ones are interchangeable.

pub mod categories;
pub mod glpi;

use crate::action::TicketAction;
use crate::config::{ServerConfig, ServerKind};
use crate::i18n::{t, Lang};
use crate::report::{Category, Report};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A ticket number, as the help desk shows it to people.
pub type TicketId = u64;

/// What the help desk did with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub ticket: TicketId,
    /// Attachments the help desk refused while still creating the ticket.
    pub rejected: Vec<RejectedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RejectedFile {
    pub name: String,
    pub reason: String,
}

/// Where a ticket stands, in the help desk's common vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TicketStatus {
    New,
    Assigned,
    Planned,
    Waiting,
    Solved,
    Closed,
}

impl TicketStatus {
    /// GLPI's numeric status (1 New … 6 Closed).
    pub fn from_glpi(code: i64) -> Option<TicketStatus> {
        Some(match code {
            1 => TicketStatus::New,
            2 => TicketStatus::Assigned,
            3 => TicketStatus::Planned,
            4 => TicketStatus::Waiting,
            5 => TicketStatus::Solved,
            6 => TicketStatus::Closed,
            _ => return None,
        })
    }

    pub fn label(self, lang: Lang) -> String {
        let key = match self {
            TicketStatus::New => "status.new",
            TicketStatus::Assigned => "status.assigned",
            TicketStatus::Planned => "status.planned",
            TicketStatus::Waiting => "status.waiting",
            TicketStatus::Solved => "status.solved",
            TicketStatus::Closed => "status.closed",
        };
        t(lang, key, &[])
    }
}

/// One line of "My tickets".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketSummary {
    pub id: TicketId,
    pub subject: String,
    pub status: TicketStatus,
    /// Last change, as the help desk reports it ("2026-11-28 13:30:00").
    pub updated: String,
}

/// A ticket's status and last change, as one status poll sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketState {
    pub id: TicketId,
    pub status: TicketStatus,
    /// The help desk's last-change stamp; any followup, solution or document changes it.
    pub updated: String,
}

/// Where a proposed solution stands (GLPI `ITILSolution.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SolutionStatus {
    /// Waiting for the requester to accept or refuse it.
    Waiting,
    Accepted,
    Refused,
}

impl SolutionStatus {
    /// GLPI's validation status (2 waiting, 3 accepted, 4 refused; 1 "none" counts as waiting).
    pub fn from_glpi(code: i64) -> SolutionStatus {
        match code {
            3 => SolutionStatus::Accepted,
            4 => SolutionStatus::Refused,
            _ => SolutionStatus::Waiting,
        }
    }
}

/// What an entry of a ticket's timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TimelineKind {
    Followup,
    Solution,
}

/// One followup or solution, oldest first in [`TicketDetail::timeline`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub id: u64,
    pub kind: TimelineKind,
    pub date: String,
    /// Written by the user Guichet logs in as (not by a technician).
    pub by_me: bool,
    /// Sanitised HTML (see [`crate::html::sanitize`]): safe to show as is.
    pub html: String,
    /// For solutions only.
    pub solution_status: Option<SolutionStatus>,
}

/// A file on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketDocument {
    pub id: u64,
    pub name: String,
}

/// The satisfaction survey of a closed ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    /// 0–5 once answered.
    pub score: Option<u8>,
    pub comment: Option<String>,
}

/// Everything "My tickets" shows about one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    pub id: TicketId,
    pub subject: String,
    pub status: TicketStatus,
    pub opened: String,
    pub updated: String,
    /// Sanitised HTML of the original description.
    pub description_html: String,
    pub timeline: Vec<TimelineEntry>,
    pub documents: Vec<TicketDocument>,
    pub survey: Option<Survey>,
}

impl TicketDetail {
    /// The solution waiting for the user's answer, if the ticket is solved.
    pub fn waiting_solution(&self) -> Option<&TimelineEntry> {
        if self.status != TicketStatus::Solved {
            return None;
        }
        self.timeline
            .iter()
            .rev()
            .find(|e| e.solution_status == Some(SolutionStatus::Waiting))
    }

    /// A survey the user has not answered yet.
    pub fn survey_open(&self) -> bool {
        self.survey.as_ref().is_some_and(|s| s.score.is_none())
    }
}

/// Why a help-desk call failed. [`ConnectorError::is_transient`] decides whether the outbox
/// retries; everything else needs a person (IT for credentials, the user for content).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnectorError {
    #[error("the help desk cannot be reached: {detail}")]
    Unreachable { detail: String },
    #[error("the help desk failed (HTTP {status}, {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the help desk refused the credentials ({code}): {message}")]
    Unauthorized { code: String, message: String },
    #[error("the help desk refused the request (HTTP {status}, {code}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the help desk gave an answer Guichet does not understand: {detail}")]
    Protocol { detail: String },
    /// Something else answered at the help desk's address (a Wi-Fi login portal, a filtering
    /// proxy, a misrouted URL): the help desk itself was not reached.
    #[error("HTTP {status} from something that is not the help desk (a login portal or a proxy?): {detail}")]
    NotHelpDesk { status: u16, detail: String },
    #[error("no help desk is configured")]
    NotConfigured,
}

impl ConnectorError {
    /// Worth retrying later without anybody changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ConnectorError::Unreachable { .. }
                | ConnectorError::Server { .. }
                | ConnectorError::Protocol { .. }
                | ConnectorError::NotHelpDesk { .. }
                | ConnectorError::NotConfigured
        )
    }

    /// The code the UI branches on (closed set: offline, unauthorized, validation, server, internal).
    pub fn ipc_code(&self) -> &'static str {
        match self {
            ConnectorError::Unreachable { .. }
            | ConnectorError::NotHelpDesk { .. }
            | ConnectorError::NotConfigured => "offline",
            ConnectorError::Unauthorized { .. } => "unauthorized",
            ConnectorError::Rejected { .. } => "validation",
            ConnectorError::Server { .. } | ConnectorError::Protocol { .. } => "server",
        }
    }

    /// What people can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConnectorError::Unreachable { detail } => {
                t(lang, "error.offline", &[("detail", detail)])
            }
            ConnectorError::Unauthorized { message, .. } => {
                t(lang, "error.unauthorized", &[("detail", message)])
            }
            ConnectorError::Rejected { message, .. } => {
                t(lang, "error.rejected", &[("detail", message)])
            }
            ConnectorError::Server { message, .. } => {
                t(lang, "error.server", &[("detail", message)])
            }
            ConnectorError::Protocol { detail } => t(lang, "error.server", &[("detail", detail)]),
            ConnectorError::NotHelpDesk { status, detail } => t(
                lang,
                "error.not_help_desk",
                &[("status", status), ("detail", detail)],
            ),
            ConnectorError::NotConfigured => t(lang, "error.not_configured", &[]),
        }
    }
}

/// A help desk.
#[async_trait]
pub trait Connector: Send + Sync + std::fmt::Debug {
    /// The categories this account may choose from. May fail with `Rejected` (HTTP 403) when the
    /// account is not allowed to read them: see [`categories::load`] for the fallback.
    async fn categories(&self) -> Result<Vec<Category>, ConnectorError>;

    /// Creates the ticket with its attachments.
    async fn create_ticket(&self, report: &Report) -> Result<Delivery, ConnectorError>;

    /// Looks for a ticket already created from this report (by its client id), so that a retry
    /// after an unknown outcome never creates a second ticket.
    async fn find_delivered(&self, report: &Report) -> Result<Option<Delivery>, ConnectorError>;

    /// The tickets of the user this connector logs in as, newest first.
    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError>;

    /// The status and last change of every ticket in `ids`, in **one** request. Tickets the
    /// help desk does not show this user are left out.
    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError>;

    /// One ticket with its timeline, documents and survey, HTML sanitised.
    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError>;

    /// Performs a followup, an approval, a refusal or a survey answer.
    /// Returns the files the help desk refused (the followup itself exists).
    async fn perform(&self, action: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError>;

    /// Whether an earlier attempt at `action` reached the help desk (by its client id), so that
    /// a retry after an unknown outcome never posts it twice.
    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError>;
}

/// Builds the connector the configuration names.
pub fn from_config(server: &ServerConfig) -> Result<Arc<dyn Connector>, ConnectorError> {
    match server.kind {
        ServerKind::Glpi => Ok(Arc::new(glpi::GlpiConnector::new(server)?)),
    }
}
