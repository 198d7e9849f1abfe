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

use crate::action::{ActionKind, TicketAction};
use crate::clock::unix_ms;
use crate::connector::{
    Connector, ConnectorError, SolutionStatus, TicketDetail, TicketId, TicketStatus, TicketSummary,
    TimelineKind,
};
use crate::i18n::{t, Lang};
use fs2::FileExt;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What was last seen of one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub subject: String,
    pub status: TicketStatus,
    /// The help desk's last-change stamp; empty before the first check.
    pub updated: String,
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
            updated: String::new(),
            tech_followups: BTreeSet::new(),
            solution: None,
            survey_open: false,
        }
    }

    pub fn from_detail(detail: &TicketDetail) -> Snapshot {
        Snapshot {
            subject: detail.subject.clone(),
            status: detail.status,
            updated: detail.updated.clone(),
            tech_followups: detail
                .timeline
                .iter()
                .filter(|e| e.kind == TimelineKind::Followup && !e.by_me)
                .map(|e| e.id)
                .collect(),
            solution: detail
                .timeline
                .iter()
                .filter(|e| e.kind == TimelineKind::Solution)
                .max_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)))
                .map(|e| (e.id, e.solution_status.unwrap_or(SolutionStatus::Waiting))),
            survey_open: detail.survey_open(),
        }
    }
}

/// Something the user should know about one of their tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub ticket: TicketId,
    pub subject: String,
    pub kind: NoticeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum NoticeKind {
    /// A technician added a followup.
    Followup {
        followup: u64,
    },
    /// A solution waits for the user to accept or refuse it.
    Solved {
        solution: u64,
    },
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
    pub last_poll_ms: Option<i64>,
}

/// Checks missed in a row before a ticket the help desk no longer lists is forgotten.
const MISSING_LIMIT: u32 = 3;
/// Unread notices kept at most (the oldest go first).
const UNREAD_LIMIT: usize = 50;

impl FollowState {
    /// Starts watching a ticket just filed.
    pub fn track(&mut self, ticket: TicketId, subject: &str) {
        self.tickets.entry(ticket).or_insert_with(|| Watched {
            seen: Snapshot::filed(subject),
            missing: 0,
            revision: 0,
        });
    }

    /// Records what the user just did, so that its consequences are not announced back to them
    /// (approving closes the ticket; refusing reopens it and a new solution is news again).
    pub fn note_action(&mut self, action: &TicketAction, subject: &str) {
        self.track(action.ticket, subject);
        let Some(watched) = self.tickets.get_mut(&action.ticket) else {
            return;
        };
        watched.revision += 1;
        let seen = &mut watched.seen;
        match &action.kind {
            ActionKind::Approve { .. } => {
                seen.status = TicketStatus::Closed;
                if let Some((_, status)) = &mut seen.solution {
                    *status = SolutionStatus::Accepted;
                }
            }
            ActionKind::Refuse { .. } => {
                seen.status = TicketStatus::New;
                if let Some((_, status)) = &mut seen.solution {
                    *status = SolutionStatus::Refused;
                }
            }
            ActionKind::Rate { .. } => seen.survey_open = false,
            ActionKind::Followup { .. } => {}
        }
        self.unread.retain(|n| n.ticket != action.ticket);
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
                updated: w.seen.updated.clone(),
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

/// How often to check, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSettings {
    pub interval: Duration,
    /// ± this fraction of the interval, at random.
    pub jitter: f64,
    /// Back-off on errors doubles the interval up to this.
    pub max_backoff: Duration,
}

impl PollSettings {
    pub fn new(interval: Duration) -> PollSettings {
        PollSettings {
            interval,
            jitter: 0.2,
            max_backoff: Duration::from_secs(3600).max(interval),
        }
    }

