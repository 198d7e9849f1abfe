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
    overridden()
        .or_else(os_log_dir)
        .or_else(|| crate::transport::data_dir().map(|d| d.join("logs")))
}

/// The folder Guichet owns around its logs, made private at start ([`crate::private`]): the
/// log directory itself when it is set, or its OS's `guichet` folder (`~/.local/state/guichet`
/// on Linux).
pub fn log_root() -> Option<PathBuf> {
    overridden()
        .or_else(os_log_root)
        .or_else(|| crate::transport::data_dir().map(|d| d.join("logs")))
}

/// `$GUICHET_LOG_DIR`, else `logs` in `$GUICHET_DATA_DIR`.
fn overridden() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var(LOG_DIR_ENV).or_else(|| var(crate::transport::DATA_DIR_ENV).map(|d| d.join("logs")))
}

/// Where each OS keeps an application's logs: `$XDG_STATE_HOME/guichet/logs` on Linux
/// (`~/.local/state/guichet/logs`: the XDG state directory is for logs and history),
/// `~/Library/Logs/Guichet` on macOS (where Console looks), `%LOCALAPPDATA%\guichet\logs` on
/// Windows.
pub fn os_log_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        os_log_root()
    } else {
        os_log_root().map(|root| root.join("logs"))
    }
}

/// Guichet's own folder in the OS's place for logs: `~/.local/state/guichet` (Linux),
/// `~/Library/Logs/Guichet` (macOS), `%LOCALAPPDATA%\guichet` (Windows).
fn os_log_root() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library").join("Logs").join("Guichet"))
    } else if cfg!(windows) {
        dirs::data_local_dir().map(|dir| dir.join("guichet"))
    } else {
        dirs::state_dir().map(|dir| dir.join("guichet"))
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
    use tracing_subscriber::filter::Directive;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};

    /// Why the log file could not be opened: the process logs to standard error only.
    #[derive(Debug, thiserror::Error)]
    pub enum LogSetupError {
        /// Neither the platform's state directory nor the variable names one.
        #[error("no log directory: set {}", super::LOG_DIR_ENV)]
        NoDirectory,
        /// The log directory could not be created.
        #[error("cannot create the log directory {dir}: {source}")]
        Create {
            /// The directory.
            dir: std::path::PathBuf,
            /// Why.
            source: std::io::Error,
        },
        /// The day's log file could not be opened.
        #[error("cannot open the log file in {dir}: {source}")]
        Open {
            /// The log directory.
            dir: std::path::PathBuf,
            /// Why.
            source: tracing_appender::rolling::InitError,
        },
    }

    /// Libraries that log the text they handle at their `debug` and `trace` levels: the HTML
    /// parser under the sanitiser logs every piece of a ticket's text (the user's own followups
    /// included). Held at `info` whatever `GUICHET_LOG` says: no report or ticket content may
    /// reach a log (`tests/secrets.rs` and `tests/privacy.rs` read every line at `debug`).
    const CONTENT_LOGGING: [&str; 2] = ["html5ever", "markup5ever"];

    /// zbus warns, for every portal proxy, that an interface the portal does not have (the host
    /// registry before 1.19.4, a request object already gone) has no properties: noise that
    /// reads like a fault. Its errors still show.
    const NOISY: [&str; 1] = ["zbus::proxy=error"];

    /// Logs to standard error (at `warn` unless `GUICHET_LOG` says otherwise) and to the daily
    /// file `<prefix>.<date>.log` in [`log_dir`] (at `info` unless `GUICHET_LOG` says otherwise).
    /// Without a usable directory, logs to standard error alone, and says why in the answer.
    pub fn init(prefix: &str) -> Result<(), LogSetupError> {
        let filter = |default: &str| {
            let mut filter =
                EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default));
            for target in CONTENT_LOGGING {
                if let Ok(directive) = format!("{target}=info").parse::<Directive>() {
                    filter = filter.add_directive(directive);
                }
            }
            for directive in NOISY.iter().filter_map(|d| d.parse::<Directive>().ok()) {
                filter = filter.add_directive(directive);
            }
            filter
        };
        let stderr = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter("warn"));
        let file = log_dir().ok_or(LogSetupError::NoDirectory).and_then(|dir| {
            // Made first, owner-only (the files are, by the process's umask): the appender
            // lists the directory (to prune) before creating it, and says so on standard error.
            crate::private::create_dir_all(&dir).map_err(|source| LogSetupError::Create {
                dir: dir.clone(),
                source,
            })?;
            appender(&dir, prefix).map_err(|source| LogSetupError::Open { dir, source })
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

    /// The daily file `<prefix>.<date>.log` in `dir`. Building it deletes that process's oldest
    /// files beyond [`KEPT_FILES`] (counting today's), as each day's rotation does.
    pub(super) fn appender(
        dir: &std::path::Path,
        prefix: &str,
    ) -> Result<RollingFileAppender, tracing_appender::rolling::InitError> {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(prefix)
            .filename_suffix(LOG_EXTENSION)
            .max_log_files(KEPT_FILES)
            .build(dir)
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

    /// `docs/PRIVACY.md`: each process keeps its last [`KEPT_FILES`] (7) daily files; the
    /// other process's files are not its to count.
    #[cfg(feature = "logging")]
    #[test]
    fn each_process_keeps_its_last_seven_daily_files() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        for day in 1..=12 {
            for prefix in [AGENT_LOG, WINDOWS_LOG] {
                let name = format!("{prefix}.2020-01-{day:02}.{LOG_EXTENSION}");
                std::fs::write(dir.path().join(name), b"old\n").unwrap();
            }
            // Pruning goes by creation time.
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let mut appender = setup::appender(dir.path(), AGENT_LOG).unwrap();
        appender.write_all(b"today\n").unwrap();
        let names = |prefix: &str| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.starts_with(&format!("{prefix}.")))
                .collect();
            names.sort();
            names
        };
        let agent = names(AGENT_LOG);
        assert_eq!(KEPT_FILES, 7);
        assert_eq!(agent.len(), KEPT_FILES, "{agent:?}");
        assert_eq!(
            agent[0], "agent.2020-01-07.log",
            "the oldest went first: {agent:?}"
        );
        assert!(
            !agent[KEPT_FILES - 1].starts_with("agent.2020"),
            "today's: {agent:?}"
        );
        assert_eq!(names(WINDOWS_LOG).len(), 12);
    }
}
