//! One API for everything Guichet does with reports, shared by the resident agent, the CLI when
//! no agent runs, and the tests. Its inputs and outputs are the serialisable types of the IPC
//! protocol, so the agent serves them unchanged to the window process and to the CLI.

use crate::action::{ActionErrors, ActionInput, ActionKind, TicketAction};
use crate::clock::{unix_ms, Clock};
use crate::config::{self, Config};
use crate::connector::categories::{self, CategoryList};
use crate::connector::{
    self, Connector, ConnectorError, RejectedFile, TicketDetail, TicketId, TicketSummary,
};
use crate::facts::{MachineFacts, ScreenInfo};
use crate::follow::{FollowError, FollowState, FollowStore, PollSettings, StatusPoller};
use crate::i18n::Lang;
use crate::outbox::{
    Backoff, Courier, Entry, EntryState, FlushReport, Outbox, OutboxError, Outcome,
};
use crate::profile::Profile;
use crate::report::{AttachmentSource, Field, Report, ReportDraft, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The closed set of error codes the UI and scripts branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    Offline,
    Unauthorized,
    Validation,
    Server,
    Internal,
}

/// An error as people see it: a code to branch on and a message in their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
    /// For validation errors: each problem beside its field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    pub field: Field,
    pub key: String,
    pub message: String,
}

impl FieldError {
    fn new(field: Field, key: &str, message: String) -> FieldError {
        FieldError {
            field,
            key: key.to_owned(),
            message,
        }
    }
}

impl ErrorInfo {
    pub fn from_connector(e: &ConnectorError, lang: Lang) -> ErrorInfo {
        let code = match e.ipc_code() {
            "offline" => ErrorCode::Offline,
            "unauthorized" => ErrorCode::Unauthorized,
            "validation" => ErrorCode::Validation,
            _ => ErrorCode::Server,
        };
        ErrorInfo {
            code,
            message: e.message(lang),
            fields: Vec::new(),
        }
    }

    pub fn from_validation(e: &ValidationErrors, lang: Lang) -> ErrorInfo {
        ErrorInfo {
            code: ErrorCode::Validation,
            message: e.message(lang),
            fields: e
                .0
                .iter()
                .map(|v| FieldError::new(v.field(), v.key(), v.message(lang)))
                .collect(),
        }
    }

    pub fn from_action(e: &ActionErrors, lang: Lang) -> ErrorInfo {
        ErrorInfo {
            code: ErrorCode::Validation,
            message: e.message(lang),
            fields: e
                .action
                .iter()
                .map(|v| FieldError::new(v.field(), v.key(), v.message(lang)))
                .chain(
                    e.attachments
                        .iter()
                        .map(|v| FieldError::new(Field::Attachments, v.key(), v.message(lang))),
                )
                .collect(),
        }
    }

    pub fn internal(message: impl Into<String>) -> ErrorInfo {
        ErrorInfo {
            code: ErrorCode::Internal,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

/// What a user fills in (the wizard, or CLI flags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReportInput {
    pub subject: String,
    pub description: String,
    pub category: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    #[serde(default)]
    pub attachments: Vec<PathBuf>,
}

/// What became of a submitted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SubmitOutcome {
    Sent {
        ticket: TicketId,
        rejected: Vec<RejectedFile>,
    },
    Queued {
        id: Uuid,
        reason: ErrorInfo,
    },
    Failed {
        id: Uuid,
        error: ErrorInfo,
    },
}

/// A report or an action in the outbox, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    pub id: Uuid,
    /// A report's subject, or what an action does ("Refuse the solution of #815").
    pub subject: String,
    /// For actions: the ticket and what is done to it.
    pub ticket: Option<TicketId>,
    pub action: Option<ActionKind>,
    pub created_at_ms: i64,
    pub state: EntryState,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub attachments: Vec<String>,
    pub last_error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SentItem {
    pub id: Uuid,
    pub ticket: TicketId,
    pub rejected: Vec<RejectedFile>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct FlushSummary {
    pub sent: Vec<SentItem>,
    pub waiting: Vec<QueueItem>,
    pub failed: Vec<QueueItem>,
}

/// "My tickets": the list, and what the user has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MyTickets {
    pub tickets: Vec<TicketSummary>,
    /// Set when the help desk could not be reached: `tickets` then come from this computer's
    /// follow-up state.
    pub offline: Option<ErrorInfo>,
    pub unread: Vec<crate::follow::Notice>,
    /// The language the window should speak (the configuration may force one).
    pub language: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Follow(#[from] FollowError),
    #[error("{}", .0.message(Lang::En))]
    Connector(ConnectorError),
}

/// The global shortcut when the configuration names none.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+G";

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
}

impl Guichet {
    pub fn new(
        config: Config,
        data_dir: PathBuf,
        clock: Arc<dyn Clock>,
    ) -> Result<Guichet, ServiceError> {
        let connector = match &config.server {
            Some(server) => Some(connector::from_config(server).map_err(ServiceError::Connector)?),
            None => None,
        };
        let courier = Courier::new(connector.clone(), clock.clone(), Backoff::default());
        Ok(Guichet {
            lang: config.lang(),
            config,
            follow: FollowStore::new(&data_dir),
            data_dir,
            connector,
            clock,
            courier,
            outbox_turn: tokio::sync::Mutex::new(()),
        })
    }