    /// A short random delay for "check again soon" (the network came back, the machine woke):
    /// up to a tenth of the interval, at most 30 s, so that a whole school waking at 8:00 does
    /// not check in the same second.
    pub fn soon(&self, rng: &mut impl Rng) -> Duration {
        let max = (self.interval / 10).clamp(Duration::from_millis(100), Duration::from_secs(30));
        Duration::from_millis(rng.gen_range(0..=u64::try_from(max.as_millis()).unwrap_or(30_000)))
    }
}

/// When to check next: `None` with no open ticket (no timer, no request), otherwise the interval
/// with ±jitter, doubled per consecutive failure up to `max_backoff`.
pub fn next_delay(
    settings: &PollSettings,
    state: &FollowState,
    rng: &mut impl Rng,
) -> Option<Duration> {
    if state.tickets.is_empty() {
        return None;
    }
    let base = settings
        .interval
        .saturating_mul(1u32 << state.failures.min(16))
        .min(settings.max_backoff.max(settings.interval));
    let spread = settings.jitter.clamp(0.0, 0.9);
    let factor = rng.gen_range((1.0 - spread)..=(1.0 + spread));
    Some(base.mul_f64(factor))
}

/// A wall clock this far ahead of the monotonic clock over one sleep means the machine was
/// suspended meanwhile (the monotonic clock stops during a suspend).
pub const SUSPEND_GAP: Duration = Duration::from_secs(30);

/// Whether a sleep that the monotonic clock measured as `monotonic` lasted `wall` on the wall
/// clock because the machine was suspended: then the tickets are checked again soon.
pub fn woke_from_sleep(wall: Duration, monotonic: Duration) -> bool {
    wall > monotonic + SUSPEND_GAP
}

/// Checks the watched tickets against the help desk.
#[derive(Debug, Clone)]
pub struct StatusPoller {
    connector: Arc<dyn Connector>,
}

/// What one check saw, before it is compared with what was known (see [`FollowState::apply`]).
#[derive(Debug, Default)]
pub struct Observation {
    /// Tickets whose stamp moved, fetched in detail, with the revision they had when asked.
    pub fetched: Vec<(TicketId, u64, Snapshot)>,
    /// Tickets the search listed with the stamp already known.
    pub unchanged: Vec<TicketId>,
    /// Tickets the search did not list.
    pub missing: Vec<TicketId>,
    /// Why the check stopped early, if it did (what was fetched before still counts).
    pub error: Option<ConnectorError>,
}

impl StatusPoller {
    pub fn new(connector: Arc<dyn Connector>) -> StatusPoller {
        StatusPoller { connector }
    }

    /// Asks the help desk about the tickets `state` watches: one search, then one detail fetch
    /// per ticket whose stamp moved. Changes nothing: no lock is held while the network is slow.
    pub async fn observe(&self, state: &FollowState) -> Observation {
        let mut seen = Observation::default();
        if state.tickets.is_empty() {
            return seen;
        }
        let ids: Vec<TicketId> = state.tickets.keys().copied().collect();
        let current = match self.connector.ticket_states(&ids).await {
            Ok(c) => c,
            Err(e) => {
                seen.error = Some(e);
                return seen;
            }
        };
        for (id, watched) in &state.tickets {
            let Some(now) = current.iter().find(|s| s.id == *id) else {
                seen.missing.push(*id);
                continue;
            };
            if now.updated == watched.seen.updated && now.status == watched.seen.status {
                seen.unchanged.push(*id);
                continue;
            }
            match self.connector.ticket_detail(*id).await {
                Ok(detail) => {
                    seen.fetched
                        .push((*id, watched.revision, Snapshot::from_detail(&detail)));
                }
                Err(e) => {
                    seen.error = Some(e);
                    break;
                }
            }
        }
        seen
    }

