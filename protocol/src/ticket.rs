//! The help-desk-neutral ticket model: what Guichet shows and remembers of a ticket, whatever
//! help desk holds it. Each connector maps its own statuses, dates and texts onto these types in
//! its own folder (`core/src/connector/<name>/`); nothing here knows GLPI or RT.
//!
//! Two kinds of time travel with a ticket: a [`ChangeStamp`], opaque, only ever compared for
//! equality ("did anything change since the last check?"), and timestamps in milliseconds since
//! the Unix epoch (`*_at_ms`), which the windows show in the user's locale. The help desk's own
//! date texts (`opened`, `date`, the stamp) stay in the JSON that scripts read.

use crate::i18n::{t, Lang};
use serde::{Deserialize, Serialize};

/// A ticket number, as the help desk shows it to people.
pub type TicketId = u64;

/// A help desk's last-change marker for a ticket. Opaque: two stamps are equal or they are not;
/// nothing orders or parses them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(transparent)]
pub struct ChangeStamp(pub String);

impl ChangeStamp {
    /// A stamp of the help desk's `text`.
    pub fn new(text: impl Into<String>) -> ChangeStamp {
        ChangeStamp(text.into())
    }
    /// The help desk's own text, for people and scripts.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// No check has seen the ticket yet.
    pub fn is_unknown(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for ChangeStamp {
    fn from(text: String) -> ChangeStamp {
        ChangeStamp(text)
    }
}

impl std::fmt::Display for ChangeStamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a ticket stands, in a vocabulary every help desk maps onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TicketStatus {
    /// Filed, nobody assigned yet.
    New,
    /// A technician works on it.
    Assigned,
    /// Work is scheduled.
    Planned,
    /// On hold, often waiting for the user.
    Waiting,
    /// A solution was proposed: the user may accept or refuse it.
    Solved,
    /// Closed: nothing more happens to it.
    Closed,
}

impl TicketStatus {
    /// The status as people read it, from the catalogue (`status.<name>`).
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

    /// Nothing more will happen to the ticket: it is no longer followed.
    pub fn is_closed(self) -> bool {
        self == TicketStatus::Closed
    }
}

/// Where a proposed solution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum SolutionStatus {
    /// Waiting for the requester to accept or refuse it.
    Waiting,
    /// The requester accepted it: the ticket closes.
    Accepted,
    /// The requester refused it: the ticket was reopened.
    Refused,
}

/// What an entry of a ticket's timeline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum TimelineKind {
    /// A message added to the ticket, by the user or a technician.
    Followup,
    /// A solution a technician proposed.
    Solution,
}

/// One followup or solution, oldest first in [`TicketDetail::timeline`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// The entry's id on the help desk; ids grow with time.
    pub id: u64,
    /// Followup or solution.
    pub kind: TimelineKind,
    /// The help desk's own text of the date, as it wrote it.
    pub date: String,
    /// The same moment, ms since the Unix epoch, when the connector could read it.
    #[serde(default)]
    pub at_ms: Option<i64>,
    /// Written by the user Guichet logs in as (not by a technician).
    pub by_me: bool,
    /// Sanitised HTML: safe to show as is.
    pub html: String,
    /// For solutions only.
    pub solution_status: Option<SolutionStatus>,
}

/// A file on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketDocument {
    /// The document's id on the help desk.
    pub id: u64,
    /// Its file name.
    pub name: String,
}

/// The satisfaction survey of a closed ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    /// 0–5 once answered.
    pub score: Option<u8>,
    /// The user's comment, when they wrote one.
    pub comment: Option<String>,
}

/// One line of "My tickets".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketSummary {
    /// The ticket's number.
    pub id: TicketId,
    /// Its subject.
    pub subject: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// The last change, as the help desk marks it ("2026-11-28 13:30:00" for GLPI).
    #[serde(rename = "updated")]
    pub stamp: ChangeStamp,
    /// The last change, ms since the Unix epoch, for display.
    #[serde(default)]
    pub updated_at_ms: Option<i64>,
}

/// A ticket's status and last change, as one status poll sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketState {
    /// The ticket's number.
    pub id: TicketId,
    /// Where it stands.
    pub status: TicketStatus,
    /// Any followup, solution or document changes it.
    #[serde(rename = "updated")]
    pub stamp: ChangeStamp,
    /// The last change, ms since the Unix epoch, for display.
    #[serde(default)]
    pub updated_at_ms: Option<i64>,
}

/// Everything "My tickets" shows about one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    /// The ticket's number.
    pub id: TicketId,
    /// Its subject.
    pub subject: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// When it was opened, as the help desk wrote it.
    pub opened: String,
    /// The same moment, ms since the Unix epoch, when the connector could read it.
    #[serde(default)]
    pub opened_at_ms: Option<i64>,
    /// The last change, as the help desk marks it.
    #[serde(rename = "updated")]
    pub stamp: ChangeStamp,
    /// The last change, ms since the Unix epoch, for display.
    #[serde(default)]
    pub updated_at_ms: Option<i64>,
    /// Sanitised HTML of the original description.
    pub description_html: String,
    /// Followups and solutions, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The files on the ticket.
    pub documents: Vec<TicketDocument>,
    /// The satisfaction survey; `None` until the help desk opens one.
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

    /// The latest solution: by time where both are known, else by id (ids grow).
    pub fn latest_solution(&self) -> Option<&TimelineEntry> {
        self.timeline
            .iter()
            .filter(|e| e.kind == TimelineKind::Solution)
            .max_by(|a, b| a.at_ms.cmp(&b.at_ms).then(a.id.cmp(&b.id)))
    }

    /// A survey the user has not answered yet.
    pub fn survey_open(&self) -> bool {
        self.survey.as_ref().is_some_and(|s| s.score.is_none())
    }
}

