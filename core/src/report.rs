//! The report a user files, and its validation. A [`ReportDraft`] is what the wizard or the CLI
//! collected; [`Report::build`] checks every field and reads every attachment, and returns either a
//! complete [`Report`] or every problem found, each tied to its field and translatable. Nothing is
//! saved before a report is complete, so bad input can never be half-saved.

use crate::facts::MachineFacts;
use crate::i18n::{human_size, t, Lang};
use crate::phone::{self, Phone};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub use guichet_protocol::report::{extension, Category, Field, Limits, LimitsError, ReportInput};

/// Where an attachment comes from: a file the user named, or bytes the wizard already holds
/// (a masked screenshot, a dropped file).
#[derive(Debug, Clone)]
pub enum AttachmentSource {
    /// A file on disk, read (and its size checked) when the report is built.
    Path(PathBuf),
    /// Bytes already in memory.
    Bytes {
        /// The file name the help desk shows; its extension decides the type.
        name: String,
        /// The file's content.
        bytes: Vec<u8>,
    },
}

/// What the user entered, unchecked.
#[derive(Debug, Clone, Default)]
pub struct ReportDraft {
    /// The one-line summary, as typed (trimmed when checked).
    pub subject: String,
    /// What happens, in the user's words (trimmed when checked).
    pub description: String,
    /// A category name (full path or last part, any case) or numeric id.
    pub category: Option<String>,
    /// The phone number to call back, as typed; `None` or blank sends none.
    pub phone: Option<String>,
    /// Where the user is (office, room); `None` or blank sends none.
    pub location: Option<String>,
    /// The files to attach, in the order given.
    pub attachments: Vec<AttachmentSource>,
}

/// A file attached to a report. Its bytes travel beside the metadata, never inside JSON.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// A plain file name (no directory part), checked when the report was built.
    pub name: String,
    /// The MIME type sent to the help desk, from the name's extension ([`mime_for`]).
    pub mime: String,
    /// The file's content, never empty; not serialised (stored and sent beside the JSON).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Attachment({:?}, {}, {} bytes)",
            self.name,
            self.mime,
            self.bytes.len()
        )
    }
}

/// A complete, valid report, ready to be made durable and delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The client id: the key that makes delivery exactly-once.
    pub id: Uuid,
    /// When the user filed it, ms since the Unix epoch.
    pub created_at_ms: i64,
    /// The language the ticket's fixed texts are written in.
    pub lang: Lang,
    /// The one-line summary, trimmed, within `Limits::subject_max` characters.
    pub subject: String,
    /// What happens, trimmed, within the limits' bounds in characters.
    pub description: String,
    /// The help desk's category; `None` leaves it to the help desk.
    pub category: Option<Category>,
    /// The phone number to call back, normalised; `None` when none was given.
    pub phone: Option<Phone>,
    /// Where the user is, trimmed; `None` when none was given.
    pub location: Option<String>,
    /// The computer's facts, added to the ticket.
    pub facts: MachineFacts,
    /// The files, within the limits' count, size and type rules.
    pub attachments: Vec<Attachment>,
}

