//! The one error of the window process's commands, as the web UI receives it.

use guichet_protocol::{ErrorInfo, Lang};
use serde::Serialize;

/// An error as the UI receives it: `{code, message, fields}`, with a code from the closed set the
/// UI branches on (offline, unauthorized, validation, server, internal).
#[derive(Debug, thiserror::Error, Serialize)]
#[serde(transparent)]
#[error("{}", .0.message)]
pub struct CommandError(pub ErrorInfo);

impl From<ErrorInfo> for CommandError {
    fn from(info: ErrorInfo) -> Self {
        CommandError(info)
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        tracing::warn!("window: {e}");
        CommandError(ErrorInfo::internal(Lang::from_env(), "error.window"))
    }
}
