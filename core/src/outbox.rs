//! The durable outbox: every report is written to sled and flushed to disk before any attempt to
//! deliver it, and leaves the outbox only once the help desk has it.
//!
//! **Exactly once.** Delivery is at least once (a report stays until its ticket number is known)
//! plus de-duplication: before an attempt, the attempt counter is flushed to disk; when a report
//! that was already attempted is tried again, the connector first searches the help desk for the
//! report's client id ([`Connector::find_delivered`]). A crash or a lost answer after the help
//! desk created the ticket is therefore found, not repeated.
//!
//! **Never dropped silently.** Transient failures are retried with exponential back-off and
//! jitter; permanent ones (credentials, a 4xx) stop the retries and leave the report visible with
//! its error until someone retries or dismisses it. A report delivered with some files refused
//! stays visible with what was refused.
//!
//! **One owner.** A lock file makes the outbox single-owner: the agent, or a CLI when no agent
//! runs. sled itself costs ~12 wake-ups/s while open, so owners keep it open only while needed.
//!
//! Layout (one sled tree, so that a batch is atomic): `e/<id>` the entry as JSON, `b/<id>/<n>`
//! the bytes of attachment n, `s/<id>` the record of a sent report.

use crate::clock::{unix_ms, Clock};
use crate::connector::{Connector, ConnectorError, Delivery, RejectedFile, TicketId};
use crate::report::Report;
use fs2::FileExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("the outbox at {path} is in use by another Guichet process")]
    Busy { path: PathBuf },
    #[error("cannot open the outbox at {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("outbox storage error: {0}")]
    Storage(#[from] sled::Error),
    #[error("outbox entry {id} is damaged: {message}")]
    Corrupt { id: String, message: String },
    #[error("no report {0} in the outbox")]
    NotFound(Uuid),
}

/// Where a queued report stands.
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
        ticket: TicketId,
        rejected: Vec<RejectedFile>,
    },
}

/// A report in the outbox, without its attachment bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub report: Report,
    pub state: EntryState,
    /// Attempts started (flushed before each one: a non-zero count means "maybe delivered").
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub last_error: Option<ConnectorError>,
}

/// A report that reached the help desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentRecord {
    pub id: Uuid,
    pub ticket: TicketId,
    pub subject: String,
    pub sent_at_ms: i64,
}

/// The outbox database, held open by exactly one process.
#[derive(Debug)]
pub struct Outbox {
    db: sled::Db,
    _lock: std::fs::File,
    path: PathBuf,
}

/// How long to wait for sled to let go of a database this process just closed.
const SLED_RELEASE_WAIT: Duration = Duration::from_secs(5);

const ENTRY: &str = "e/";
const BLOB: &str = "b/";
const SENT: &str = "s/";

fn entry_key(id: Uuid) -> String {
    format!("{ENTRY}{id}")
}
fn blob_prefix(id: Uuid) -> String {
    format!("{BLOB}{id}/")
}