/// A file the help desk refused while still accepting the ticket or followup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RejectedFile {
    /// The file's name.
    pub name: String,
    /// Why, in the help desk's own words; for a reason of Guichet's own ([`RejectedFile::code`])
    /// the catalogue's English words, which scripts reading the JSON keep seeing.
    pub reason: String,
    /// Guichet's own reason, which the windows and the CLI word from the catalogue in the
    /// user's language ([`RejectedFile::worded`]); absent when `reason` is the help desk's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub code: Option<RejectCode>,
}

/// Why a file is missing from a ticket when the help desk gave no reason of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum RejectCode {
    /// The help desk accepted the ticket or followup, but the file is not on it.
    NotOnTicket,
}

impl RejectCode {
    /// The catalogue key that words it (the window's catalogue has the same).
    pub fn key(self) -> &'static str {
        match self {
            RejectCode::NotOnTicket => "rejected.not_on_ticket",
        }
    }
}

impl RejectedFile {
    /// A file the help desk refused, for the reason it gave.
    pub fn refused(name: impl Into<String>, reason: impl Into<String>) -> RejectedFile {
        RejectedFile {
            name: name.into(),
            reason: reason.into(),
            code: None,
        }
    }

    /// A file for a reason of Guichet's own.
    pub fn because(name: impl Into<String>, code: RejectCode) -> RejectedFile {
        RejectedFile {
            name: name.into(),
            reason: t(Lang::En, code.key(), &[]),
            code: Some(code),
        }
    }

    /// Why, in `lang`: Guichet's reason from the catalogue, else the help desk's words.
    pub fn worded(&self, lang: Lang) -> String {
        match self.code {
            Some(code) => t(lang, code.key(), &[]),
            None => self.reason.clone(),
        }
    }
}

/// What a help desk can do, so that the follow-up loop and the windows ask instead of assuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// The requester accepts or refuses a proposed solution.
    pub solution_approval: bool,
    /// Closed tickets carry a satisfaction survey.
    pub satisfaction_survey: bool,
    /// The help desk lists categories to choose from.
    pub categories: bool,
    /// A followup may carry files.
    pub followup_files: bool,
    /// The satisfaction survey's scale and when it needs a comment.
    pub survey: SurveyScale,
    /// A requester may belong to several entities (GLPI's), and chooses once in Settings which
    /// one their tickets go to; help desks without entities (RT) hide that choice.
    pub entities: bool,
}

/// The scale of a help desk's satisfaction survey: scores from 0 to `max`, and a comment required
/// at or below `comment_required_up_to` (GLPI 11 lets IT set both per entity, up to 10; a
/// requester cannot read them, so IT's configuration says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SurveyScale {
    /// The highest score.
    pub max: u8,
    /// A score at or below this one needs a comment; `None`: never.
    pub comment_required_up_to: Option<u8>,
}

impl SurveyScale {
    /// GLPI 10's scale, and GLPI 11's default: 0 to 5, the comment optional.
    pub const FIVE: SurveyScale = SurveyScale {
        max: 5,
        comment_required_up_to: None,
    };

    /// Whether `score` needs a comment.
    pub fn needs_comment(&self, score: i32) -> bool {
        self.comment_required_up_to
            .is_some_and(|up_to| score <= i32::from(up_to))
    }
}

impl Default for SurveyScale {
    fn default() -> Self {
        SurveyScale::FIVE
    }
}

impl Capabilities {
    /// What Guichet offers when no help desk is configured: everything, queued locally.
    pub const ALL: Capabilities = Capabilities {
        solution_approval: true,
        satisfaction_survey: true,
        categories: true,
        followup_files: true,
        survey: SurveyScale::FIVE,
        // No help desk, no entities to list.
        entities: false,
    };
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guichet_s_own_reason_is_worded_in_the_user_s_language() {
        let missing = RejectedFile::because("photo.png", RejectCode::NotOnTicket);
        assert_eq!(missing.worded(Lang::Fr), "absent du ticket");
        assert_eq!(missing.worded(Lang::En), "not found on the ticket");
        // Scripts reading the JSON see the same English reason as before, and the code.
        let json = serde_json::to_value(&missing).expect("json");
        assert_eq!(json["reason"], "not found on the ticket");
        assert_eq!(json["code"], "notOnTicket");
        let refused = RejectedFile::refused("huge.pdf", "File is too big");
        assert_eq!(
            refused.worded(Lang::Fr),
            "File is too big",
            "the help desk's words"
        );
        let json = serde_json::to_string(&refused).expect("json");
        assert_eq!(json, r#"{"name":"huge.pdf","reason":"File is too big"}"#);
        // An outbox written before the code existed still reads.
        let old: RejectedFile =
            serde_json::from_str(r#"{"name":"a.txt","reason":"x"}"#).expect("old record");
        assert_eq!(old.code, None);
    }
}
