//! Guichet's one API: everything it does with reports, tickets and settings, shared by the
//! resident agent, its outbox worker, the CLI when no agent runs, and the tests. Every method
//! returns one error type, [`ApiError`]; [`dispatch::answer`] serves the IPC protocol's requests
//! with it, so the agent and the CLI's direct mode give the same answers through one function.
//!
//! - `error`: [`ApiError`] and how it reads to people;
//! - `dispatch`: a [`Request`](guichet_protocol::ipc::Request) answered with a `Response`;
//! - `owner`: who owns the outbox ([`OutboxOwner`]): this process, or the agent's worker;
//! - `worker`: the agent ↔ outbox-worker messages and the worker's side of them;
//! - `queue`: outbox entries as the lists show them;
//! - `account` and `preferences`: signing in and out, and the user's own settings.

mod account;
pub mod dispatch;
mod error;
mod owner;
mod preferences;
mod queue;
pub mod worker;

pub use account::SignInError;
pub use error::ApiError;
pub use owner::OutboxOwner;
pub use preferences::PreferencesError;

use crate::action::{ActionInput, TicketAction};
use crate::clock::{unix_ms, Clock};
use crate::config::{self, Config};
use crate::connector::categories::{self, CategoryList};
use crate::connector::{
    self, Capabilities, Connector, ConnectorError, TicketDetail, TicketId, TicketSummary,
};
use crate::facts::{self, ScreenInfo};
use crate::follow::{FollowState, FollowStore, PollSettings, StatusPoller};
use crate::i18n::{t, Lang};
use crate::outbox::{Backoff, Courier, FlushReport, Outbox, OutboxError, Outcome};
use crate::profile::Profile;
use crate::report::{AttachmentSource, Report, ReportDraft, ReportInput};
use guichet_protocol::error::{ErrorCode, ErrorInfo};
use guichet_protocol::view::{FlushSummary, MyTickets, QueueItem, SettingsView, SubmitOutcome};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The most of the agent's log a report carries when the user agrees to attach it.
pub const LOG_TAIL_BYTES: u64 = 200 * 1024;

/// The attached log's file name.
pub const LOG_ATTACHMENT: &str = "guichet-log.txt";

