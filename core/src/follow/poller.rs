//! The status poller: when to check (interval, jitter, back-off, nothing at all with no open
//! ticket), one check of every open ticket, and a check applied to the stored state.

use super::{FollowError, FollowState, FollowStore, Notice, Snapshot, LOCK_WAIT};
use crate::clock::unix_ms;
use crate::connector::{Connector, ConnectorError, TicketId};
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;

/// How often to check, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSettings {
    /// The time between two checks, before jitter and back-off.
    pub interval: Duration,
    /// ± this fraction of the interval, at random.
    pub jitter: f64,
    /// Back-off on errors doubles the interval up to this.
    pub max_backoff: Duration,
}

impl PollSettings {
    /// Checks every `interval`, with ±20 % jitter and back-off up to an hour (or `interval`,
    /// when longer).
    pub fn new(interval: Duration) -> PollSettings {
        PollSettings {
            interval,
            jitter: 0.2,
            max_backoff: Duration::from_secs(3600).max(interval),
        }
    }

    /// The first check after the agent starts, or after the machine wakes from a sleep: anywhere
    /// in one interval, at random. A school boots (or wakes) within minutes at 8:00; spread over
    /// the interval, its checks do not arrive together, and news from the night still comes
    /// within one interval of the user's arrival.
    pub fn first(&self, rng: &mut impl Rng) -> Duration {
        let max = u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.gen_range(0..=max))
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
    /// A poller that asks the help desk through `connector`.
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
            if now.stamp == watched.seen.stamp && now.status == watched.seen.status {
                seen.unchanged.push(*id);
                continue;
            }
            match self.connector.ticket_activity(now).await {
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

/// Why a check of the stored state ([`poll_stored`]) failed.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// The state file could not be locked, read or written.
    #[error(transparent)]
    Store(#[from] FollowError),
    /// The check failed; the state (with its failure count) is attached for scheduling.
    #[error("{0}")]
    Connector(ConnectorError, FollowState),
}
