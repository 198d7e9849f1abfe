//! Tickets: creation (`POST /Ticket`), update (`PUT /Ticket/:id`) and status moves with their
//! side effects on dates, solutions and surveys.

use serde_json::{Map, Value};

use super::{next, now, solution_status, status, Caller, Satisfaction, Store, Ticket};
use crate::error::{ApiError, NO_PERMISSION};
use crate::params::{json_int, json_text};
use crate::upload::AcceptedFile;
use crate::Profile;

impl Store {
    /// `POST /Ticket`: creates the ticket and attaches the accepted files.
    pub fn create_ticket(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        files: &[AcceptedFile],
    ) -> Result<u64, ApiError> {
        let requested_entity = input.get("entities_id").and_then(json_int);
        let entity_id = self.ticket_entity(caller, requested_entity.map(|v| v.max(0) as u64))?;
        let content_raw = json_text(input.get("content")).unwrap_or_default();
        let content_raw = content_raw.trim_start();
        let name_raw = json_text(input.get("name")).unwrap_or_default();
        let name_raw = name_raw.trim_start();
        let version = self.config.version;
        let name = if name_raw.is_empty() || name_raw == "0" {
            version.store(&name_from_content(&version.unstore(content_raw)))
        } else {
            version.store(name_raw)
        };
        let urgency = small_int(input, "urgency", 1..=5).unwrap_or(3);
        let impact = small_int(input, "impact", 1..=5).unwrap_or(3);
        let id = next(&mut self.ids.ticket);
        let now = now();
        let ticket = Ticket {
            id,
            name,
            content: version.store(content_raw),
            // GLPI 10 has no such column and drops the key.
            items: linked_items(input.get("items_id")),
            entity_id,
            externalid: (version == crate::GlpiVersion::V11)
                .then(|| json_text(input.get("externalid")))
                .flatten(),
            status: status::NEW,
            kind: small_int(input, "type", 1..=2).unwrap_or(1),
            urgency,
            impact,
            priority: compute_priority(urgency, impact),
            category_id: id_field(input, "itilcategories_id"),
            location_id: id_field(input, "locations_id"),
            request_type_id: input
                .get("requesttypes_id")
                .and_then(json_int)
                .map_or(1, |v| v.max(0) as u64),
            requester_ids: requester_ids(input.get("_users_id_requester")),
            recipient_id: caller.id,
            last_updater_id: caller.id,
            date: now,
            date_mod: now,
            solvedate: None,
            closedate: None,
            technician_involved: false,
            followups: Vec::new(),
            solutions: Vec::new(),
            satisfaction: None,
        };
        self.tickets.insert(id, ticket);
        for file in files {
            let document_id = self.attach(id, caller.id, file, None);
            if let Some(tag) = file
                .tag
                .as_deref()
                .filter(|_| file.mime.starts_with("image/"))
            {
                self.inline_image(id, tag, document_id);
            }
        }
        Ok(id)
    }

    /// `Toolbox::convertTagToImage`: the tag `#tag#` in the ticket's content becomes the image
    /// of the document in a link to it, as real GLPI 10.0.14 and 11.0.6 wrote it (the `&` of the
    /// address raw on 10, then stored encoded like the rest of the content; `&amp;` on 11). GLPI
    /// also writes the image's `width`, which the double leaves out.
    fn inline_image(&mut self, ticket_id: u64, tag: &str, document_id: u64) {
        let version = self.config.version;
        let amp = match version {
            crate::GlpiVersion::V10 => "&",
            crate::GlpiVersion::V11 => "&amp;",
        };
        let url =
            format!("/front/document.send.php?docid={document_id}{amp}itemtype=Ticket{amp}items_id={ticket_id}");
        let img =
            format!("<a href=\"{url}\" target=\"_blank\" ><img alt=\"{tag}\" src=\"{url}\" /></a>");
        if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
            ticket.content = ticket
                .content
                .replace(&format!("#{tag}#"), &version.store(&img));
        }
    }

    /// `PUT /Ticket/:id`.
    pub fn update_ticket(
        &mut self,
        caller: &Caller,
        id: u64,
        input: &Map<String, Value>,
    ) -> Result<(), ApiError> {
        let surveys = self.surveys;
        let version = self.config.version;
        let satisfaction_id = &mut self.ids.satisfaction;
        let ticket = self
            .tickets
            .get_mut(&id)
            .ok_or_else(ApiError::glpi_update_not_found)?;
        // Ticket::canUpdateItem: staff always; a requester only while nobody has touched it.
        let requester_may_update = (ticket.requester_ids.contains(&caller.id)
            || ticket.recipient_id == caller.id)
            && ticket.status != status::SOLVED
            && ticket.status != status::CLOSED
            && ticket.followups.is_empty();
        let allowed = Self::can_see(caller, ticket)
            && (caller.profile != Profile::SelfService || requester_may_update);
        if !allowed {
            return Err(ApiError::glpi_update(NO_PERMISSION));
        }
        if let Some(name) = json_text(input.get("name")) {
            ticket.name = version.store(name.trim_start());
        }
        if let Some(content) = json_text(input.get("content")) {
            ticket.content = version.store(content.trim_start());
        }
        if let Some(urgency) = small_int(input, "urgency", 1..=5) {
            ticket.urgency = urgency;
        }
        if let Some(impact) = small_int(input, "impact", 1..=5) {
            ticket.impact = impact;
        }
        ticket.priority = compute_priority(ticket.urgency, ticket.impact);
        if let Some(kind) = small_int(input, "type", 1..=2) {
            ticket.kind = kind;
        }
        if input.contains_key("itilcategories_id") {
            ticket.category_id = id_field(input, "itilcategories_id");
        }
        if input.contains_key("locations_id") {
            ticket.location_id = id_field(input, "locations_id");
        }
        if let Some(new_status) = small_int(input, "status", 1..=6) {
            let accepted = input.get("_accepted").is_some_and(|v| !v.is_null());
            set_status(
                ticket,
                new_status,
                caller.id,
                accepted,
                surveys,
                satisfaction_id,
            );
        }
        ticket.touch(caller.id);
        Ok(())
    }
}

