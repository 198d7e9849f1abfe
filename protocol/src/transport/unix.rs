//! The Unix side of the transport (Linux, macOS): a stream socket only its user can reach.

use crate::ipc::{IpcError, Request, Response, MAX_MESSAGE_BYTES, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::path::PathBuf;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{UnixListener, UnixStream};

/// One framed connection: JSON values, one per line.
#[derive(Debug)]
pub struct Connection {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Connection {
    fn new(stream: UnixStream) -> Connection {
        let (r, w) = stream.into_split();
        Connection {
            reader: BufReader::new(r),
            writer: w,
        }
    }

    /// Wraps one end of a socket pair (the agent's outbox worker gets its end as stdin).
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> Result<Connection, IpcError> {
        stream.set_nonblocking(true)?;
        Ok(Connection::new(UnixStream::from_std(stream)?))
    }

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

/// The agent's side: a socket only its user can reach.
#[derive(Debug)]
pub struct Listener {
    listener: UnixListener,
    path: PathBuf,
}

impl Listener {
    /// Binds the socket at `path`. Fails with `AddrInUse` when an agent already answers
    /// there; a stale socket left by a crashed agent is replaced.
    pub async fn bind(path: &Path) -> Result<Listener, IpcError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        if path.exists() {
            if UnixStream::connect(path).await.is_ok() {
                return Err(IpcError::Io(std::io::Error::new(
                    std::io::ErrorKind::AddrInUse,
                    "an agent is already running",
                )));
            }
            std::fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(Listener {
            listener,
            path: path.to_owned(),
        })
    }

    pub async fn accept(&self) -> Result<Connection, IpcError> {
        let (stream, _) = self.listener.accept().await?;
        Ok(Connection::new(stream))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A client of the agent.
#[derive(Debug)]
pub struct Client {
    connection: Connection,
}

impl Client {
    /// Connects and checks the protocol version. `NoAgent` when nobody listens.
    pub async fn connect(path: &Path) -> Result<Client, IpcError> {
        let stream = match UnixStream::connect(path).await {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(IpcError::NoAgent)
            }
            Err(e) => return Err(e.into()),
        };
        let mut client = Client {
            connection: Connection::new(stream),
        };
        match client
            .request(&Request::Hello {
                version: PROTOCOL_VERSION,
            })
            .await?
        {
            Response::Hello { version, .. } if version == PROTOCOL_VERSION => Ok(client),
            Response::Hello { version, .. } => Err(IpcError::Version {
                agent: version,
                ours: PROTOCOL_VERSION,
            }),
            other => Err(IpcError::Unexpected(other.kind())),
        }
    }

    pub async fn request(&mut self, request: &Request) -> Result<Response, IpcError> {
        self.connection.send(request).await?;
        self.connection.receive().await?.ok_or(IpcError::Closed)
    }
}
