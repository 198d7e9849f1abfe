//! Guichet's core: everything that is not a window. It knows nothing of Tauri, so that the resident
//! agent, the headless CLI, the outbox worker and the tests share one implementation. The types
//! that cross between processes live in `guichet-protocol`, which the window process uses alone.
//!
//! - [`api`]: the one API ([`api::Guichet`]) and its one error type; [`api::dispatch`] answers the
//!   IPC protocol's requests for the agent and the CLI alike.
//! - [`report`]: validation of the report a user files; [`phone`]: phone numbers;
//!   [`html`]: the ticket's body, escaped, and the sanitiser for the help desk's HTML.
//! - [`facts`]: machine facts gathered automatically and added to every ticket.
//! - [`connector`]: the help-desk trait, its errors, what every help desk shares, and one folder
//!   per help desk (`glpi/`, `rt/`), listed once in [`connector::registry`].
//! - [`outbox`]: the durable sled queue that delivers each report and action exactly once.
//! - [`action`]: validation of what a user does on an existing ticket.
//! - [`follow`]: which tickets are followed, the status poller and the notices it derives.
//! - [`config`]: the TOML configuration; the `[server]` section is the connector's.
//! - [`net`]: how to reach a help desk (`HttpConfig`), trust and proxies; [`doctor`]: the
//!   connection doctor, whose findings ([`diagnosis`]) each connector's own steps share.
//! - [`profile`]: the user's remembered phone and location.
//! - [`capture`]: screenshots of every monitor, masks burned in, JPEG encoding, under IT's limits.
//! - [`display`]: which display session this is (X11, Wayland…), read at run time; capture and
//!   the agent's global shortcut choose their back ends from it.
//! - [`platform`]: what differs between operating systems (one folder each).
//! - [`clock`]: injectable time, so back-off and polling are testable.
//! - [`i18n`]: the message catalogue (from `guichet-protocol`).

#![deny(missing_docs)]

pub mod action;
pub mod api;
pub mod capture;
pub mod clock;
pub mod config;
pub mod connector;
pub mod credentials;
pub mod diagnosis;
/// Which display session this process runs in (the protocol's: the window process reads it too).
pub use guichet_protocol::display;
pub mod doctor;
pub mod facts;
pub mod follow;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
pub mod html;
pub mod net;
pub mod outbox;
pub mod phone;
pub mod platform;
pub mod profile;
pub mod report;
pub mod shortcut;

pub use guichet_protocol as protocol;
pub use guichet_protocol::i18n;

pub use api::{ApiError, Guichet};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Config;
pub use connector::{Connector, ConnectorError};
pub use i18n::Lang;
pub use outbox::Outbox;
pub use report::{Report, ReportDraft, ValidationError, ValidationErrors};
