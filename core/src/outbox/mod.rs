//! The durable outbox: every report is written to sled and flushed to disk before any attempt to
//! deliver it, and leaves the outbox only once the help desk has it.
//!
//! **Exactly once.** Delivery is at least once (a report stays until its ticket number is known)
//! plus de-duplication: before an attempt, the attempt counter is flushed to disk; when a report
//! that was already attempted is tried again, the connector first searches the help desk for the
//! report's client id ([`Connector::find_delivered`]). A crash or a lost answer after the help
//! desk created the ticket is therefore found, not repeated. That search waits until the earlier
//! attempt has settled (its start plus the request timeout, [`DEFAULT_SETTLE`]): a help
//! desk with several workers may still be creating the ticket of a request whose sender died, and
//! a search made meanwhile would miss it.
//!
//! **Never dropped silently.** Transient failures are retried with exponential back-off and
//! jitter; permanent ones (credentials, a 4xx) stop the retries and leave the report visible with
//! its error until someone retries or dismisses it. A report delivered with some files refused
//! stays visible with what was refused.
//!
//! **One owner.** A lock file makes the outbox single-owner: the agent, or a CLI when no agent
//! runs. sled itself costs ~12 wake-ups/s while open, so owners keep it open only while needed.
//!
//! **Actions too.** Followups, approvals, refusals and survey answers ([`TicketAction`]) go through
//! the same queue with the same guarantees; their retries are de-duplicated with
//! [`Connector::find_performed`].
//!
//! Layout (one sled tree, so that a batch is atomic): `e/<id>` a report's entry as JSON, `a/<id>`
//! an action's, `b/<id>/<n>` the bytes of attachment n, `s/<id>` the record of a sent report.
//!
//! [`Connector::find_delivered`]: crate::connector::Connector::find_delivered
//! [`Connector::find_performed`]: crate::connector::Connector::find_performed

mod courier;
mod disk;
mod sent;

pub use courier::{Backoff, Courier, FlushReport, Outcome, Outcomes, DEFAULT_SETTLE};
pub use sent::SentRecord;

use disk::{room, set_snapshots_aside};

use crate::action::TicketAction;
use crate::connector::{ConnectorError, Delivery, RejectedFile, TicketId};
use crate::report::{Attachment, Report};
use fs2::FileExt;
use guichet_protocol::private;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Why the outbox could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// Another process held the outbox's lock for longer than the wait allowed.
    #[error("the outbox at {path} is in use by another Guichet process")]
    Busy {
        /// The outbox's directory.
        path: PathBuf,
    },
    /// The outbox's directory or lock file could not be created or opened.
    #[error("cannot open the outbox at {path}: {source}")]
    Open {
        /// The outbox's directory.
        path: PathBuf,
        /// Why, as the system said it.
        source: std::io::Error,
    },
    /// sled failed to open, read or write the database.
    #[error("outbox storage error: {0}")]
    Storage(#[from] sled::Error),
    /// Too little room left where the outbox lives to write safely (sled, on a full disk, may
    /// leave a truncated snapshot behind): refused before anything is written.
    #[error("only {available} bytes free for the outbox at {path}, {needed} needed")]
    Full {
        /// The outbox's directory.
        path: PathBuf,
        /// Free bytes there.
        available: u64,
        /// Bytes needed: the files three times over, plus room for sled's log and snapshot.
        needed: u64,
    },
    /// An entry does not read back as it was written (or could not be written as JSON).
    #[error("outbox entry {id} is damaged: {message}")]
    Corrupt {
        /// The entry's key or id; empty when writing failed.
        id: String,
        /// What is wrong with it.
        message: String,
    },
    /// No report or action with this id is in the outbox, or (for an attempt) none still waits.
    #[error("no report {0} in the outbox")]
    NotFound(Uuid),
}

pub use guichet_protocol::view::EntryState;