    /// The configuration named by `--config` / `GUICHET_CONFIG`, data under `GUICHET_DATA_DIR`.
    pub fn from_environment(
        config_path: Option<&Path>,
        clock: Arc<dyn Clock>,
    ) -> Result<Guichet, ServiceError> {
        Guichet::new(Config::load(config_path)?, config::data_dir()?, clock)
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

    fn open_outbox(&self) -> Result<Outbox, OutboxError> {
        Outbox::open(&self.outbox_dir(), OUTBOX_WAIT)
    }

    /// The phone and location to pre-fill: remembered, else IT's defaults.
    pub fn profile(&self) -> Profile {
        Profile::load(&self.data_dir, &self.config.defaults)
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
    ) -> Result<Report, ValidationErrors> {
        let profile = self.profile();
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
                .collect(),
        };
        let known = self.offline_categories();
        let report = Report::build(
            &draft,
            &self.config.limits,
            &known.categories,
            MachineFacts::gather(screens),
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

    /// Makes `report` durable, then makes one attempt to deliver it. Never waits through
    /// back-off: an unreachable help desk gives `Queued` at once.
    pub async fn submit(&self, report: Report) -> Result<SubmitOutcome, ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox()?;
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
                reason: ErrorInfo::from_connector(&error, self.lang),
            },
            Outcome::Failed(error) => SubmitOutcome::Failed {
                id,
                error: ErrorInfo::from_connector(&error, self.lang),
            },
        }
    }

    fn item(&self, e: &Entry) -> QueueItem {
        QueueItem {
            id: e.item.id,
            subject: e.item.subject.clone(),
            ticket: None,
            action: None,
            created_at_ms: e.item.created_at_ms,
            state: e.state.clone(),
            attempts: e.attempts,
            next_attempt_ms: e.next_attempt_ms,
            attachments: e.item.attachments.iter().map(|a| a.name.clone()).collect(),
            last_error: e
                .last_error
                .as_ref()
                .map(|err| ErrorInfo::from_connector(err, self.lang)),
        }
    }

    fn action_item(&self, e: &Entry<TicketAction>) -> QueueItem {
        let a = &e.item;
        QueueItem {
            id: a.id,
            subject: crate::i18n::t(
                self.lang,
                &format!("queue.action.{}", a.kind.name()),
                &[("ticket", &a.ticket)],
            ),
            ticket: Some(a.ticket),
            action: Some(a.kind.clone()),
            created_at_ms: a.created_at_ms,
            state: e.state.clone(),
            attempts: e.attempts,
            next_attempt_ms: e.next_attempt_ms,
            attachments: a.attachments.iter().map(|f| f.name.clone()).collect(),
            last_error: e
                .last_error
                .as_ref()
                .map(|err| ErrorInfo::from_connector(err, self.lang)),
        }
    }

    fn items(&self, outbox: &Outbox) -> Result<Vec<QueueItem>, OutboxError> {
        let mut items: Vec<QueueItem> = outbox.list()?.iter().map(|e| self.item(e)).collect();
        items.extend(outbox.actions()?.iter().map(|e| self.action_item(e)));
        Ok(items)
    }