/// One problem with a draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub enum ValidationError {
    /// The subject is empty once trimmed.
    SubjectMissing,
    /// The subject is longer than IT allows.
    SubjectTooLong {
        /// Its length, in characters.
        len: usize,
        /// The most allowed, in characters.
        max: usize,
    },
    /// The description is empty once trimmed.
    DescriptionMissing,
    /// The description is shorter than IT requires.
    DescriptionTooShort {
        /// Its length, in characters.
        len: usize,
        /// The fewest allowed, in characters.
        min: usize,
    },
    /// The description is longer than IT allows.
    DescriptionTooLong {
        /// Its length, in characters.
        len: usize,
        /// The most allowed, in characters.
        max: usize,
    },
    /// The phone number does not read as a number.
    PhoneInvalid {
        /// What the user typed, trimmed.
        value: String,
    },
    /// No category matches what the user asked for, or a leaf name matches several.
    CategoryUnknown {
        /// What the user asked for, trimmed.
        value: String,
    },
    /// More files than IT allows (none of them is read).
    TooManyAttachments {
        /// How many files were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A file cannot be read (missing, a directory, no permission).
    AttachmentUnreadable {
        /// The file's name.
        name: String,
        /// Why, as the system said it (not translated).
        reason: String,
    },
    /// A file has no content.
    AttachmentEmpty {
        /// The file's name.
        name: String,
    },
    /// A file is larger than IT allows for one file.
    AttachmentTooLarge {
        /// The file's name.
        name: String,
        /// Its size, in bytes.
        size: u64,
        /// The most allowed, in bytes.
        max: u64,
    },
    /// All files together are larger than IT allows.
    AttachmentsTotalTooLarge {
        /// Their total size, in bytes.
        total: u64,
        /// The most allowed, in bytes.
        max: u64,
    },
    /// A file's extension is not among those IT allows.
    AttachmentTypeRefused {
        /// The file's name.
        name: String,
        /// The allowed extensions, lower case, without the dot.
        allowed: Vec<String>,
    },
    /// A file's name is not valid UTF-8.
    AttachmentNameNotUtf8 {
        /// The name with its invalid bytes replaced, to show the user.
        lossy: String,
    },
    /// A file's name is not a plain file name (blank, `.`, `..`, a separator, a control
    /// character, or over 255 characters).
    AttachmentNameInvalid {
        /// The name as given.
        name: String,
    },
}

impl ValidationError {
    /// The part of the form this problem belongs to, so it is shown beside that field.
    pub fn field(&self) -> Field {
        use ValidationError::*;
        match self {
            SubjectMissing | SubjectTooLong { .. } => Field::Subject,
            DescriptionMissing | DescriptionTooShort { .. } | DescriptionTooLong { .. } => {
                Field::Description
            }
            PhoneInvalid { .. } => Field::Phone,
            CategoryUnknown { .. } => Field::Category,
            _ => Field::Attachments,
        }
    }

    /// The catalogue key of this error's message.
    pub fn key(&self) -> &'static str {
        use ValidationError::*;
        match self {
            SubjectMissing => "validation.subject.missing",
            SubjectTooLong { .. } => "validation.subject.too_long",
            DescriptionMissing => "validation.description.missing",
            DescriptionTooShort { .. } => "validation.description.too_short",
            DescriptionTooLong { .. } => "validation.description.too_long",
            PhoneInvalid { .. } => "validation.phone.invalid",
            CategoryUnknown { .. } => "validation.category.unknown",
            TooManyAttachments { .. } => "validation.attachments.too_many",
            AttachmentUnreadable { .. } => "validation.attachment.unreadable",
            AttachmentEmpty { .. } => "validation.attachment.empty",
            AttachmentTooLarge { .. } => "validation.attachment.too_large",
            AttachmentsTotalTooLarge { .. } => "validation.attachments.total_too_large",
            AttachmentTypeRefused { .. } => "validation.attachment.type_refused",
            AttachmentNameNotUtf8 { .. } => "validation.attachment.name_not_utf8",
            AttachmentNameInvalid { .. } => "validation.attachment.name_invalid",
        }
    }

    /// The message for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use ValidationError::*;
        let size = |b: &u64| human_size(lang, *b);
        let key = self.key();
        match self {
            SubjectMissing | DescriptionMissing => t(lang, key, &[]),
            SubjectTooLong { len, max } | DescriptionTooLong { len, max } => {
                t(lang, key, &[("len", len), ("max", max)])
            }
            DescriptionTooShort { len, min } => t(lang, key, &[("len", len), ("min", min)]),
            PhoneInvalid { value } | CategoryUnknown { value } => t(lang, key, &[("value", value)]),
            TooManyAttachments { count, max } => t(lang, key, &[("count", count), ("max", max)]),
            AttachmentUnreadable { name, reason } => {
                t(lang, key, &[("name", name), ("reason", reason)])
            }
            AttachmentEmpty { name } | AttachmentNameInvalid { name } => {
                t(lang, key, &[("name", name)])
            }
            AttachmentNameNotUtf8 { lossy } => t(lang, key, &[("name", lossy)]),
            AttachmentTooLarge { name, size: s, max } => t(
                lang,
                key,
                &[("name", name), ("size", &size(s)), ("max", &size(max))],
            ),
            AttachmentsTotalTooLarge { total, max } => {
                t(lang, key, &[("total", &size(total)), ("max", &size(max))])
            }
            AttachmentTypeRefused { name, allowed } => t(
                lang,
                key,
                &[("name", name), ("allowed", &allowed.join(", "))],
            ),
        }
    }
}

