//! Following tickets after they are filed: which tickets this workstation watches, what was last
//! seen of each, the status poller that checks them, and the pure function that turns an old and
//! a new view of a ticket into notices ("a technician answered", "solved", "closed", "survey").
//!
//! **Gentle on a shared help desk.** One GLPI may serve a whole académie, so:
//! - a workstation with no open ticket sends **nothing** ([`next_delay`] is `None`, and
//!   [`StatusPoller::poll`] returns without a request);
//! - every open ticket is checked in **one** search request ([`Connector::ticket_states`]);
//! - only a ticket whose last-change stamp moved is fetched in detail;
//! - the interval (default 5 min) has ±20 % jitter, and errors back off exponentially to 1 h.
//!
//! **No duplicate notices, even across restarts.** The state is a small JSON file written
//! atomically under a lock ([`FollowStore`]); a poll's notices are derived from the stored view and
//! stored with the new one in the same write, before anyone shows them.
//!
//! [`Connector::ticket_states`]: crate::connector::Connector::ticket_states

use crate::connector::{
    ActionEffect, ChangeStamp, ConnectorError, SolutionStatus, TicketDetail, TicketId,
    TicketStatus, TicketSummary, TimelineKind,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod poller;
mod store;
#[cfg(test)]
mod tests;

pub use poller::{
    next_delay, poll_stored, woke_from_sleep, Observation, PollError, PollSettings, StatusPoller,
    SUSPEND_GAP,
};
pub use store::{FollowError, FollowGuard, FollowStore, LOCK_WAIT};

/// What was last seen of one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The ticket's subject, for notices and "My tickets".
    pub subject: String,
    /// Its status when last seen.
    pub status: TicketStatus,
    /// The help desk's last-change stamp, only compared for equality; empty before the first
    /// check. (`updated` in files written before the neutral model.)
    #[serde(rename = "updated")]
    pub stamp: ChangeStamp,
    /// The last change, ms since the Unix epoch, for "My tickets" when offline.
    #[serde(default)]
    pub updated_at_ms: Option<i64>,
    /// Followups written by technicians (not by this user).
    pub tech_followups: BTreeSet<u64>,
    /// The latest solution and where it stands.
    pub solution: Option<(u64, SolutionStatus)>,
    /// A survey waits for an answer.
    pub survey_open: bool,
}

impl Snapshot {
    /// A ticket just filed: nothing has happened to it yet, so everything later is news.
    pub fn filed(subject: &str) -> Snapshot {
        Snapshot {
            subject: subject.to_owned(),
            status: TicketStatus::New,
            stamp: ChangeStamp::default(),
            updated_at_ms: None,
            tech_followups: BTreeSet::new(),
            solution: None,
            survey_open: false,
        }
    }

    /// What a ticket fetched from the help desk shows: its status, stamp, technicians'
    /// followups, latest solution and survey.
    pub fn from_detail(detail: &TicketDetail) -> Snapshot {
        Snapshot {
            subject: detail.subject.clone(),
            status: detail.status,
            stamp: detail.stamp.clone(),
            updated_at_ms: detail.updated_at_ms,
            tech_followups: detail
                .timeline
                .iter()
                .filter(|e| e.kind == TimelineKind::Followup && !e.by_me)
                .map(|e| e.id)
                .collect(),
            solution: detail
                .latest_solution()
                .map(|e| (e.id, e.solution_status.unwrap_or(SolutionStatus::Waiting))),
            survey_open: detail.survey_open(),
        }
    }
}

pub use guichet_protocol::notice::{Notice, NoticeKind};

/// The notices between two views of ticket `ticket`. Pure: the poller, the CLI and the tests
/// share it.
pub fn notices(ticket: TicketId, old: &Snapshot, new: &Snapshot) -> Vec<Notice> {
    let notice = |kind| Notice {
        ticket,
        subject: new.subject.clone(),
        kind,
    };
    let mut out: Vec<Notice> = new
        .tech_followups
        .difference(&old.tech_followups)
        .map(|&followup| notice(NoticeKind::Followup { followup }))
        .collect();
    if let Some((solution, SolutionStatus::Waiting)) = new.solution {
        let already =
            old.status == TicketStatus::Solved && old.solution.map(|(id, _)| id) == Some(solution);
        if new.status == TicketStatus::Solved && !already {
            out.push(notice(NoticeKind::Solved { solution }));
        }
    }
    if new.status == TicketStatus::Closed && old.status != TicketStatus::Closed {
        out.push(notice(NoticeKind::Closed));
    }
    if new.survey_open && !old.survey_open {
        out.push(notice(NoticeKind::Survey));
    }
    out
}

/// One watched ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Watched {
    /// What was last seen of it.
    pub seen: Snapshot,
    /// Consecutive checks in which the help desk did not list it.
    #[serde(default)]
    pub missing: u32,
    /// Bumped when the user acts on the ticket: a check that started before is stale for it.
    #[serde(default)]
    pub revision: u64,
}

