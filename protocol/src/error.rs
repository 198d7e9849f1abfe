//! Errors as people see them: a code from a closed set that the windows and scripts branch on,
//! and a message in the user's language. Internal details never travel here: the process that
//! met the error logs them.

use crate::i18n::{t, Lang};
use crate::report::Field;
use serde::{Deserialize, Serialize};

/// The closed set of error codes the UI and scripts branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The help desk could not be reached: what was sent waits in the outbox.
    Offline,
    /// The help desk refused the credentials: someone must sign in again.
    Unauthorized,
    /// What the user typed is not acceptable; `fields` says where.
    Validation,
    /// The help desk answered with an error of its own.
    Server,
    /// A fault of Guichet or of this computer (a disk, a database); the log has the detail.
    Internal,
}

/// An error as people see it: a code to branch on and a message in their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ErrorInfo {
    /// What the windows and scripts branch on.
    pub code: ErrorCode,
    /// What happened and what to do, in the user's language.
    pub message: String,
    /// For validation errors: each problem beside its field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One validation problem, beside the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The form field to show the problem beside.
    pub field: Field,
    /// The catalogue key of the problem (`validation.subject.empty`…), for tests and scripts.
    pub key: String,
    /// The problem, in the user's language.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`, its catalogue `key` and its worded `message`.
    pub fn new(field: Field, key: &str, message: String) -> FieldError {
        FieldError {
            field,
            key: key.to_owned(),
            message,
        }
    }
}

impl ErrorInfo {
    /// An error with `code` and `message`, attached to no field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorInfo {
        ErrorInfo {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A validation error made of field problems; `message` sums them up.
    pub fn validation(message: String, fields: Vec<FieldError>) -> ErrorInfo {
        ErrorInfo {
            code: ErrorCode::Validation,
            message,
            fields,
        }
    }

    /// An internal error, worded from the catalogue key `key` (a `error.internal.*` entry) in
    /// the user's language. What went wrong in detail belongs in the log, not here.
    pub fn internal(lang: Lang, key: &str) -> ErrorInfo {
        ErrorInfo::new(ErrorCode::Internal, t(lang, key, &[]))
    }
}
