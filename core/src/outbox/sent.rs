//! The records of delivered reports (`s/<id>`): what a report enqueued again is checked against,
//! kept for the retention IT sets, then forgotten.

use super::{decode, Outbox, OutboxError, SENT};
use crate::connector::TicketId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A report that reached the help desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentRecord {
    /// The report's client id.
    pub id: Uuid,
    /// The ticket it became.
    pub ticket: TicketId,
    /// The report's subject.
    pub subject: String,
    /// When it was delivered, ms since the Unix epoch.
    pub sent_at_ms: i64,
}

impl Outbox {
    /// The record of report `id` if it was delivered (and not yet expired).
    pub fn sent_record(&self, id: Uuid) -> Result<Option<SentRecord>, OutboxError> {
        let key = format!("{SENT}{id}");
        self.db
            .get(key.as_bytes())?
            .map(|v| decode(key.as_bytes(), &v))
            .transpose()
    }

    /// Forgets the records of reports delivered before `before_ms` (the retention IT sets);
    /// returns how many. Without it the outbox would grow by one record per report, forever.
    pub fn expire_sent(&self, before_ms: i64) -> Result<usize, OutboxError> {
        let old: Vec<sled::IVec> = self
            .db
            .scan_prefix(SENT)
            .filter_map(|kv| {
                let (k, v) = kv.ok()?;
                let record: SentRecord = decode(&k, &v).ok()?;
                (record.sent_at_ms < before_ms).then_some(k)
            })
            .collect();
        if old.is_empty() {
            return Ok(0);
        }
        let mut batch = sled::Batch::default();
        for key in &old {
            batch.remove(key);
        }
        self.db.apply_batch(batch)?;
        self.db.flush()?;
        Ok(old.len())
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
}
