//! The connection doctor (`guichet doctor`, and "Test the connection" in Settings): it walks the
//! way a report goes to the help desk, step by step, and stops at the first that fails, with a
//! message that says what to do.
//!
//! - this module: the configuration, then the network (`network`: DNS, TCP, proxy, TLS);
//! - each connector's `diagnose` (`connector::diagnose`): the API, the credentials, the rights;
//! - then, apart from the connection, this system: its display session and how its screen is
//!   captured (`display`), and what it needs (`webview2`: the runtime of the windows on Windows).
//!
//! The network steps use the same trust store ([`crate::net::tls`]) and the same proxy choice
//! ([`crate::net::proxy`]) as every report, so a pass here means the way is open for them.

mod display;
mod network;
mod webview2;

use crate::config::ServerConfig;
pub use crate::diagnosis::Finding;
use crate::i18n::Lang;
use guichet_protocol::doctor::{CheckStatus, DoctorReport, DoctorStep};

/// The steps in order, for skipping what follows a failure.
const STEPS: [DoctorStep; 8] = [
    DoctorStep::Config,
    DoctorStep::Dns,
    DoctorStep::Tcp,
    DoctorStep::Proxy,
    DoctorStep::Tls,
    DoctorStep::Api,
    DoctorStep::Credentials,
    DoctorStep::Rights,
];

/// What the configuration looked like to the caller: the problems met while loading it (already
/// worded, each naming its file, line and key) and the help desk, with its credentials.
#[derive(Debug)]
pub struct Subject<'a> {
    /// The loading problems, worded; the first one fails the configuration step.
    pub problems: &'a [String],
    /// The help desk to check; `None` fails the configuration step ("no help desk").
    pub server: Option<&'a ServerConfig>,
}

/// Runs every step that can run and words the outcome in `lang`.
pub async fn diagnose(subject: Subject<'_>, lang: Lang) -> DoctorReport {
    let mut findings = Vec::new();
    let config_ok = check_config(&subject, &mut findings);
    if config_ok {
        if let Some(server) = subject.server {
            if network::diagnose(&server.http, &mut findings).await {
                findings.extend(crate::connector::diagnose(server).await);
            }
        }
    }
    // Everything after the first failure was not checked.
    let failed = findings.iter().any(|f| f.status == CheckStatus::Fail);
    for step in STEPS {
        if !findings.iter().any(|f| f.step == step) {
            let key = if failed {
                "doctor.skipped"
            } else {
                "doctor.not_applicable"
            };
            findings.push(Finding::new(step, CheckStatus::Skip, key));
        }
    }
    findings.sort_by_key(|f| STEPS.iter().position(|s| *s == f.step));
    findings.push(display::finding());
    findings.extend(webview2::platform_findings());
    let server = subject.server.map(|s| s.url().to_owned());
    DoctorReport::new(server, findings.iter().map(|f| f.worded(lang)).collect())
}

fn check_config(subject: &Subject<'_>, findings: &mut Vec<Finding>) -> bool {
    if let Some(problem) = subject.problems.first() {
        findings.push(
            Finding::fail(DoctorStep::Config, "doctor.config.invalid").arg("problem", problem),
        );
        return false;
    }
    match subject.server {
        None => {
            findings.push(Finding::fail(DoctorStep::Config, "doctor.config.no_server"));
            false
        }
        Some(server) => match reqwest::Url::parse(server.url().trim()) {
            Ok(url) if url.host_str().is_some() => {
                findings.push(
                    Finding::pass(DoctorStep::Config, "doctor.config.ok")
                        .arg("url", server.url())
                        .arg("kind", server.desk.kind()),
                );
                true
            }
            _ => {
                findings.push(
                    Finding::fail(DoctorStep::Config, "doctor.config.bad_url")
                        .arg("url", server.url()),
                );
                false
            }
        },
    }
}
