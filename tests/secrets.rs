//! Credentials stay where IT put them. After a full run of the real agent and CLI (reports sent
//! and queued, a followup with a file, an approval, a survey, `watch`, `show`, the queue), with
//! debug logging, neither the password, the personal token nor the App-Token appears in the data
//! directory (sled included, byte for byte, and the daily log files under `logs/`) or in any log
//! or output.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use common::{json, stderr, Workstation};
use guichet_glpi_double::{DoubleConfig, GlpiDouble, UserSpec};
use std::path::Path;
use std::process::Output;

const PASSWORD: &str = "Mot-de-passe-7c1e9b-Tres-Secret";
const TOKEN: &str = "tok7c1e9b0123456789abcdef0123456789abcdef";
const APP_TOKEN: &str = "app7c1e9b-f00dfeedcafe-0123456789";

/// Every file under `dir`, read as bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The run's outputs, kept for the scan.
#[derive(Default)]
struct Outputs(Vec<(String, Vec<u8>)>);

impl Outputs {
    fn keep(&mut self, what: &str, out: &Output) {
        self.0.push((format!("{what} stdout"), out.stdout.clone()));
        self.0.push((format!("{what} stderr"), out.stderr.clone()));
    }
}

fn run(ws: &Workstation, outputs: &mut Outputs, args: &[&str]) -> Output {
    let out = ws
        .command(args)
        .env("GUICHET_LOG", "debug")
        .output()
        .expect("run guichet");
    outputs.keep(&args.join(" "), &out);
    out
}

fn workstation(url: &str, credentials: &str) -> Workstation {
    Workstation::with_server(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\napp_token = \"{APP_TOKEN}\"\n{credentials}\
         timeout_secs = 5\nconnect_timeout_secs = 1\n"
    ))
}

#[test]
fn no_credential_is_written_anywhere_after_a_full_run() {
    let mut config = DoubleConfig {
        app_token: Some(APP_TOKEN.to_owned()),
        ..DoubleConfig::default()
    };
    config
        .users
        .push(UserSpec::self_service(8, "enseignant", PASSWORD, TOKEN));
    let double = GlpiDouble::start(config).expect("double");
    let mut outputs = Outputs::default();

    // Login and password (a directory account), then a personal token: both kinds of session.
    for credentials in [
        format!("login = \"enseignant\"\npassword = \"{PASSWORD}\"\n"),
        format!("user_token = \"{TOKEN}\"\n"),
    ] {
        let ws = workstation(&double.base_url(), &credentials);
        let runtime = ws.dir.path().join("run");
        let log = ws.dir.path().join("agent.log");
        let agent = ws.start_agent(&runtime, &[("GUICHET_LOG", "debug".as_ref())], &log);
        let through_agent = |args: &[&str], outputs: &mut Outputs| {
            let out = ws
                .command(args)
                .env("GUICHET_RUNTIME_DIR", &runtime)
                .env("GUICHET_LOG", "debug")
                .output()
                .expect("run guichet");
            outputs.keep(&args.join(" "), &out);
            out
        };
        let file = ws.file("capture.png", b"\x89PNG fake picture");
        let out = through_agent(
            &[
                "report",
                "--subject",
                "Imprimante",
                "--description",
                "L'imprimante de la salle 12 ne répond plus depuis ce matin.",
                "--attach",
                file.to_str().unwrap(),
                "--json",
            ],
            &mut outputs,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let ticket = json(&out)["ticket"].as_u64().expect("sent").to_string();
        let out = through_agent(
            &[
                "followup",
                &ticket,
                "--message",
                "Le voyant clignote.",
                "--attach",
                file.to_str().unwrap(),
            ],
            &mut outputs,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        double
            .add_solution(ticket.parse().unwrap(), "Toner remplacé.")
            .unwrap();
        for args in [
            vec!["watch", "--once", "--json"],
            vec!["show", ticket.as_str(), "--json"],
            vec!["approve", ticket.as_str(), "--json"],
            vec!["tickets", "--json"],
            vec!["queue", "list", "--json"],
        ] {
            let out = through_agent(&args, &mut outputs);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        }
        drop(agent);
        // Without the agent, and with the help desk refusing: a report waits in the outbox.
        let offline = workstation("http://127.0.0.1:9/apirest.php", &credentials);
        std::fs::rename(&ws.data, &offline.data).unwrap();
        let out = run(
            &offline,
            &mut outputs,
            &[
                "report",
                "--subject",
                "Wi-Fi",
                "--description",
                "Plus de Wi-Fi en salle des professeurs depuis ce matin.",
                "--json",
            ],
        );
        assert_eq!(json(&out)["status"], "queued", "{}", stderr(&out));
        run(&offline, &mut outputs, &["queue", "flush", "--json"]);

        let mut scanned = files(&offline.data);
        assert!(
            scanned
                .iter()
                .any(|(p, _)| p.to_string_lossy().contains("outbox")),
            "the outbox was written: {:?}",
            scanned.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        // The log files (`logs/` in the data directory) are scanned too, and were written: the
        // agent's and the CLI's at debug level.
        let log_files: Vec<_> = scanned
            .iter()
            .filter(|(p, bytes)| {
                p.parent().is_some_and(|d| d.ends_with("logs"))
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("agent."))
                    && !bytes.is_empty()
            })
            .collect();
        assert!(
            log_files
                .iter()
                .any(|(_, bytes)| contains(bytes, "DEBUG") && contains(bytes, "ipc request")),
            "the agent's debug log is among the scanned files: {:?}",
            log_files.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        scanned.push((log.clone(), std::fs::read(&log).unwrap_or_default()));
        for (path, bytes) in &scanned {
            for secret in [PASSWORD, TOKEN, APP_TOKEN] {
                assert!(
                    !contains(bytes, secret),
                    "{secret} found in {}",
                    path.display()
                );
            }
        }
    }
    assert!(outputs.0.len() > 20, "every command's output was kept");
    for (what, bytes) in &outputs.0 {
        for secret in [PASSWORD, TOKEN, APP_TOKEN] {
            assert!(!contains(bytes, secret), "{secret} found in the {what}");
        }
    }
}