    /// One check applied to `state` (kept in memory): [`observe`](Self::observe), then
    /// [`FollowState::apply`].
    pub async fn poll(
        &self,
        state: &mut FollowState,
        now_ms: i64,
    ) -> Result<Vec<Notice>, ConnectorError> {
        if state.tickets.is_empty() {
            return Ok(Vec::new());
        }
        let seen = self.observe(state).await;
        state.apply(seen, now_ms)
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

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("cannot use the follow-up state in {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The follow-up state on disk: `follow.json` in the data directory, changed only under the
/// exclusive lock `follow.lock` (the agent, `guichet watch` and a CLI filing a report may all
/// write it), and replaced atomically (write, sync, rename).
#[derive(Debug, Clone)]
pub struct FollowStore {
    dir: PathBuf,
}

/// The store, locked: read it, change it, [`save`](FollowGuard::save) it.
#[derive(Debug)]
pub struct FollowGuard {
    pub state: FollowState,
    store: FollowStore,
    _lock: std::fs::File,
}

impl FollowStore {
    pub fn new(data_dir: &Path) -> FollowStore {
        FollowStore {
            dir: data_dir.to_owned(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("follow.json")
    }

    fn io(&self, source: std::io::Error) -> FollowError {
        FollowError::Io {
            path: self.path(),
            source,
        }
    }

    /// Reads the state without locking (for display). A missing file is an empty state; a
    /// damaged one is set aside as `follow.json.bad` and replaced by an empty state.
    pub fn read(&self) -> FollowState {
        match std::fs::read(self.path()) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(state) => state,
                Err(e) => {
                    tracing::warn!("follow-up state damaged ({e}); starting afresh");
                    let _ = std::fs::rename(self.path(), self.dir.join("follow.json.bad"));
                    FollowState::default()
                }
            },
            Err(_) => FollowState::default(),
        }
    }

    /// Takes the lock (waiting for another process for at most `wait`) and reads the state.
    pub async fn lock(&self, wait: Duration) -> Result<FollowGuard, FollowError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("follow.lock"))
            .map_err(|e| self.io(e))?;
        let deadline = tokio::time::Instant::now() + wait;
        while let Err(e) = file.try_lock_exclusive() {
            if tokio::time::Instant::now() >= deadline {
                return Err(self.io(e));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(FollowGuard {
            state: self.read(),
            store: self.clone(),
            _lock: file,
        })
    }

    /// Locks, applies `change`, saves.
    pub async fn update<T>(
        &self,
        change: impl FnOnce(&mut FollowState) -> T,
    ) -> Result<T, FollowError> {
        let mut guard = self.lock(LOCK_WAIT).await?;
        let out = change(&mut guard.state);
        guard.save()?;
        Ok(out)
    }
}

/// How long a write waits for another process's (never holds it while asking the help desk).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

impl FollowGuard {
    pub fn save(&self) -> Result<(), FollowError> {
        use std::io::Write;
        let store = &self.store;
        let tmp = store.dir.join("follow.json.tmp");
        let bytes = serde_json::to_vec_pretty(&self.state)
            .map_err(|e| store.io(std::io::Error::other(e)))?;
        let mut file = std::fs::File::create(&tmp).map_err(|e| store.io(e))?;
        file.write_all(&bytes).map_err(|e| store.io(e))?;
        file.sync_all().map_err(|e| store.io(e))?;
        std::fs::rename(&tmp, store.path()).map_err(|e| store.io(e))?;
        Ok(())
    }
}

/// One check of the stored state: the help desk is asked without holding the lock (a slow help
/// desk must not hold up a report being filed); the answers are then compared with the stored
/// view under the lock, and written back with the notices before they are returned, so neither a
/// crash, a restart nor a second process checking at the same time announces an event twice.
pub async fn poll_stored(
    poller: &StatusPoller,
    store: &FollowStore,
    now: time::OffsetDateTime,
) -> Result<(Vec<Notice>, FollowState), PollError> {
    let before = store.read();
    if before.tickets.is_empty() {
        return Ok((Vec::new(), before));
    }
    let seen = poller.observe(&before).await;
    let mut guard = store.lock(LOCK_WAIT).await?;
    let result = guard.state.apply(seen, unix_ms(now));
    guard.save()?;
    match result {
        Ok(notices) => Ok((notices, guard.state.clone())),
        Err(e) => Err(PollError::Connector(e, guard.state.clone())),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Store(#[from] FollowError),
    /// The check failed; the state (with its failure count) is attached for scheduling.
    #[error("{0}")]
    Connector(ConnectorError, FollowState),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(status: TicketStatus) -> Snapshot {
        Snapshot {
            status,
            ..Snapshot::filed("Imprimante HS")
        }
    }

    #[test]
    fn a_new_technician_followup_is_one_notice() {
        let old = snap(TicketStatus::Assigned);
        let mut new = old.clone();
        new.tech_followups.insert(41);
        let n = notices(815, &old, &new);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::Followup { followup: 41 });
        assert_eq!(
            notices(815, &new, &new),
            vec![],
            "nothing new, nothing said"
        );
    }

    #[test]
    fn solved_then_closed_then_survey() {
        let old = snap(TicketStatus::Assigned);
        let mut solved = old.clone();
        solved.status = TicketStatus::Solved;
        solved.solution = Some((3, SolutionStatus::Waiting));
        let n = notices(815, &old, &solved);
        assert_eq!(
            n,
            vec![Notice {
                ticket: 815,
                subject: "Imprimante HS".into(),
                kind: NoticeKind::Solved { solution: 3 }
            }]
        );
        assert!(notices(815, &solved, &solved).is_empty());
        let mut closed = solved.clone();
        closed.status = TicketStatus::Closed;
        closed.solution = Some((3, SolutionStatus::Accepted));
        closed.survey_open = true;
        let kinds: Vec<_> = notices(815, &solved, &closed)
            .into_iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(kinds, vec![NoticeKind::Closed, NoticeKind::Survey]);
    }

    #[test]
    fn a_refused_then_new_solution_is_news_again() {
        let mut refused = snap(TicketStatus::Assigned);
        refused.solution = Some((3, SolutionStatus::Refused));
        let mut again = refused.clone();
        again.status = TicketStatus::Solved;
        again.solution = Some((4, SolutionStatus::Waiting));
        assert_eq!(
            notices(1, &refused, &again)[0].kind,
            NoticeKind::Solved { solution: 4 }
        );
    }

    #[test]
    fn what_the_user_did_is_not_announced_back() {
        let mut state = FollowState::default();
        state.track(9, "Wifi");
        let w = state.tickets.get_mut(&9).unwrap();
        w.seen.status = TicketStatus::Solved;
        w.seen.solution = Some((2, SolutionStatus::Waiting));
        let approve = TicketAction {
            id: uuid::Uuid::new_v4(),
            ticket: 9,
            kind: ActionKind::Approve { comment: None },
            attachments: Vec::new(),
            created_at_ms: 0,
            lang: Lang::Fr,
        };
        state.note_action(&approve, "Wifi");
        let seen = state.tickets[&9].seen.clone();
        let mut after = seen.clone();
        after.survey_open = true;
        let kinds: Vec<_> = notices(9, &seen, &after)
            .into_iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![NoticeKind::Survey],
            "no 'closed' for one's own approval"
        );
    }

    #[test]
    fn a_check_that_started_before_the_user_acted_announces_nothing_for_that_ticket() {
        let mut state = FollowState::default();
        state.track(9, "Wifi");
        let before = state.tickets[&9].revision;
        let mut solved = snap(TicketStatus::Solved);
        solved.solution = Some((2, SolutionStatus::Waiting));
        solved.updated = "2026-11-28 10:00:00".into();
        let seen = Observation {
            fetched: vec![(9, before, solved.clone())],
            ..Observation::default()
        };
        // Meanwhile the user refused the solution through another window.
        state.note_action(
            &TicketAction {
                id: uuid::Uuid::new_v4(),
                ticket: 9,
                kind: ActionKind::Refuse {
                    reason: "non".into(),
                },
                attachments: Vec::new(),
                created_at_ms: 0,
                lang: Lang::Fr,
            },
            "Wifi",
        );
        assert_eq!(state.apply(seen, 1).unwrap(), vec![]);
        assert_eq!(
            state.tickets[&9].seen.updated, "",
            "kept for the next check"
        );
        // Two processes applying the same view: announced once.
        let fresh = Observation {
            fetched: vec![(9, state.tickets[&9].revision, solved.clone())],
            ..Observation::default()
        };
        let again = Observation {
            fetched: vec![(9, state.tickets[&9].revision, solved)],
            ..Observation::default()
        };
        assert_eq!(state.apply(fresh, 2).unwrap().len(), 1);
        assert_eq!(state.apply(again, 3).unwrap(), vec![]);
    }

    #[test]
    fn no_open_ticket_means_no_timer_and_delays_stay_within_jitter_and_backoff() {
        let settings = PollSettings::new(Duration::from_secs(300));
        let mut rng = rand::rngs::mock::StepRng::new(0, 1 << 60);
        let mut state = FollowState::default();
        assert_eq!(next_delay(&settings, &state, &mut rng), None);
        state.track(1, "x");
        let mut rng = rand::thread_rng();
        for _ in 0..200 {
            let d = next_delay(&settings, &state, &mut rng).unwrap();
            assert!(
                d >= Duration::from_secs(240) && d <= Duration::from_secs(360),
                "{d:?}"
            );
        }
        state.failures = 3;
        let d = next_delay(&settings, &state, &mut rng).unwrap();
        assert!(
            d >= Duration::from_secs(1920) && d <= Duration::from_secs(2880),
            "{d:?}"
        );
        state.failures = 30;
        let d = next_delay(&settings, &state, &mut rng).unwrap();
        assert!(d <= Duration::from_secs(4320), "capped: {d:?}");
        assert!(settings.soon(&mut rng) <= Duration::from_secs(30));
    }

    #[test]
    fn a_wall_clock_far_ahead_of_the_monotonic_one_means_a_suspend() {
        let minute = Duration::from_secs(60);
        assert!(!woke_from_sleep(minute, minute));
        assert!(
            !woke_from_sleep(minute + Duration::from_secs(5), minute),
            "NTP slew"
        );
        assert!(
            woke_from_sleep(Duration::from_secs(3 * 3600), minute),
            "a night asleep"
        );
        assert!(
            !woke_from_sleep(Duration::ZERO, minute),
            "the clock went back"
        );
    }

    #[test]
    fn notices_are_in_both_catalogues() {
        for kind in [
            NoticeKind::Followup { followup: 1 },
            NoticeKind::Solved { solution: 1 },
            NoticeKind::Closed,
            NoticeKind::Survey,
        ] {
            let n = Notice {
                ticket: 815,
                subject: "Imprimante".into(),
                kind,
            };
            for lang in [Lang::Fr, Lang::En] {
                assert!(n.title(lang).contains("815"), "{}", n.title(lang));
                assert!(n.body(lang).contains("Imprimante"), "{}", n.body(lang));
            }
        }
    }
}
