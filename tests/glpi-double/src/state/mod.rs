//! The double's in-memory GLPI database and its business rules: sessions, tickets and their
//! requester actors, followups (approve / refuse / reopen), solutions, documents (with sha1
//! de-duplication) and satisfaction surveys.
//!
//! Timestamps are UTC, with second resolution. A ticket's `date_mod` strictly increases on every
//! change (it moves one second past the previous value when the clock has not moved), so a client
//! polling on `date_mod` always sees a change.
//!
//! This module owns the [`Store`], its id counters, the clock and the status codes. The rules live
//! in the submodules: `sessions`, `entities` (what a user may file tickets in), `rights`, `tickets` (creation, update, status moves), `followups`
//! (followups and solutions), `satisfaction`, `documents` and `views` (snapshots for the test API);
//! the row types are in `rows`.

mod documents;
mod entities;
mod followups;
mod rights;
mod rows;
mod satisfaction;
mod sessions;
mod tickets;
mod views;

use std::collections::{BTreeMap, HashMap};

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::DoubleConfig;
use sessions::Session;

pub(crate) use rows::{Document, DocumentItem, Followup, Satisfaction, Solution, Ticket};
pub(crate) use sessions::{Caller, Credentials};

/// Ticket statuses.
pub(crate) mod status {
    pub const NEW: u8 = 1;
    pub const ASSIGNED: u8 = 2;
    pub const WAITING: u8 = 4;
    pub const SOLVED: u8 = 5;
    pub const CLOSED: u8 = 6;
    /// `getReopenableStatusArray`.
    pub const REOPENABLE: [u8; 3] = [CLOSED, SOLVED, WAITING];
}

/// Solution statuses (`CommonITILValidation`).
pub(crate) mod solution_status {
    pub const WAITING: u8 = 2;
    pub const ACCEPTED: u8 = 3;
    pub const REFUSED: u8 = 4;
}

/// A timestamp (UTC, whole seconds).
pub(crate) type Stamp = PrimitiveDateTime;

/// The current time, truncated to the second.
pub(crate) fn now() -> Stamp {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    PrimitiveDateTime::new(now.date(), now.time())
}

/// `YYYY-MM-DD HH:MM:SS`, GLPI's datetime format.
pub(crate) fn fmt_stamp(stamp: &Stamp) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second()
    )
}

#[derive(Debug, Default)]
struct NextIds {
    ticket: u64,
    followup: u64,
    solution: u64,
    document: u64,
    document_item: u64,
    satisfaction: u64,
}

fn next(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter
}

/// The whole fake database.
#[derive(Debug)]
pub(crate) struct Store {
    pub config: DoubleConfig,
    pub base_url: String,
    /// Every profile may read `ITILCategory`.
    pub categories_open: bool,
    /// GLPI's "Enable Rest API" setting (off in a fresh GLPI): when off, every call answers
    /// 400 `["ERROR","API disabled"]`.
    pub api_enabled: bool,
    /// Closing a ticket creates its satisfaction survey.
    pub surveys: bool,
    sessions: HashMap<String, Session>,
    pub tickets: BTreeMap<u64, Ticket>,
    pub documents: BTreeMap<u64, Document>,
    pub document_items: Vec<DocumentItem>,
    ids: NextIds,
}

impl Store {
    pub fn new(config: DoubleConfig, base_url: String) -> Self {
        Store {
            config,
            base_url,
            categories_open: false,
            api_enabled: true,
            surveys: false,
            sessions: HashMap::new(),
            tickets: BTreeMap::new(),
            documents: BTreeMap::new(),
            document_items: Vec::new(),
            ids: NextIds::default(),
        }
    }
}
