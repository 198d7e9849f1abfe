//! The link to the resident agent: every command of this process is one request on its socket.

use crate::error::CommandError;
use guichet_protocol::ipc::{Ask, IpcError, Request, Response};
use guichet_protocol::transport::{self, Client};
use guichet_protocol::Lang;
use std::path::PathBuf;

/// The application state: where the agent listens, and the language to word failures to reach
/// it in. A fresh connection per request keeps no state to go stale when the agent restarts;
/// connecting to a local socket costs microseconds.
#[derive(Debug, Clone)]
pub struct AgentLink {
    socket: PathBuf,
    lang: Lang,
}

#[derive(Debug, thiserror::Error)]
#[error("no runtime directory for the agent's socket (set XDG_RUNTIME_DIR or GUICHET_RUNTIME_DIR)")]
pub struct NoRuntimeDir;

impl AgentLink {
    pub fn new(socket: impl Into<PathBuf>, lang: Lang) -> AgentLink {
        AgentLink {
            socket: socket.into(),
            lang,
        }
    }

    /// The agent of this session, found like every other client finds it; the language is the
    /// one the agent passes down (`GUICHET_LANG`), else the session's.
    pub fn from_environment() -> Result<AgentLink, NoRuntimeDir> {
        transport::socket_path()
            .map(|socket| AgentLink::new(socket, Lang::from_env()))
            .ok_or(NoRuntimeDir)
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Where the agent listens.
    pub fn socket(&self) -> &std::path::Path {
        &self.socket
    }

    /// An answer that does not fit the request: the agent speaks another dialect of the protocol.
    pub fn unexpected(&self, answer: &Response) -> CommandError {
        let e = IpcError::Unexpected(answer.kind());
        tracing::warn!("agent: {e}");
        e.info(self.lang).into()
    }

    /// Sends `ask` and returns its answer; an answer of another kind is [`Self::unexpected`].
    pub async fn ask<A>(&self, ask: A) -> Result<A::Answer, CommandError>
    where
        A: Ask<Request = Request, Response = Response>,
    {
        let response = self.request(ask.into_request()).await?;
        A::answer(response).map_err(|other| self.unexpected(&other))
    }

    /// Sends `request` and returns the answer; the agent's `Error` answer becomes `Err`, and a
    /// failure to reach the agent is worded in the user's language (its detail is logged).
    pub async fn request(&self, request: Request) -> Result<Response, CommandError> {
        let exchange = async {
            let mut client = Client::connect(&self.socket).await?;
            client.request(&request).await
        };
        match exchange.await {
            Ok(Response::Error { error }) => Err(error.into()),
            Ok(response) => Ok(response),
            Err(e) => {
                tracing::warn!("agent: {e}");
                Err(e.info(self.lang).into())
            }
        }
    }
}
