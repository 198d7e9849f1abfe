//! What a user fills in to report a problem, the limits a report must respect, and the parts of
//! the form an error can belong to. Validation itself lives in the core (`guichet_core::report`).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A help-desk category, `name` being its full path ("Matériel > Imprimante").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Category {
    /// The category's id on the help desk.
    pub id: u64,
    /// Its full path, as people read it.
    pub name: String,
}

/// The limits a report must respect. IT can change them in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Most characters in a subject.
    pub subject_max: usize,
    /// Fewest characters in a description.
    pub description_min: usize,
    /// Most characters in a description.
    pub description_max: usize,
    /// Most files attached to one report or followup.
    pub max_attachments: usize,
    /// Most bytes in one attached file.
    pub attachment_max_bytes: u64,
    /// Most bytes in all of a report's files together.
    pub attachments_total_max_bytes: u64,
    /// File extensions Guichet sends, lower case, without the dot: this computer's setting
    /// (`[limits] allowed_extensions`, IT's), not the help desk's (RT has no such list; GLPI's
    /// own list is checked by GLPI, which says so itself).
    pub allowed_extensions: Vec<String>,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        // GLPI's default uploadable document types, minus the rare ones; no WebP (GLPI 10 refuses it).
        let allowed = [
            "7z", "bmp", "csv", "doc", "docx", "eml", "gif", "gz", "html", "jpeg", "jpg", "json",
            "log", "mp3", "mp4", "msg", "odg", "odp", "ods", "odt", "pdf", "png", "ppt", "pptx",
            "rar", "rtf", "svg", "tar", "tgz", "tif", "tiff", "txt", "wav", "xls", "xlsx", "xml",
            "zip",
        ];
        Limits {
            subject_max: 120,
            description_min: 15,
            description_max: 5000,
            max_attachments: 5,
            attachment_max_bytes: 10 * MIB,
            attachments_total_max_bytes: 20 * MIB,
            allowed_extensions: allowed.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl Limits {
    /// Limits that contradict each other (a minimum above its maximum) are IT's mistake.
    pub fn check(&self) -> Result<(), LimitsError> {
        if self.description_min > self.description_max {
            return Err(LimitsError::DescriptionBounds);
        }
        if self.attachment_max_bytes > self.attachments_total_max_bytes {
            return Err(LimitsError::AttachmentBounds);
        }
        Ok(())
    }

    /// Whether the help desk accepts a file of this name (by its extension).
    pub fn allows(&self, name: &str) -> bool {
        extension(name).is_some_and(|ext| {
            self.allowed_extensions
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&ext))
        })
    }
}

/// The part of the form a validation error belongs to, so the UI can show it beside that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// The report's subject.
    Subject,
    /// The report's description.
    Description,
    /// The chosen category.
    Category,
    /// The phone number to call back.
    Phone,
    /// The attached files (and screenshots).
    Attachments,
    /// A followup's text.
    Message,
    /// Why a solution is refused.
    Reason,
    /// An approval's or a survey's comment.
    Comment,
    /// A survey's score.
    Score,
    /// The global shortcut (the Settings window).
    Shortcut,
}

/// Contradictory limits in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitsError {
    /// `description_min` is above `description_max`.
    #[error("limits.description_min is larger than limits.description_max")]
    DescriptionBounds,
    /// `attachment_max_bytes` is above `attachments_total_max_bytes`.
    #[error("limits.attachment_max_bytes is larger than limits.attachments_total_max_bytes")]
    AttachmentBounds,
}

/// What a user fills in (the wizard, or CLI flags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReportInput {
    /// A one-line summary of the problem.
    pub subject: String,
    /// What happens, in the user's words.
    pub description: String,
    /// A category's id or full name; `None` leaves it to the help desk.
    pub category: Option<String>,
    /// The phone number to call back; `None` uses the remembered one.
    pub phone: Option<String>,
    /// Where the user is (office, room); `None` uses the remembered one.
    pub location: Option<String>,
    /// Files to attach, by path.
    #[serde(default)]
    pub attachments: Vec<PathBuf>,
    /// The user agreed to attach the end of the agent's diagnostic log (`guichet-log.txt`).
    /// Off unless asked for; absent in older clients' requests.
    #[serde(default)]
    pub attach_log: bool,
}

/// A file name's extension, lower case; `None` for "name", ".hidden" or "name.".
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}
