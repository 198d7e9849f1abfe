//! The stored rows: a `glpi_tickets` row with its actors and timeline (followups, solutions,
//! satisfaction), `glpi_documents` and `glpi_documents_items`. Stored text is HTML-encoded.

use bytes::Bytes;

use super::{now, Stamp};

/// A `glpi_tickets` row with its actors and timeline.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub id: u64,
    /// Stored (HTML-encoded).
    pub name: String,
    /// Stored (HTML-encoded on GLPI 10, raw on 11).
    pub content: String,
    /// GLPI 11's `externalid`.
    pub externalid: Option<String>,
    /// Linked items (`Item_Ticket`), from the input's `items_id` (`{"Computer":[42]}`).
    pub items: Vec<(String, u64)>,
    /// `entities_id`: the input's (one of the user's), else the session's active entity.
    pub entity_id: u64,
    pub status: u8,
    pub kind: u8,
    pub urgency: u8,
    pub impact: u8,
    pub priority: u8,
    pub category_id: u64,
    pub location_id: u64,
    pub request_type_id: u64,
    pub requester_ids: Vec<u64>,
    pub recipient_id: u64,
    pub last_updater_id: u64,
    pub date: Stamp,
    pub date_mod: Stamp,
    pub solvedate: Option<Stamp>,
    pub closedate: Option<Stamp>,
    /// Whether a technician acted on the ticket (solution or followup): the double's stand-in for
    /// "a technician is assigned", which decides whether a reopened ticket goes to 2 or 1.
    pub technician_involved: bool,
    pub followups: Vec<Followup>,
    pub solutions: Vec<Solution>,
    pub satisfaction: Option<Satisfaction>,
}

impl Ticket {
    /// Records a change: `date_mod` moves forward (at least one second) and the last updater is set.
    pub(super) fn touch(&mut self, by: u64) {
        let now = now();
        let next = self.date_mod + time::Duration::seconds(1);
        self.date_mod = if now >= next { now } else { next };
        self.last_updater_id = by;
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Followup {
    pub id: u64,
    pub users_id: u64,
    /// Stored (HTML-encoded).
    pub content: String,
    pub date: Stamp,
}

#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub id: u64,
    pub users_id: u64,
    /// Stored (HTML-encoded).
    pub content: String,
    pub date_creation: Stamp,
    pub status: u8,
    pub users_id_approval: u64,
    pub date_approval: Option<Stamp>,
}

#[derive(Debug, Clone)]
pub(crate) struct Satisfaction {
    pub id: u64,
    pub kind: u8,
    pub date_begin: Stamp,
    pub date_answered: Option<Stamp>,
    pub satisfaction: Option<i64>,
    /// Stored (HTML-encoded).
    pub comment: Option<String>,
}

/// A `glpi_documents` row.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub id: u64,
    pub name: String,
    pub filename: String,
    pub filepath: String,
    pub mime: String,
    pub sha1: String,
    pub bytes: Bytes,
    pub users_id: u64,
    pub tickets_id: u64,
    pub date_creation: Stamp,
}

/// A `glpi_documents_items` row (always `itemtype` Ticket here).
#[derive(Debug, Clone)]
pub(crate) struct DocumentItem {
    pub id: u64,
    pub documents_id: u64,
    pub items_id: u64,
    pub users_id: u64,
    pub date_creation: Stamp,
}