/// Something the outbox delivers: a report or an action on a ticket.
pub trait Parcel: Serialize + DeserializeOwned + Clone + std::fmt::Debug {
    /// The key prefix of this kind's entries.
    const PREFIX: &'static str;
    /// Its client id: the key of its entry, and of exactly-once delivery.
    fn id(&self) -> Uuid;
    /// When the user filed it, ms since the Unix epoch.
    fn created_at_ms(&self) -> i64;
    /// Its files.
    fn attachments(&self) -> &[Attachment];
    /// Its files, to take their bytes out (stored apart) or put them back.
    fn attachments_mut(&mut self) -> &mut [Attachment];
}

/// Reports and actions are stored the same way; only their key prefix differs.
macro_rules! parcel {
    ($type:ty, $prefix:literal) => {
        impl Parcel for $type {
            const PREFIX: &'static str = $prefix;
            fn id(&self) -> Uuid {
                self.id
            }
            fn created_at_ms(&self) -> i64 {
                self.created_at_ms
            }
            fn attachments(&self) -> &[Attachment] {
                &self.attachments
            }
            fn attachments_mut(&mut self) -> &mut [Attachment] {
                &mut self.attachments
            }
        }
    };
}

parcel!(Report, "e/");
parcel!(TicketAction, "a/");

/// A report (or an action) in the outbox, without its attachment bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound = "T: Parcel")]
pub struct Entry<T = Report> {
    /// `report` in the outboxes written before actions existed.
    #[serde(alias = "report")]
    pub item: T,
    /// Where it stands: waiting, stopped on a permanent error, or delivered with files refused.
    pub state: EntryState,
    /// Attempts started (flushed before each one: a non-zero count means "maybe delivered").
    pub attempts: u32,
    /// When the last attempt started (0: never, or an outbox older than this field). Until the
    /// settle time has passed, that attempt may still be under way at the help desk.
    #[serde(default)]
    pub attempt_started_ms: i64,
    /// When it is due for its next attempt, ms since the Unix epoch.
    pub next_attempt_ms: i64,
    /// Why the last attempt failed; `None` before any attempt failed.
    pub last_error: Option<ConnectorError>,
}