    /// Every report and action still in the outbox, reports first.
    pub async fn queue(&self) -> Result<Vec<QueueItem>, ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.items(&self.open_outbox()?)?)
    }

    /// Tries every waiting report and action now, ignoring back-off.
    pub async fn flush(&self) -> Result<FlushSummary, ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox()?;
        let result = self.flush_outbox(&outbox, true).await?;
        let items = self.items(&outbox)?;
        Ok(FlushSummary {
            sent: result
                .reports
                .sent
                .into_iter()
                .chain(result.actions.sent)
                .map(|(id, d)| SentItem {
                    id,
                    ticket: d.ticket,
                    rejected: d.rejected,
                })
                .collect(),
            waiting: items
                .iter()
                .filter(|e| e.state == EntryState::Pending)
                .cloned()
                .collect(),
            failed: items
                .into_iter()
                .filter(|e| e.state == EntryState::Failed)
                .collect(),
        })
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

    async fn note_action(&self, action: &TicketAction) {
        let subject = self
            .follow
            .read()
            .tickets
            .get(&action.ticket)
            .map(|w| w.seen.subject.clone())
            .unwrap_or_default();
        if let Err(e) = self
            .follow
            .update(|s| s.note_action(action, &subject))
            .await
        {
            tracing::warn!(
                "follow-up state not updated after {}: {e}",
                action.kind.name()
            );
        }
    }

    /// Validates what the user wants to do on a ticket.
    pub fn build_action(&self, input: &ActionInput) -> Result<TicketAction, ActionErrors> {
        TicketAction::build(input, &self.config.limits, self.now_ms(), self.lang)
    }

    /// Makes `action` durable, then makes one attempt to perform it (like [`Guichet::submit`]).
    pub async fn act(&self, action: TicketAction) -> Result<SubmitOutcome, ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        let outbox = self.open_outbox()?;
        outbox.enqueue(&action, self.now_ms())?;
        let id = action.id;
        let outcome = self.courier.perform(&outbox, id).await?;
        if matches!(outcome, Outcome::Sent(_)) {
            self.note_action(&action).await;
        }
        Ok(self.submit_outcome(id, outcome))
    }

    /// One ticket in detail, from the help desk. Opening it marks its notices read.
    pub async fn ticket(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
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
                offline: Some(ErrorInfo::from_connector(&e, self.lang)),
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
    ) -> Result<Profile, ErrorInfo> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let (phone, location) = (clean(phone), clean(location));
        if let Some(p) = &phone {
            if crate::phone::parse(p).is_none() {
                let error = crate::report::ValidationError::PhoneInvalid { value: p.clone() };
                return Err(ErrorInfo::from_validation(
                    &crate::report::ValidationErrors(vec![error]),
                    self.lang,
                ));
            }
        }
        let profile = Profile { phone, location };
        profile
            .save(&self.data_dir)
            .map_err(|e| ErrorInfo::internal(format!("cannot save the settings: {e}")))?;
        Ok(self.profile())
    }

    /// The Settings window's content; `queued` is counted by the outbox's owner.
    pub fn settings(&self, queued: usize) -> crate::ipc::SettingsView {
        let profile = self.profile();
        crate::ipc::SettingsView {
            phone: profile.phone,
            location: profile.location,
            server: self.config.server.as_ref().map(|s| s.url.clone()),
            shortcut: self
                .config
                .agent
                .shortcut
                .clone()
                .unwrap_or_else(|| DEFAULT_SHORTCUT.to_owned()),
            language: self.lang,
            poll_interval_secs: self.config.poll.interval().as_secs(),
            queued,
            version: env!("CARGO_PKG_VERSION").to_owned(),
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
    pub async fn deliver_due(&self) -> Result<Option<i64>, ServiceError> {
        // With no help desk configured, nothing can be delivered until the configuration changes
        // (which restarts the agent): do not even open the outbox.
        if self.connector.is_none() {
            return Ok(None);
        }
        let _turn = self.outbox_turn.lock().await;
        if !self.has_outbox() {
            return Ok(None);
        }
        let outbox = self.open_outbox()?;
        self.flush_outbox(&outbox, false).await?;
        Ok(outbox.next_due_ms()?)
    }

    pub async fn retry(&self, id: Uuid) -> Result<(), ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox()?.retry(id, self.now_ms())?)
    }

    /// Returns false when the report is still waiting to be sent (those cannot be dismissed).
    pub async fn dismiss(&self, id: Uuid) -> Result<bool, ServiceError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox()?.dismiss(id)?)
    }

    pub async fn tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        match &self.connector {
            Some(c) => c.my_tickets().await,
            None => Err(ConnectorError::NotConfigured),
        }
    }
}