/// Everything the follow-up loop remembers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowState {
    /// Open tickets filed or acted upon from this workstation.
    pub tickets: BTreeMap<TicketId, Watched>,
    /// Notices the user has not looked at yet (the tray shows how many), oldest first.
    pub unread: Vec<Notice>,
    /// Consecutive failed checks, for back-off.
    pub failures: u32,
    /// When the last check was applied, ms since the Unix epoch; `None` before the first.
    pub last_poll_ms: Option<i64>,
}

/// Checks missed in a row before a ticket the help desk no longer lists is forgotten
/// (`docs/PRIVACY.md`).
pub const MISSING_LIMIT: u32 = 3;
/// Unread notices kept at most, the oldest going first (`docs/PRIVACY.md`).
pub const UNREAD_LIMIT: usize = 50;

impl FollowState {
    /// Starts watching a ticket just filed.
    pub fn track(&mut self, ticket: TicketId, subject: &str) {
        self.tickets.entry(ticket).or_insert_with(|| Watched {
            seen: Snapshot::filed(subject),
            missing: 0,
            revision: 0,
        });
    }

    /// Records what the user just did to `ticket`, as the help desk's workflow has it
    /// ([`Connector::effect`]), so that its consequences are not announced back to them (with
    /// GLPI, approving closes the ticket; refusing reopens it and a new solution is news again).
    ///
    /// [`Connector::effect`]: crate::connector::Connector::effect
    pub fn note_action(&mut self, ticket: TicketId, effect: ActionEffect, subject: &str) {
        self.track(ticket, subject);
        let Some(watched) = self.tickets.get_mut(&ticket) else {
            return;
        };
        watched.revision += 1;
        let seen = &mut watched.seen;
        if let Some(status) = effect.status {
            seen.status = status;
        }
        if let (Some(now), Some((_, status))) = (effect.solution, &mut seen.solution) {
            *status = now;
        }
        if effect.survey_answered {
            seen.survey_open = false;
        }
        self.unread.retain(|n| n.ticket != ticket);
    }

    /// The user has seen ticket `ticket` (or every ticket, with `None`).
    pub fn mark_read(&mut self, ticket: Option<TicketId>) {
        self.unread
            .retain(|n| ticket.is_some_and(|t| n.ticket != t));
    }

    /// The watched tickets as "My tickets" lists them when the help desk cannot be reached.
    pub fn summaries(&self) -> Vec<TicketSummary> {
        self.tickets
            .iter()
            .rev()
            .map(|(&id, w)| TicketSummary {
                id,
                subject: w.seen.subject.clone(),
                status: w.seen.status,
                stamp: w.seen.stamp.clone(),
                updated_at_ms: w.seen.updated_at_ms,
            })
            .collect()
    }

    fn push_unread(&mut self, notices: &[Notice]) {
        for n in notices {
            if !self.unread.iter().any(|u| u.key() == n.key()) {
                self.unread.push(n.clone());
            }
        }
        let excess = self.unread.len().saturating_sub(UNREAD_LIMIT);
        self.unread.drain(..excess);
    }
}

impl FollowState {
    /// Brings what is known up to date with `seen`, and returns the notices: each fetched ticket
    /// is compared with what is known *now* (not when the check started), so two processes
    /// checking at once never announce the same event twice. Closed tickets, and ones the help
    /// desk stopped listing, are no longer watched.
    pub fn apply(&mut self, seen: Observation, now_ms: i64) -> Result<Vec<Notice>, ConnectorError> {
        let mut found = Vec::new();
        for (id, revision, snapshot) in seen.fetched {
            if let Some(watched) = self.tickets.get_mut(&id) {
                if watched.revision != revision {
                    // The user acted meanwhile: this view predates it. The next check fetches
                    // the ticket again (its stamp differs from the one kept).
                    continue;
                }
                let mut snapshot = snapshot;
                if snapshot.subject.is_empty() {
                    // A ticket's activity may come without its subject (`ticket_activity`).
                    snapshot.subject.clone_from(&watched.seen.subject);
                }
                found.extend(notices(id, &watched.seen, &snapshot));
                watched.seen = snapshot;
                watched.missing = 0;
            }
        }
        for id in seen.unchanged {
            if let Some(watched) = self.tickets.get_mut(&id) {
                watched.missing = 0;
            }
        }
        for id in seen.missing {
            if let Some(watched) = self.tickets.get_mut(&id) {
                watched.missing += 1;
            }
        }
        self.tickets
            .retain(|_, w| w.seen.status != TicketStatus::Closed && w.missing < MISSING_LIMIT);
        self.last_poll_ms = Some(now_ms);
        self.push_unread(&found);
        match seen.error {
            None => {
                self.failures = 0;
                Ok(found)
            }
            Some(error) => {
                self.failures = self.failures.saturating_add(1);
                if found.is_empty() {
                    Err(error)
                } else {
                    // Some tickets were updated before the failure: their notices are kept.
                    tracing::warn!("status check interrupted: {error}");
                    Ok(found)
                }
            }
        }
    }
}
