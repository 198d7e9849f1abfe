//! Fuzzing entry points: one `pub fn <target>(data: &[u8])` per cargo-fuzz target in `fuzz/`
//! (`fuzz/fuzz_targets/<target>.rs`), replayed on the committed corpus by
//! `core/tests/fuzz_corpus.rs`. Each reads the bytes as the product reads the same kind of input
//! (a configuration file, a report draft, a help desk's answers, its HTML) and asserts what must
//! hold whatever the input. None may panic: a panic is a bug found, in the product or in an
//! invariant stated here (docs/RELIABILITY.md, "Fuzzing").

use crate::config::{Config, DeskConfig};
use crate::connector::glpi::{self, body, read, search, GlpiCode, GlpiError};
use crate::connector::http::Answer;
use crate::connector::rt::{self, read::Reading};
use crate::connector::{ConnectorError, TicketDocument, TimelineKind};
use crate::facts::MachineFacts;
use crate::html;
use crate::i18n::Lang;
use crate::report::{
    self, Attachment, AttachmentSource, Category, Limits, Report, ReportDraft, ValidationError,
};
use serde_json::Value;

/// The targets, in the order `scripts/fuzz.sh` runs them.
pub const TARGETS: [&str; 5] = ["config", "report", "glpi", "rt", "html"];

/// The most rows, strings or files one input is read as: enough for every shape, and a bound on
/// the time one input takes.
const MAX_ROWS: usize = 64;

/// A value no configuration file holds, put in place of every secret before `Debug`.
const SECRET: &str = "fuzz-secret-5b2e9c";

/// A configuration file's text, read as [`Config::from_file`] does: TOML into [`Config`], then its
/// checks. Its accessors never panic, secrets never reach `Debug`, and a valid configuration
/// written back as TOML reads back valid and the same.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = toml::from_str::<Config>(text) else {
        return;
    };
    let _ = config.poll.interval();
    if let Some(server) = &config.server {
        let _ = (server.http.timeout(), server.http.connect_timeout());
        let _ = (server.desk.kind(), server.url());
        let mut hidden = server.clone();
        match &mut hidden.desk {
            DeskConfig::Glpi(glpi) => {
                glpi.app_token = Some(SECRET.to_owned());
                glpi.user_token = Some(SECRET.to_owned());
                glpi.password = Some(SECRET.to_owned());
            }
            DeskConfig::Rt(rt) => rt.token = SECRET.to_owned(),
        }
        let debug = format!("{hidden:?}");
        assert!(text.contains(SECRET) || !debug.contains(SECRET), "{debug}");
    }
    if let Err(problem) = config.check() {
        assert!(!problem.to_string().is_empty());
        return;
    }
    let Ok(written) = toml::to_string(&config) else {
        return;
    };
    let again = toml::from_str::<Config>(&written)
        .unwrap_or_else(|e| panic!("valid, written back, it does not read: {e}\n{written}"));
    assert!(again.check().is_ok(), "written back, invalid:\n{written}");
    assert_eq!(toml::to_string(&again).ok(), Some(written));
}

/// One report to validate, decoded from fuzz bytes.
struct ReportCase {
    draft: ReportDraft,
    limits: Limits,
    categories: Vec<Category>,
    lang: Lang,
}

/// Separates the text fields of a report case.
const FIELD: char = '\u{1e}';
/// Separates an attachment's name from its bytes.
const NAME_END: char = '\u{1f}';

/// Decodes a report case. Eight knob bytes come first (bit 0 of the first: fuzzed limits instead
/// of the defaults, then subject max, description min and span, attachments max, per-file and
/// extra total bytes; bit 0 of the eighth: English), then text fields separated by U+001E:
/// subject, description, category, phone, location, the categories offered (an "id name" line
/// each), the allowed extensions (comma-separated, empty: the defaults), then one field per
/// attachment, its name then U+001F then its bytes. A field left out is `None`.
fn report_case(data: &[u8]) -> ReportCase {
    let (knobs, rest) = data.split_at(data.len().min(8));
    let knob = |i: usize| knobs.get(i).copied().unwrap_or(0);
    let mut limits = Limits::default();
    if knob(0) & 1 == 1 {
        limits.subject_max = usize::from(knob(1));
        limits.description_min = usize::from(knob(2));
        limits.description_max = limits.description_min + usize::from(knob(3));
        limits.max_attachments = usize::from(knob(4) % 8);
        limits.attachment_max_bytes = u64::from(knob(5));
        limits.attachments_total_max_bytes = limits.attachment_max_bytes + u64::from(knob(6));
    }
    let lang = if knob(7) & 1 == 1 { Lang::En } else { Lang::Fr };
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split(FIELD).map(str::to_owned);
    let subject = fields.next().unwrap_or_default();
    let description = fields.next().unwrap_or_default();
    let (category, phone, location) = (fields.next(), fields.next(), fields.next());
    let categories = fields
        .next()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (id, name) = line.split_once(' ')?;
            Some(Category {
                id: id.parse().ok()?,
                name: name.to_owned(),
            })
        })
        .take(MAX_ROWS)
        .collect();
    if let Some(allowed) = fields.next().filter(|a| !a.trim().is_empty()) {
        limits.allowed_extensions = allowed.split(',').map(|e| e.trim().to_owned()).collect();
    }
    let attachments = fields
        .take(MAX_ROWS)
        .map(|field| {
            let (name, bytes) = field.split_once(NAME_END).unwrap_or((&field, ""));
            AttachmentSource::Bytes {
                name: name.to_owned(),
                bytes: bytes.as_bytes().to_vec(),
            }
        })
        .collect();
    ReportCase {
        draft: ReportDraft {
            subject,
            description,
            category,
            phone,
            location,
            attachments,
        },
        limits,
        categories,
        lang,
    }
}

