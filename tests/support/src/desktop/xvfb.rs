//! Xvfb, the virtual X server most tests run on, and how an X server started with `-displayfd`
//! tells its display (Xorg uses it too).

use super::Guard;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// An Xvfb server on a free display number, stopped when dropped.
#[derive(Debug)]
pub struct Xvfb {
    /// `:N`, for `DISPLAY`.
    pub display: String,
    _server: Guard,
}

impl Xvfb {
    /// Starts `Xvfb` with one screen of `width`×`height` at depth 24, on a display number it
    /// picks itself. Panics when Xvfb is not installed: for tests that cannot do without it.
    pub fn start(width: u32, height: u32) -> Xvfb {
        let child = spawn(width, height).expect("Xvfb is installed (scripts/install-deps.sh)");
        Xvfb::ready(child)
    }

    /// Like [`Xvfb::start`], but `None`, loudly, when Xvfb is not installed (see
    /// [`missing`](crate::missing)): for checks a developer may skip.
    pub fn start_or_skip(width: u32, height: u32) -> Option<Xvfb> {
        match spawn(width, height) {
            Ok(child) => Some(Xvfb::ready(child)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::missing("Xvfb is not installed", "the real-capture checks");
                None
            }
            Err(e) => panic!("cannot start Xvfb: {e}"),
        }
    }

    fn ready(mut child: Child) -> Xvfb {
        match displayfd(&mut child, Duration::from_secs(20)) {
            Ok(display) => Xvfb {
                display,
                _server: Guard(child),
            },
            Err(e) => panic!("Xvfb did not report its display: {e}"),
        }
    }

    /// Presses `keys` (xdotool's syntax: `ctrl+alt+g`) on this display.
    pub fn press(&self, keys: &str) {
        let status = Command::new("xdotool")
            .args(["key", keys])
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool is installed (scripts/install-deps.sh)");
        assert!(status.success(), "xdotool key {keys}");
    }
}

fn spawn(width: u32, height: u32) -> std::io::Result<Child> {
    Command::new("Xvfb")
        // -displayfd 1: Xvfb picks a free display and writes its number on stdout once ready.
        // -noreset: without it the server resets, root background included, when the painter
        // (its last client) disconnects.
        .args([
            "-displayfd",
            "1",
            "-noreset",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
        ])
        .arg(format!("{width}x{height}x24"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
}

/// Why an X server gave no display number.
#[derive(Debug)]
pub enum DisplayFdError {
    /// It was started without a pipe on its standard output.
    NoStdout,
    /// It wrote nothing in time (or exited): what was read, if anything.
    NoAnswer(String),
}

impl std::fmt::Display for DisplayFdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DisplayFdError::NoStdout => f.write_str("no stdout to read the display from"),
            DisplayFdError::NoAnswer(read) => write!(f, "no display number: {read}"),
        }
    }
}

/// The `:N` display of an X server started with `-displayfd 1`, which writes its number on
/// stdout once it accepts clients. On failure the server is stopped.
pub fn displayfd(child: &mut Child, within: Duration) -> Result<String, DisplayFdError> {
    let stdout = child.stdout.take().ok_or(DisplayFdError::NoStdout)?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(within) {
        Ok(line) if !line.trim().is_empty() => Ok(format!(":{}", line.trim())),
        other => {
            let _ = child.kill();
            let _ = child.wait();
            Err(DisplayFdError::NoAnswer(format!("{other:?}")))
        }
    }
}
