//! The user-only local channel that carries the IPC protocol, and where it lives. One file per
//! platform: `unix.rs` (a Unix socket, mode 0600 in a 0700 directory) serves Linux and macOS;
//! `windows/` is a named pipe per user, with an ACL for that user only. Every platform offers the
//! same three types: [`Connection`] (framed JSON, one value per line, at most
//! [`crate::ipc::MAX_MESSAGE_BYTES`], `framed.rs`), `Listener` (the agent's side, also its
//! single-instance lock) and [`Client`] (checks the protocol version on connect).

mod framed;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
pub mod windows;

pub use framed::{Client, Connection};
#[cfg(unix)]
pub use unix::Listener;
#[cfg(windows)]
pub use windows::Listener;

use std::path::PathBuf;

/// Overrides the directory of the agent's socket (tests run private agents).
pub const RUNTIME_DIR_ENV: &str = "GUICHET_RUNTIME_DIR";

/// Overrides the data directory (outbox, caches, follow-up state).
pub const DATA_DIR_ENV: &str = "GUICHET_DATA_DIR";

/// Where Guichet keeps its outbox and caches: `$GUICHET_DATA_DIR`, else the OS's per-user data
/// directory. `None` when the OS gives none.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::data_local_dir().map(|d| d.join("guichet"))
}

/// The directory holding the agent's socket: `$GUICHET_RUNTIME_DIR`, else
/// `$XDG_RUNTIME_DIR/guichet` (Linux), else the user's own temporary directory (`$TMPDIR/guichet`
/// on macOS, where `$TMPDIR` is per user), else `<data dir>/run`. Only the user can enter it.
pub fn runtime_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(RUNTIME_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if cfg!(target_os = "macos") {
        if let Some(tmp) = std::env::var_os("TMPDIR").filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(tmp).join("guichet"));
        }
    }
    dirs::runtime_dir()
        .map(|d| d.join("guichet"))
        .or_else(|| data_dir().map(|d| d.join("run")))
}

/// The agent's address for this user: a socket in [`runtime_dir`] (Unix), or the user's named
/// pipe (Windows; one of its own when `GUICHET_RUNTIME_DIR` gives tests a private agent).
pub fn socket_path() -> Option<PathBuf> {
    #[cfg(unix)]
    {
        runtime_dir().map(|d| unix::address_in(&d))
    }
    #[cfg(windows)]
    {
        let private = std::env::var_os(RUNTIME_DIR_ENV).filter(|v| !v.is_empty());
        windows::pipe_name(private.as_deref().map(std::path::Path::new))
    }
}
