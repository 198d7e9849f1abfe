//! The "Windows: WebView2" step: Guichet's windows need the Microsoft Edge WebView2 runtime,
//! which offline images and LTSC editions may lack. Without it reports still go (the CLI, the
//! queue), so the step stands apart from the connection's: it never skips them. The message
//! names what IT must install.

use super::Finding;

/// The step for a runtime of `version` (`None`: not installed).
#[cfg(any(windows, test))]
pub(super) fn finding(version: Option<&str>) -> Finding {
    match version {
        Some(version) => Finding::pass(
            guichet_protocol::doctor::DoctorStep::WebView2,
            "doctor.webview2.ok",
        )
        .arg("version", version),
        None => Finding::fail(
            guichet_protocol::doctor::DoctorStep::WebView2,
            "doctor.webview2.missing",
        ),
    }
}

/// This computer's platform steps: the WebView2 step on Windows, none elsewhere.
pub(super) fn platform_findings() -> Vec<Finding> {
    #[cfg(windows)]
    {
        let version = crate::platform::windows::webview2::runtime_version();
        vec![finding(version.as_deref())]
    }
    #[cfg(not(windows))]
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use guichet_protocol::doctor::CheckStatus;

    #[test]
    fn a_missing_runtime_says_what_it_must_install_in_the_user_s_language() {
        let missing = finding(None);
        assert_eq!(missing.status, CheckStatus::Fail);
        for (lang, words) in [(Lang::Fr, "Service informatique"), (Lang::En, "IT")] {
            let worded = missing.worded(lang);
            assert!(
                worded.message.contains("WebView2 Runtime"),
                "{}",
                worded.message
            );
            assert!(worded.message.contains("Evergreen"), "{}", worded.message);
            assert!(worded.message.contains(words), "{}", worded.message);
        }
        let present = finding(Some("131.0.2903.70")).worded(Lang::En);
        assert_eq!(present.status, CheckStatus::Pass);
        assert!(
            present.message.contains("131.0.2903.70"),
            "{}",
            present.message
        );
    }
}
