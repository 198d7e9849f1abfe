//! Guichet's one API: everything it does with reports, tickets and settings, shared by the
//! resident agent, its outbox worker, the CLI when no agent runs, and the tests. Every method
//! returns one error type, [`ApiError`]; [`dispatch::answer`] serves the IPC protocol's requests
//! with it, so the agent and the CLI's direct mode give the same answers through one function.
//!
//! - `error`: [`ApiError`] and how it reads to people;
//! - `dispatch`: a [`Request`](guichet_protocol::ipc::Request) answered with a `Response`;
//! - `owner`: who owns the outbox ([`OutboxOwner`]): this process, or the agent's worker;
//! - `worker`: the agent ↔ outbox-worker messages and the worker's side of them;
//! - `reports`: a report validated from what the user typed, and its dry run;
//! - `delivery`: reports and actions made durable and tried, the queue flushed, retried and
//!   dismissed, and the follow-up state told what was delivered;
//! - `queue`: outbox entries as the lists show them;
//! - `tickets`: the user's tickets, one in detail, actions on them, and their follow-up;
//! - `context`: what the windows are shown (the pre-filled profile, categories, Settings);
//! - `account` and `preferences`: signing in and out, and the user's own settings.
//!
//! This file keeps [`Guichet`] itself: its construction from the configuration's layers and its
//! accessors.

mod account;
mod context;
mod delivery;
pub mod dispatch;
mod error;
mod owner;
mod preferences;
mod queue;
mod reports;
mod tickets;
pub mod worker;

pub use account::SignInError;
pub use error::ApiError;
pub use owner::OutboxOwner;
pub use preferences::PreferencesError;
pub use reports::{LOG_ATTACHMENT, LOG_TAIL_BYTES};

use crate::clock::{unix_ms, Clock};
use crate::config::{self, Config};
use crate::connector::{self, Connector, ConnectorError};
use crate::follow::FollowStore;
use crate::i18n::Lang;
use crate::outbox::{Backoff, Courier, Outbox, OutboxError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long an operation waits for another process to release the outbox.
const OUTBOX_WAIT: Duration = Duration::from_secs(10);

/// Guichet's operations on reports.
#[derive(Debug)]
pub struct Guichet {
    config: Config,
    lang: Lang,
    data_dir: PathBuf,
    connector: Option<Arc<dyn Connector>>,
    clock: Arc<dyn Clock>,
    courier: Courier,
    follow: FollowStore,
    /// The outbox is opened per operation and closed after, so that an idle agent holds no sled
    /// threads; this serialises the operations of one process.
    outbox_turn: tokio::sync::Mutex<()>,
    /// Where the configuration came from, and what was wrong with it (see `account`).
    sources: account::Sources,
}

impl Guichet {
    /// Guichet on `config` as given, its data in `data_dir` (tests and tools; the agent and the
    /// CLI use [`Guichet::from_environment`]).
    pub fn new(
        config: Config,
        data_dir: PathBuf,
        clock: Arc<dyn Clock>,
    ) -> Result<Guichet, ApiError> {
        let sources = account::Sources::single(&data_dir);
        Guichet::with_sources(config, sources, data_dir, clock)
    }

    fn with_sources(
        config: Config,
        sources: account::Sources,
        data_dir: PathBuf,
        clock: Arc<dyn Clock>,
    ) -> Result<Guichet, ApiError> {
        let connector = match &config.server {
            // Not signed in yet: reports wait in the outbox, as with no help desk at all.
            Some(server) => match connector::from_config(server) {
                Ok(connector) => Some(connector),
                Err(ConnectorError::NotConfigured) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        // An attempt whose answer never came may still be under way for as long as a request
        // may take: the search for it waits that long.
        let settle = config
            .server
            .as_ref()
            .map_or(crate::outbox::DEFAULT_SETTLE, |s| s.http.timeout());
        let courier =
            Courier::new(connector.clone(), clock.clone(), Backoff::default()).with_settle(settle);
        Ok(Guichet {
            lang: config.lang(),
            config,
            follow: FollowStore::new(&data_dir),
            data_dir,
            connector,
            clock,
            courier,
            outbox_turn: tokio::sync::Mutex::new(()),
            sources,
        })
    }

    /// The configuration in its layers (IT's file named by `--config` / `GUICHET_CONFIG`, else
    /// the system's; the user's settings), data under `GUICHET_DATA_DIR`, secrets in the OS
    /// keyring. A configuration file that is not valid is left out and reported
    /// ([`Guichet::config_problems`]), so that Guichet still starts.
    pub fn from_environment(
        config_path: Option<&Path>,
        clock: Arc<dyn Clock>,
    ) -> Result<Guichet, ApiError> {
        let data_dir = config::data_dir()?;
        let secrets: Arc<dyn crate::credentials::SecretStore> =
            Arc::new(crate::credentials::OsKeyring);
        Guichet::from_layers(config_path, data_dir, clock, secrets)
    }

    /// [`Guichet::from_environment`] with the data directory and the secret store given.
    pub fn from_layers(
        config_path: Option<&Path>,
        data_dir: PathBuf,
        clock: Arc<dyn Clock>,
        secrets: Arc<dyn crate::credentials::SecretStore>,
    ) -> Result<Guichet, ApiError> {
        let loaded = config::layers::load(config_path, &data_dir);
        let (config, sources) = account::Sources::resolve(loaded, config_path, secrets);
        Guichet::with_sources(config, sources, data_dir, clock)
    }

    /// This Guichet loaded again from the same places (after a sign-in or a sign-out).
    pub fn reloaded(&self) -> Result<Guichet, ApiError> {
        Guichet::from_layers(
            self.sources.config_path.as_deref(),
            self.data_dir.clone(),
            self.clock.clone(),
            self.sources.secrets.clone(),
        )
    }

    /// The language Guichet speaks to this user ([`Config::lang`]).
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The configuration in force, all layers merged.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where the outbox, the follow-up state, the profile and the caches live.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The help desk's connector; `None` when none is configured or nobody is signed in.
    pub fn connector(&self) -> Option<&Arc<dyn Connector>> {
        self.connector.as_ref()
    }

    /// The clock's time, ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        unix_ms(self.clock.now())
    }

    fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Whether an outbox was ever created here (if not, nothing can be waiting in it).
    pub fn has_outbox(&self) -> bool {
        self.outbox_dir().exists()
    }

    async fn open_outbox(&self) -> Result<Outbox, OutboxError> {
        Outbox::open_async(&self.outbox_dir(), OUTBOX_WAIT).await
    }

    /// The clock every delay and timestamp is taken from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
