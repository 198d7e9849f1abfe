//! RT's tickets read into the neutral ticket model. RT has no solution object: a change of
//! status to `resolved` is the solution (its text is the correspondence sent with it), a later
//! change away from `resolved` refuses it, and the acceptance custom field accepts it.

use crate::connector::{
    ChangeStamp, SolutionStatus, Survey, TicketDocument, TicketState, TicketStatus, TicketSummary,
    TimelineEntry, TimelineKind,
};
use crate::html;
use serde_json::Value;
use std::collections::HashMap;

/// A correspondence sent this close to a change of status is the text of that change.
const SAME_MOMENT_MS: i64 = 2_000;

/// RT's lifecycle in the neutral vocabulary; `accepted` when the user accepted the solution.
pub(crate) fn status(text: &str, accepted: bool) -> Option<TicketStatus> {
    Some(match text {
        "new" => TicketStatus::New,
        "open" => TicketStatus::Assigned,
        "stalled" => TicketStatus::Waiting,
        "resolved" if accepted => TicketStatus::Closed,
        "resolved" => TicketStatus::Solved,
        "rejected" | "deleted" => TicketStatus::Closed,
        _ => return None,
    })
}

/// An RT date ("2026-12-05T23:21:08Z") as ms since the epoch; RT writes the epoch for "never".
pub(crate) fn date_ms(text: &str) -> Option<i64> {
    let ms = chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()?
        .timestamp_millis();
    (ms > 0).then_some(ms)
}

/// RT sends ids as strings or numbers.
pub(super) fn id_of(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The first value of custom field `name` on a ticket read with its `CustomFields`.
pub(crate) fn custom_field(ticket: &Value, name: &str) -> Option<String> {
    ticket["CustomFields"]
        .as_array()?
        .iter()
        .find(|cf| cf["name"].as_str() == Some(name))?["values"]
        .as_array()?
        .first()?
        .as_str()
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
}

/// A row of `GET /tickets` with `Subject,Status,LastUpdated[,CustomFields]`.
pub(crate) fn summary(row: &Value, acceptance: Option<&str>) -> Option<TicketSummary> {
    let state = state(row, acceptance)?;
    Some(TicketSummary {
        id: state.id,
        subject: text(&row["Subject"]),
        status: state.status,
        stamp: state.stamp,
        updated_at_ms: state.updated_at_ms,
    })
}

/// A row of `GET /tickets` with `Status,LastUpdated[,CustomFields]`.
pub(crate) fn state(row: &Value, acceptance: Option<&str>) -> Option<TicketState> {
    let accepted = acceptance.is_some_and(|f| custom_field(row, f).is_some());
    let updated = text(&row["LastUpdated"]);
    Some(TicketState {
        id: id_of(&row["id"])?,
        status: status(row["Status"].as_str()?, accepted)?,
        updated_at_ms: date_ms(&updated),
        stamp: ChangeStamp::new(updated),
    })
}

/// The message bodies of a ticket's attachments, by transaction: sanitised HTML, or plain text
/// made HTML (an HTML part wins over its plain twin).
pub(crate) fn bodies(attachments: &[Value]) -> HashMap<u64, String> {
    let mut out: HashMap<u64, (bool, String)> = HashMap::new();
    for a in attachments {
        if !text(&a["Filename"]).is_empty() {
            continue;
        }
        let Some(txn) = id_of(&a["TransactionId"]) else {
            continue;
        };
        let content = text(&a["Content"]);
        let (is_html, body) = match a["ContentType"].as_str() {
            Some("text/html") => (true, html::sanitize(&content)),
            Some("text/plain") => (false, html::paragraphs(&content)),
            _ => continue,
        };
        match out.get(&txn) {
            Some((true, _)) => {}
            _ => {
                out.insert(txn, (is_html, body));
            }
        }
    }
    out.into_iter().map(|(k, (_, v))| (k, v)).collect()
}

/// The files on a ticket.
pub(crate) fn documents(attachments: &[Value]) -> Vec<TicketDocument> {
    attachments
        .iter()
        .filter_map(|a| {
            let name = text(&a["Filename"]);
            (!name.is_empty()).then_some(TicketDocument {
                id: id_of(&a["id"])?,
                name,
            })
        })
        .collect()
}

/// One transaction of a ticket's history, as the timeline needs it.
#[derive(Debug)]
struct Transaction {
    id: u64,
    kind: String,
    new_value: String,
    creator: String,
    created: String,
    at_ms: Option<i64>,
}

fn transaction(row: &Value) -> Option<Transaction> {
    let created = text(&row["Created"]);
    Some(Transaction {
        id: id_of(&row["id"])?,
        kind: text(&row["Type"]),
        new_value: text(&row["NewValue"]),
        creator: text(&row["Creator"]["id"]),
        at_ms: date_ms(&created),
        created,
    })
}

/// What [`timeline`] reads of a ticket besides its history.
pub(crate) struct Reading<'a> {
    /// Message bodies by transaction ([`bodies`]).
    pub bodies: &'a HashMap<u64, String>,
    /// The user names of the ticket's requesters: what they wrote is "by me".
    pub requestors: &'a [String],
    /// The user accepted the latest solution (the acceptance custom field is set).
    pub accepted: bool,
}

