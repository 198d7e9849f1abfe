//! Request Tracker's fuzz target (`fuzz/fuzz_targets/rt.rs`, named in the registry): its answers
//! read as the connector reads them.

use super::read::Reading;
use crate::connector::fuzz::{
    assert_safe_html, documents_are_named, error_is_worded, items, rows, strings,
};
use crate::connector::http::Answer;
use crate::connector::{ConnectorError, TimelineKind};
use serde_json::Value;

/// The unsuccessful statuses an RT answer is read with.
const RT_ERROR_STATUSES: [u16; 10] = [302, 400, 401, 403, 404, 409, 415, 422, 500, 503];

/// RT's answers: the bytes as an unsuccessful answer at every status (`error_of`), and as JSON:
/// `refusal_in_messages` at 200 and 201, then every reader of `read.rs` (`status`, `state`,
/// `summary`, `custom_field`, `survey`, `bodies`, `documents`, `timeline`, `date_ms`). An object
/// with `ticket`, `history` or `attachments` gives each reader its own part; otherwise every
/// reader reads the whole value (its `items` when it is a collection).
pub fn answers(data: &[u8]) {
    for code in RT_ERROR_STATUSES.map(reqwest::StatusCode::from_u16) {
        let Ok(code) = code else { continue };
        let status = code.as_u16();
        let answer = Answer {
            status: code,
            body: data.to_vec(),
            retry_after: None,
        };
        let e = super::rest::error_of(&answer);
        match &e {
            ConnectorError::Server { status: s, .. } => assert!(*s == status && status >= 500),
            ConnectorError::Unauthorized { .. } => assert_eq!(status, 401),
            ConnectorError::Rejected { status: s, .. } => assert!(*s == status && status < 500),
            ConnectorError::NotHelpDesk { status: s, .. } => assert!(*s == status && status < 500),
            other => panic!("{status} read as {other:?}"),
        }
        error_is_worded(&e);
    }
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for status in [200, 201] {
        if let Some(e) = super::rest::refusal_in_messages(status, &value) {
            // One of the messages, at 403 when it says permission.
            let said = |m: &str| {
                value
                    .as_array()
                    .is_some_and(|a| a.contains(&Value::from(m)))
            };
            let ok = matches!(&e, ConnectorError::Rejected { status: s, message, .. }
                if (*s == status || *s == 403) && said(message));
            assert!(ok, "{e:?}");
            error_is_worded(&e);
        }
    }
    for text in strings(&value) {
        let _ = (
            super::read::status(text, false),
            super::read::status(text, true),
        );
        if let Some(ms) = super::read::date_ms(text) {
            assert!(ms > 0, "{text:?} read as {ms}: RT's epoch means never");
        }
    }
    let ticket = value.get("ticket").unwrap_or(&value);
    let named = ticket["CustomFields"].as_array().into_iter().flatten();
    let mut fields: Vec<&str> = named.filter_map(|cf| cf["name"].as_str()).take(8).collect();
    fields.push("Accepted");
    for row in rows(&value).into_iter().chain([ticket]) {
        rt_row(row, &fields);
    }
    let attachments = items(value.get("attachments").unwrap_or(&value));
    let bodies = super::read::bodies(&attachments);
    bodies.values().for_each(|body| assert_safe_html(body));
    documents_are_named(&super::read::documents(&attachments));
    let requestors: Vec<String> = items(&ticket["Requestor"])
        .iter()
        .filter_map(|u| Some(u["id"].as_str()?.to_owned()))
        .collect();
    for accepted in [false, true] {
        let reading = Reading {
            bodies: &bodies,
            requestors: &requestors,
            accepted,
        };
        let history = items(value.get("history").unwrap_or(&value));
        let (description, entries) = super::read::timeline(&history, &reading);
        assert!(description.is_empty() || bodies.values().any(|b| *b == description));
        let in_order = entries.windows(2).all(|p| p[0].id <= p[1].id);
        assert!(in_order, "timeline out of order: {entries:?}");
        for entry in &entries {
            let solution = entry.kind == TimelineKind::Solution;
            assert_eq!(entry.solution_status.is_some(), solution, "{entry:?}");
            assert!(!(solution && entry.by_me), "a solution by the requester");
            assert_safe_html(&entry.html);
        }
    }
}

fn rt_row(row: &Value, fields: &[&str]) {
    for acceptance in fields.iter().copied().map(Some).chain([None]) {
        let state = super::read::state(row, acceptance);
        let summary = super::read::summary(row, acceptance);
        assert_eq!(
            state.map(|s| (s.id, s.status)),
            summary.map(|s| (s.id, s.status))
        );
    }
    for name in fields {
        if let Some(v) = super::read::custom_field(row, name) {
            assert!(!v.trim().is_empty(), "custom field {name} read as blank");
        }
        let _ = super::read::survey(row, name);
    }
}
