//! What a user can do on an existing ticket: add information, accept or refuse the solution,
//! answer the satisfaction survey. Validation is the core's (`guichet_core::action`).

use crate::ticket::TicketId;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What to do on the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ActionKind {
    /// More information for the technician.
    /// More information for the technician.
    Followup {
        /// The followup's text.
        message: String,
    },
    /// The solution works: the ticket is closed.
    /// The solution works: the ticket is closed.
    Approve {
        /// A word for the technician, if the user wrote one.
        comment: Option<String>,
    },
    /// The solution does not work: the ticket is reopened, with the reason.
    /// The solution does not work: the ticket is reopened.
    Refuse {
        /// Why it does not work.
        reason: String,
    },
    /// The satisfaction survey: 0–5 and an optional comment.
    /// The satisfaction survey.
    Rate {
        /// From 0 (unhappy) to 5 (very happy).
        score: i32,
        /// A comment, if the user wrote one.
        comment: Option<String>,
    },
}

impl ActionKind {
    /// A stable name for logs, the CLI and the catalogue (`action.<name>`).
    pub fn name(&self) -> &'static str {
        match self {
            ActionKind::Followup { .. } => "followup",
            ActionKind::Approve { .. } => "approve",
            ActionKind::Refuse { .. } => "refuse",
            ActionKind::Rate { .. } => "rate",
        }
    }
}

/// What the user entered, unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ActionInput {
    /// The ticket acted on.
    pub ticket: TicketId,
    /// What is done to it.
    pub kind: ActionKind,
    /// Files for a followup.
    #[serde(default)]
    pub attachments: Vec<PathBuf>,
    /// The user saw the "did you mean to refuse?" question and still approves.
    #[serde(default)]
    pub confirmed: bool,
}
