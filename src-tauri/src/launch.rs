//! How the window process was started: which window to show, and whether the agent already
//! captured the screens for it.
//!
//! The agent starts `guichet-ui --window wizard --captured` right after capturing. Anything else
//! (a WebDriver session, a user running the binary) starts it with no arguments: the wizard, with
//! no capture yet.

use crate::window::WindowLabel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launch {
    pub window: WindowLabel,
    /// The agent captured the screens before starting this process.
    pub captured: bool,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("--window needs a value")]
    MissingWindow,
    #[error("this program has no window `{0}`")]
    UnknownWindow(String),
}

impl Launch {
    /// Parses the arguments after the program name. Arguments it does not know are returned
    /// beside the launch, to be logged and ignored: WebDriver may add its own.
    pub fn parse<I: IntoIterator<Item = String>>(
        args: I,
    ) -> Result<(Launch, Vec<String>), LaunchError> {
        let mut launch = Launch {
            window: WindowLabel::Wizard,
            captured: false,
        };
        let mut ignored = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--captured" => launch.captured = true,
                "--window" => {
                    let name = args.next().ok_or(LaunchError::MissingWindow)?;
                    launch.window =
                        WindowLabel::from_label(&name).ok_or(LaunchError::UnknownWindow(name))?;
                }
                _ => ignored.push(arg),
            }
        }
        Ok((launch, ignored))
    }

    /// The wizard must show a fresh capture, taken before any window of ours exists, so that it
    /// is never in its own screenshot.
    pub fn needs_capture(&self) -> bool {
        self.window == WindowLabel::Wizard && !self.captured
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
        assert_eq!(launch.window, WindowLabel::Wizard);
        assert!(!launch.needs_capture());
        assert!(ignored.is_empty());
    }

    #[test]
    fn a_bare_launch_opens_the_wizard_after_a_capture() {
        let (launch, _) = parse(&[]).unwrap();
        assert_eq!(launch.window, WindowLabel::Wizard);
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
    }
}
