//! A connector that creates the ticket (or performs the first action), then pretends the answer
//! was lost: the worst case for exactly-once (the outbox tests, the connector conformance suite).
//! `late` makes it worse: the sender gives up at once while the help desk is still creating the
//! ticket, as when the process is killed during a request that a busy server finishes later.

use async_trait::async_trait;
use guichet_core::action::{ActionKind, TicketAction};
use guichet_core::connector::{
    ActionEffect, Capabilities, Connector, ConnectorError, Delivery, RejectedFile, TicketDetail,
    TicketId, TicketState, TicketSummary,
};
use guichet_core::report::{Category, Report};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

type Creating = JoinHandle<Result<Delivery, ConnectorError>>;

#[derive(Debug)]
pub struct LosesFirstAnswer {
    inner: Arc<dyn Connector>,
    lost: AtomicBool,
    /// The first action's answer was lost too (the action itself was done).
    lost_action: AtomicBool,
    /// The help desk creates the first ticket this long after the sender gave up.
    late: Option<Duration>,
    creating: Mutex<Option<Creating>>,
}

impl LosesFirstAnswer {
    pub fn new(inner: Arc<dyn Connector>) -> LosesFirstAnswer {
        LosesFirstAnswer {
            inner,
            lost: AtomicBool::new(false),
            lost_action: AtomicBool::new(false),
            late: None,
            creating: Mutex::new(None),
        }
    }

    /// The first ticket is created `delay` after its sender gave up.
    pub fn late(inner: Arc<dyn Connector>, delay: Duration) -> LosesFirstAnswer {
        LosesFirstAnswer {
            late: Some(delay),
            ..LosesFirstAnswer::new(inner)
        }
    }

    /// Waits until the help desk has created the first ticket (with `late`).
    pub async fn finish(&self) {
        let creating = self.creating.lock().expect("lock").take();
        if let Some(creating) = creating {
            creating.await.expect("task").expect("created late");
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
        let late = self.late.filter(|_| !self.lost.load(Ordering::SeqCst));
        if let Some(delay) = late {
            self.lost.store(true, Ordering::SeqCst);
            let (inner, report) = (self.inner.clone(), report.clone());
            *self.creating.lock().expect("lock") = Some(tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                inner.create_ticket(&report).await
            }));
            return Err(ConnectorError::Unreachable {
                detail: "the sender died; the help desk is still at work".into(),
            });
        }
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
        let rejected = self.inner.perform(action).await?;
        if !self.lost_action.swap(true, Ordering::SeqCst) {
            return Err(ConnectorError::Unreachable {
                detail: "connection reset after the action was sent".into(),
            });
        }
        Ok(rejected)
    }
    async fn find_performed(&self, action: &TicketAction) -> Result<bool, ConnectorError> {
        self.inner.find_performed(action).await
    }
}