impl Outbox {
    /// Opens the outbox in `dir`, waiting up to `wait` for another process to release it.
    pub fn open(dir: &Path, wait: Duration) -> Result<Outbox, OutboxError> {
        let open_err = |source| OutboxError::Open {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(open_err)?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("outbox.lock"))
            .map_err(open_err)?;
        let deadline = Instant::now() + wait;
        while lock.try_lock_exclusive().is_err() {
            if Instant::now() >= deadline {
                return Err(OutboxError::Busy {
                    path: dir.to_owned(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let path = dir.join("outbox.sled");
        // Every write is flushed explicitly, so sled's periodic flusher (and its wake-ups) is off.
        let config = sled::Config::new().path(&path).flush_every_ms(None);
        // We hold our own lock, so a busy sled lock can only be this process's previous handle:
        // sled releases its file lock from background threads shortly after the `Db` is dropped.
        let sled_deadline = Instant::now() + SLED_RELEASE_WAIT;
        let db = loop {
            match config.open() {
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock")
                        && Instant::now() < sled_deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other?,
            }
        };
        Ok(Outbox {
            db,
            _lock: lock,
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes `report` durable: entry and attachments in one atomic batch, flushed to disk.
    /// Enqueuing a report that is already there changes nothing (its attempt count, which
    /// exactly-once relies on, is kept), so a caller may safely retry.
    pub fn enqueue(&self, report: &Report, now_ms: i64) -> Result<(), OutboxError> {
        if self.db.contains_key(entry_key(report.id))? {
            return Ok(());
        }
        let mut stored = report.clone();
        let mut batch = sled::Batch::default();
        for (n, attachment) in stored.attachments.iter_mut().enumerate() {
            batch.insert(
                format!("{}{n:04}", blob_prefix(report.id)).as_bytes(),
                std::mem::take(&mut attachment.bytes),
            );
        }
        let entry = Entry {
            report: stored,
            state: EntryState::Pending,
            attempts: 0,
            next_attempt_ms: now_ms,
            last_error: None,
        };
        batch.insert(entry_key(report.id).as_bytes(), encode(&entry)?);
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Every entry, oldest first, without attachment bytes.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        let mut entries = self
            .db
            .scan_prefix(ENTRY)
            .map(|kv| {
                let (k, v) = kv?;
                decode(&k, &v)
            })
            .collect::<Result<Vec<Entry>, OutboxError>>()?;
        entries.sort_by_key(|e| (e.report.created_at_ms, e.report.id));
        Ok(entries)
    }

    /// True when nothing is left to deliver or show: the owner may close the database.
    pub fn is_empty(&self) -> Result<bool, OutboxError> {
        Ok(self.db.scan_prefix(ENTRY).next().transpose()?.is_none())
    }

    /// One entry, without attachment bytes.
    fn entry(&self, id: Uuid) -> Result<Entry, OutboxError> {
        let key = entry_key(id);
        let value = self.db.get(&key)?.ok_or(OutboxError::NotFound(id))?;
        decode(key.as_bytes(), &value)
    }

    /// One entry, with its attachment bytes.
    pub fn load(&self, id: Uuid) -> Result<Entry, OutboxError> {
        let mut entry = self.entry(id)?;
        let blobs = self
            .db
            .scan_prefix(blob_prefix(id))
            .values()
            .collect::<Result<Vec<_>, _>>()?;
        if blobs.len() != entry.report.attachments.len() {
            return Err(OutboxError::Corrupt {
                id: id.to_string(),
                message: "attachment count differs".into(),
            });
        }
        for (attachment, bytes) in entry.report.attachments.iter_mut().zip(blobs) {
            attachment.bytes = bytes.to_vec();
        }
        Ok(entry)
    }

    /// Pending entries whose time has come (all pending ones with `ignore_backoff`).
    pub fn due(&self, now_ms: i64, ignore_backoff: bool) -> Result<Vec<Uuid>, OutboxError> {
        Ok(self
            .list()?
            .into_iter()
            .filter(|e| {
                e.state == EntryState::Pending && (ignore_backoff || e.next_attempt_ms <= now_ms)
            })
            .map(|e| e.report.id)
            .collect())
    }

    /// The earliest time a pending entry is due, if any.
    pub fn next_due_ms(&self) -> Result<Option<i64>, OutboxError> {
        Ok(self
            .list()?
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .map(|e| e.next_attempt_ms)
            .min())
    }

    /// Reports already delivered, newest first.
    pub fn sent(&self) -> Result<Vec<SentRecord>, OutboxError> {
        let mut records = self
            .db
            .scan_prefix(SENT)
            .map(|kv| {
                let (k, v) = kv?;
                decode(&k, &v)
            })
            .collect::<Result<Vec<SentRecord>, OutboxError>>()?;
        records.sort_by_key(|r| std::cmp::Reverse(r.sent_at_ms));
        Ok(records)
    }

    fn update(&self, id: Uuid, change: impl FnOnce(&mut Entry)) -> Result<Entry, OutboxError> {
        let mut entry = self.entry(id)?;
        change(&mut entry);
        self.db.insert(entry_key(id).as_bytes(), encode(&entry)?)?;
        self.db.flush()?;
        Ok(entry)
    }

    /// Records, durably, that an attempt is starting.
    fn begin_attempt(&self, id: Uuid) -> Result<Entry, OutboxError> {
        self.update(id, |e| e.attempts += 1)
    }

    fn reschedule(
        &self,
        id: Uuid,
        next_attempt_ms: i64,
        error: ConnectorError,
    ) -> Result<(), OutboxError> {
        self.update(id, |e| {
            e.next_attempt_ms = next_attempt_ms;
            e.last_error = Some(error);
        })
        .map(drop)
    }

    fn fail(&self, id: Uuid, error: ConnectorError) -> Result<(), OutboxError> {
        self.update(id, |e| {
            e.state = EntryState::Failed;
            e.last_error = Some(error);
        })
        .map(drop)
    }

    /// The help desk has the ticket: record it, drop the bytes, and keep the entry only if some
    /// files were refused. One atomic batch.
    fn complete(&self, entry: &Entry, delivery: &Delivery, now_ms: i64) -> Result<(), OutboxError> {
        let id = entry.report.id;
        let mut batch = sled::Batch::default();
        for key in self.db.scan_prefix(blob_prefix(id)).keys() {
            batch.remove(key?);
        }
        if delivery.rejected.is_empty() {
            batch.remove(entry_key(id).as_bytes());
        } else {
            let mut kept = entry.clone();
            kept.report
                .attachments
                .iter_mut()
                .for_each(|a| a.bytes.clear());
            kept.state = EntryState::Delivered {
                ticket: delivery.ticket,
                rejected: delivery.rejected.clone(),
            };
            kept.last_error = None;
            batch.insert(entry_key(id).as_bytes(), encode(&kept)?);
        }
        let record = SentRecord {
            id,
            ticket: delivery.ticket,
            subject: entry.report.subject.clone(),
            sent_at_ms: now_ms,
        };
        batch.insert(format!("{SENT}{id}").as_bytes(), encode(&record)?);
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Puts a failed entry back in line, due now.
    pub fn retry(&self, id: Uuid, now_ms: i64) -> Result<(), OutboxError> {
        self.update(id, |e| {
            if e.state == EntryState::Failed {
                e.state = EntryState::Pending;
                e.next_attempt_ms = now_ms;
            }
        })
        .map(drop)
    }

    /// Removes an entry the user has seen: a failed one they give up on, or a delivered one whose
    /// refused files they have noted. Pending entries cannot be dismissed: they are still owed.
    pub fn dismiss(&self, id: Uuid) -> Result<bool, OutboxError> {
        if self.entry(id)?.state == EntryState::Pending {
            return Ok(false);
        }
        let mut batch = sled::Batch::default();
        for key in self.db.scan_prefix(blob_prefix(id)).keys() {
            batch.remove(key?);
        }
        batch.remove(entry_key(id).as_bytes());
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(true)
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, OutboxError> {
    serde_json::to_vec(value).map_err(|e| OutboxError::Corrupt {
        id: String::new(),
        message: e.to_string(),
    })
}

fn decode<T: for<'de> Deserialize<'de>>(key: &[u8], value: &[u8]) -> Result<T, OutboxError> {
    serde_json::from_slice(value).map_err(|e| OutboxError::Corrupt {
        id: String::from_utf8_lossy(key).into_owned(),
        message: e.to_string(),
    })
}

/// Exponential back-off with "equal jitter": attempt n waits between half and all of
/// `base × 2^(n−1)`, capped at `max`, so that thousands of workstations coming back from the same
/// outage do not retry in lock-step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
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
    pub fn delay(&self, attempts: u32, rng: &mut impl Rng) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max);
        let half = full / 2;
        half + Duration::from_millis(
            rng.gen_range(0..=u64::try_from(half.as_millis()).unwrap_or(u64::MAX)),
        )
    }
}

/// What one delivery attempt ended in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent(Delivery),
    /// Transient failure: the report waits for `next_attempt_ms`.
    Waiting {
        error: ConnectorError,
        next_attempt_ms: i64,
    },
    /// Permanent failure: the report stays, visible, until retried or dismissed.
    Failed(ConnectorError),
}

/// The result of trying every due report.
#[derive(Debug, Default)]
pub struct FlushReport {
    pub sent: Vec<(Uuid, Delivery)>,
    pub waiting: Vec<(Uuid, ConnectorError)>,
    pub failed: Vec<(Uuid, ConnectorError)>,
}

/// Takes reports from the outbox to the help desk.
#[derive(Debug)]
pub struct Courier {
    connector: Option<Arc<dyn Connector>>,
    clock: Arc<dyn Clock>,
    backoff: Backoff,
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
            rng: Mutex::new(StdRng::from_entropy()),
        }
    }

    /// Makes jitter reproducible, for tests and simulations.
    pub fn with_seed(mut self, seed: u64) -> Courier {
        self.rng = Mutex::new(StdRng::seed_from_u64(seed));
        self
    }

    fn now_ms(&self) -> i64 {
        unix_ms(self.clock.now())
    }

    /// One attempt at delivering report `id`.
    pub async fn deliver(&self, outbox: &Outbox, id: Uuid) -> Result<Outcome, OutboxError> {
        let entry = outbox.load(id)?;
        if entry.state != EntryState::Pending {
            return Err(OutboxError::NotFound(id));
        }
        let Some(connector) = &self.connector else {
            return self.after_failure(outbox, &entry, ConnectorError::NotConfigured);
        };
        let attempted_before = entry.attempts > 0;
        // Flushed before any request leaves, so that a crash from here on is seen next time.
        let entry = outbox.begin_attempt(id).map(|e| Entry {
            report: entry.report,
            ..e
        })?;
        if attempted_before {
            // An earlier attempt may have reached the help desk before we learnt the answer.
            match connector.find_delivered(&entry.report).await {
                Ok(Some(delivery)) => {
                    outbox.complete(&entry, &delivery, self.now_ms())?;
                    return Ok(Outcome::Sent(delivery));
                }
                Ok(None) => {}
                Err(error) => return self.after_failure(outbox, &entry, error),
            }
        }
        match connector.create_ticket(&entry.report).await {
            Ok(delivery) => {
                outbox.complete(&entry, &delivery, self.now_ms())?;
                Ok(Outcome::Sent(delivery))
            }
            Err(error) => self.after_failure(outbox, &entry, error),
        }
    }

    fn after_failure(
        &self,
        outbox: &Outbox,
        entry: &Entry,
        error: ConnectorError,
    ) -> Result<Outcome, OutboxError> {
        let id = entry.report.id;
        if error.is_transient() {
            let delay = {
                let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
                self.backoff.delay(entry.attempts.max(1), &mut *rng)
            };
            let next_attempt_ms =
                self.now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
            outbox.reschedule(id, next_attempt_ms, error.clone())?;
            Ok(Outcome::Waiting {
                error,
                next_attempt_ms,
            })
        } else {
            tracing::warn!("report {id} failed permanently: {error}");
            outbox.fail(id, error.clone())?;
            Ok(Outcome::Failed(error))
        }
    }

    /// Tries every due report once (every pending one with `ignore_backoff`).
    pub async fn flush(
        &self,
        outbox: &Outbox,
        ignore_backoff: bool,
    ) -> Result<FlushReport, OutboxError> {
        let mut report = FlushReport::default();
        for id in outbox.due(self.now_ms(), ignore_backoff)? {
            match self.deliver(outbox, id).await? {
                Outcome::Sent(d) => report.sent.push((id, d)),
                Outcome::Waiting { error, .. } => report.waiting.push((id, error)),
                Outcome::Failed(error) => report.failed.push((id, error)),
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
