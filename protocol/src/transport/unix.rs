//! The Unix side of the transport (Linux, macOS): a stream socket only its user can reach.

use super::{Client, Connection};
use crate::ipc::IpcError;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tokio::net::{UnixListener, UnixStream};

impl Connection {
    /// Wraps one end of a socket pair (the agent's outbox worker gets its end as stdin).
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> Result<Connection, IpcError> {
        stream.set_nonblocking(true)?;
        let (reader, writer) = UnixStream::from_std(stream)?.into_split();
        Ok(Connection::from_halves(reader, writer))
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
            crate::private::create_dir_all(dir)?;
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

    /// Waits for the next client.
    pub async fn accept(&self) -> Result<Connection, IpcError> {
        let (stream, _) = self.listener.accept().await?;
        let (reader, writer) = stream.into_split();
        Ok(Connection::from_halves(reader, writer))
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
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
        let (reader, writer) = stream.into_split();
        Client::greet(Connection::from_halves(reader, writer)).await
    }
}

/// The agent's address under `runtime_dir`.
pub(super) fn address_in(runtime_dir: &Path) -> PathBuf {
    runtime_dir.join("agent.sock")
}
