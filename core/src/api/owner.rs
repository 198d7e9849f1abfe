//! Who owns the outbox. Only one process may have it open: the agent hands every outbox operation
//! to its outbox worker, while the worker itself, and the CLI when no agent runs, open it in
//! process. [`dispatch::answer`](super::dispatch::answer) is written against this trait, so it
//! serves both.

use super::{ApiError, Guichet};
use crate::action::TicketAction;
use crate::report::Report;
use async_trait::async_trait;
use guichet_protocol::view::{FlushSummary, QueueItem, SubmitOutcome};
use uuid::Uuid;

/// The outbox operations, done by whoever holds the outbox: [`Guichet`] itself in process, or
/// the agent, which hands them to its outbox worker.
#[async_trait]
pub trait OutboxOwner: Send + Sync {
    /// Makes the report durable, then tries it once.
    async fn submit(&self, report: Report) -> Result<SubmitOutcome, ApiError>;
    /// Makes the action durable, then tries it once.
    async fn act(&self, action: TicketAction) -> Result<SubmitOutcome, ApiError>;
    /// Every report and action still in the outbox. Does not create an outbox.
    async fn list(&self) -> Result<Vec<QueueItem>, ApiError>;
    /// Tries everything waiting now, ignoring back-off.
    async fn flush(&self) -> Result<FlushSummary, ApiError>;
    /// Puts a stopped entry back in line.
    async fn retry(&self, id: Uuid) -> Result<(), ApiError>;
    /// Removes a stopped or partly delivered entry; `false` when it still waits.
    async fn dismiss(&self, id: Uuid) -> Result<bool, ApiError>;
}

/// This process opens the outbox itself.
#[async_trait]
impl OutboxOwner for Guichet {
    async fn submit(&self, report: Report) -> Result<SubmitOutcome, ApiError> {
        Guichet::submit(self, report).await
    }
    async fn act(&self, action: TicketAction) -> Result<SubmitOutcome, ApiError> {
        Guichet::act(self, action).await
    }
    async fn list(&self) -> Result<Vec<QueueItem>, ApiError> {
        // No outbox was ever created here: nothing can wait in it, and none is created to say so.
        if !self.has_outbox() {
            return Ok(Vec::new());
        }
        self.queue().await
    }
    async fn flush(&self) -> Result<FlushSummary, ApiError> {
        Guichet::flush(self).await
    }
    async fn retry(&self, id: Uuid) -> Result<(), ApiError> {
        Guichet::retry(self, id).await
    }
    async fn dismiss(&self, id: Uuid) -> Result<bool, ApiError> {
        Guichet::dismiss(self, id).await
    }
}
