//! The outbox worker: a short-lived child of the agent (`guichet outbox-worker`, hidden) that
//! opens the sled outbox and does the agent's outbox operations
//! ([`WorkerRequest`](guichet_core::api::worker::WorkerRequest)), sent over the platform's
//! private channel ([`crate::platform::worker_connection`]). It exits when the agent hangs up or
//! after [`IDLE_EXIT`] without a request.
//!
//! Why a process: sled 0.34 starts a global pool of 7 threads that each wake once a second and
//! never exit, even after the database is closed. Keeping sled out of the resident agent keeps
//! the idle agent near 10 MB and without wake-ups (see docs/PERFORMANCE.md).

use guichet_core::api::worker::{self, WorkerRequest};
use guichet_core::api::Guichet;
use guichet_core::clock::SystemClock;
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
            return crate::exit::EXIT_INVALID;
        }
    };
    let mut connection = match crate::platform::worker_connection() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("guichet outbox-worker: {e}");
            return crate::exit::EXIT_FAILURE;
        }
    };
    loop {
        let request =
            match tokio::time::timeout(IDLE_EXIT, connection.receive::<WorkerRequest>()).await {
                Ok(Ok(Some(r))) => r,
                Ok(Ok(None)) | Err(_) => return crate::exit::EXIT_OK,
                Ok(Err(e)) => {
                    tracing::warn!("outbox worker: {e}");
                    return crate::exit::EXIT_FAILURE;
                }
            };
        let response = worker::answer(&guichet, request).await;
        if connection.send(&response).await.is_err() {
            return crate::exit::EXIT_OK;
        }
    }
}
