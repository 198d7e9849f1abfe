//! The help-desk back ends. Each one implements [`Connector`] in its own folder (`glpi/`, `rt/`),
//! with its own configuration section, sign-in, doctor steps, status vocabulary and request
//! bodies, and is listed once in [`registry`]; the outbox, the follow-up loop, the CLI and the
//! agent only ever see the trait, [`ServerConfig`] and the neutral ticket model
//! ([`guichet_protocol::ticket`]), so GLPI, Request Tracker and later ones are interchangeable.

pub mod categories;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
pub mod glpi;
pub mod http;
pub mod registry;
pub mod rt;
mod server;

pub use registry::{DeskConfig, DeskInvalid, DeskSection};
pub use server::{ServerConfig, ServerInvalid};

use crate::action::TicketAction;
use crate::i18n::{t, Lang};
use crate::report::{Category, Report};
use async_trait::async_trait;
use guichet_protocol::action::ActionKind;
use guichet_protocol::error::{ErrorCode, ErrorInfo};
pub use guichet_protocol::view::Entity;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use guichet_protocol::ticket::{
    Capabilities, ChangeStamp, RejectCode, RejectedFile, SolutionStatus, Survey, SurveyScale,
    TicketDetail, TicketDocument, TicketId, TicketState, TicketStatus, TicketSummary,
    TimelineEntry, TimelineKind,
};

/// What the help desk did with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The ticket created: the number the user quotes.
    pub ticket: TicketId,
    /// Attachments the help desk refused while still creating the ticket.
    pub rejected: Vec<RejectedFile>,
}

/// What a successful action does to the ticket, as this help desk's workflow has it: the
/// follow-up loop records it at once, so that the user is not told about their own action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionEffect {
    /// The ticket's status afterwards, when the action changes it.
    pub status: Option<TicketStatus>,
    /// What becomes of the solution waiting for the user's answer.
    pub solution: Option<SolutionStatus>,
    /// The survey is answered.
    pub survey_answered: bool,
}

/// Where a help desk's workflow puts a ticket once its requester answered the solution: the
/// statuses are each desk's, the rest of an action's effect is the same everywhere
/// ([`ActionEffect::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workflow {
    /// The status after the solution is accepted; `None` when it stays as it is.
    pub approved: Option<TicketStatus>,
    /// The status after the solution is refused; `None` when it stays as it is.
    pub refused: Option<TicketStatus>,
}

impl ActionEffect {
    /// What `action` does under `workflow`: approving accepts the solution and refusing refuses
    /// it, each moving the ticket as the workflow says; rating answers the survey; a followup
    /// changes nothing the follow-up loop tells.
    pub fn of(action: &ActionKind, workflow: Workflow) -> ActionEffect {
        match action {
            ActionKind::Approve { .. } => ActionEffect {
                status: workflow.approved,
                solution: Some(SolutionStatus::Accepted),
                survey_answered: false,
            },
            ActionKind::Refuse { .. } => ActionEffect {
                status: workflow.refused,
                solution: Some(SolutionStatus::Refused),
                survey_answered: false,
            },
            ActionKind::Rate { .. } => ActionEffect {
                survey_answered: true,
                ..ActionEffect::default()
            },
            ActionKind::Followup { .. } => ActionEffect::default(),
        }
    }
}

/// Why a help-desk call failed. [`ConnectorError::is_transient`] decides whether the outbox
/// retries; everything else needs a person (IT for credentials, the user for content).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnectorError {
    /// No connection to the help desk could be made (refused, no route, DNS, TLS handshake):
    /// the request never left.
    #[error("the help desk cannot be reached (no connection): {detail}")]
    NotConnected {
        /// The HTTP client's words, with their causes.
        detail: String,
    },
    /// The connection broke or timed out after the request may have been sent.
    #[error("the help desk cannot be reached: {detail}")]
    Unreachable {
        /// The HTTP client's words, with their causes.
        detail: String,
    },
    /// The help desk answered with a server error (HTTP 5xx): retried later.
    #[error("the help desk failed (HTTP {status}, {code}): {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The help desk's error code, or `HTTP_<status>` when it gave none.
        code: String,
        /// The help desk's message, or the start of the body.
        message: String,
        /// The help desk asked to be tried again after this many seconds (`Retry-After`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
    },
    /// The help desk refused to let Guichet in (credentials, an application token, this
    /// computer's address, its API turned off): IT or the user must act. Not retried.
    #[error("the help desk refused the credentials ({code}): {message}")]
    Unauthorized {
        /// The help desk's error code.
        code: String,
        /// The help desk's message.
        message: String,
    },
    /// The help desk refused the request itself, in its own words (HTTP 4xx): not retried.
    #[error("the help desk refused the request (HTTP {status}, {code}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The help desk's error code, or `HTTP_<status>` when it gave none.
        code: String,
        /// The help desk's message, which people can act on.
        message: String,
    },
    /// The answer could not be read (not the expected JSON, too large), or the HTTP client
    /// could not be built.
    #[error("the help desk gave an answer Guichet does not understand: {detail}")]
    Protocol {
        /// What was wrong with it.
        detail: String,
    },
    /// Something else answered at the help desk's address (a Wi-Fi login portal, a filtering
    /// proxy, a misrouted URL): the help desk itself was not reached.
    #[error("HTTP {status} from something that is not the help desk (a login portal or a proxy?): {detail}")]
    NotHelpDesk {
        /// The HTTP status it answered with.
        status: u16,
        /// The start of its page.
        detail: String,
    },
    /// No help desk is configured, or nobody has signed in to it yet.
    #[error("no help desk is configured")]
    NotConfigured,
}

