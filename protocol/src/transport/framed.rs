//! The framing every platform's channel shares: JSON values, one per line, at most
//! [`MAX_MESSAGE_BYTES`], over any pair of byte streams (a Unix socket, a named pipe, a child's
//! standard input and output).

use crate::ipc::{ask, Ask, IpcError, Request, Response, MAX_MESSAGE_BYTES, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

type Reader = Box<dyn AsyncRead + Send + Unpin>;
type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// One framed connection: JSON values, one per line.
pub struct Connection {
    reader: BufReader<Reader>,
    writer: Writer,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connection")
    }
}

impl Connection {
    /// A connection over a reading and a writing half.
    pub fn from_halves(
        reader: impl AsyncRead + Send + Unpin + 'static,
        writer: impl AsyncWrite + Send + Unpin + 'static,
    ) -> Connection {
        Connection {
            reader: BufReader::new(Box::new(reader)),
            writer: Box::new(writer),
        }
    }

    /// A connection over one two-way stream.
    pub fn from_stream(stream: impl AsyncRead + AsyncWrite + Send + 'static) -> Connection {
        let (reader, writer) = tokio::io::split(stream);
        Connection::from_halves(reader, writer)
    }

    /// Writes `message` as one line of JSON.
    pub async fn send<T: Serialize>(&mut self, message: &T) -> Result<(), IpcError> {
        let mut line =
            serde_json::to_vec(message).map_err(|e| IpcError::Malformed(e.to_string()))?;
        line.push(b'\n');
        self.writer.write_all(&line).await?;
        self.writer.flush().await?;
        Ok(())
    }

    /// The next message; `None` when the peer closed the connection cleanly.
    pub async fn receive<T: for<'de> Deserialize<'de>>(&mut self) -> Result<Option<T>, IpcError> {
        let mut line = Vec::new();
        let limit = (MAX_MESSAGE_BYTES + 1) as u64;
        let n = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(None);
        }
        if line.last() != Some(&b'\n') {
            return Err(IpcError::Malformed(format!(
                "message over {MAX_MESSAGE_BYTES} bytes or cut short"
            )));
        }
        serde_json::from_slice(&line)
            .map(Some)
            .map_err(|e| IpcError::Malformed(e.to_string()))
    }
}

/// A client of the agent, once connected (`Client::connect` is each platform's).
#[derive(Debug)]
pub struct Client {
    connection: Connection,
}

impl Client {
    /// Greets the agent over a fresh connection and checks the protocol version.
    pub(super) async fn greet(connection: Connection) -> Result<Client, IpcError> {
        let mut client = Client { connection };
        let hello = client
            .ask(ask::Hello {
                version: PROTOCOL_VERSION,
            })
            .await?;
        if hello.version == PROTOCOL_VERSION {
            Ok(client)
        } else {
            Err(IpcError::Version {
                agent: hello.version,
                ours: PROTOCOL_VERSION,
            })
        }
    }

    /// Sends `ask` and returns its answer; an answer of another kind is `Unexpected` (the
    /// agent's `Error` answer included: callers that word it use [`Client::request`]).
    pub async fn ask<A>(&mut self, ask: A) -> Result<A::Answer, IpcError>
    where
        A: Ask<Request = Request, Response = Response>,
    {
        let response = self.request(&ask.into_request()).await?;
        A::answer(response).map_err(|other| IpcError::Unexpected(other.kind()))
    }

    /// Sends `request` and waits for its one answer.
    pub async fn request(&mut self, request: &Request) -> Result<Response, IpcError> {
        self.connection.send(request).await?;
        self.connection.receive().await?.ok_or(IpcError::Closed)
    }
}
