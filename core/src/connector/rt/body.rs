//! The JSON bodies RT is sent: a new ticket with its requester, its client reference in the
//! idempotency custom field and its files (base64); a correspondence or a comment with files.

use super::RtConfig;
use crate::html;
use crate::report::{Attachment, Report};
use base64::Engine;
use serde_json::{json, Value};

/// The type RT is told a file has. RT re-encodes `text/*` parts into UTF-8 (a Latin-1 log, or
/// any byte that is not UTF-8, comes back changed), so text files travel as plain bytes; other
/// types are stored as sent.
pub(super) fn file_type(mime: &str) -> &str {
    if mime.starts_with("text/") {
        "application/octet-stream"
    } else {
        mime
    }
}

/// Files as RT's `Attachments` (`FileType` is required: RT answers 400 without it).
fn attachments(files: &[Attachment]) -> Vec<Value> {
    files
        .iter()
        .map(|a| {
            json!({
                "FileName": a.name,
                "FileType": file_type(&a.mime),
                "FileContent": base64::engine::general_purpose::STANDARD.encode(&a.bytes),
            })
        })
        .collect()
}

/// `POST /ticket` for `report`. `Requestor` is always sent: a ticket created without one is not
/// readable by the user who created it.
pub(super) fn ticket(config: &RtConfig, report: &Report) -> Value {
    let mut custom_fields = serde_json::Map::new();
    custom_fields.insert(
        config.idempotency_field.clone(),
        json!(report.id.to_string()),
    );
    json!({
        "Queue": config.queue,
        "Subject": report.subject,
        "Requestor": config.requestor,
        "ContentType": "text/html",
        "Content": html::ticket_body(report),
        "CustomFields": custom_fields,
        "Attachments": attachments(&report.attachments),
    })
}

/// `POST /ticket/N/correspond` or `/comment`: `content` (HTML) and `files`.
pub(super) fn message(content: String, files: &[Attachment]) -> Value {
    let mut body = json!({ "ContentType": "text/html", "Content": content });
    if !files.is_empty() {
        body["Attachments"] = json!(attachments(files));
    }
    body
}

/// Custom field `name` set to `value`, as RT's `CustomFields` (with a comment, or a `PUT`).
pub(super) fn fields(name: &str, value: &str) -> Value {
    let mut fields = serde_json::Map::new();
    fields.insert(name.to_owned(), json!(value));
    Value::Object(fields)
}

/// `PUT /ticket/N` setting custom field `name` to `value`.
pub(super) fn custom_field(name: &str, value: &str) -> Value {
    json!({ "CustomFields": fields(name, value) })
}
