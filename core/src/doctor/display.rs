//! The "Screen" step: which display session this is and how Guichet captures it, as the agent
//! decides at run time (`capture::capture_method`). Apart from the connection, it never skips
//! the connection's steps; with no display (a console, ssh) it is skipped.

use super::Finding;
use crate::capture::capture_method;
use crate::display::Session;
use guichet_protocol::desktop::CaptureMethod;
use guichet_protocol::doctor::{CheckStatus, DoctorStep};

/// The step for this process's session.
pub(super) fn finding() -> Finding {
    finding_for(Session::detect())
}

fn finding_for(session: Option<Session>) -> Finding {
    let key = match capture_method(session) {
        CaptureMethod::X11 => "doctor.display.x11",
        CaptureMethod::Portal => "doctor.display.portal",
        CaptureMethod::Windows => "doctor.display.windows",
        CaptureMethod::MacOs => "doctor.display.macos",
        CaptureMethod::Unavailable => {
            return Finding::new(
                DoctorStep::Display,
                CheckStatus::Skip,
                "doctor.display.none",
            )
        }
    };
    let shown = session.map(|s| s.to_string()).unwrap_or_default();
    Finding::pass(DoctorStep::Display, key).arg("session", &shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_session_and_its_capture_are_named() {
        let wayland = finding_for(Some(Session::Wayland)).worded(Lang::Fr);
        assert_eq!(wayland.status, CheckStatus::Pass);
        assert!(wayland.message.contains("Wayland"), "{}", wayland.message);
        assert!(wayland.message.contains("portail"), "{}", wayland.message);
        let x11 = finding_for(Some(Session::X11)).worded(Lang::En);
        assert!(x11.message.contains("X11"), "{}", x11.message);
    }

    #[test]
    fn no_display_is_skipped() {
        assert_eq!(finding_for(None).status, CheckStatus::Skip);
    }
}