/// [`Report::build`] on a fuzzed draft, limits and categories, attachments as in-memory bytes. A
/// report it accepts respects every limit and its ticket body holds no markup from the user; a
/// draft it refuses gets an error for each bad field and messages naming what the user typed.
pub fn report(data: &[u8]) {
    let case = report_case(data);
    // The product only ever validates against limits that passed `Limits::check`.
    if case.limits.check().is_err() {
        return;
    }
    let built = Report::build(
        &case.draft,
        &case.limits,
        &case.categories,
        MachineFacts::default(),
        0,
        case.lang,
    );
    match built {
        Ok(report) => report_is_within_limits(&case, &report),
        Err(errors) => {
            assert!(!errors.0.is_empty(), "refused without a reason");
            for error in &errors.0 {
                error_names_the_input(error);
            }
            // Subject and description errors appear exactly when those fields break the limits.
            let has = |f: fn(&ValidationError) -> bool| errors.0.iter().any(f);
            let (limits, draft) = (&case.limits, &case.draft);
            let len = draft.subject.trim().chars().count();
            let bad = len == 0 || len > limits.subject_max;
            assert_eq!(has(|e| e.key().starts_with("validation.subject")), bad);
            let len = draft.description.trim().chars().count();
            let bad = len == 0 || len < limits.description_min || len > limits.description_max;
            assert_eq!(has(|e| e.key().starts_with("validation.description")), bad);
        }
    }
}

fn report_is_within_limits(case: &ReportCase, report: &Report) {
    let (draft, limits) = (&case.draft, &case.limits);
    assert_eq!(report.subject, draft.subject.trim());
    let len = report.subject.chars().count();
    assert!(len >= 1 && len <= limits.subject_max, "subject of {len}");
    let len = report.description.chars().count();
    assert!(len >= limits.description_min.max(1) && len <= limits.description_max);
    let wanted = draft.category.as_deref().map(str::trim).unwrap_or("");
    match &report.category {
        Some(c) => assert!(case.categories.contains(c), "{c:?} is not offered"),
        None => assert!(wanted.is_empty(), "category {wanted:?} dropped"),
    }
    let phone = draft.phone.as_deref().map(str::trim).unwrap_or("");
    assert_eq!(report.phone.is_some(), !phone.is_empty());
    assert_eq!(report.attachments.len(), draft.attachments.len());
    assert!(report.attachments.len() <= limits.max_attachments);
    for a in &report.attachments {
        assert!(limits.allows(&a.name), "{a:?} is not an allowed type");
        assert!(!a.bytes.is_empty() && a.bytes.len() as u64 <= limits.attachment_max_bytes);
        assert_eq!(a.mime, report::mime_for(&a.name));
    }
    assert!(report.attachments_size() <= limits.attachments_total_max_bytes);
    let body = html::ticket_body(report);
    let ours = |tag: &Tag| ["p", "br", "strong", "small"].contains(&tag.name.as_str());
    assert!(tags(&body).iter().all(ours), "markup from the user: {body}");
}

/// A message that quotes the user's text quotes it as typed (no placeholder of the catalogue in
/// it replaced), in both languages.
fn error_names_the_input(error: &ValidationError) {
    use ValidationError::*;
    let typed = match error {
        PhoneInvalid { value } | CategoryUnknown { value } => Some(value),
        AttachmentEmpty { name }
        | AttachmentNameInvalid { name }
        | AttachmentTooLarge { name, .. }
        | AttachmentTypeRefused { name, .. } => Some(name),
        _ => None,
    };
    for lang in [Lang::Fr, Lang::En] {
        let message = error.message(lang);
        assert!(!message.is_empty() && message != error.key(), "{error:?}");
        if let Some(typed) = typed {
            assert!(message.contains(typed.as_str()), "{error:?}: {message}");
        }
    }
}

