//! What must hold of anything read from a help desk, whatever its kind, for the fuzz targets
//! ([`crate::fuzz`] and each kind's `fuzz.rs`): rows read within bounds, documents named, errors
//! worded, and HTML that the webview can show safely.

use crate::connector::{ConnectorError, TicketDocument};
use crate::i18n::Lang;
use serde_json::Value;

/// The most rows, strings or files one input is read as: enough for every shape, and a bound on
/// the time one input takes.
pub(crate) const MAX_ROWS: usize = 64;

/// A collection's `items`, a list, or the value alone.
pub(crate) fn items(value: &Value) -> Vec<Value> {
    let list = value.get("items").unwrap_or(value);
    match list.as_array() {
        Some(rows) => rows.iter().take(MAX_ROWS).cloned().collect(),
        None => vec![list.clone()],
    }
}

/// A value and its rows: a list's elements, and those under `data` (GLPI's search) or `items`
/// (RT's collections).
pub(crate) fn rows(value: &Value) -> Vec<&Value> {
    let mut rows = vec![value];
    for list in [Some(value), value.get("data"), value.get("items")] {
        rows.extend(list.and_then(Value::as_array).into_iter().flatten());
    }
    rows.truncate(MAX_ROWS);
    rows
}

/// The string values of `value`, depth first, at most [`MAX_ROWS`].
pub(crate) fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().flat_map(strings).take(MAX_ROWS).collect(),
        Value::Object(o) => o.values().flat_map(strings).take(MAX_ROWS).collect(),
        _ => Vec::new(),
    }
}

/// Every document a help desk lists has a name.
pub(crate) fn documents_are_named(documents: &[TicketDocument]) {
    assert!(
        documents.iter().all(|d| !d.name.is_empty()),
        "{documents:?}"
    );
}

/// A connector error is worded for people in both languages, quoting what the help desk said.
pub(crate) fn error_is_worded(e: &ConnectorError) {
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
pub(crate) fn assert_safe_html(html: &str) {
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
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
}

/// The tags of HTML as html5ever serialises it (attribute values in double quotes, where `<` and
/// `>` stay as they are).
pub(crate) fn tags(html: &str) -> Vec<Tag> {
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