impl ConnectorError {
    /// Worth retrying later without anybody changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ConnectorError::NotConnected { .. }
                | ConnectorError::Unreachable { .. }
                | ConnectorError::Server { .. }
                | ConnectorError::Protocol { .. }
                | ConnectorError::NotHelpDesk { .. }
                | ConnectorError::NotConfigured
        )
    }

    /// Whether the request may have reached the help desk without its answer coming back: the
    /// connection dropped or timed out, or a gateway gave up waiting (502, 504). The help desk
    /// may then still be acting on it. Any other answer is the help desk's last word, and a
    /// connection never made sent nothing.
    pub fn answer_lost(&self) -> bool {
        match self {
            ConnectorError::Unreachable { .. } => true,
            ConnectorError::Server { status, .. } | ConnectorError::NotHelpDesk { status, .. } => {
                matches!(status, 502 | 504)
            }
            _ => false,
        }
    }

    /// How long the help desk asked to be left alone before the next attempt.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ConnectorError::Server {
                retry_after_secs: Some(secs),
                ..
            } => Some(std::time::Duration::from_secs(*secs)),
            _ => None,
        }
    }

    /// The same error, remembering the `Retry-After` of the answer that caused it.
    pub fn with_retry_after(self, wait: Option<std::time::Duration>) -> ConnectorError {
        match self {
            ConnectorError::Server {
                status,
                code,
                message,
                retry_after_secs,
            } => ConnectorError::Server {
                status,
                code,
                message,
                retry_after_secs: wait.map(|w| w.as_secs()).or(retry_after_secs),
            },
            other => other,
        }
    }

    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ConnectorError::NotConnected { .. }
            | ConnectorError::Unreachable { .. }
            | ConnectorError::NotHelpDesk { .. }
            | ConnectorError::NotConfigured => ErrorCode::Offline,
            ConnectorError::Unauthorized { .. } => ErrorCode::Unauthorized,
            ConnectorError::Rejected { .. } => ErrorCode::Validation,
            ConnectorError::Server { .. } | ConnectorError::Protocol { .. } => ErrorCode::Server,
        }
    }

    /// The error as the user sees it.
    pub fn info(&self, lang: Lang) -> ErrorInfo {
        ErrorInfo::new(self.code(), self.message(lang))
    }

    /// What people can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConnectorError::NotConnected { detail } | ConnectorError::Unreachable { detail } => {
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
    /// What this help desk lets the user do; the windows hide what it cannot.
    fn capabilities(&self) -> Capabilities;

    /// What `action` does to a ticket once the help desk has taken it.
    fn effect(&self, action: &ActionKind) -> ActionEffect;

    /// The request [`Connector::create_ticket`] would send for `report`, files aside, as JSON
    /// (`guichet report --dry-run` writes it and sends nothing).
    fn dry_run(&self, report: &Report) -> serde_json::Value;

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

    /// What the follow-up loop needs of a ticket whose change stamp moved (`state`, as
    /// [`Connector::ticket_states`] saw it): its timeline and survey. The subject, description
    /// and documents may be left empty. A help desk that can answer this with fewer requests than
    /// [`Connector::ticket_detail`] does so: it is what a whole school's polling costs.
    async fn ticket_activity(&self, state: &TicketState) -> Result<TicketDetail, ConnectorError> {
        self.ticket_detail(state.id).await
    }

    /// Performs a followup, an approval, a refusal or a survey answer.
    /// Returns the files the help desk refused (the followup itself exists).
    async fn perform(&self, action: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError>;

    /// Whether an earlier attempt at `action` reached the help desk (by its client id), so that
    /// a retry after an unknown outcome never posts it twice.
    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError>;

    /// The entities this account's tickets may go to, by name (only asked of a help desk whose
    /// [`Capabilities::entities`] is set; one without entities has none).
    async fn entities(&self) -> Result<Vec<Entity>, ConnectorError> {
        Ok(Vec::new())
    }
}

/// Builds the connector the configuration names.
pub fn from_config(server: &ServerConfig) -> Result<Arc<dyn Connector>, ConnectorError> {
    server.desk.connector(&server.http)
}

/// The doctor's help-desk steps (API, credentials, rights) for the configured kind.
pub async fn diagnose(server: &ServerConfig) -> Vec<crate::diagnosis::Finding> {
    server.desk.diagnose(&server.http).await
}