/// Moves a ticket to a new status with GLPI's side effects: solve/close dates, the latest
/// solution accepted on close (with `_accepted`) or refused on reopen, the survey created on
/// close (when surveys are on) and deleted on reopen.
pub(super) fn set_status(
    ticket: &mut Ticket,
    new: u8,
    by: u64,
    accepted: bool,
    surveys: bool,
    satisfaction_id: &mut u64,
) {
    let old = ticket.status;
    if old == new {
        return;
    }
    let now = now();
    let was_done = old == status::SOLVED || old == status::CLOSED;
    match new {
        status::SOLVED => ticket.solvedate = Some(now),
        status::CLOSED => {
            ticket.closedate = Some(now);
            if ticket.solvedate.is_none() {
                ticket.solvedate = Some(now);
            }
            if accepted {
                if let Some(solution) = ticket
                    .solutions
                    .last_mut()
                    .filter(|s| s.status == solution_status::WAITING)
                {
                    solution.status = solution_status::ACCEPTED;
                    solution.users_id_approval = by;
                    solution.date_approval = Some(now);
                }
            }
            if surveys && ticket.satisfaction.is_none() {
                ticket.satisfaction = Some(Satisfaction {
                    id: next(satisfaction_id),
                    kind: 1,
                    date_begin: now,
                    date_answered: None,
                    satisfaction: None,
                    comment: None,
                });
            }
        }
        _ if was_done => {
            ticket.solvedate = None;
            ticket.closedate = None;
            if let Some(solution) = ticket
                .solutions
                .last_mut()
                .filter(|s| s.status != solution_status::REFUSED)
            {
                solution.status = solution_status::REFUSED;
                solution.users_id_approval = by;
                solution.date_approval = Some(now);
            }
            ticket.satisfaction = None;
        }
        _ => {}
    }
    ticket.status = new;
    ticket.touch(by);
}

/// An integer input field within a range.
fn small_int(
    input: &Map<String, Value>,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<u8> {
    input
        .get(key)
        .and_then(json_int)
        .filter(|v| range.contains(v))
        .and_then(|v| u8::try_from(v).ok())
}

/// A foreign-key input field (negative or garbage → 0).
fn id_field(input: &Map<String, Value>, key: &str) -> u64 {
    input
        .get(key)
        .and_then(json_int)
        .map_or(0, |v| v.max(0) as u64)
}

/// `items_id` as GLPI reads it for a ticket: `{"Computer":[42], "Printer":[3]}`.
fn linked_items(value: Option<&Value>) -> Vec<(String, u64)> {
    let Some(Value::Object(by_type)) = value else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for (itemtype, ids) in by_type {
        let ids: Vec<i64> = match ids {
            Value::Array(ids) => ids.iter().filter_map(json_int).collect(),
            other => json_int(other).into_iter().collect(),
        };
        items.extend(
            ids.into_iter()
                .filter(|id| *id > 0)
                .map(|id| (itemtype.clone(), id as u64)),
        );
    }
    items
}

/// `_users_id_requester`: one id or an array of ids; 0 means nobody.
fn requester_ids(value: Option<&Value>) -> Vec<u64> {
    let candidates: Vec<i64> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(json_int).collect(),
        Some(other) => json_int(other).into_iter().collect(),
        None => Vec::new(),
    };
    let mut ids: Vec<u64> = Vec::new();
    for id in candidates.into_iter().filter(|id| *id > 0) {
        let id = id as u64;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// GLPI's default priority matrix (`priority_<urgency><impact>`).
fn compute_priority(urgency: u8, impact: u8) -> u8 {
    const MATRIX: [[u8; 5]; 5] = [
        [1, 1, 2, 2, 2],
        [1, 2, 2, 3, 3],
        [2, 2, 3, 4, 4],
        [2, 3, 4, 4, 5],
        [2, 3, 4, 5, 5],
    ];
    let u = usize::from(urgency.clamp(1, 5) - 1);
    let i = usize::from(impact.clamp(1, 5) - 1);
    MATRIX[u][i]
}

/// The name GLPI builds from the content when none is given: the text without tags, runs of
/// whitespace collapsed, cut to 70 characters.
fn name_from_content(raw_content: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in raw_content.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(70).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_matrix() {
        assert_eq!(compute_priority(3, 3), 3);
        assert_eq!(compute_priority(5, 5), 5);
        assert_eq!(compute_priority(1, 1), 1);
    }

    #[test]
    fn name_from_html_content() {
        assert_eq!(
            name_from_content("<p>Bourrage   salle 12</p>"),
            "Bourrage salle 12"
        );
        assert_eq!(name_from_content(&"x".repeat(100)).chars().count(), 70);
    }
}
