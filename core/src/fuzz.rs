//! Fuzzing entry points: one `pub fn <target>(data: &[u8])` per cargo-fuzz target in `fuzz/`
//! (`fuzz/fuzz_targets/<target>.rs`), replayed on the committed corpus by
//! `core/tests/fuzz_corpus.rs`. Each reads the bytes as the product reads the same kind of input
//! (a configuration file, a report draft, a help desk's answers, its HTML) and asserts what must
//! hold whatever the input. None may panic: a panic is a bug found, in the product or in an
//! invariant stated here (docs/RELIABILITY.md, "Fuzzing"). Compiled only with the `fuzzing`
//! feature, never into the product.

use crate::config::Config;
use crate::connector::fuzz::{assert_safe_html, tags, Tag, MAX_ROWS};
use crate::connector::registry::KINDS;
use crate::facts::MachineFacts;
use crate::html;
use crate::i18n::Lang;
use crate::report::{
    self, AttachmentSource, Category, Limits, Report, ReportDraft, ValidationError,
};

/// Each help desk's answers, as its connector reads them (`connector/<kind>/fuzz.rs`).
pub use crate::connector::registry::fuzz::*;

/// The targets, in the order `scripts/fuzz.sh` runs them: each kind's is named as the kind.
pub const TARGETS: [&str; 5] = ["config", "report", KINDS[0], KINDS[1], "html"];

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
        hidden.desk.fill_secrets(SECRET);
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

/// The inverse of [`html::escape`], whose output has a `&` only at the start of its entities.
fn unescape(text: &str) -> String {
    let text = text.replace("&lt;", "<").replace("&gt;", ">");
    let text = text.replace("&quot;", "\"").replace("&#39;", "'");
    text.replace("&amp;", "&")
}
