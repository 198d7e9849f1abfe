//! The agent's private channel to its outbox worker on Unix (Linux and macOS alike): one end of a
//! Unix socket pair, handed to the child as its standard input, so no path or name is exposed to
//! other processes.

use crate::platform::PlatformError;
use guichet_core::protocol::transport::Connection;
use std::os::fd::{AsFd, OwnedFd};
use std::process::Stdio;
use tokio::process::{Child, Command};

/// Starts `command` (the worker) with its end of a new socket pair on standard input.
pub fn spawn_worker(mut command: Command) -> Result<(Child, Connection), PlatformError> {
    let io = |what| move |source| PlatformError::Io { what, source };
    let (ours, theirs) =
        std::os::unix::net::UnixStream::pair().map_err(io("cannot make the worker's channel"))?;
    let child = command
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .spawn()
        .map_err(io("cannot start the outbox worker"))?;
    Ok((child, Connection::from_std(ours)?))
}

/// The worker's side: the channel its agent put on standard input.
pub fn worker_connection() -> Result<Connection, PlatformError> {
    let fd = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|source| PlatformError::Io {
            what: "no channel on standard input",
            source,
        })?;
    Ok(Connection::from_std(std::os::unix::net::UnixStream::from(
        fd,
    ))?)
}