/// The end of the agent's current log file as an attachment: at most [`LOG_TAIL_BYTES`], and
/// never more than one attachment may weigh. `None` (and a warning) when there is no log file.
fn diagnostic_log(limits: &crate::report::Limits) -> Option<AttachmentSource> {
    use guichet_protocol::logs;
    let Some(path) = logs::log_dir().and_then(|dir| logs::current_file(&dir, logs::AGENT_LOG))
    else {
        tracing::warn!("the diagnostic log was asked for, but there is no log file");
        return None;
    };
    match logs::tail(&path, LOG_TAIL_BYTES.min(limits.attachment_max_bytes)) {
        Ok(bytes) => Some(AttachmentSource::Bytes {
            name: LOG_ATTACHMENT.to_owned(),
            bytes,
        }),
        Err(e) => {
            tracing::warn!("cannot read the diagnostic log {}: {e}", path.display());
            None
        }
    }
}

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

    pub fn lang(&self) -> Lang {
        self.lang
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
    pub fn connector(&self) -> Option<&Arc<dyn Connector>> {
        self.connector.as_ref()
    }
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

    /// The phone and location to pre-fill: remembered, else IT's defaults.
    pub fn profile(&self) -> Profile {
        let mut profile = Profile::load(&self.data_dir, &self.config.defaults);
        // IT's value wins for a key it locked.
        if self.config.is_locked(config::Lockable::DefaultsPhone) {
            profile.phone = self.config.defaults.phone.clone();
        }
        if self.config.is_locked(config::Lockable::DefaultsLocation) {
            profile.location = self.config.defaults.location.clone();
        }
        profile
    }

    /// Categories for the wizard and validation, without touching the network.
    pub fn offline_categories(&self) -> CategoryList {
        categories::cached_or_configured(&self.config.categories, &self.data_dir)
    }

    /// Categories, refreshed from the help desk when it allows it.
    pub async fn categories(&self) -> CategoryList {
        categories::load(
            self.connector.as_deref(),
            &self.config.categories,
            &self.data_dir,
        )
        .await
    }

    /// Validates `input` into a report. `extra` are attachments already in memory (screenshots);
    /// `screens` go into the machine facts. A valid phone and location are remembered.
    pub fn build_report(
        &self,
        input: &ReportInput,
        extra: Vec<AttachmentSource>,
        screens: Vec<ScreenInfo>,
    ) -> Result<Report, ApiError> {
        let profile = self.profile();
        let log = input
            .attach_log
            .then(|| diagnostic_log(&self.config.limits))
            .flatten();
        let draft = ReportDraft {
            subject: input.subject.clone(),
            description: input.description.clone(),
            category: input.category.clone(),
            phone: input.phone.clone().or_else(|| profile.phone.clone()),
            location: input.location.clone().or_else(|| profile.location.clone()),
            attachments: extra
                .into_iter()
                .chain(
                    input
                        .attachments
                        .iter()
                        .cloned()
                        .map(AttachmentSource::Path),
                )
                .chain(log)
                .collect(),
        };
        let known = self.offline_categories();
        let report = Report::build(
            &draft,
            &self.config.limits,
            &known.categories,
            facts::gather(screens),
            self.now_ms(),
            self.lang,
        )?;
        let remembered = Profile {
            phone: draft.phone.clone(),
            location: draft.location.clone(),
        };
        if remembered != profile {
            if let Err(e) = remembered.save(&self.data_dir) {
                tracing::warn!("cannot remember the phone number: {e}");
            }
        }
        Ok(report)
    }

    /// What `guichet report --dry-run` writes: the request the help desk would be sent (files
    /// aside), or `None` when no help desk is configured (the report would wait in the outbox).
    pub fn dry_run(&self, report: &Report) -> Option<serde_json::Value> {
        self.connector.as_ref().map(|c| c.dry_run(report))
    }

    /// Makes `report` durable, then makes one attempt to deliver it. Never waits through
    /// back-off: an unreachable help desk gives `Queued` at once.
    pub async fn submit(&self, report: Report) -> Result<SubmitOutcome, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox().await?;
        if let Some(sent) = outbox.sent_record(report.id)? {
            // Submitted again after it was delivered (a worker that died before answering):
            // the same ticket, not a second one.
            return Ok(SubmitOutcome::Sent {
                ticket: sent.ticket,
                rejected: Vec::new(),
            });
        }
        outbox.enqueue(&report, self.now_ms())?;
        let id = report.id;
        let subject = report.subject.clone();
        drop(report);
        let outcome = self.courier.deliver(&outbox, id).await?;
        if let Outcome::Sent(d) = &outcome {
            self.track(d.ticket, &subject).await;
        }
        Ok(self.submit_outcome(id, outcome))
    }

    /// What one attempt on outbox entry `id` means to the user.
    fn submit_outcome(&self, id: Uuid, outcome: Outcome) -> SubmitOutcome {
        match outcome {
            Outcome::Sent(d) => SubmitOutcome::Sent {
                ticket: d.ticket,
                rejected: d.rejected,
            },
            Outcome::Waiting { error, .. } => SubmitOutcome::Queued {
                id,
                reason: error.info(self.lang),
            },
            Outcome::Settling { .. } => SubmitOutcome::Queued {
                id,
                reason: ErrorInfo::new(ErrorCode::Offline, t(self.lang, "outbox.settling", &[])),
            },
            Outcome::Failed(error) => SubmitOutcome::Failed {
                id,
                error: error.info(self.lang),
            },
        }
    }

    /// Every report and action still in the outbox, reports first.
    pub async fn queue(&self) -> Result<Vec<QueueItem>, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(queue::items(&self.open_outbox().await?, self.lang)?)
    }

    /// Tries every waiting report and action now, ignoring back-off.
    pub async fn flush(&self) -> Result<FlushSummary, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox().await?;
        let result = self.flush_outbox(&outbox, true).await?;
        let items = queue::items(&outbox, self.lang)?;
        Ok(queue::summary(result, items))
    }

    /// Flushes, then records what reached the help desk in the follow-up state: new tickets are
    /// followed, and the user's own actions are not announced back to them.
    async fn flush_outbox(
        &self,
        outbox: &Outbox,
        ignore_backoff: bool,
    ) -> Result<FlushReport, OutboxError> {
        let reports: Vec<(Uuid, String)> = outbox
            .list()?
            .into_iter()
            .map(|e| (e.item.id, e.item.subject))
            .collect();
        let actions: Vec<TicketAction> = outbox.actions()?.into_iter().map(|e| e.item).collect();
        let result = self.courier.flush(outbox, ignore_backoff).await?;
        let keep_ms = i64::try_from(self.config.retention.sent().as_millis()).unwrap_or(i64::MAX);
        let expired = outbox.expire_sent(self.now_ms().saturating_sub(keep_ms))?;
        if expired > 0 {
            tracing::info!("forgot {expired} delivered report(s) past their retention");
        }
        for (id, delivery) in &result.reports.sent {
            tracing::info!("report {id} delivered as ticket {}", delivery.ticket);
            if let Some((_, subject)) = reports.iter().find(|(r, _)| r == id) {
                self.track(delivery.ticket, subject).await;
            }
        }
        for (id, _) in &result.actions.sent {
            if let Some(action) = actions.iter().find(|a| a.id == *id) {
                self.note_action(action).await;
            }
        }
        Ok(result)
    }

    /// Follows a ticket just filed. A failure only costs its notifications, so it is logged.
    async fn track(&self, ticket: TicketId, subject: &str) {
        if let Err(e) = self.follow.update(|s| s.track(ticket, subject)).await {
            tracing::warn!("ticket {ticket} will not be followed: {e}");
        }
    }

    /// Records what the user's action did to the ticket, as the help desk's workflow has it.
    async fn note_action(&self, action: &TicketAction) {
        let Some(connector) = &self.connector else {
            return;
        };
        let effect = connector.effect(&action.kind);
        let subject = self
            .follow
            .read()
            .tickets
            .get(&action.ticket)
            .map(|w| w.seen.subject.clone())
            .unwrap_or_default();
        if let Err(e) = self
            .follow
            .update(|s| s.note_action(action.ticket, effect, &subject))
            .await
        {
            tracing::warn!(
                "follow-up state not updated after {}: {e}",
                action.kind.name()
            );
        }
    }

    /// Validates what the user wants to do on a ticket.
    pub fn build_action(&self, input: &ActionInput) -> Result<TicketAction, ApiError> {
        Ok(TicketAction::build(
            input,
            &self.config.limits,
            self.now_ms(),
            self.lang,
        )?)
    }

    /// Makes `action` durable, then makes one attempt to perform it (like [`Guichet::submit`]).
    pub async fn act(&self, action: TicketAction) -> Result<SubmitOutcome, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox().await?;
        outbox.enqueue(&action, self.now_ms())?;
        let id = action.id;
        let outcome = self.courier.perform(&outbox, id).await?;
        if matches!(outcome, Outcome::Sent(_)) {
            self.note_action(&action).await;
        }
        Ok(self.submit_outcome(id, outcome))
    }

    /// What the help desk lets the user do (everything, queued, when none is configured).
    pub fn capabilities(&self) -> Capabilities {
        self.connector
            .as_ref()
            .map_or(Capabilities::ALL, |c| c.capabilities())
    }

    /// One ticket in detail, from the help desk. Opening it marks its notices read.
    pub async fn ticket(&self, id: TicketId) -> Result<TicketDetail, ApiError> {
        let connector = self
            .connector
            .as_ref()
            .ok_or(ConnectorError::NotConfigured)?;
        let detail = connector.ticket_detail(id).await?;
        if let Err(e) = self.follow.update(|s| s.mark_read(Some(id))).await {
            tracing::warn!("{e}");
        }
        Ok(detail)
    }

    /// "My tickets": from the help desk, or from what this computer knows when it is offline.
    pub async fn my_tickets(&self) -> MyTickets {
        let state = self.follow.read();
        match self.tickets().await {
            Ok(tickets) => MyTickets {
                tickets,
                offline: None,
                unread: state.unread,
                language: self.lang,
            },
            Err(e) => MyTickets {
                tickets: state.summaries(),
                offline: Some(e.info(self.lang)),
                unread: state.unread,
                language: self.lang,
            },
        }
    }

    /// Remembers the user's own phone and location (the Settings window). The phone is checked
    /// like a report's.
    pub fn save_profile(
        &self,
        phone: Option<String>,
        location: Option<String>,
    ) -> Result<Profile, ApiError> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let (phone, location) = (clean(phone), clean(location));
        if let Some(p) = &phone {
            if crate::phone::parse(p).is_none() {
                let error = crate::report::ValidationError::PhoneInvalid { value: p.clone() };
                return Err(crate::report::ValidationErrors(vec![error]).into());
            }
        }
        let profile = Profile { phone, location };
        profile.save(&self.data_dir).map_err(ApiError::Profile)?;
        Ok(self.profile())
    }

    /// The Settings window's content; `queued` is counted by the outbox's owner.
    pub fn settings(&self, queued: usize) -> SettingsView {
        let profile = self.profile();
        SettingsView {
            phone: profile.phone,
            location: profile.location,
            server: self.config.server.as_ref().map(|s| s.url().to_owned()),
            shortcut: self.config.agent.shortcut().to_owned(),
            language: self.lang,
            poll_interval_secs: self.config.poll.interval().as_secs(),
            queued,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            server_kind: self
                .config
                .server
                .as_ref()
                .map(|s| s.desk.kind().to_owned()),
            locked: self.config.locked.clone(),
            account: self.account_view(),
            config_problems: self.config_problems(),
            autostart: self.config.agent.autostart,
        }
    }

    /// The follow-up state, read without locking.
    pub fn follow_state(&self) -> FollowState {
        self.follow.read()
    }

    pub fn follow_store(&self) -> &FollowStore {
        &self.follow
    }

    /// The status poller, when a help desk is configured.
    pub fn poller(&self) -> Option<StatusPoller> {
        self.connector.clone().map(StatusPoller::new)
    }

    pub fn poll_settings(&self) -> PollSettings {
        PollSettings::new(self.config.poll.interval())
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The agent's background step: delivers what is due, and returns when the next pending
    /// report is due (`None`: nothing pending). The outbox is closed again on return.
    pub async fn deliver_due(&self) -> Result<Option<i64>, ApiError> {
        // With no help desk configured, nothing can be delivered until the configuration changes
        // (which restarts the agent): do not even open the outbox.
        if self.connector.is_none() {
            return Ok(None);
        }
        let _turn = self.outbox_turn.lock().await;
        if !self.has_outbox() {
            return Ok(None);
        }
        let outbox = self.open_outbox().await?;
        self.flush_outbox(&outbox, false).await?;
        Ok(outbox.next_due_ms()?)
    }

    pub async fn retry(&self, id: Uuid) -> Result<(), ApiError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox().await?.retry(id, self.now_ms())?)
    }

    /// Returns false when the report is still waiting to be sent (those cannot be dismissed).
    pub async fn dismiss(&self, id: Uuid) -> Result<bool, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox().await?.dismiss(id)?)
    }

    pub async fn tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        match &self.connector {
            Some(c) => c.my_tickets().await,
            None => Err(ConnectorError::NotConfigured),
        }
    }
}
