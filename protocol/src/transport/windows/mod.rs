//! The Windows side of the transport: a named pipe per user, `\\.\pipe\guichet-<SID>`, that only
//! this user can open ([`security`]) and that refuses remote clients. The agent creates the first
//! instance with `FILE_FLAG_FIRST_PIPE_INSTANCE`, which is also its single-instance lock: a second
//! agent of the same user cannot create it and says an agent is already running. Wine 8 ignores
//! that flag, so the agent first looks for the pipe as a client would (which also holds on
//! Windows, and is how the lock is tested under Wine).

mod security;

pub use security::{pipe_sddl, user_sid};

use super::{Client, Connection};
use crate::ipc::IpcError;
use security::PipeSecurity;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeServer, ServerOptions};

/// `ERROR_ACCESS_DENIED`: what creating a first instance gives when one exists.
const ERROR_ACCESS_DENIED: i32 = 5;
/// `ERROR_PIPE_BUSY`: every instance is serving a client; another is created at once.
const ERROR_PIPE_BUSY: i32 = 231;
/// How long a client waits for a busy agent to offer a new instance.
const BUSY_WAIT: Duration = Duration::from_secs(2);

/// The agent's pipe for this user: `\\.\pipe\guichet-<SID>`, or, when tests give a private
/// runtime directory, a name derived from it as well, so that private agents do not meet.
pub(super) fn pipe_name(private_dir: Option<&Path>) -> Option<PathBuf> {
    let sid = match user_sid() {
        Ok(sid) => sid,
        Err(e) => {
            tracing_free_warn(&e);
            return None;
        }
    };
    Some(PathBuf::from(name_for(&sid, private_dir)))
}

/// The pipe's name for `sid` (pure, tested).
fn name_for(sid: &str, private_dir: Option<&Path>) -> String {
    match private_dir {
        Some(dir) => format!(
            r"\\.\pipe\guichet-{sid}-{:016x}",
            fnv1a(dir.to_string_lossy().as_bytes())
        ),
        None => format!(r"\\.\pipe\guichet-{sid}"),
    }
}

/// The protocol crate logs nothing; a missing SID only means no agent can be reached.
fn tracing_free_warn(e: &std::io::Error) {
    eprintln!("guichet: cannot read this user's security identifier: {e}");
}

/// FNV-1a, 64 bits: a stable short name for a directory.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The agent's side: the pipe's next free instance, created before the previous one is handed
/// to its client, so a client never finds the name missing.
#[derive(Debug)]
pub struct Listener {
    name: PathBuf,
    security: PipeSecurity,
    next: tokio::sync::Mutex<NamedPipeServer>,
}

impl Listener {
    /// Creates the pipe's first instance. Fails with `AddrInUse` when an agent of this user
    /// already holds it.
    pub async fn bind(name: &Path) -> Result<Listener, IpcError> {
        if pipe_exists(name) {
            return Err(already_running());
        }
        let security = PipeSecurity::for_current_user()?;
        let first = create(name, &security, true).map_err(|e| {
            if e.raw_os_error() == Some(ERROR_ACCESS_DENIED) {
                already_running()
            } else {
                IpcError::Io(e)
            }
        })?;
        Ok(Listener {
            name: name.to_owned(),
            security,
            next: tokio::sync::Mutex::new(first),
        })
    }

    /// Waits for the next client, with a fresh pipe instance ready for the one after.
    pub async fn accept(&self) -> Result<Connection, IpcError> {
        let mut next = self.next.lock().await;
        next.connect().await?;
        let fresh = create(&self.name, &self.security, false)?;
        let connected = std::mem::replace(&mut *next, fresh);
        Ok(Connection::from_stream(connected))
    }

    /// The pipe's name (`\\.\pipe\guichet-<SID>`).
    pub fn path(&self) -> &Path {
        &self.name
    }
}

fn already_running() -> IpcError {
    IpcError::Io(std::io::Error::new(
        std::io::ErrorKind::AddrInUse,
        "an agent is already running",
    ))
}

/// Whether an agent serves `name` now: the pipe can be opened, or all its instances are busy.
fn pipe_exists(name: &Path) -> bool {
    match ClientOptions::new().open(name) {
        Ok(_probe) => true,
        Err(e) => e.raw_os_error() == Some(ERROR_PIPE_BUSY),
    }
}

fn create(name: &Path, security: &PipeSecurity, first: bool) -> std::io::Result<NamedPipeServer> {
    let mut options = ServerOptions::new();
    options
        .first_pipe_instance(first)
        .reject_remote_clients(true);
    security.create(&options, name)
}

impl Client {
    /// Connects and checks the protocol version. `NoAgent` when nobody listens.
    pub async fn connect(name: &Path) -> Result<Client, IpcError> {
        let deadline = Instant::now() + BUSY_WAIT;
        let pipe = loop {
            match ClientOptions::new().open(name) {
                Ok(pipe) => break pipe,
                Err(e)
                    if e.raw_os_error() == Some(ERROR_PIPE_BUSY) && Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(IpcError::NoAgent)
                }
                Err(e) => return Err(e.into()),
            }
        };
        Client::greet(Connection::from_stream(pipe)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_per_user_and_per_private_directory() {
        let sid = "S-1-5-21-1004336348-1177238915-682003330-1001";
        assert_eq!(name_for(sid, None), format!(r"\\.\pipe\guichet-{sid}"));
        let a = name_for(sid, Some(Path::new(r"C:\tmp\a")));
        let b = name_for(sid, Some(Path::new(r"C:\tmp\b")));
        assert!(a.starts_with(&format!(r"\\.\pipe\guichet-{sid}-")));
        assert_ne!(a, b);
        assert_eq!(a, name_for(sid, Some(Path::new(r"C:\tmp\a"))));
    }
}
