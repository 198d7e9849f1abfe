//! How the window process was started: which window to show, and whether the agent already
//! captured the screens for it.
//!
//! The agent starts `guichet-ui --window wizard --captured` right after capturing, and
//! `guichet-ui --window my-tickets [--ticket N]` when a notification or the tray asks for a
//! ticket. Anything else (a WebDriver session, a user running the binary) may start it with no
//! arguments: the wizard, with no capture yet.

use guichet_protocol::view::{WindowKind, WindowLaunch};
use guichet_protocol::TicketId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launch {
    pub window: WindowKind,
    /// The agent captured the screens before starting this process.
    pub captured: bool,
    /// "My tickets" opens on this ticket.
    pub ticket: Option<TicketId>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("--window needs a value")]
    MissingWindow,
    #[error("this program has no window `{0}`")]
    UnknownWindow(String),
    #[error("--ticket needs a ticket number, not `{0}`")]
    BadTicket(String),
}

impl Launch {
    /// Parses the arguments after the program name. Arguments it does not know are returned
    /// beside the launch, to be logged and ignored: WebDriver may add its own.
    pub fn parse<I: IntoIterator<Item = String>>(
        args: I,
    ) -> Result<(Launch, Vec<String>), LaunchError> {
        let mut launch = Launch {
            window: WindowKind::Wizard,
            captured: false,
            ticket: None,
        };
        let mut ignored = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--captured" => launch.captured = true,
                "--window" => {
                    let name = args.next().ok_or(LaunchError::MissingWindow)?;
                    launch.window =
                        WindowKind::from_arg(&name).ok_or(LaunchError::UnknownWindow(name))?;
                }
                "--ticket" => {
                    let value = args.next().unwrap_or_default();
                    launch.ticket = Some(value.parse().map_err(|_| LaunchError::BadTicket(value))?);
                }
                _ => ignored.push(arg),
            }
        }
        Ok((launch, ignored))
    }

    /// The wizard must show a fresh capture, taken before any window of ours exists, so that it
    /// is never in its own screenshot.
    pub fn needs_capture(&self) -> bool {
        self.window == WindowKind::Wizard && !self.captured
    }

    /// What the web UI is told about its start.
    pub fn describe(&self) -> WindowLaunch {
        WindowLaunch {
            window: self.window,
            ticket: self.ticket,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<(Launch, Vec<String>), LaunchError> {
        Launch::parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn the_agent_s_launch_needs_no_capture() {
        let (launch, ignored) = parse(&["--window", "wizard", "--captured"]).unwrap();
        assert_eq!(launch.window, WindowKind::Wizard);
        assert!(!launch.needs_capture());
        assert!(ignored.is_empty());
    }

    #[test]
    fn a_bare_launch_opens_the_wizard_after_a_capture() {
        let (launch, _) = parse(&[]).unwrap();
        assert_eq!(launch.window, WindowKind::Wizard);
        assert!(launch.needs_capture());
    }

    #[test]
    fn unknown_arguments_are_set_aside_and_unknown_windows_refused() {
        let (_, ignored) = parse(&["--automation"]).unwrap();
        assert_eq!(ignored, ["--automation"]);
        assert_eq!(parse(&["--window"]), Err(LaunchError::MissingWindow));
        assert_eq!(
            parse(&["--window", "main"]),
            Err(LaunchError::UnknownWindow("main".into()))
        );
        assert_eq!(
            parse(&["--ticket", "x"]),
            Err(LaunchError::BadTicket("x".into()))
        );
    }

    #[test]
    fn a_notification_opens_my_tickets_on_its_ticket() {
        let (launch, _) = parse(&["--window", "my-tickets", "--ticket", "815"]).unwrap();
        assert_eq!(launch.window, WindowKind::MyTickets);
        assert_eq!(launch.ticket, Some(815));
        assert!(!launch.needs_capture());
    }
}