/// Every problem found in a draft, in form order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// Every problem's message in `lang`, one per line, in form order.
    pub fn message(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.message(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `text` trimmed, or `None` when nothing is left.
fn filled(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The subject, trimmed; a missing or too long one is noted in `errors`.
fn check_subject(text: &str, limits: &Limits, errors: &mut Vec<ValidationError>) -> String {
    let subject = text.trim().to_owned();
    let len = subject.chars().count();
    if len == 0 {
        errors.push(ValidationError::SubjectMissing);
    } else if len > limits.subject_max {
        errors.push(ValidationError::SubjectTooLong {
            len,
            max: limits.subject_max,
        });
    }
    subject
}

/// The description, trimmed; a missing, too short or too long one is noted in `errors`.
fn check_description(text: &str, limits: &Limits, errors: &mut Vec<ValidationError>) -> String {
    let description = text.trim().to_owned();
    let len = description.chars().count();
    if len == 0 {
        errors.push(ValidationError::DescriptionMissing);
    } else if len < limits.description_min {
        errors.push(ValidationError::DescriptionTooShort {
            len,
            min: limits.description_min,
        });
    } else if len > limits.description_max {
        errors.push(ValidationError::DescriptionTooLong {
            len,
            max: limits.description_max,
        });
    }
    description
}

/// The category chosen among `categories`, if any; an unknown one is noted in `errors`.
fn check_category(
    wanted: Option<&str>,
    categories: &[Category],
    errors: &mut Vec<ValidationError>,
) -> Option<Category> {
    let wanted = filled(wanted)?;
    let found = resolve_category(categories, wanted).cloned();
    if found.is_none() {
        errors.push(ValidationError::CategoryUnknown {
            value: wanted.to_owned(),
        });
    }
    found
}

/// The phone number, if any; one that does not read as a number is noted in `errors`.
fn check_phone(text: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<phone::Phone> {
    let text = filled(text)?;
    let parsed = phone::parse(text);
    if parsed.is_none() {
        errors.push(ValidationError::PhoneInvalid {
            value: text.to_owned(),
        });
    }
    parsed
}

impl Report {
    /// Checks `draft` and reads its attachments. `categories` are the ones the help desk offers
    /// (from its API, the cache or the configuration).
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        draft: &ReportDraft,
        limits: &Limits,
        categories: &[Category],
        facts: MachineFacts,
        created_at_ms: i64,
        lang: Lang,
    ) -> Result<Report, ValidationErrors> {
        let mut errors = Vec::new();
        let subject = check_subject(&draft.subject, limits, &mut errors);
        let description = check_description(&draft.description, limits, &mut errors);
        let category = check_category(draft.category.as_deref(), categories, &mut errors);
        let phone = check_phone(draft.phone.as_deref(), &mut errors);
        let attachments = read_attachments(&draft.attachments, limits, &mut errors);

        if !errors.is_empty() {
            return Err(ValidationErrors(errors));
        }
        let location = filled(draft.location.as_deref()).map(str::to_owned);
        Ok(Report {
            id: Uuid::new_v4(),
            created_at_ms,
            lang,
            subject,
            description,
            category,
            phone,
            location,
            facts,
            attachments,
        })
    }

    /// The size of all its files together, in bytes.
    pub fn attachments_size(&self) -> u64 {
        self.attachments.iter().map(|a| a.bytes.len() as u64).sum()
    }
}

/// Finds a category by id, full path or last path element, ignoring case.
pub fn resolve_category<'a>(categories: &'a [Category], wanted: &str) -> Option<&'a Category> {
    if let Ok(id) = wanted.parse::<u64>() {
        return categories.iter().find(|c| c.id == id);
    }
    let wanted = wanted.to_lowercase();
    categories
        .iter()
        .find(|c| c.name.to_lowercase() == wanted)
        .or_else(|| {
            let mut leaf = categories.iter().filter(|c| {
                c.name
                    .rsplit('>')
                    .next()
                    .is_some_and(|last| last.trim().to_lowercase() == wanted)
            });
            // An ambiguous leaf name ("Autre" under two parents) must not silently pick one.
            match (leaf.next(), leaf.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
}

pub(crate) fn read_attachments(
    sources: &[AttachmentSource],
    limits: &Limits,
    errors: &mut Vec<ValidationError>,
) -> Vec<Attachment> {
    if sources.len() > limits.max_attachments {
        // Reading files the user must remove anyway would only waste time.
        errors.push(ValidationError::TooManyAttachments {
            count: sources.len(),
            max: limits.max_attachments,
        });
        return Vec::new();
    }
    let mut out = Vec::new();
    for source in sources {
        match read_attachment(source, limits) {
            Ok(a) => out.push(a),
            Err(e) => errors.push(e),
        }
    }
    let total: u64 = out.iter().map(|a| a.bytes.len() as u64).sum();
    if total > limits.attachments_total_max_bytes {
        errors.push(ValidationError::AttachmentsTotalTooLarge {
            total,
            max: limits.attachments_total_max_bytes,
        });
    }
    out
}

fn read_attachment(
    source: &AttachmentSource,
    limits: &Limits,
) -> Result<Attachment, ValidationError> {
    let (name, bytes) = match source {
        AttachmentSource::Bytes { name, bytes } => {
            check_name(name)?;
            check_type(name, limits)?;
            check_size(name, bytes.len() as u64, limits)?;
            (name.clone(), bytes.clone())
        }
        AttachmentSource::Path(path) => {
            let name = file_name(path)?;
            check_type(&name, limits)?;
            let bytes = read_file(path, &name, limits)?;
            (name, bytes)
        }
    };
    if bytes.is_empty() {
        return Err(ValidationError::AttachmentEmpty { name });
    }
    let mime = mime_for(&name).to_owned();
    Ok(Attachment { name, mime, bytes })
}

fn file_name(path: &Path) -> Result<String, ValidationError> {
    let raw = path
        .file_name()
        .ok_or_else(|| ValidationError::AttachmentNameInvalid {
            name: path.to_string_lossy().into_owned(),
        })?;
    let name = raw
        .to_str()
        .ok_or_else(|| ValidationError::AttachmentNameNotUtf8 {
            lossy: raw.to_string_lossy().into_owned(),
        })?;
    check_name(name)?;
    Ok(name.to_owned())
}

/// A name travels to the server and into `--dry-run` folders: it must be a plain file name.
fn check_name(name: &str) -> Result<(), ValidationError> {
    let bad = name.trim().is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
        || name.chars().count() > 255;
    if bad {
        return Err(ValidationError::AttachmentNameInvalid {
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn check_type(name: &str, limits: &Limits) -> Result<(), ValidationError> {
    if limits.allows(name) {
        Ok(())
    } else {
        Err(ValidationError::AttachmentTypeRefused {
            name: name.to_owned(),
            allowed: limits.allowed_extensions.clone(),
        })
    }
}

fn check_size(name: &str, size: u64, limits: &Limits) -> Result<(), ValidationError> {
    if size > limits.attachment_max_bytes {
        return Err(ValidationError::AttachmentTooLarge {
            name: name.to_owned(),
            size,
            max: limits.attachment_max_bytes,
        });
    }
    Ok(())
}

fn read_file(path: &Path, name: &str, limits: &Limits) -> Result<Vec<u8>, ValidationError> {
    let unreadable = |e: std::io::Error| ValidationError::AttachmentUnreadable {
        name: name.to_owned(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(ValidationError::AttachmentUnreadable {
            name: name.to_owned(),
            reason: "is a directory".into(),
        });
    }
    check_size(name, meta.len(), limits)?;
    // The size may change between metadata and read: never read more than the limit plus one.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limits.attachment_max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    check_size(name, bytes.len() as u64, limits)?;
    Ok(bytes)
}

/// The MIME type help desks expect for common attachment types.
pub fn mime_for(name: &str) -> &'static str {
    match extension(name).as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("svg") => "image/svg+xml",
        Some("tif" | "tiff") => "image/tiff",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("html") => "text/html",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("odp") => "application/vnd.oasis.opendocument.presentation",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("doc") => "application/msword",
        Some("xls") => "application/vnd.ms-excel",
        _ => "application/octet-stream",
    }
}
