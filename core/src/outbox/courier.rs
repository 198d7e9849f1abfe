//! Delivery: takes reports and actions from the outbox to the help desk, one attempt each, with
//! exponential back-off and jitter between attempts, and de-duplication before any re-attempt.

use super::{Entry, EntryState, Outbox, OutboxError, Parcel};
use crate::action::TicketAction;
use crate::clock::{unix_ms, Clock};
use crate::connector::{Connector, ConnectorError, Delivery, RejectedFile};
use crate::report::Report;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// Exponential back-off with "equal jitter": attempt n waits between half and all of
/// `base × 2^(n−1)`, capped at `max`, so that thousands of workstations coming back from the same
/// outage do not retry in lock-step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt, before jitter (default 30 s).
    pub base: Duration,
    /// The longest wait, before jitter (default one hour).
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// How long to wait after `attempts` attempts: between half and all of the exponential
    /// delay, at random.
    pub fn delay(&self, attempts: u32, rng: &mut impl Rng) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max);
        let half = full / 2;
        half + Duration::from_millis(
            rng.gen_range(0..=u64::try_from(half.as_millis()).unwrap_or(u64::MAX)),
        )
    }
}

/// An attempt, started or already over (no help desk is configured).
enum Begun<'a, T> {
    Ready {
        entry: Entry<T>,
        connector: &'a Arc<dyn Connector>,
        /// An earlier attempt may have reached the help desk: look for it before acting again.
        attempted_before: bool,
    },
    Over(Outcome),
}

/// How long an attempt may still be under way at the help desk after it started, when its
/// answer never came (the process was killed, the connection dropped): the default request
/// timeout, when no help desk (hence no timeout of IT's) is configured.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(crate::net::DEFAULT_TIMEOUT_SECS);

/// What one delivery attempt ended in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered (or found already delivered): the ticket, and any files refused.
    Sent(Delivery),
    /// Not tried: an earlier attempt started less than the settle time ago and its answer is
    /// unknown, so the help desk may still be creating the ticket. The entry waits until
    /// `until_ms`, when a search for it can be trusted.
    Settling {
        /// When the earlier attempt will have settled, ms since the Unix epoch.
        until_ms: i64,
    },
    /// Transient failure: the report waits for `next_attempt_ms`.
    Waiting {
        /// Why this attempt failed.
        error: ConnectorError,
        /// When the next attempt is due, ms since the Unix epoch.
        next_attempt_ms: i64,
    },
    /// Permanent failure: the report stays, visible, until retried or dismissed.
    Failed(ConnectorError),
}

/// What became of each entry tried.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// Entries delivered, with their tickets.
    pub sent: Vec<(Uuid, Delivery)>,
    /// Entries left until an earlier attempt settles, with when it will have.
    pub settling: Vec<(Uuid, i64)>,
    /// Entries that failed for now and will be tried again, with why.
    pub waiting: Vec<(Uuid, ConnectorError)>,
    /// Entries stopped on a permanent error, with why.
    pub failed: Vec<(Uuid, ConnectorError)>,
}

/// The result of trying every due report and action.
#[derive(Debug, Default)]
pub struct FlushReport {
    /// What became of the reports tried.
    pub reports: Outcomes,
    /// What became of the actions tried.
    pub actions: Outcomes,
}

/// Takes reports from the outbox to the help desk.
#[derive(Debug)]
pub struct Courier {
    connector: Option<Arc<dyn Connector>>,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    /// See [`DEFAULT_SETTLE`].
    settle: Duration,
    rng: Mutex<StdRng>,
}

impl Courier {
    /// `connector` is `None` when no help desk is configured: reports then simply wait.
    pub fn new(
        connector: Option<Arc<dyn Connector>>,
        clock: Arc<dyn Clock>,
        backoff: Backoff,
    ) -> Courier {
        Courier {
            connector,
            clock,
            backoff,
            settle: DEFAULT_SETTLE,
            rng: Mutex::new(StdRng::from_entropy()),
        }
    }

