//! The one error type of Guichet's API, and how each error reads to a person: a code from the
//! closed set and a message in their language. The detail (paths, sled's or the socket's own
//! words) is for the log: [`ApiError::info`] never puts it on a screen, except the help desk's own
//! explanation of a refusal, which people can act on.

use crate::action::ActionErrors;
use crate::capture::CaptureError;
use crate::config::ConfigError;
use crate::connector::ConnectorError;
use crate::follow::FollowError;
use crate::i18n::Lang;
use crate::outbox::OutboxError;
use crate::report::{Field, ValidationErrors};
use guichet_protocol::error::{ErrorCode, ErrorInfo, FieldError};
use guichet_protocol::ipc::IpcError;

/// Why a call to Guichet's API failed; [`ApiError::info`] says it to the user.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The configuration could not be read or loaded again.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The outbox's database failed, is full or is held by another process.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The store of followed tickets failed.
    #[error(transparent)]
    Follow(#[from] FollowError),
    /// The help desk could not be reached, refused, or answered something unusable.
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    /// The report (or the remembered phone) is not valid: every problem, per field.
    #[error("the report is not valid: {}", .0.message(Lang::En))]
    Validation(#[from] ValidationErrors),
    /// The action on a ticket is not valid: every problem, per field.
    #[error("the action is not valid: {}", .0.message(Lang::En))]
    Action(#[from] ActionErrors),
    /// The screens could not be captured or the screenshot encoded.
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// The local channel to another Guichet process failed.
    #[error(transparent)]
    Ipc(#[from] IpcError),
    /// The user's remembered phone and location could not be written.
    #[error("cannot save the user's settings: {0}")]
    Profile(std::io::Error),
    /// Signing in did not happen.
    #[error(transparent)]
    SignIn(#[from] super::SignInError),
    /// The Settings window's preferences were not saved.
    #[error(transparent)]
    Preferences(#[from] super::PreferencesError),
    /// The agent's outbox worker could not be started, or stopped answering.
    #[error("the outbox worker: {0}")]
    Worker(#[source] std::io::Error),
    /// An attached file's bytes, sent over IPC, did not decode or did not match its attachments.
    #[error("an attached file arrived damaged over IPC")]
    DamagedFile,
    /// The request (named by its kind) needs the resident agent (its windows, its capture), and
    /// was answered in process.
    #[error("`{0}` is answered by the resident agent only")]
    NeedsAgent(&'static str),
    /// Already worded for the user by another Guichet process (the agent's outbox worker).
    #[error("{}", .0.message)]
    Reported(ErrorInfo),
}

impl ApiError {
    /// The error as the user sees it, in `lang`.
    pub fn info(&self, lang: Lang) -> ErrorInfo {
        let internal = |key: &str| ErrorInfo::internal(lang, key);
        match self {
            ApiError::Connector(e) => e.info(lang),
            ApiError::Validation(e) => ErrorInfo::validation(
                e.message(lang),
                e.0.iter()
                    .map(|v| FieldError::new(v.field(), v.key(), v.message(lang)))
                    .collect(),
            ),
            ApiError::Action(e) => ErrorInfo::validation(
                e.message(lang),
                e.action
                    .iter()
                    .map(|v| FieldError::new(v.field(), v.key(), v.message(lang)))
                    .chain(
                        e.attachments
                            .iter()
                            .map(|v| FieldError::new(Field::Attachments, v.key(), v.message(lang))),
                    )
                    .collect(),
            ),
            ApiError::Capture(e) => ErrorInfo::new(ErrorCode::Internal, e.message(lang)),
            ApiError::Reported(info) => info.clone(),
            ApiError::SignIn(
                e @ (super::SignInError::Keyring(_) | super::SignInError::Save(_)),
            ) => {
                tracing::warn!("{e}");
                ErrorInfo::new(ErrorCode::Internal, e.message(lang))
            }
            ApiError::SignIn(super::SignInError::Refused { message }) => {
                ErrorInfo::new(ErrorCode::Unauthorized, message.clone())
            }
            ApiError::SignIn(e) => ErrorInfo::new(ErrorCode::Validation, e.message(lang)),
            ApiError::Ipc(e) => e.info(lang),
            ApiError::Preferences(e) => e.info(lang),
            ApiError::Outbox(OutboxError::Busy { .. }) => internal("error.outbox_busy"),
            ApiError::Outbox(e) if e.is_disk_full() => internal("error.disk_full"),
            ApiError::Outbox(_) | ApiError::Worker(_) => internal("error.outbox"),
            ApiError::Follow(_) => internal("error.follow"),
            ApiError::Config(_) => internal("error.config"),
            ApiError::Profile(_) => internal("error.profile_save"),
            ApiError::DamagedFile => internal("error.damaged_file"),
            ApiError::NeedsAgent(_) => internal("error.needs_agent"),
        }
    }

    /// [`ApiError::info`], with the detail written to the log first when the user is not shown
    /// it (every internal error).
    pub fn report(&self, lang: Lang) -> ErrorInfo {
        let info = self.info(lang);
        if info.code == ErrorCode::Internal {
            tracing::warn!("{self}");
        }
        info
    }
}
