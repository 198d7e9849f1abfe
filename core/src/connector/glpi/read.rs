//! GLPI's items read into the neutral ticket model: a ticket row, its followups and solutions,
//! its documents and its survey.
//!
//! Item GETs are made raw (`X-GLPI-Sanitized-Content: false` on 10, always on 11), so their
//! top-level strings are already what was written: plain text as typed, rich text as the HTML
//! GLPI's editor produced (`<p>Tapez &lt;b&gt;gpupdate&lt;/b&gt;</p>`). That HTML is sanitised and
//! shown, never decoded again: decoding it once more would turn the technician's literal `<b>` into
//! a tag and hide the words (`shared/glpi-api.md` V.11). Only what GLPI 10 leaves encoded (strings
//! nested below the top level, search results) is decoded, once.

use super::status;
use super::text::{as_i64, as_u64, date_ms, decode_entities, text_of};
use crate::connector::{
    ChangeStamp, Entity, Survey, TicketDocument, TicketStatus, TicketSummary, TimelineEntry,
    TimelineKind,
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
        name: name.to_owned(),
    })
}

/// The entities of `GET getMyEntities` (`{"myentities":[{"id":1,"name":"Root entity > A"}]}`),
/// by name; their names are complete paths, still encoded on GLPI 10 (`encoded`) whatever the
/// request's headers. Rows without an id are left out.
pub(crate) fn entities(answer: &Value, encoded: bool) -> Vec<Entity> {
    let rows = answer["myentities"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut entities: Vec<Entity> = rows
        .iter()
        .filter_map(|row| {
            let name = text_of(&row["name"]);
            Some(Entity {
                id: as_u64(&row["id"])?,
                name: if encoded {
                    decode_entities(&name)
                } else {
                    name
                },
            })
        })
        .collect();
    entities.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    entities.dedup_by_key(|e| e.id);
    entities
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
        html: html::sanitize(row["content"].as_str().unwrap_or_default()),
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
            .map(str::to_owned),
    }
}

/// The `_documents` of a ticket read `with_documents`. `encoded`: GLPI 10, whose raw reads leave
/// these nested strings encoded, so they are decoded once; GLPI 11's are raw already.
pub(crate) fn documents(ticket: &Value, encoded: bool) -> Vec<TicketDocument> {
    let plain = |name: &str| {
        if encoded {
            decode_entities(name)
        } else {
            name.to_owned()
        }
    };
    ticket["_documents"]
        .as_array()
        .map(|docs| {
            docs.iter()
                .filter_map(|d| {
                    Some(TicketDocument {
                        id: as_u64(&d["id"])?,
                        name: plain(d["filename"].as_str()?),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `getMyEntities?is_recursive=1` as GLPI 10.0.14 and 11.0.6 answered a requester of two
    /// entities (10 encodes the names, 11 does not), and a row GLPI never sends.
    #[test]
    fn entities_are_read_by_name_decoded_once_on_10() {
        let glpi10 = json!({"myentities": [
            {"id": 2, "name": "Root entity &#62; Lycée Victor Hugo &#38; &#60;co&#62;"},
            {"id": 1, "name": "Root entity &#62; Collège Jean Moulin"},
            {"name": "no id"},
        ]});
        let glpi11 = json!({"myentities": [
            {"id": 2, "name": "Root entity > Lycée Victor Hugo & <co>"},
            {"id": "1", "name": "Root entity > Collège Jean Moulin"},
        ]});
        let expected = vec![
            Entity {
                id: 1,
                name: "Root entity > Collège Jean Moulin".into(),
            },
            Entity {
                id: 2,
                name: "Root entity > Lycée Victor Hugo & <co>".into(),
            },
        ];
        assert_eq!(entities(&glpi10, true), expected);
        assert_eq!(entities(&glpi11, false), expected);
        // GLPI 11's literal "&#62;" in a name stays as written.
        let literal = json!({"myentities": [{"id": 3, "name": "A &#62; B"}]});
        assert_eq!(entities(&literal, false)[0].name, "A &#62; B");
        assert!(entities(&json!({"myentities": "?"}), false).is_empty());
        assert!(entities(&json!(["ERROR"]), true).is_empty());
    }

    /// What GLPI's editor makes of a technician's text, as GLPI 11 returns it and GLPI 10 returns
    /// it raw (`shared/glpi-api.md` V.11).
    const EDITOR_HTML: &str = "<p>Tapez &lt;b&gt;gpupdate&lt;/b&gt; puis &lt;Entrée&gt;, \
        2 &lt; 3 &amp; 4, &amp;lt; reste écrit, \"guillemets\" et l'apostrophe.</p>";
    const TYPED: &str =
        "Tapez <b>gpupdate</b> puis <Entrée>, 2 < 3 & 4, &lt; reste écrit, \"guillemets\" et l'apostrophe.";

    #[test]
    fn a_technicians_literal_markup_is_shown_as_written() {
        let row =
            json!({"id": 3, "users_id": 2, "date": "2026-12-07 10:00:00", "content": EDITOR_HTML});
        let entry = timeline_entry(&row, TimelineKind::Followup, 7).expect("entry");
        assert!(
            entry.html.contains("&lt;b&gt;gpupdate&lt;/b&gt;"),
            "{}",
            entry.html
        );
        assert!(!entry.html.contains("<b>"), "{}", entry.html);
        assert_eq!(html::to_text(&entry.html), TYPED);
    }

    #[test]
    fn a_solution_keeps_its_words_and_real_markup_stays_markup() {
        let content = format!("<p><strong>Fait</strong></p>{EDITOR_HTML}");
        let row = json!({"id": 4, "users_id": 2, "date_creation": "2026-12-07 10:00:00",
            "content": content, "status": 2});
        let entry = timeline_entry(&row, TimelineKind::Solution, 7).expect("entry");
        assert!(
            entry.html.contains("<strong>Fait</strong>"),
            "{}",
            entry.html
        );
        assert_eq!(html::to_text(&entry.html), format!("Fait\n{TYPED}"));
    }

    #[test]
    fn file_names_are_decoded_once_on_10_and_never_on_11() {
        let ticket = json!({"_documents": [{"id": 1, "filename": "a&#38;b &amp;lt;c&gt;.txt"}]});
        assert_eq!(documents(&ticket, true)[0].name, "a&b &lt;c>.txt");
        assert_eq!(
            documents(&ticket, false)[0].name,
            "a&#38;b &amp;lt;c&gt;.txt"
        );
    }

    #[test]
    fn plain_texts_read_raw_are_not_decoded_again() {
        let category = category(&json!({"id": 4, "completename": "Matériel > &lt;Imprimante&gt;"}));
        assert_eq!(
            category.map(|c| c.name).as_deref(),
            Some("Matériel > &lt;Imprimante&gt;")
        );
        let survey = survey(&json!({"satisfaction": 4, "comment": "2 < 3 &amp; ok"}));
        assert_eq!(survey.comment.as_deref(), Some("2 < 3 &amp; ok"));
    }
}