/// The original description (the body of the `Create` transaction) and the timeline: followups
/// (correspondence) and solutions (changes to `resolved`), oldest first.
pub(crate) fn timeline(history: &[Value], reading: &Reading<'_>) -> (String, Vec<TimelineEntry>) {
    let mut txns: Vec<Transaction> = history.iter().filter_map(transaction).collect();
    txns.sort_by_key(|t| t.id);
    let body = |id: u64| reading.bodies.get(&id).cloned().unwrap_or_default();
    let mut description = String::new();
    let mut entries: Vec<TimelineEntry> = Vec::new();
    for t in &txns {
        let by_me = reading.requestors.contains(&t.creator);
        match (t.kind.as_str(), t.new_value.as_str()) {
            ("Create", _) => description = body(t.id),
            ("Correspond", _) => entries.push(TimelineEntry {
                id: t.id,
                kind: TimelineKind::Followup,
                date: t.created.clone(),
                at_ms: t.at_ms,
                by_me,
                html: body(t.id),
                solution_status: None,
            }),
            ("Status", "resolved") => {
                // The correspondence sent with the resolution is its text, not a followup.
                let text_of_it = entries.iter().rposition(|e| {
                    e.kind == TimelineKind::Followup
                        && !e.by_me
                        && txns
                            .iter()
                            .any(|c| c.id == e.id && c.creator == t.creator)
                        && matches!((e.at_ms, t.at_ms), (Some(a), Some(b)) if b - a <= SAME_MOMENT_MS)
                });
                let html = text_of_it
                    .map(|i| entries.remove(i).html)
                    .unwrap_or_default();
                entries.push(TimelineEntry {
                    id: t.id,
                    kind: TimelineKind::Solution,
                    date: t.created.clone(),
                    at_ms: t.at_ms,
                    by_me: false,
                    html,
                    solution_status: Some(SolutionStatus::Waiting),
                });
            }
            ("Status", _) => {
                // Leaving `resolved` (RT reopens on the requester's reply) refuses the solution.
                if let Some(solution) = entries.iter_mut().rev().find(|e| {
                    e.kind == TimelineKind::Solution
                        && e.solution_status == Some(SolutionStatus::Waiting)
                }) {
                    solution.solution_status = Some(SolutionStatus::Refused);
                }
            }
            _ => {}
        }
    }
    if reading.accepted {
        if let Some(solution) = entries.iter_mut().rev().find(|e| {
            e.kind == TimelineKind::Solution && e.solution_status == Some(SolutionStatus::Waiting)
        }) {
            solution.solution_status = Some(SolutionStatus::Accepted);
        }
    }
    (description, entries)
}

/// The survey of a closed ticket, when a satisfaction field is configured.
pub(crate) fn survey(ticket: &Value, field: &str) -> Survey {
    Survey {
        score: custom_field(ticket, field).and_then(|s| s.trim().parse().ok()),
        comment: None,
    }
}