impl<T> Entry<T> {
    /// Keeps the error of the attempt that just ended. An answer from the help desk means the
    /// attempt is over there too: nothing is left to settle.
    fn record_error(&mut self, error: ConnectorError) {
        if !error.answer_lost() {
            self.attempt_started_ms = 0;
        }
        self.last_error = Some(error);
    }
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

const BLOB: &str = "b/";
const SENT: &str = "s/";

fn entry_key<T: Parcel>(id: Uuid) -> String {
    format!("{}{id}", T::PREFIX)
}
fn blob_prefix(id: Uuid) -> String {
    format!("{BLOB}{id}/")
}

impl OutboxError {
    /// The disk (or the user's quota) is full: nothing was written.
    pub fn is_disk_full(&self) -> bool {
        let io = match self {
            OutboxError::Full { .. } => return true,
            OutboxError::Storage(sled::Error::Io(e)) | OutboxError::Open { source: e, .. } => e,
            _ => return false,
        };
        io.kind() == std::io::ErrorKind::StorageFull
            || io.kind() == std::io::ErrorKind::QuotaExceeded
            || io.raw_os_error() == Some(28)
    }
}

impl Outbox {
    /// Opens the outbox in `dir`, waiting up to `wait` for another process to release it.
    pub fn open(dir: &Path, wait: Duration) -> Result<Outbox, OutboxError> {
        let open_err = |source| OutboxError::Open {
            path: dir.to_owned(),
            source,
        };
        private::create_dir_all(dir).map_err(open_err)?;
        let lock = private::open(
            private::open_options()
                .create(true)
                .truncate(false)
                .write(true),
            &dir.join("outbox.lock"),
        )
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
        room(dir, 0)?;
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
                Err(sled::Error::Corruption { .. }) if set_snapshots_aside(&path) => {
                    // A snapshot cut short (a crash or a full disk while sled wrote it): sled
                    // rebuilds it from its log, where every flushed write is.
                    tracing::warn!("outbox snapshot damaged: rebuilding it from the log");
                }
                other => break other?,
            }
        };
        // sled creates its files with the process's umask, which every Guichet process
        // restricts first (`private::restrict_umask`); any other process embedding the outbox
        // gets them made private here.
        for e in private::tighten(dir).errors {
            tracing::warn!("outbox: {e}");
        }
        Ok(Outbox {
            db,
            _lock: lock,
            path,
        })
    }

    /// [`Outbox::open`] on a blocking thread: waiting for another process (up to `wait`) must not
    /// stall an async runtime, whose other tasks (the tray, the IPC socket) go on meanwhile.
    pub async fn open_async(dir: &Path, wait: Duration) -> Result<Outbox, OutboxError> {
        let dir = dir.to_owned();
        tokio::task::spawn_blocking(move || Outbox::open(&dir, wait))
            .await
            .unwrap_or_else(|e| {
                Err(OutboxError::Open {
                    path: PathBuf::new(),
                    source: std::io::Error::other(e),
                })
            })
    }

    /// The sled database's directory (`outbox.sled` in the directory given to `open`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes `report` durable: entry and attachments in one atomic batch, flushed to disk.
    /// Enqueuing a report that is already there changes nothing (its attempt count, which
    /// exactly-once relies on, is kept), so a caller may safely retry.
    pub fn enqueue<T: Parcel>(&self, item: &T, now_ms: i64) -> Result<(), OutboxError> {
        let id = item.id();
        // Already waiting, or already delivered (the agent asks a fresh worker again when the
        // last one died before answering): never a second copy.
        if self.db.contains_key(entry_key::<T>(id))?
            || self.db.contains_key(format!("{SENT}{id}"))?
        {
            return Ok(());
        }
        let bytes: u64 = item
            .attachments()
            .iter()
            .map(|a| a.bytes.len() as u64)
            .sum();
        room(self.path.parent().unwrap_or(&self.path), bytes)?;
        let mut stored = item.clone();
        let mut batch = sled::Batch::default();
        for (n, attachment) in stored.attachments_mut().iter_mut().enumerate() {
            batch.insert(
                format!("{}{n:04}", blob_prefix(id)).as_bytes(),
                std::mem::take(&mut attachment.bytes),
            );
        }
        let entry = Entry {
            item: stored,
            state: EntryState::Pending,
            attempts: 0,
            attempt_started_ms: 0,
            next_attempt_ms: now_ms,
            last_error: None,
        };
        batch.insert(entry_key::<T>(id).as_bytes(), encode(&entry)?);
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Every report, oldest first, without attachment bytes.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        self.entries()
    }

    /// Every action, oldest first, without attachment bytes.
    pub fn actions(&self) -> Result<Vec<Entry<TicketAction>>, OutboxError> {
        self.entries()
    }

    fn entries<T: Parcel>(&self) -> Result<Vec<Entry<T>>, OutboxError> {
        let mut entries = self
            .db
            .scan_prefix(T::PREFIX)
            .map(|kv| {
                let (k, v) = kv?;
                decode(&k, &v)
            })
            .collect::<Result<Vec<Entry<T>>, OutboxError>>()?;
        entries.sort_by_key(|e| (e.item.created_at_ms(), e.item.id()));
        Ok(entries)
    }

    /// True when nothing is left to deliver or show: the owner may close the database.
    pub fn is_empty(&self) -> Result<bool, OutboxError> {
        for prefix in [Report::PREFIX, TicketAction::PREFIX] {
            if self.db.scan_prefix(prefix).next().transpose()?.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// One entry, without attachment bytes.
    fn entry<T: Parcel>(&self, id: Uuid) -> Result<Entry<T>, OutboxError> {
        let key = entry_key::<T>(id);
        let value = self.db.get(&key)?.ok_or(OutboxError::NotFound(id))?;
        decode(key.as_bytes(), &value)
    }

    /// One report, with its attachment bytes.
    pub fn load(&self, id: Uuid) -> Result<Entry, OutboxError> {
        self.load_of::<Report>(id)
    }

    /// One action, with its attachment bytes.
    pub fn load_action(&self, id: Uuid) -> Result<Entry<TicketAction>, OutboxError> {
        self.load_of::<TicketAction>(id)
    }

    fn load_of<T: Parcel>(&self, id: Uuid) -> Result<Entry<T>, OutboxError> {
        let mut entry = self.entry::<T>(id)?;
        let blobs = self
            .db
            .scan_prefix(blob_prefix(id))
            .values()
            .collect::<Result<Vec<_>, _>>()?;
        if blobs.len() != entry.item.attachments().len() {
            return Err(OutboxError::Corrupt {
                id: id.to_string(),
                message: "attachment count differs".into(),
            });
        }
        for (attachment, bytes) in entry.item.attachments_mut().iter_mut().zip(blobs) {
            attachment.bytes = bytes.to_vec();
        }
        Ok(entry)
    }

    /// Pending reports whose time has come (all pending ones with `ignore_backoff`).
    pub fn due(&self, now_ms: i64, ignore_backoff: bool) -> Result<Vec<Uuid>, OutboxError> {
        self.due_of::<Report>(now_ms, ignore_backoff)
    }

    /// Pending actions whose time has come (all pending ones with `ignore_backoff`).
    pub fn due_actions(&self, now_ms: i64, ignore_backoff: bool) -> Result<Vec<Uuid>, OutboxError> {
        self.due_of::<TicketAction>(now_ms, ignore_backoff)
    }

    fn due_of<T: Parcel>(
        &self,
        now_ms: i64,
        ignore_backoff: bool,
    ) -> Result<Vec<Uuid>, OutboxError> {
        Ok(self
            .entries::<T>()?
            .into_iter()
            .filter(|e| {
                e.state == EntryState::Pending && (ignore_backoff || e.next_attempt_ms <= now_ms)
            })
            .map(|e| e.item.id())
            .collect())
    }

    /// The earliest time a pending report or action is due, if any.
    pub fn next_due_ms(&self) -> Result<Option<i64>, OutboxError> {
        let reports = self.list()?;
        let actions = self.actions()?;
        Ok(reports
            .iter()
            .map(|e| (&e.state, e.next_attempt_ms))
            .chain(actions.iter().map(|e| (&e.state, e.next_attempt_ms)))
            .filter(|(state, _)| **state == EntryState::Pending)
            .map(|(_, ms)| ms)
            .min())
    }

    fn update<T: Parcel>(
        &self,
        id: Uuid,
        change: impl FnOnce(&mut Entry<T>),
    ) -> Result<Entry<T>, OutboxError> {
        let mut entry = self.entry::<T>(id)?;
        change(&mut entry);
        self.db
            .insert(entry_key::<T>(id).as_bytes(), encode(&entry)?)?;
        self.db.flush()?;
        Ok(entry)
    }

    /// Records, durably, that an attempt is starting.
    fn begin_attempt<T: Parcel>(&self, id: Uuid, now_ms: i64) -> Result<Entry<T>, OutboxError> {
        self.update::<T>(id, |e| {
            e.attempts += 1;
            e.attempt_started_ms = now_ms;
        })
    }

    /// Leaves entry `id` alone until `until_ms` (its last error kept).
    fn defer<T: Parcel>(&self, id: Uuid, until_ms: i64) -> Result<(), OutboxError> {
        self.update::<T>(id, |e| e.next_attempt_ms = until_ms)
            .map(drop)
    }

    /// Records a transient failure.
    fn reschedule<T: Parcel>(
        &self,
        id: Uuid,
        next_attempt_ms: i64,
        error: ConnectorError,
    ) -> Result<(), OutboxError> {
        self.update::<T>(id, |e| {
            e.next_attempt_ms = next_attempt_ms;
            e.record_error(error);
        })
        .map(drop)
    }

    fn fail<T: Parcel>(&self, id: Uuid, error: ConnectorError) -> Result<(), OutboxError> {
        self.update::<T>(id, |e| {
            e.state = EntryState::Failed;
            e.record_error(error);
        })
        .map(drop)
    }

    /// What delivering `entry` to `ticket` changes, as one batch: its file bytes go, and the
    /// entry goes too unless some files were refused (then it stays visible, bytes cleared).
    fn delivered_batch<T: Parcel>(
        &self,
        entry: &Entry<T>,
        ticket: TicketId,
        rejected: Vec<RejectedFile>,
    ) -> Result<sled::Batch, OutboxError> {
        let id = entry.item.id();
        let mut batch = sled::Batch::default();
        for key in self.db.scan_prefix(blob_prefix(id)).keys() {
            batch.remove(key?);
        }
        let key = entry_key::<T>(id);
        if rejected.is_empty() {
            batch.remove(key.as_bytes());
        } else {
            let mut kept = entry.clone();
            kept.item
                .attachments_mut()
                .iter_mut()
                .for_each(|a| a.bytes.clear());
            kept.state = EntryState::Delivered { ticket, rejected };
            kept.last_error = None;
            batch.insert(key.as_bytes(), encode(&kept)?);
        }
        Ok(batch)
    }

    /// The help desk performed the action: drop it, or keep it visible with the files refused.
    fn complete_action(
        &self,
        entry: &Entry<TicketAction>,
        rejected: Vec<RejectedFile>,
    ) -> Result<(), OutboxError> {
        let batch = self.delivered_batch(entry, entry.item.ticket, rejected)?;
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// The help desk has the ticket: record it, drop the bytes, and keep the entry only if some
    /// files were refused. One atomic batch.
    fn complete(&self, entry: &Entry, delivery: &Delivery, now_ms: i64) -> Result<(), OutboxError> {
        let id = entry.item.id;
        let mut batch = self.delivered_batch(entry, delivery.ticket, delivery.rejected.clone())?;
        let record = SentRecord {
            id,
            ticket: delivery.ticket,
            subject: entry.item.subject.clone(),
            sent_at_ms: now_ms,
        };
        batch.insert(format!("{SENT}{id}").as_bytes(), encode(&record)?);
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Whether `id` is an action (rather than a report).
    fn is_action(&self, id: Uuid) -> Result<bool, OutboxError> {
        Ok(self.db.contains_key(entry_key::<TicketAction>(id))?)
    }

    /// Puts a failed report or action back in line, due now.
    pub fn retry(&self, id: Uuid, now_ms: i64) -> Result<(), OutboxError> {
        fn again<T>(e: &mut Entry<T>, now_ms: i64) {
            if e.state == EntryState::Failed {
                e.state = EntryState::Pending;
                e.next_attempt_ms = now_ms;
            }
        }
        if self.is_action(id)? {
            self.update::<TicketAction>(id, |e| again(e, now_ms))
                .map(drop)
        } else {
            self.update::<Report>(id, |e| again(e, now_ms)).map(drop)
        }
    }

    /// Removes an entry the user has seen: a failed one they give up on, or a delivered one whose
    /// refused files they have noted. Pending entries cannot be dismissed: they are still owed.
    pub fn dismiss(&self, id: Uuid) -> Result<bool, OutboxError> {
        let (state, key) = if self.is_action(id)? {
            (
                self.entry::<TicketAction>(id)?.state,
                entry_key::<TicketAction>(id),
            )
        } else {
            (self.entry::<Report>(id)?.state, entry_key::<Report>(id))
        };
        if state == EntryState::Pending {
            return Ok(false);
        }
        let mut batch = sled::Batch::default();
        for key in self.db.scan_prefix(blob_prefix(id)).keys() {
            batch.remove(key?);
        }
        batch.remove(key.as_bytes());
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
