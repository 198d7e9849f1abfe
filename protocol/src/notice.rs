//! What the follow-up loop tells the user about one of their tickets, and how it is worded in a
//! notification. Deriving notices from two views of a ticket is the core's (`guichet_core::follow`).

use crate::i18n::{t, Lang};
use crate::ticket::TicketId;
use serde::{Deserialize, Serialize};

/// Something the user should know about one of their tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// The ticket concerned.
    pub ticket: TicketId,
    /// Its subject, to name it in the notification.
    pub subject: String,
    /// What happened to it.
    pub kind: NoticeKind,
}

/// What a [`Notice`] tells: each kind is one notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum NoticeKind {
    /// A technician added a followup.
    Followup {
        /// The followup's id on the help desk.
        followup: u64,
    },
    /// A solution waits for the user to accept or refuse it.
    Solved {
        /// The solution's id on the help desk.
        solution: u64,
    },
    /// The ticket was closed.
    Closed,
    /// The satisfaction survey can be answered.
    Survey,
}

impl Notice {
    /// Identifies the event, for de-duplication and for notification ids.
    pub fn key(&self) -> String {
        match &self.kind {
            NoticeKind::Followup { followup } => format!("{}:followup:{followup}", self.ticket),
            NoticeKind::Solved { solution } => format!("{}:solved:{solution}", self.ticket),
            NoticeKind::Closed => format!("{}:closed", self.ticket),
            NoticeKind::Survey => format!("{}:survey", self.ticket),
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            NoticeKind::Followup { .. } => "followup",
            NoticeKind::Solved { .. } => "solved",
            NoticeKind::Closed => "closed",
            NoticeKind::Survey => "survey",
        }
    }

    /// The notification's title, naming the ticket number.
    pub fn title(&self, lang: Lang) -> String {
        t(
            lang,
            &format!("notice.{}.title", self.kind_name()),
            &[("ticket", &self.ticket)],
        )
    }

    /// The notification's text, naming the subject and what to do.
    pub fn body(&self, lang: Lang) -> String {
        t(
            lang,
            &format!("notice.{}.body", self.kind_name()),
            &[("ticket", &self.ticket), ("subject", &self.subject)],
        )
    }
}
