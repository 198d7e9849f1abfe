//! GLPI's items read into the neutral ticket model: a ticket row, its followups and solutions,
//! its documents and its survey. Texts are decoded and HTML sanitised here, once.

use super::status;
use super::text::{as_i64, as_u64, date_ms, decode_entities, text_of};
use crate::connector::{
    ChangeStamp, Survey, TicketDocument, TicketStatus, TicketSummary, TimelineEntry, TimelineKind,
};
use crate::html;
use crate::report::Category;
use serde_json::Value;

/// A row of `GET /ITILCategory`.
pub(crate) fn category(row: &Value) -> Option<Category> {
    let id = as_u64(&row["id"])?;
    let name = row["completename"]
        .as_str()
        .or_else(|| row["name"].as_str())?;
    Some(Category {
        id,
        name: decode_entities(name),
    })
}

/// A row of `GET /Ticket`; `None` without an id or a known status.
pub(crate) fn summary(row: &Value) -> Option<TicketSummary> {
    let stamp = text_of(&row["date_mod"]);
    Some(TicketSummary {
        id: as_u64(&row["id"])?,
        subject: row["name"].as_str().unwrap_or_default().to_owned(),
        status: status::ticket_status(as_i64(&row["status"])?)?,
        updated_at_ms: date_ms(&stamp),
        stamp: ChangeStamp::new(stamp),
    })
}

/// The ticket's status, which every detail needs.
pub(crate) fn ticket_status(ticket: &Value) -> Option<TicketStatus> {
    as_i64(&ticket["status"]).and_then(status::ticket_status)
}

/// A followup (`ITILFollowup`) or solution (`ITILSolution`) row; `me` is the logged-in user's id.
pub(crate) fn timeline_entry(row: &Value, kind: TimelineKind, me: u64) -> Option<TimelineEntry> {
    let date = match kind {
        TimelineKind::Followup => &row["date"],
        TimelineKind::Solution => &row["date_creation"],
    };
    let date = text_of(date);
    Some(TimelineEntry {
        id: as_u64(&row["id"])?,
        kind,
        at_ms: date_ms(&date),
        date,
        by_me: as_u64(&row["users_id"]) == Some(me),
        html: html::sanitize(&decode_entities(
            row["content"].as_str().unwrap_or_default(),
        )),
        solution_status: (kind == TimelineKind::Solution)
            .then(|| status::solution_status(as_i64(&row["status"]).unwrap_or(2))),
    })
}

/// A `TicketSatisfaction` row.
pub(crate) fn survey(row: &Value) -> Survey {
    Survey {
        score: as_i64(&row["satisfaction"]).and_then(|s| u8::try_from(s).ok()),
        comment: row["comment"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(decode_entities),
    }
}

/// The `_documents` of a ticket read `with_documents`.
pub(crate) fn documents(ticket: &Value) -> Vec<TicketDocument> {
    ticket["_documents"]
        .as_array()
        .map(|docs| {
            docs.iter()
                .filter_map(|d| {
                    Some(TicketDocument {
                        id: as_u64(&d["id"])?,
                        name: decode_entities(d["filename"].as_str()?),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}
