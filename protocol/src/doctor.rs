//! The connection doctor's answer, as `guichet doctor --json` prints it and the Settings window
//! shows it: the steps from the name of the server to the account's rights, in the order a
//! connection goes through them, each passed or failed with a message a person can act on.

use serde::{Deserialize, Serialize};

/// One step of a connection, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum DoctorStep {
    /// The configuration files, and whether a help desk is configured.
    Config,
    /// The server's (or the proxy's) name resolves.
    Dns,
    /// A TCP connection opens.
    Tcp,
    /// The proxy, when one applies, lets the connection through.
    Proxy,
    /// The server's certificate is trusted (https only).
    Tls,
    /// The address answers as the help desk's API, and the API is enabled.
    Api,
    /// The account's credentials are accepted.
    Credentials,
    /// The account may create tickets (and read categories).
    Rights,
    /// Windows only, apart from the connection: the Microsoft Edge WebView2 runtime that
    /// Guichet's windows need is installed.
    #[serde(rename = "webview2")]
    WebView2,
    /// Apart from the connection: the display session and how its screen is captured (X11, a
    /// Wayland desktop's portal, Windows, macOS); skipped with no display.
    Display,
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum CheckStatus {
    /// The step works.
    Pass,
    /// Works, with a limit worth knowing.
    Warn,
    /// The step failed: reports cannot reach the help desk until it is fixed.
    Fail,
    /// Not checked: it does not apply, or an earlier step failed.
    Skip,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DoctorCheck {
    /// Which step this is.
    pub step: DoctorStep,
    /// How it went.
    pub status: CheckStatus,
    /// What was found and, on failure, what to do, in the user's language.
    pub message: String,
    /// The catalogue key of the message, for scripts and tests.
    pub key: String,
    /// Technical detail for IT (the underlying error), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The whole diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    /// Every step passed (warnings allowed).
    pub ok: bool,
    /// The help desk's address checked, if one is configured.
    pub server: Option<String>,
    /// Every step in the order it ran, skipped ones included.
    pub steps: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// A report of `steps` for `server`; `ok` when there is at least one step and none failed.
    pub fn new(server: Option<String>, steps: Vec<DoctorCheck>) -> DoctorReport {
        let ok = !steps.is_empty()
            && steps.iter().all(|s| {
                matches!(
                    s.status,
                    CheckStatus::Pass | CheckStatus::Warn | CheckStatus::Skip
                )
            })
            && steps.iter().any(|s| s.status != CheckStatus::Skip);
        DoctorReport { ok, server, steps }
    }

    /// The first step that failed.
    pub fn failure(&self) -> Option<&DoctorCheck> {
        self.steps.iter().find(|s| s.status == CheckStatus::Fail)
    }
}