/// The statuses an answer is read with (the raw bytes as an error body at each).
const GLPI_STATUSES: [u16; 9] = [200, 201, 206, 207, 400, 401, 403, 404, 500];

/// GLPI's answers: the bytes as an error body at every status (`GlpiError::from_answer`, then
/// what it means), and as JSON read by every row reader (`read.rs`, `search.rs` `state_of`),
/// `upload_results`, `decode_entities` and `date_ms`. HTML from GLPI comes out sanitised.
pub fn glpi(data: &[u8]) {
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
    let _ = glpi::date_ms(&lossy);
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for text in strings(&value) {
        decode_once(text);
        let _ = glpi::date_ms(text);
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
    documents_are_named(&read::documents(row));
}

/// Decoding GLPI's entities decodes each one once: never longer, unchanged without `&`, and the
/// sanitised result is safe.
fn decode_once(text: &str) {
    let decoded = glpi::decode_entities(text);
    assert!(decoded.chars().count() <= text.chars().count());
    assert!(
        text.contains('&') || decoded == text,
        "{text:?} became {decoded:?}"
    );
    assert_safe_html(&html::sanitize(&decoded));
}

/// The unsuccessful statuses an RT answer is read with.
const RT_ERROR_STATUSES: [u16; 10] = [302, 400, 401, 403, 404, 409, 415, 422, 500, 503];

/// RT's answers: the bytes as an unsuccessful answer at every status (`error_of`), and as JSON:
/// `refusal_in_messages` at 200 and 201, then every reader of `read.rs` (`status`, `state`,
/// `summary`, `custom_field`, `survey`, `bodies`, `documents`, `timeline`, `date_ms`). An object
/// with `ticket`, `history` or `attachments` gives each reader its own part; otherwise every
/// reader reads the whole value (its `items` when it is a collection).
pub fn rt(data: &[u8]) {
    for code in RT_ERROR_STATUSES.map(reqwest::StatusCode::from_u16) {
        let Ok(code) = code else { continue };
        let status = code.as_u16();
        let answer = Answer {
            status: code,
            body: data.to_vec(),
            retry_after: None,
        };
        let e = rt::rest::error_of(&answer);
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
        if let Some(e) = rt::rest::refusal_in_messages(status, &value) {
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
        let _ = (rt::read::status(text, false), rt::read::status(text, true));
        if let Some(ms) = rt::read::date_ms(text) {
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
    let bodies = rt::read::bodies(&attachments);
    bodies.values().for_each(|body| assert_safe_html(body));
    documents_are_named(&rt::read::documents(&attachments));
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
        let (description, entries) = rt::read::timeline(&history, &reading);
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
        let state = rt::read::state(row, acceptance);
        let summary = rt::read::summary(row, acceptance);
        assert_eq!(
            state.map(|s| (s.id, s.status)),
            summary.map(|s| (s.id, s.status))
        );
    }
    for name in fields {
        if let Some(v) = rt::read::custom_field(row, name) {
            assert!(!v.trim().is_empty(), "custom field {name} read as blank");
        }
        let _ = rt::read::survey(row, name);
    }
}

/// A collection's `items`, a list, or the value alone.
fn items(value: &Value) -> Vec<Value> {
    let list = value.get("items").unwrap_or(value);
    match list.as_array() {
        Some(rows) => rows.iter().take(MAX_ROWS).cloned().collect(),
        None => vec![list.clone()],
    }
}

/// A value and its rows: a list's elements, and those under `data` (GLPI's search) or `items`
/// (RT's collections).
fn rows(value: &Value) -> Vec<&Value> {
    let mut rows = vec![value];
    for list in [Some(value), value.get("data"), value.get("items")] {
        rows.extend(list.and_then(Value::as_array).into_iter().flatten());
    }
    rows.truncate(MAX_ROWS);
    rows
}

/// The string values of `value`, depth first, at most [`MAX_ROWS`].
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().flat_map(strings).take(MAX_ROWS).collect(),
        Value::Object(o) => o.values().flat_map(strings).take(MAX_ROWS).collect(),
        _ => Vec::new(),
    }
}

/// Every document a help desk lists has a name.
fn documents_are_named(documents: &[TicketDocument]) {
    assert!(
        documents.iter().all(|d| !d.name.is_empty()),
        "{documents:?}"
    );
}

/// A connector error is worded for people in both languages, quoting what the help desk said.
fn error_is_worded(e: &ConnectorError) {
    let said = match e {
        ConnectorError::Server { message, .. }
        | ConnectorError::Rejected { message, .. }
        | ConnectorError::Unauthorized { message, .. } => message,
        ConnectorError::NotHelpDesk { detail, .. } | ConnectorError::Protocol { detail } => detail,
        _ => return,
    };
    assert!(!e.to_string().is_empty());
    for lang in [Lang::Fr, Lang::En] {
        let info = e.info(lang);
        assert!(info.message.contains(said.as_str()), "{e:?}: {info:?}");
    }
}

/// The HTML path: `sanitize` leaves nothing that runs or loads (checked tag by tag), `escape`
/// leaves no markup and decodes back to the text, `paragraphs` makes only `<p>` and `<br>` and
/// `to_text` reads both back as the text's non-blank lines.
pub fn html(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let clean = html::sanitize(&text);
    assert_safe_html(&clean);
    let _ = (html::to_text(&clean), html::to_text(&text));
    let escaped = html::escape(&text);
    assert!(!escaped.contains(['<', '>', '"', '\'']), "{escaped}");
    assert_eq!(unescape(&escaped), text);
    assert_eq!(html::to_text(&escaped), lines(&text, false));
    let paragraphs = html::paragraphs(&text);
    let ours = ["<p>", "</p>", "<br>"];
    let bare = ours
        .iter()
        .fold(paragraphs.clone(), |t, ours| t.replace(ours, ""));
    assert!(!bare.contains(['<', '>']), "{paragraphs}");
    let flat = text.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(html::to_text(&paragraphs), lines(&flat, true));
}

/// The lines of `text` without their trailing spaces (and without blank ones if `drop_blank`),
/// joined, trimmed: what `to_text` reads back.
fn lines(text: &str, drop_blank: bool) -> String {
    let kept = text.lines().map(str::trim_end);
    let kept: Vec<&str> = kept.filter(|l| !(drop_blank && l.is_empty())).collect();
    kept.join("\n").trim().to_owned()
}

/// Tags that run code, load something, or take input: never in sanitised HTML.
const FORBIDDEN_TAGS: &str =
    "script style iframe frame frameset object embed applet img image svg \
    math form input button textarea select link meta base audio video template noscript";

/// Attributes whose URL a browser follows or loads. Not `cite`: ammonia keeps it unfiltered on
/// `blockquote`, `q`, `del` and `ins`, and no browser ever follows it.
const URL_ATTRIBUTES: &str = "href src action formaction background poster xlink:href data ping";

/// What the webview must never get from a help desk: a forbidden tag, an event handler (`on…=`)
/// or a `javascript:`, `vbscript:` or `data:` URL. Text is escaped by the serialiser, so every `<`
/// starts a tag; `javascript:` in the text itself is words, not a link.
fn assert_safe_html(html: &str) {
    for tag in tags(html) {
        assert!(
            !FORBIDDEN_TAGS.split_whitespace().any(|t| t == tag.name),
            "<{}> in {html}",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(!name.starts_with("on"), "handler {name} in {html}");
            if URL_ATTRIBUTES.split(' ').any(|a| a == name) {
                let url = url_as_browsers_read_it(value);
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(!url.starts_with(scheme), "{name}={value:?} in {html}");
                }
            }
        }
    }
}

