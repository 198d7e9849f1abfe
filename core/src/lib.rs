//! Guichet's core: everything that is not a window. It knows nothing of Tauri, so that the resident
//! agent, the headless CLI, the window process and the tests all share one implementation.
//!
//! - [`report`]: the report a user files, and its validation.
//! - [`facts`]: machine facts gathered automatically and added to every ticket.
//! - [`connector`]: the help-desk back ends (GLPI today) behind one [`connector::Connector`] trait.
//! - [`outbox`]: the durable sled queue that delivers each report exactly once.
//! - [`action`]: what a user does on an existing ticket (followup, approve, refuse, rate).
//! - [`follow`]: which tickets are followed, the status poller and the notices it derives.
//! - [`config`]: the TOML configuration and where data lives.
//! - [`i18n`]: the French and English message catalogue shared by the CLI, tray and notifications.
//! - [`clock`]: injectable time, so back-off and polling are testable.
//! - [`netwatch`]: the kernel's word that the network came back, so nothing waits for a back-off.

pub mod action;
pub mod capture;
pub mod clock;
pub mod config;
pub mod connector;
pub mod facts;
pub mod follow;
pub mod html;
pub mod i18n;
pub mod ipc;
pub mod netwatch;
pub mod outbox;
pub mod phone;
pub mod profile;
pub mod report;
pub mod service;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use connector::{Connector, ConnectorError};
pub use i18n::Lang;
pub use outbox::Outbox;
pub use report::{Report, ReportDraft, ValidationError, ValidationErrors};
