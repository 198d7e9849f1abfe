//! Where a command is carried out: by the running agent (which owns the outbox), or here, with
//! the outbox opened directly, when no agent runs. Both answer the same [`Request`]s through the
//! same dispatch ([`guichet_core::api::dispatch`]), so there is one code path per command.

use guichet_core::api::{dispatch, Guichet};
use guichet_core::protocol::ipc::{Ask, IpcError, Request, Response};
use guichet_core::protocol::transport::{self, Client};
use guichet_core::protocol::ErrorInfo;
use guichet_core::Lang;

#[derive(Debug)]
pub(super) enum Backend {
    Agent { client: Client, lang: Lang },
    Direct(Box<Guichet>),
}

impl Backend {
    /// The running agent if there is one, else `guichet` itself.
    pub(super) async fn connect(guichet: Guichet) -> Backend {
        if let Some(socket) = transport::socket_path() {
            match Client::connect(&socket).await {
                Ok(client) => {
                    return Backend::Agent {
                        client,
                        lang: guichet.lang(),
                    }
                }
                Err(IpcError::NoAgent) => {}
                Err(e) => tracing::warn!("not using the agent: {e}"),
            }
        }
        Backend::Direct(Box::new(guichet))
    }

    fn lang(&self) -> Lang {
        match self {
            Backend::Agent { lang, .. } => *lang,
            Backend::Direct(g) => g.lang(),
        }
    }

    /// Answers `request`; an error (the agent's, the exchange's or this process's) is worded in
    /// the user's language.
    async fn call(&mut self, request: Request) -> Result<Response, ErrorInfo> {
        match self {
            Backend::Agent { client, lang } => match client.request(&request).await {
                Ok(Response::Error { error }) => Err(error),
                Ok(response) => Ok(response),
                Err(e) => {
                    tracing::warn!("agent: {e}");
                    Err(e.info(*lang))
                }
            },
            Backend::Direct(g) => {
                let guichet: &Guichet = g;
                dispatch::answer(guichet, guichet, request)
                    .await
                    .map_err(|e| e.report(guichet.lang()))
            }
        }
    }

    /// Answers `ask`; an answer of another kind than it calls for is an error.
    pub(super) async fn ask<A>(&mut self, ask: A) -> Result<A::Answer, ErrorInfo>
    where
        A: Ask<Request = Request, Response = Response>,
    {
        let response = self.call(ask.into_request()).await?;
        A::answer(response).map_err(|other| self.unexpected(&other))
    }

    /// An answer of another kind than the request calls for.
    fn unexpected(&self, response: &Response) -> ErrorInfo {
        let e = IpcError::Unexpected(response.kind());
        tracing::warn!("agent: {e}");
        e.info(self.lang())
    }
}
