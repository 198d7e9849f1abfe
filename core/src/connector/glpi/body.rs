//! The bodies GLPI is sent: a ticket's and a followup's `uploadManifest`, as JSON or as multipart
//! with one distinct part per file, and what `upload_result` says about each file sent.

use super::{GlpiConnector, TicketLinks};
use crate::action::{ActionKind, TicketAction};
use crate::html;
use crate::report::{Attachment, Report};
use reqwest::RequestBuilder;
use serde_json::{json, Value};

/// The `uploadManifest` / JSON body that creates a ticket for `report`, with `requester` being the
/// caller's `glpiID`. Public so that `guichet report --dry-run` shows exactly what would be sent.
///
/// Each screenshot is shown in the description where GLPI's editor would put a pasted image: the
/// description holds its tag (`#tag#`), `_tag_filename` gives the same tag to the file in the
/// same place, and GLPI replaces the tag by the image of the document it made of that file
/// (`shared/glpi-api.md` §3, `CommonDBTM::addFiles`). The file stays a document of the ticket.
pub fn ticket_manifest(report: &Report, requester: Value, links: &TicketLinks) -> Value {
    let tags = inline_tags(report);
    let content = html::ticket_body_with(report, &|i| match tags.get(i) {
        Some(tag) if !tag.is_empty() => format!("<p>#{tag}#</p>"),
        _ => String::new(),
    });
    let mut input = json!({
        "name": report.subject,
        "content": content,
        // Without it GLPI records no requester, and the ticket can never be approved.
        "_users_id_requester": requester,
        // GLPI 11 keeps it (search option 87) for exactly-once retries; GLPI 10 drops the key.
        "externalid": report.id.to_string(),
    });
    if let Some(category) = &report.category {
        input["itilcategories_id"] = json!(category.id);
    }
    if tags.iter().any(|t| !t.is_empty()) {
        input["_tag_filename"] = json!(tags);
    }
    // Linking works for a Self-Service requester, who cannot look the id up (V.11).
    if let Some(computer) = links.computer {
        input["items_id"] = json!({ "Computer": [computer] });
    }
    if let Some(entity) = links.entity {
        input["entities_id"] = json!(entity);
    }
    json!({ "input": input })
}

/// One tag per attachment, in order: a screenshot's (unique to the report and the file), empty
/// for the other files, which stay only documents.
fn inline_tags(report: &Report) -> Vec<String> {
    report
        .attachments
        .iter()
        .enumerate()
        .map(
            |(i, a)| match crate::capture::screen_number(&a.name, &a.mime) {
                Some(_) => format!("guichet-{}-{i}", report.id.simple()),
                None => String::new(),
            },
        )
        .collect()
}

/// The followup that carries `action`: its text as paragraphs, then the client reference that
/// makes retries exactly-once (see [`Connector::find_performed`]).
///
/// [`Connector::find_performed`]: crate::connector::Connector::find_performed
pub fn followup_manifest(action: &TicketAction) -> Value {
    let mut input = json!({
        "itemtype": "Ticket",
        "items_id": action.ticket,
        "content": html::action_body(action),
    });
    // GLPI reads these flags by presence: send only the one meant.
    match action.kind {
        ActionKind::Approve { .. } => input["add_close"] = json!(1),
        ActionKind::Refuse { .. } => input["add_reopen"] = json!(1),
        _ => {}
    }
    json!({ "input": input })
}

/// GLPI's reason for refusing one file, as `upload_result` words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused(pub(crate) String);

/// What GLPI did with one file: `Ok` accepted, `Err` refused with its reason.
pub(crate) type FileResult = Result<(), Refused>;

/// What `upload_result` of a 201 says about each file we sent: `Some(Ok)` accepted,
/// `Some(Err(reason))` refused, `None` not mentioned.
pub(crate) fn upload_results(files: &[Attachment], body: &Value) -> Vec<Option<FileResult>> {
    let results = &body["upload_result"];
    (0..files.len())
        .map(|i| {
            let entry = &results[format!("file{i}")][0];
            if entry.is_null() {
                return None;
            }
            Some(
                match entry
                    .get("error")
                    .and_then(Value::as_str)
                    .filter(|e| !e.is_empty())
                {
                    Some(error) => Err(Refused(error.to_owned())),
                    None => Ok(()),
                },
            )
        })
        .collect()
}

impl GlpiConnector {
    /// A JSON body, or the same manifest as multipart with one distinct part name per file
    /// (GLPI 10 keeps only the first file of a part name).
    pub(super) fn with_files(
        &self,
        rb: RequestBuilder,
        manifest: &Value,
        files: &[Attachment],
    ) -> RequestBuilder {
        if files.is_empty() {
            return rb.json(manifest);
        }
        let mut form = reqwest::multipart::Form::new().text("uploadManifest", manifest.to_string());
        for (i, a) in files.iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(a.bytes.clone()).file_name(a.name.clone());
            let part = part.mime_str(&a.mime).unwrap_or_else(|_| {
                reqwest::multipart::Part::bytes(a.bytes.clone()).file_name(a.name.clone())
            });
            form = form.part(format!("file{i}"), part);
        }
        rb.multipart(form)
    }
}
