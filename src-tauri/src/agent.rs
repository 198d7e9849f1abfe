//! The link to the resident agent: every command of this process is one request on its socket.

use crate::commands::CommandError;
use guichet_core::ipc::{self, Client, Request, Response};
use std::path::PathBuf;

/// The application state: where the agent listens. A fresh connection per request keeps no
/// state to go stale when the agent restarts; connecting to a local socket costs microseconds.
#[derive(Debug, Clone)]
pub struct AgentLink {
    socket: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("no runtime directory for the agent's socket (set XDG_RUNTIME_DIR or GUICHET_RUNTIME_DIR)")]
pub struct NoRuntimeDir;

impl AgentLink {
    pub fn new(socket: impl Into<PathBuf>) -> AgentLink {
        AgentLink {
            socket: socket.into(),
        }
    }

    /// The agent of this session, found like every other client finds it.
    pub fn from_environment() -> Result<AgentLink, NoRuntimeDir> {
        ipc::socket_path().map(AgentLink::new).ok_or(NoRuntimeDir)
    }

    /// Sends `request` and returns the answer; the agent's `Error` answer becomes `Err`.
    pub async fn request(&self, request: Request) -> Result<Response, CommandError> {
        let mut client = Client::connect(&self.socket).await?;
        match client.request(&request).await? {
            Response::Error { error } => Err(error.into()),
            response => Ok(response),
        }
    }
}
