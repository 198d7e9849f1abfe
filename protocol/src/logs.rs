//! Where Guichet's processes keep their diagnostic logs, and reading the end of one. Each process
//! writes its own daily file there (`agent.2026-12-06.log` for the agent, its outbox worker and
//! the CLI, `windows.2026-12-06.log` for the window process; the date is UTC), and keeps the last
//! [`KEPT_FILES`]. Neither name starts with the other: old files are pruned by name prefix. With the
//! `logging` feature, [`init`] sets up `tracing` to write both there and on standard error.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Overrides the log directory.
pub const LOG_DIR_ENV: &str = "GUICHET_LOG_DIR";

/// The filter of what is logged (`tracing`'s syntax: `info`, `guichet=debug`…).
pub const LOG_FILTER_ENV: &str = "GUICHET_LOG";

/// The agent's and the CLI's files start with this (`agent.<date>.log`).
pub const AGENT_LOG: &str = "agent";
/// The window process's files start with this (`windows.<date>.log`).
pub const WINDOWS_LOG: &str = "windows";
/// The extension of every log file.
pub const LOG_EXTENSION: &str = "log";
/// Daily files kept for each process: a week.
pub const KEPT_FILES: usize = 7;

/// The log directory: `$GUICHET_LOG_DIR`; else `logs` in `$GUICHET_DATA_DIR` when that is set
/// (tests, a portable set-up: everything in one place); else the OS's place for an application's
/// logs ([`os_log_dir`]). `None` when the OS gives none.
pub fn log_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(LOG_DIR_ENV) {
        return Some(dir);
    }
    if let Some(data) = var(crate::transport::DATA_DIR_ENV) {
        return Some(data.join("logs"));
    }
    os_log_dir().or_else(|| crate::transport::data_dir().map(|d| d.join("logs")))
}

/// Where each OS keeps an application's logs: `$XDG_STATE_HOME/guichet/logs` on Linux
/// (`~/.local/state/guichet/logs`: the XDG state directory is for logs and history),
/// `~/Library/Logs/Guichet` on macOS (where Console looks), `%LOCALAPPDATA%\guichet\logs` on
/// Windows.
pub fn os_log_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library").join("Logs").join("Guichet"))
    } else if cfg!(windows) {
        dirs::data_local_dir().map(|dir| dir.join("guichet").join("logs"))
    } else {
        dirs::state_dir().map(|dir| dir.join("guichet").join("logs"))
    }
}

/// The newest file of the process whose files start with `prefix` in `dir`: the daily names sort
/// by date. `None` when there is none (or the directory cannot be read).
pub fn current_file(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let start = format!("{prefix}.");
    let end = format!(".{LOG_EXTENSION}");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let date = name.strip_prefix(&start)?.strip_suffix(&end)?;
            // A date has no dot.
            (!date.is_empty() && !date.contains('.')).then_some(name)
        })
        .max()
        .map(|name| dir.join(name))
}

/// At most the last `max_bytes` of the file at `path`. When the file is longer, what is kept
/// starts on a line boundary, so no line is cut in half (a single line longer than `max_bytes`
/// is kept cut).
pub fn tail(path: &Path, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let length = file.metadata()?.len();
    let start = length.saturating_sub(max_bytes);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.take(max_bytes).read_to_end(&mut bytes)?;
    if start > 0 {
        if let Some(newline) = bytes.iter().position(|&b| b == b'\n') {
            if newline + 1 < bytes.len() {
                bytes.drain(..=newline);
            }
        }
    }
    Ok(bytes)
}

#[cfg(feature = "logging")]
pub use setup::{init, LogSetupError};

#[cfg(feature = "logging")]
mod setup {
    use super::{log_dir, KEPT_FILES, LOG_EXTENSION, LOG_FILTER_ENV};
    use tracing_appender::rolling::{RollingFileAppender, Rotation};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};

    /// Why the log file could not be opened: the process logs to standard error only.
    #[derive(Debug, thiserror::Error)]
    pub enum LogSetupError {
        #[error("no log directory: set {}", super::LOG_DIR_ENV)]
        NoDirectory,
        #[error("cannot create the log directory {dir}: {source}")]
        Create {
            dir: std::path::PathBuf,
            source: std::io::Error,
        },
        #[error("cannot open the log file in {dir}: {source}")]
        Open {
            dir: std::path::PathBuf,
            source: tracing_appender::rolling::InitError,
        },
    }

    /// Logs to standard error (at `warn` unless `GUICHET_LOG` says otherwise) and to the daily
    /// file `<prefix>.<date>.log` in [`log_dir`] (at `info` unless `GUICHET_LOG` says otherwise).
    /// Without a usable directory, logs to standard error alone, and says why in the answer.
    pub fn init(prefix: &str) -> Result<(), LogSetupError> {
        let filter = |default: &str| {
            EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default))
        };
        let stderr = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter("warn"));
        let file = log_dir().ok_or(LogSetupError::NoDirectory).and_then(|dir| {
            // Made first: the appender lists the directory (to prune) before creating it,
            // and says so on standard error.
            std::fs::create_dir_all(&dir).map_err(|source| LogSetupError::Create {
                dir: dir.clone(),
                source,
            })?;
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(prefix)
                .filename_suffix(LOG_EXTENSION)
                .max_log_files(KEPT_FILES)
                .build(&dir)
                .map_err(|source| LogSetupError::Open { dir, source })
        });
        match file {
            Ok(appender) => {
                let file = tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(appender)
                    .with_filter(filter("info"));
                tracing_subscriber::registry()
                    .with(stderr)
                    .with(file)
                    .init();
                Ok(())
            }
            Err(e) => {
                tracing_subscriber::registry().with(stderr).init();
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_current_file_is_the_newest_of_that_process() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "agent.2026-12-04.log",
            "agent.2026-12-06.log",
            "windows.2026-12-07.log",
            "agent.2026-12-05.log",
            "agent.notes.txt",
            "agent.old.2026-12-08.log",
        ] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        assert_eq!(
            current_file(dir.path(), AGENT_LOG),
            Some(dir.path().join("agent.2026-12-06.log"))
        );
        assert_eq!(
            current_file(dir.path(), WINDOWS_LOG),
            Some(dir.path().join("windows.2026-12-07.log"))
        );
        assert_eq!(current_file(&dir.path().join("none"), AGENT_LOG), None);
    }

    #[test]
    fn the_tail_is_bounded_and_starts_on_a_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.2026-12-06.log");
        let text: String = (0..1000).map(|i| format!("line {i:04}\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let tail = tail(&path, 100).unwrap();
        assert!(tail.len() <= 100, "{}", tail.len());
        let tail = String::from_utf8(tail).unwrap();
        assert!(tail.starts_with("line "), "{tail:?}");
        assert!(tail.ends_with("line 0999\n"), "{tail:?}");
        // A short file comes whole.
        assert_eq!(super::tail(&path, 1 << 20).unwrap(), text.as_bytes());
    }
}
