//! A connector that creates the ticket, then pretends the answer was lost: the worst case for
//! exactly-once. Shared by the outbox tests and the connector conformance suite (`#[path]`).

use async_trait::async_trait;
use guichet_core::action::{ActionKind, TicketAction};
use guichet_core::connector::{
    ActionEffect, Capabilities, Connector, ConnectorError, Delivery, RejectedFile, TicketDetail,
    TicketId, TicketState, TicketSummary,
};
use guichet_core::report::{Category, Report};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug)]
pub struct LosesFirstAnswer {
    inner: Arc<dyn Connector>,
    lost: AtomicBool,
}

impl LosesFirstAnswer {
    pub fn new(inner: Arc<dyn Connector>) -> LosesFirstAnswer {
        LosesFirstAnswer {
            inner,
            lost: AtomicBool::new(false),
        }
    }
}

#[async_trait]
impl Connector for LosesFirstAnswer {
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn effect(&self, action: &ActionKind) -> ActionEffect {
        self.inner.effect(action)
    }
    fn dry_run(&self, report: &Report) -> serde_json::Value {
        self.inner.dry_run(report)
    }
    async fn categories(&self) -> Result<Vec<Category>, ConnectorError> {
        self.inner.categories().await
    }
    async fn create_ticket(&self, report: &Report) -> Result<Delivery, ConnectorError> {
        let delivery = self.inner.create_ticket(report).await?;
        if !self.lost.swap(true, Ordering::SeqCst) {
            return Err(ConnectorError::Unreachable {
                detail: "connection reset after the request was sent".into(),
            });
        }
        Ok(delivery)
    }
    async fn find_delivered(&self, report: &Report) -> Result<Option<Delivery>, ConnectorError> {
        self.inner.find_delivered(report).await
    }
    async fn my_tickets(&self) -> Result<Vec<TicketSummary>, ConnectorError> {
        self.inner.my_tickets().await
    }
    async fn ticket_states(&self, ids: &[TicketId]) -> Result<Vec<TicketState>, ConnectorError> {
        self.inner.ticket_states(ids).await
    }
    async fn ticket_detail(&self, id: TicketId) -> Result<TicketDetail, ConnectorError> {
        self.inner.ticket_detail(id).await
    }
    async fn ticket_activity(&self, state: &TicketState) -> Result<TicketDetail, ConnectorError> {
        self.inner.ticket_activity(state).await
    }
    async fn perform(&self, action: &TicketAction) -> Result<Vec<RejectedFile>, ConnectorError> {
        self.inner.perform(action).await
    }
    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError> {
        self.inner.find_performed(action).await
    }
}
