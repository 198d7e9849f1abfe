//! The agent's private channel to its outbox worker on Windows: the child's standard input and
//! output, as anonymous pipes only the two processes hold. The worker writes nothing else to its
//! standard output (its log goes to standard error).

use crate::platform::PlatformError;
use guichet_core::protocol::transport::Connection;
use std::process::Stdio;
use tokio::process::{Child, Command};

/// Starts `command` (the worker) with pipes on its standard input and output.
pub fn spawn_worker(mut command: Command) -> Result<(Child, Connection), PlatformError> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| PlatformError::Io {
            what: "cannot start the outbox worker",
            source,
        })?;
    let missing = || PlatformError::Io {
        what: "the outbox worker has no pipes",
        source: std::io::Error::from(std::io::ErrorKind::BrokenPipe),
    };
    let reader = child.stdout.take().ok_or_else(missing)?;
    let writer = child.stdin.take().ok_or_else(missing)?;
    Ok((child, Connection::from_halves(reader, writer)))
}

/// The worker's side: its standard input and output.
pub fn worker_connection() -> Result<Connection, PlatformError> {
    Ok(Connection::from_halves(
        tokio::io::stdin(),
        tokio::io::stdout(),
    ))
}
