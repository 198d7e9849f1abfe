//! GLPI's fuzz target (`fuzz/fuzz_targets/glpi.rs`, named in the registry): its answers read as
//! the connector reads them.

use super::{body, read, search, GlpiCode, GlpiError};
use crate::connector::fuzz::{
    assert_safe_html, documents_are_named, error_is_worded, rows, strings, MAX_ROWS,
};
use crate::connector::{ConnectorError, TimelineKind};
use crate::html;
use crate::report::Attachment;
use serde_json::Value;

/// The statuses an answer is read with (the raw bytes as an error body at each).
const GLPI_STATUSES: [u16; 9] = [200, 201, 206, 207, 400, 401, 403, 404, 500];

/// GLPI's answers: the bytes as an error body at every status (`GlpiError::from_answer`, then
/// what it means), and as JSON read by every row reader (`read.rs`, `search.rs` `state_of`),
/// `upload_results`, `decode_entities` and `date_ms`. HTML from GLPI comes out sanitised.
pub fn answers(data: &[u8]) {
    let not_glpi = !matches!(
        serde_json::from_slice::<Vec<Value>>(data).as_deref(),
        Ok([Value::String(_), ..])
    );
    for status in GLPI_STATUSES {
        let e = GlpiError::from_answer(status, data);
        assert_eq!(e.status, status);
        assert_eq!(GlpiCode::parse(e.code.as_str()), e.code);
        let e = ConnectorError::from(e);
        // Only GLPI's own word on credentials makes a 5xx final; an answer not from GLPI never is.
        let credentials = matches!(e, ConnectorError::Unauthorized { .. });
        if not_glpi || (status >= 500 && !credentials) {
            assert!(e.is_transient(), "{status} {e:?} is final");
        }
        error_is_worded(&e);
    }
    let lossy = String::from_utf8_lossy(data);
    decode_once(&lossy);
    let _ = super::date_ms(&lossy);
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for text in strings(&value) {
        decode_once(text);
        let _ = super::date_ms(text);
    }
    for row in rows(&value) {
        glpi_row(row);
    }
    let sent = value["upload_result"]
        .as_object()
        .map_or(1, |o| o.len() + 1);
    let file = Attachment {
        name: "screen.png".to_owned(),
        mime: "image/png".to_owned(),
        bytes: vec![1],
    };
    let files = vec![file; sent.min(MAX_ROWS)];
    let results = body::upload_results(&files, &value);
    assert_eq!(results.len(), files.len());
    for refused in results.iter().flatten().filter_map(|r| r.as_ref().err()) {
        assert!(!refused.0.is_empty(), "a file refused without a reason");
    }
}

fn glpi_row(row: &Value) {
    let _ = read::category(row);
    if let Some(s) = read::summary(row) {
        assert_eq!(Some(s.status), read::ticket_status(row));
    }
    let _ = search::state_of(row);
    let me = row["users_id"].as_u64().unwrap_or(0);
    for kind in [TimelineKind::Followup, TimelineKind::Solution] {
        if let Some(entry) = read::timeline_entry(row, kind, me) {
            assert_eq!(entry.kind, kind);
            let solution = kind == TimelineKind::Solution;
            assert_eq!(entry.solution_status.is_some(), solution);
            assert_safe_html(&entry.html);
        }
    }
    let survey = read::survey(row);
    assert!(survey.comment.is_none_or(|c| !c.is_empty()));
    documents_are_named(&read::documents(row, true));
    documents_are_named(&read::documents(row, false));
}

/// Decoding GLPI's entities decodes each one once: never longer, unchanged without `&`, and the
/// sanitised result is safe.
fn decode_once(text: &str) {
    let decoded = super::decode_entities(text);
    assert!(decoded.chars().count() <= text.chars().count());
    assert!(
        text.contains('&') || decoded == text,
        "{text:?} became {decoded:?}"
    );
    assert_safe_html(&html::sanitize(&decoded));
}
