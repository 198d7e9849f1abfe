//! The messages between the agent and its outbox worker (`guichet outbox-worker`), the process
//! that alone opens sled (see `src/worker.rs` for why), and the worker's side of them. A report
//! or an action travels validated, with its attachments' bytes beside it as base64 so that the
//! JSON stays one line.

use super::{ApiError, Guichet, OutboxOwner};
use crate::action::TicketAction;
use crate::report::{Attachment, Report};
use guichet_protocol::error::ErrorInfo;
use guichet_protocol::view::{FlushSummary, QueueItem, SubmitOutcome};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the agent asks its outbox worker, one JSON line each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorkerRequest {
    /// Make this validated report durable, then try it once.
    Submit {
        /// The report, its attachments without their bytes.
        report: Box<Report>,
        /// Its attachments' bytes, in the same order.
        files: Vec<FileBytes>,
    },
    /// Make this validated action durable, then try it once.
    Act {
        /// The action, its attachments without their bytes.
        action: Box<TicketAction>,
        /// Its attachments' bytes, in the same order.
        files: Vec<FileBytes>,
    },
    /// Deliver what is due; answers `NextDue`.
    DeliverDue,
    /// What waits in the outbox; answers `Queue`.
    List,
    /// Try every waiting entry now, ignoring back-off; answers `Flushed`.
    Flush,
    /// Put a failed entry back in line, due at once; answers `Done`.
    Retry {
        /// The outbox entry.
        id: Uuid,
    },
    /// Drop an entry; answers `Dismissed`.
    Dismiss {
        /// The outbox entry.
        id: Uuid,
    },
}

/// What the outbox worker answers, one per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum WorkerResponse {
    /// A report or action was made durable and tried once.
    Submitted {
        /// Sent (with the ticket number) or queued (with why).
        outcome: SubmitOutcome,
    },
    /// What waits in the outbox.
    Queue {
        /// Every report and action in it, reports first.
        items: Vec<QueueItem>,
    },
    /// A flush is over.
    Flushed {
        /// What was sent, what still waits, what failed for good.
        summary: FlushSummary,
    },
    /// A dismissal is over.
    Dismissed {
        /// False when the entry was still waiting to be sent, and so was kept.
        dismissed: bool,
    },
    /// A request that returns nothing succeeded.
    Done,
    /// When the next waiting entry is due, ms since the epoch (`None`: nothing waits).
    NextDue {
        /// When, ms since the epoch; `None` when nothing waits.
        at_ms: Option<i64>,
    },
    /// Worded by the worker, which speaks the user's language too.
    Error {
        /// The code and message to show.
        error: ErrorInfo,
    },
}

/// An attachment's bytes on the wire (base64), beside a report or action whose attachments carry
/// only their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileBytes {
    /// The file's bytes, in standard base64 with padding.
    pub base64: String,
}

/// Takes attachment bytes off for the wire.
fn files_to_wire(attachments: &mut [Attachment]) -> Vec<FileBytes> {
    use base64::Engine;
    attachments
        .iter_mut()
        .map(|a| FileBytes {
            base64: base64::engine::general_purpose::STANDARD.encode(std::mem::take(&mut a.bytes)),
        })
        .collect()
}

/// Puts the bytes back; `DamagedFile` when they do not match the attachments.
fn files_from_wire(attachments: &mut [Attachment], files: Vec<FileBytes>) -> Result<(), ApiError> {
    use base64::Engine;
    if files.len() != attachments.len() {
        return Err(ApiError::DamagedFile);
    }
    for (a, f) in attachments.iter_mut().zip(files) {
        a.bytes = base64::engine::general_purpose::STANDARD
            .decode(f.base64)
            .map_err(|_| ApiError::DamagedFile)?;
    }
    Ok(())
}

/// The worker protocol's requests, each paired with its answer (see
/// [`guichet_protocol::ipc::ask`]).
pub mod ask {
    use super::{FileBytes, WorkerRequest, WorkerResponse};
    use crate::action::TicketAction;
    use crate::report::Report;
    use guichet_protocol::view::{FlushSummary, QueueItem, SubmitOutcome};
    use uuid::Uuid;

