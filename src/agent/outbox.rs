//! The agent's handle on its outbox worker (see `crate::worker`): started on demand, spoken to
//! over a socket pair, replaced when it has exited. Calls are serialised.

use guichet_core::ipc::{Connection, Request, Response};
use guichet_core::service::ErrorInfo;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::process::Child;
use tokio::sync::Mutex;

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

    fn spawn(&self) -> Result<(Child, Connection), String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().map_err(|e| e.to_string())?;
        let mut cmd = tokio::process::Command::new(exe);
        if let Some(config) = &self.config_path {
            cmd.arg("--config").arg(config);
        }
        cmd.arg(crate::worker::SUBCOMMAND)
            .stdin(Stdio::from(OwnedFd::from(theirs)))
            .stdout(Stdio::null())
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start the outbox worker: {e}"))?;
        let connection = Connection::from_std(ours).map_err(|e| e.to_string())?;
        Ok((child, connection))
    }

    /// Sends `request` to the worker, starting one if needed. A worker that exited (idle) before
    /// answering is replaced and asked again: every outbox request is safe to repeat (enqueuing a
    /// report twice keeps the first).
    pub async fn call(&self, request: &Request) -> Response {
        let mut guard = self.worker.lock().await;
        for _ in 0..2 {
            if guard.is_none() {
                match self.spawn() {
                    Ok(w) => *guard = Some(w),
                    Err(e) => {
                        return Response::Error {
                            error: ErrorInfo::internal(e),
                        }
                    }
                }
            }
            let Some((_, connection)) = guard.as_mut() else {
                continue;
            };
            if connection.send(request).await.is_ok() {
                if let Ok(Some(response)) = connection.receive::<Response>().await {
                    return response;
                }
            }
            // Gone: reap it and start a fresh one.
            if let Some((mut child, _)) = guard.take() {
                let _ = child.wait().await;
            }
        }
        Response::Error {
            error: ErrorInfo::internal("the outbox worker stopped answering"),
        }
    }
}
