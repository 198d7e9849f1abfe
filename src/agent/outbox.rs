//! The agent's outbox: a handle on its outbox worker (see `crate::worker`), started on demand,
//! spoken to over the platform's private channel, and replaced when it has exited; and the
//! agent as the outbox's owner for [`dispatch`](guichet_core::api::dispatch), which also wakes
//! the agent's loops after what it hands over.

use super::Agent;
use async_trait::async_trait;
use guichet_core::action::TicketAction;
use guichet_core::api::worker::{ask, WorkerRequest, WorkerResponse};
use guichet_core::api::{ApiError, OutboxOwner};
use guichet_core::protocol::ipc::{Ask, IpcError};
use guichet_core::protocol::transport::Connection;
use guichet_core::protocol::view::{FlushSummary, QueueItem, SubmitOutcome};
use guichet_core::report::Report;
use std::path::PathBuf;
use tokio::process::Child;
use tokio::sync::Mutex;
use uuid::Uuid;

#[derive(Debug)]
pub struct OutboxWorker {
    config_path: Option<PathBuf>,
    worker: Mutex<Option<(Child, Connection)>>,
}

impl OutboxWorker {
    pub fn new(config_path: Option<PathBuf>) -> OutboxWorker {
        OutboxWorker {
            config_path,
            worker: Mutex::new(None),
        }
    }

    fn spawn(&self) -> Result<(Child, Connection), ApiError> {
        let exe = std::env::current_exe().map_err(ApiError::Worker)?;
        let mut command = tokio::process::Command::new(exe);
        if let Some(config) = &self.config_path {
            command.arg("--config").arg(config);
        }
        command
            .arg(crate::worker::SUBCOMMAND)
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true);
        crate::platform::spawn_worker(command).map_err(|e| match e {
            crate::platform::PlatformError::Io { source, .. } => ApiError::Worker(source),
            other => ApiError::Worker(std::io::Error::other(other.to_string())),
        })
    }

    /// Stops the current worker, if any: the next request starts one that reads the
    /// configuration again. The outbox is crash-safe, so stopping mid-operation loses nothing.
    pub async fn restart(&self) {
        if let Some((mut child, _)) = self.worker.lock().await.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Sends `ask` to the worker and returns its answer; an answer of another kind is a protocol
    /// mismatch between two builds.
    pub async fn ask<A>(&self, ask: A) -> Result<A::Answer, ApiError>
    where
        A: Ask<Request = WorkerRequest, Response = WorkerResponse>,
    {
        let response = self.call(&ask.into_request()).await?;
        A::answer(response).map_err(|other| ApiError::Ipc(IpcError::Unexpected(other.kind())))
    }

    /// Sends `request` to the worker, starting one if needed. A worker that exited (idle) before
    /// answering is replaced and asked again: every outbox request is safe to repeat (enqueuing a
    /// report twice keeps the first). The worker's own errors come back as `Reported`.
    async fn call(&self, request: &WorkerRequest) -> Result<WorkerResponse, ApiError> {
        let mut guard = self.worker.lock().await;
        for _ in 0..2 {
            if guard.is_none() {
                *guard = Some(self.spawn()?);
            }
            let Some((_, connection)) = guard.as_mut() else {
                continue;
            };
            if connection.send(request).await.is_ok() {
                if let Ok(Some(response)) = connection.receive::<WorkerResponse>().await {
                    return match response {
                        WorkerResponse::Error { error } => Err(ApiError::Reported(error)),
                        response => Ok(response),
                    };
                }
            }
            // Gone: reap it and start a fresh one.
            if let Some((mut child, _)) = guard.take() {
                let _ = child.wait().await;
            }
        }
        Err(ApiError::Worker(std::io::Error::other(format!(
            "stopped answering ({})",
            request.kind()
        ))))
    }
}

#[async_trait]
impl OutboxOwner for Agent {
    async fn submit(&self, report: Report) -> Result<SubmitOutcome, ApiError> {
        let outcome = self.outbox.ask(ask::Submit::new(report)).await?;
        self.after_delivery(&outcome);
        Ok(outcome)
    }

    async fn act(&self, action: TicketAction) -> Result<SubmitOutcome, ApiError> {
        let outcome = self.outbox.ask(ask::Act::new(action)).await?;
        self.after_delivery(&outcome);
        Ok(outcome)
    }

    async fn list(&self) -> Result<Vec<QueueItem>, ApiError> {
        // No outbox was ever created here: nothing can be pending, and no worker needs to start.
        if !self.guichet().has_outbox() {
            return Ok(Vec::new());
        }
        self.outbox.ask(ask::List {}).await
    }

    async fn flush(&self) -> Result<FlushSummary, ApiError> {
        self.outbox.ask(ask::Flush {}).await
    }

    async fn retry(&self, id: Uuid) -> Result<(), ApiError> {
        self.outbox.ask(ask::Retry { id }).await?;
        self.outbox_changed.notify_one();
        Ok(())
    }

    async fn dismiss(&self, id: Uuid) -> Result<bool, ApiError> {
        self.outbox.ask(ask::Dismiss { id }).await
    }
}

impl Agent {
    /// After a report or an action went to the outbox worker: wake the delivery loop if it
    /// waits, and the follow-up loop if a ticket is now followed or the help desk answered again.
    fn after_delivery(&self, outcome: &SubmitOutcome) {
        match outcome {
            SubmitOutcome::Queued { .. } => self.outbox_changed.notify_one(),
            SubmitOutcome::Sent { .. } => {
                self.follow_changed.notify_one();
                if self.guichet().follow_state().failures > 0 {
                    self.network_back.notify_one();
                }
            }
            SubmitOutcome::Failed { .. } => {}
        }
    }
}