    guichet_protocol::asks! {
        WorkerRequest => WorkerResponse;
        /// Make this validated report durable, then try it once.
        Submit { report: Box<Report>, files: Vec<FileBytes> } => Submitted { outcome: SubmitOutcome };
        /// Make this validated action durable, then try it once.
        Act { action: Box<TicketAction>, files: Vec<FileBytes> } => Submitted { outcome: SubmitOutcome };
        /// Deliver what is due; answers when the next waiting entry is due.
        DeliverDue {} => NextDue { at_ms: Option<i64> };
        /// What waits in the outbox.
        List {} => Queue { items: Vec<QueueItem> };
        /// Try everything now.
        Flush {} => Flushed { summary: FlushSummary };
        /// Try this entry again now.
        Retry { id: Uuid } => Done;
        /// Drop this entry; answers whether it was there.
        Dismiss { id: Uuid } => Dismissed { dismissed: bool };
    }

    impl Submit {
        /// `report`, its attachments' bytes taken off for the wire.
        pub fn new(mut report: Report) -> Submit {
            let files = super::files_to_wire(&mut report.attachments);
            Submit {
                report: Box::new(report),
                files,
            }
        }
    }

    impl Act {
        /// `action`, its attachments' bytes taken off for the wire.
        pub fn new(mut action: TicketAction) -> Act {
            let files = super::files_to_wire(&mut action.attachments);
            Act {
                action: Box::new(action),
                files,
            }
        }
    }
}

impl WorkerRequest {
    /// The request's name, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkerRequest::Submit { .. } => "submit",
            WorkerRequest::Act { .. } => "act",
            WorkerRequest::DeliverDue => "deliverDue",
            WorkerRequest::List => "list",
            WorkerRequest::Flush => "flush",
            WorkerRequest::Retry { .. } => "retry",
            WorkerRequest::Dismiss { .. } => "dismiss",
        }
    }
}

impl WorkerResponse {
    /// The answer's name, for logs and "unexpected answer" errors.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkerResponse::Submitted { .. } => "submitted",
            WorkerResponse::Queue { .. } => "queue",
            WorkerResponse::Flushed { .. } => "flushed",
            WorkerResponse::Dismissed { .. } => "dismissed",
            WorkerResponse::Done => "done",
            WorkerResponse::NextDue { .. } => "nextDue",
            WorkerResponse::Error { .. } => "error",
        }
    }
}

/// The worker's side: one request, done on the outbox it owns.
pub async fn answer(guichet: &Guichet, request: WorkerRequest) -> WorkerResponse {
    match carry_out(guichet, request).await {
        Ok(response) => response,
        Err(e) => WorkerResponse::Error {
            error: e.report(guichet.lang()),
        },
    }
}

async fn carry_out(guichet: &Guichet, request: WorkerRequest) -> Result<WorkerResponse, ApiError> {
    use guichet_protocol::ipc::Ask;
    Ok(match request {
        WorkerRequest::Submit { report, files } => {
            let mut report = *report;
            files_from_wire(&mut report.attachments, files)?;
            ask::Submit::reply(guichet.submit(report).await?)
        }
        WorkerRequest::Act { action, files } => {
            let mut action = *action;
            files_from_wire(&mut action.attachments, files)?;
            ask::Act::reply(guichet.act(action).await?)
        }
        WorkerRequest::DeliverDue => ask::DeliverDue::reply(guichet.deliver_due().await?),
        WorkerRequest::List => ask::List::reply(OutboxOwner::list(guichet).await?),
        WorkerRequest::Flush => ask::Flush::reply(guichet.flush().await?),
        WorkerRequest::Retry { id } => ask::Retry::reply(guichet.retry(id).await?),
        WorkerRequest::Dismiss { id } => ask::Dismiss::reply(guichet.dismiss(id).await?),
    })
}