    /// Sets how long an attempt whose answer never came may still be under way at the help desk
    /// (the connector's request timeout).
    pub fn with_settle(mut self, settle: Duration) -> Courier {
        self.settle = settle;
        self
    }

    /// Makes jitter reproducible, for tests and simulations.
    pub fn with_seed(mut self, seed: u64) -> Courier {
        self.rng = Mutex::new(StdRng::seed_from_u64(seed));
        self
    }

    fn now_ms(&self) -> i64 {
        unix_ms(self.clock.now())
    }

    /// Loads pending entry `id` (with its bytes) and records, flushed to disk before any request
    /// leaves, that an attempt starts: a crash from here on is seen next time.
    fn begin<T: Parcel>(&self, outbox: &Outbox, id: Uuid) -> Result<Begun<'_, T>, OutboxError> {
        let entry = outbox.load_of::<T>(id)?;
        if entry.state != EntryState::Pending {
            return Err(OutboxError::NotFound(id));
        }
        let Some(connector) = &self.connector else {
            let outcome = self.after_failure(outbox, &entry, ConnectorError::NotConfigured)?;
            return Ok(Begun::Over(outcome));
        };
        let attempted_before = entry.attempts > 0;
        if attempted_before {
            if let Some(until_ms) = self.settling_until(entry.attempt_started_ms) {
                outbox.defer::<T>(id, until_ms)?;
                return Ok(Begun::Over(Outcome::Settling { until_ms }));
            }
        }
        let entry = outbox
            .begin_attempt::<T>(id, self.now_ms())
            .map(|e| Entry {
                item: entry.item,
                ..e
            })?;
        Ok(Begun::Ready {
            entry,
            connector,
            attempted_before,
        })
    }

    /// When an attempt that started at `started_ms` will have settled, if it has not yet. A clock
    /// set back since then counts as "just started".
    fn settling_until(&self, started_ms: i64) -> Option<i64> {
        if started_ms == 0 {
            return None;
        }
        let settle_ms = i64::try_from(self.settle.as_millis()).unwrap_or(i64::MAX / 2);
        let now = self.now_ms();
        let age = now - started_ms;
        if age < 0 {
            Some(now + settle_ms)
        } else {
            (age < settle_ms).then_some(started_ms + settle_ms)
        }
    }

    /// One attempt at delivering report `id`.
    pub async fn deliver(&self, outbox: &Outbox, id: Uuid) -> Result<Outcome, OutboxError> {
        let (entry, connector, attempted_before) = match self.begin::<Report>(outbox, id)? {
            Begun::Ready {
                entry,
                connector,
                attempted_before,
            } => (entry, connector, attempted_before),
            Begun::Over(outcome) => return Ok(outcome),
        };
        if attempted_before {
            // An earlier attempt may have reached the help desk before we learnt the answer.
            match connector.find_delivered(&entry.item).await {
                Ok(Some(delivery)) => {
                    outbox.complete(&entry, &delivery, self.now_ms())?;
                    return Ok(Outcome::Sent(delivery));
                }
                Ok(None) => {}
                Err(error) => return self.after_failure(outbox, &entry, error),
            }
        }
        match connector.create_ticket(&entry.item).await {
            Ok(delivery) => {
                outbox.complete(&entry, &delivery, self.now_ms())?;
                Ok(Outcome::Sent(delivery))
            }
            Err(error) => self.after_failure(outbox, &entry, error),
        }
    }

    /// One attempt at performing action `id`. `Sent` carries the action's ticket and the files
    /// the help desk refused.
    pub async fn perform(&self, outbox: &Outbox, id: Uuid) -> Result<Outcome, OutboxError> {
        let (entry, connector, attempted_before) = match self.begin::<TicketAction>(outbox, id)? {
            Begun::Ready {
                entry,
                connector,
                attempted_before,
            } => (entry, connector, attempted_before),
            Begun::Over(outcome) => return Ok(outcome),
        };
        let done = |rejected: Vec<RejectedFile>| -> Result<Outcome, OutboxError> {
            outbox.complete_action(&entry, rejected.clone())?;
            Ok(Outcome::Sent(Delivery {
                ticket: entry.item.ticket,
                rejected,
            }))
        };
        if attempted_before {
            match connector.find_performed(&entry.item).await {
                Ok(true) => return done(Vec::new()),
                Ok(false) => {}
                Err(error) => return self.after_failure(outbox, &entry, error),
            }
        }
        match connector.perform(&entry.item).await {
            Ok(rejected) => done(rejected),
            Err(error) => self.after_failure(outbox, &entry, error),
        }
    }

    fn after_failure<T: Parcel>(
        &self,
        outbox: &Outbox,
        entry: &Entry<T>,
        error: ConnectorError,
    ) -> Result<Outcome, OutboxError> {
        let id = entry.item.id();
        if error.is_transient() {
            let backoff = {
                let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
                self.backoff.delay(entry.attempts.max(1), &mut *rng)
            };
            // The help desk's own `Retry-After` wins when it asks for longer (never shorter:
            // the back-off also spreads the schools).
            let delay = error
                .retry_after()
                .map_or(backoff, |wait| wait.max(backoff));
            let next_attempt_ms =
                self.now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
            outbox.reschedule::<T>(id, next_attempt_ms, error.clone())?;
            Ok(Outcome::Waiting {
                error,
                next_attempt_ms,
            })
        } else {
            tracing::warn!("outbox entry {id} failed permanently: {error}");
            outbox.fail::<T>(id, error.clone())?;
            Ok(Outcome::Failed(error))
        }
    }

    /// Tries every due report, then every due action, once (every pending one with
    /// `ignore_backoff`). Reports go first: an action may be about a ticket they create.
    pub async fn flush(
        &self,
        outbox: &Outbox,
        ignore_backoff: bool,
    ) -> Result<FlushReport, OutboxError> {
        let mut report = FlushReport::default();
        let now = self.now_ms();
        let reports = outbox.due(now, ignore_backoff)?;
        let actions = outbox.due_actions(now, ignore_backoff)?;
        let jobs = reports
            .into_iter()
            .map(|id| (id, false))
            .chain(actions.into_iter().map(|id| (id, true)));
        for (id, is_action) in jobs {
            let outcome = if is_action {
                self.perform(outbox, id).await?
            } else {
                self.deliver(outbox, id).await?
            };
            let bucket = if is_action {
                &mut report.actions
            } else {
                &mut report.reports
            };
            match outcome {
                Outcome::Sent(d) => bucket.sent.push((id, d)),
                Outcome::Settling { until_ms } => bucket.settling.push((id, until_ms)),
                Outcome::Waiting { error, .. } => bucket.waiting.push((id, error)),
                Outcome::Failed(error) => bucket.failed.push((id, error)),
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_jitter_bounds_and_caps() {
        let backoff = Backoff {
            base: Duration::from_secs(10),
            max: Duration::from_secs(300),
        };
        let mut rng = StdRng::seed_from_u64(7);
        for attempts in 1..=12u32 {
            let full =
                Duration::from_secs(10 * 2u64.pow(attempts - 1)).min(Duration::from_secs(300));
            for _ in 0..50 {
                let d = backoff.delay(attempts, &mut rng);
                assert!(
                    d >= full / 2 && d <= full,
                    "attempt {attempts}: {d:?} not in [{:?}, {full:?}]",
                    full / 2
                );
            }
        }
        // Jitter really varies.
        let samples: std::collections::HashSet<_> =
            (0..20).map(|_| backoff.delay(3, &mut rng)).collect();
        assert!(samples.len() > 10);
        assert!(backoff.delay(u32::MAX, &mut rng) <= Duration::from_secs(300));
    }
}
