//! What crosses between Guichet's processes, and nothing that needs a network, a database or a
//! display: the window process (`guichet-ui`) depends on this crate alone.
//!
//! - [`ticket`]: the help-desk-neutral ticket model (statuses, timeline, solution, survey,
//!   documents, change stamps and timestamps, capabilities); connectors map their own vocabulary
//!   onto it.
//! - [`report`]: what a user fills in, the limits it must respect, and the form's fields.
//! - [`facts`]: the machine facts shown to the user and added to each ticket.
//! - [`action`]: what a user can do on an existing ticket.
//! - [`annotation`]: the rectangles drawn on a screenshot.
//! - [`display`]: which display session this process runs in, read from the environment.
//! - [`desktop`]: how this desktop session is captured and its shortcut heard.
//! - [`notice`]: what the follow-up loop tells the user about their tickets.
//! - [`view`]: what the windows and the CLI show (outbox items, "My tickets", settings, wizard).
//! - [`error`]: errors as people see them: a code from a closed set and a message in their language.
//! - [`i18n`]: the French and English message catalogue.
//! - [`ipc`]: the versioned request and response types.
//! - [`logs`]: where the diagnostic logs live, and (feature `logging`) the processes' log set-up.
//! - [`setting`]: the settings IT can lock, each key written once.
//! - [`private`]: what Guichet writes is its user's alone (0700 directories, 0600 files, a
//!   tightened earlier installation).
//! - [`transport`]: the user-only local channel that carries them (one file per platform).

#![deny(missing_docs)]

pub mod action;
pub mod annotation;
pub mod desktop;
pub mod display;
pub mod doctor;
pub mod error;
pub mod facts;
pub mod i18n;
pub mod ipc;
pub mod logs;
pub mod naming;
pub mod notice;
pub mod private;
pub mod report;
pub mod setting;
pub mod ticket;
pub mod transport;
pub mod view;

pub use error::{ErrorCode, ErrorInfo, FieldError};
pub use i18n::Lang;
pub use ticket::TicketId;