/// An attribute value as a browser reads its scheme: entities decoded, tabs and line breaks
/// dropped, leading controls and spaces trimmed, lower case.
fn url_as_browsers_read_it(value: &str) -> String {
    let decoded = value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    decoded
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c <= ' ')
        .to_lowercase()
}

/// A tag of serialised HTML: its name and attributes, in lower case.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The tags of HTML as html5ever serialises it (attribute values in double quotes, where `<` and
/// `>` stay as they are).
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let mut words = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            let end = rest.find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'));
            let end = end.unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            let (word, mut value) = (rest[..end].to_ascii_lowercase(), "");
            rest = &rest[end..];
            if let Some(after) = rest.strip_prefix("=\"") {
                let close = after.find('"').unwrap_or(after.len());
                value = &after[..close];
                rest = after.get(close + 1..).unwrap_or("");
            }
            words.push((word, value.to_owned()));
        }
        if words
            .first()
            .is_some_and(|(w, _)| w.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            let name = words.remove(0).0;
            out.push(Tag {
                name,
                attributes: words,
            });
        }
    }
    out
}

/// The inverse of [`html::escape`], whose output has a `&` only at the start of its entities.
fn unescape(text: &str) -> String {
    let text = text.replace("&lt;", "<").replace("&gt;", ">");
    let text = text.replace("&quot;", "\"").replace("&#39;", "'");
    text.replace("&amp;", "&")
}
