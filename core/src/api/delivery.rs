//! Reports and actions through the outbox: made durable, then tried once (`submit`, `act`); the
//! queue listed, flushed, retried and dismissed; the agent's background delivery; and the
//! follow-up state told what reached the help desk.

use super::{queue, ApiError, Guichet};
use crate::action::TicketAction;
use crate::connector::TicketId;
use crate::i18n::t;
use crate::outbox::{FlushReport, Outbox, OutboxError, Outcome};
use crate::report::Report;
use guichet_protocol::error::{ErrorCode, ErrorInfo};
use guichet_protocol::view::{FlushSummary, QueueItem, SubmitOutcome};
use uuid::Uuid;

impl Guichet {
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

    /// Puts failed outbox entry `id` back in line, due at once.
    pub async fn retry(&self, id: Uuid) -> Result<(), ApiError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox().await?.retry(id, self.now_ms())?)
    }

    /// Returns false when the report is still waiting to be sent (those cannot be dismissed).
    pub async fn dismiss(&self, id: Uuid) -> Result<bool, ApiError> {
        let _turn = self.outbox_turn.lock().await;
        Ok(self.open_outbox().await?.dismiss(id)?)
    }
}
