//! The outbox worker: a short-lived child of the agent (`guichet outbox-worker`, hidden) that
//! opens the sled outbox and does the agent's outbox operations, sent over a socket pair on its
//! standard input. It exits when the agent hangs up or after [`IDLE_EXIT`] without a request.
//!
//! Why a process: sled 0.34 starts a global pool of 7 threads that each wake once a second and
//! never exit, even after the database is closed. Keeping sled out of the resident agent keeps
//! the idle agent near 10 MB and without wake-ups (see docs/PERFORMANCE.md).

use guichet_core::clock::SystemClock;
use guichet_core::ipc::{self, Connection, Request, Response};
use guichet_core::service::{ErrorInfo, Guichet, ServiceError};
use std::os::fd::AsFd;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub const SUBCOMMAND: &str = "outbox-worker";
const IDLE_EXIT: Duration = Duration::from_secs(5);

pub async fn run(config_path: Option<&Path>) -> u8 {
    let guichet = match Guichet::from_environment(config_path, Arc::new(SystemClock)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("guichet outbox-worker: {e}");
            return crate::cli::EXIT_INVALID;
        }
    };
    let stream = match std::io::stdin().as_fd().try_clone_to_owned() {
        Ok(fd) => std::os::unix::net::UnixStream::from(fd),
        Err(e) => {
            eprintln!("guichet outbox-worker: no socket on stdin: {e}");
            return crate::cli::EXIT_FAILURE;
        }
    };
    let mut connection = match Connection::from_std(stream) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("guichet outbox-worker: {e}");
            return crate::cli::EXIT_FAILURE;
        }
    };
    loop {
        let request = match tokio::time::timeout(IDLE_EXIT, connection.receive::<Request>()).await {
            Ok(Ok(Some(r))) => r,
            Ok(Ok(None)) | Err(_) => return crate::cli::EXIT_OK,
            Ok(Err(e)) => {
                tracing::warn!("outbox worker: {e}");
                return crate::cli::EXIT_FAILURE;
            }
        };
        let response = answer(&guichet, request).await;
        if connection.send(&response).await.is_err() {
            return crate::cli::EXIT_OK;
        }
    }
}

fn failed(guichet: &Guichet, e: ServiceError) -> Response {
    tracing::warn!("outbox worker: {e}");
    let error = match &e {
        ServiceError::Connector(c) => ErrorInfo::from_connector(c, guichet.lang()),
        other => ErrorInfo::internal(other.to_string()),
    };
    Response::Error { error }
}

async fn answer(guichet: &Guichet, request: Request) -> Response {
    match request {
        Request::SubmitBuilt { report, files } => match ipc::report_from_wire(*report, files) {
            Some(report) => match guichet.submit(report).await {
                Ok(outcome) => Response::Submitted { outcome },
                Err(e) => failed(guichet, e),
            },
            None => Response::Error {
                error: ErrorInfo::internal("attachments do not match the report"),
            },
        },
        Request::ActBuilt { action, files } => match ipc::action_from_wire(*action, files) {
            Some(action) => match guichet.act(action).await {
                Ok(outcome) => Response::Submitted { outcome },
                Err(e) => failed(guichet, e),
            },
            None => Response::Error {
                error: ErrorInfo::internal("attachments do not match the action"),
            },
        },
        Request::DeliverDue => match guichet.deliver_due().await {
            Ok(at_ms) => Response::NextDue { at_ms },
            Err(e) => failed(guichet, e),
        },
        Request::QueueList => match guichet.queue().await {
            Ok(items) => Response::Queue { items },
            Err(e) => failed(guichet, e),
        },
        Request::QueueFlush => match guichet.flush().await {
            Ok(summary) => Response::Flushed { summary },
            Err(e) => failed(guichet, e),
        },
        Request::QueueRetry { id } => match guichet.retry(id).await {
            Ok(()) => Response::Done,
            Err(e) => failed(guichet, e),
        },
        Request::QueueDismiss { id } => match guichet.dismiss(id).await {
            Ok(dismissed) => Response::Dismissed { dismissed },
            Err(e) => failed(guichet, e),
        },
        other => Response::Error {
            error: ErrorInfo::internal(format!("{} is not an outbox request", other.kind())),
        },
    }
}
