//! Credentials stay where IT put them. After a full run of the real agent and CLI (reports sent
//! and queued, a followup with a file, an approval, a survey, `watch`, `show`, the queue), with
//! debug logging, neither the password, the personal token nor the App-Token appears in the data
//! directory (sled included, byte for byte, and the daily log files under `logs/`) or in any log
//! or output. And no log line of that run carries anything of the reports: their subjects,
//! descriptions, phone, location, file names or contents (`tests/privacy.rs` adds screenshots).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble, UserSpec};
use guichet_test_support::desktop;
use guichet_test_support::workstation::{self, contains, files, json, stderr, Workstation};
use std::process::Output;

const PASSWORD: &str = "Mot-de-passe-7c1e9b-Tres-Secret";
const TOKEN: &str = "tok7c1e9b0123456789abcdef0123456789abcdef";
const APP_TOKEN: &str = "app7c1e9b-f00dfeedcafe-0123456789";
/// In every text the user writes and every file they attach: a log line that has it leaked.
const CONTENT: &str = "Kx7q2Dupont";
const PHONE: &str = "01 47 20 33 58";
const PHONE_DIGITS: &str = "0147203358";

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

/// The GLPI double with its App-Token and a Self-Service teacher whose password and token are
/// the secrets looked for.
fn teacher_s_help_desk() -> GlpiDouble {
    let mut config = DoubleConfig {
        app_token: Some(APP_TOKEN.to_owned()),
        ..DoubleConfig::default()
    };
    config
        .users
        .push(UserSpec::self_service(8, "enseignant", PASSWORD, TOKEN));
    GlpiDouble::start(config).expect("double")
}

#[test]
fn no_credential_is_written_anywhere_after_a_full_run() {
    let double = teacher_s_help_desk();
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
        let file = ws.file(
            &format!("voyant-{CONTENT}.png"),
            &[
                b"\x89PNG ".as_slice(),
                format!("photo du voyant {CONTENT}").as_bytes(),
            ]
            .concat(),
        );
        let out = through_agent(
            &[
                "report",
                "--subject",
                &format!("Imprimante {CONTENT}"),
                "--description",
                &format!("L'imprimante de la salle 12 ne répond plus depuis ce matin ({CONTENT})."),
                "--phone",
                PHONE,
                "--location",
                &format!("Bâtiment C {CONTENT}"),
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
                &format!("Le voyant clignote ({CONTENT})."),
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
                &format!("Wi-Fi {CONTENT}"),
                "--description",
                &format!("Plus de Wi-Fi en salle des professeurs depuis ce matin ({CONTENT})."),
                "--phone",
                PHONE,
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
        let agent_stderr = (log.clone(), std::fs::read(&log).unwrap_or_default());
        let mut logs: Vec<_> = log_files.into_iter().cloned().collect();
        logs.push(agent_stderr.clone());
        scanned.push(agent_stderr);
        for (path, bytes) in &scanned {
            for secret in [PASSWORD, TOKEN, APP_TOKEN] {
                assert!(
                    !contains(bytes, secret),
                    "{secret} found in {}",
                    path.display()
                );
            }
        }
        nothing_of_the_reports_in(&logs);
    }
    assert!(outputs.0.len() > 20, "every command's output was kept");
    for (what, bytes) in &outputs.0 {
        for secret in [PASSWORD, TOKEN, APP_TOKEN] {
            assert!(!contains(bytes, secret), "{secret} found in the {what}");
        }
    }
}

/// Every line of every log: none carries the reports' text, phone, location, file name or file
/// content (each has [`CONTENT`], or is the phone). Errors name a report by its id.
fn nothing_of_the_reports_in(logs: &[(std::path::PathBuf, Vec<u8>)]) {
    let mut lines = 0;
    for (path, bytes) in logs {
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            lines += 1;
            for needle in [CONTENT, PHONE, PHONE_DIGITS] {
                assert!(
                    !contains(line, needle),
                    "{}:{}: {}",
                    path.display(),
                    n + 1,
                    String::from_utf8_lossy(line)
                );
            }
        }
    }
    assert!(lines > 100, "a full run's log lines were scanned: {lines}");
}

/// Runs `guichet` with `stdin` on its standard input.
fn run_with_stdin(mut cmd: std::process::Command, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run guichet");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// The sign-in of an académie: login and password (or a personal token) typed once, checked with
/// the help desk, kept in the OS keyring (a real GNOME Keyring on a private D-Bus) and nowhere
/// else; sessions opened again by themselves (a new morning, an expired session); signing out
/// removes the secret. Then the same scan as above finds neither secret in the data directory,
/// the settings file Guichet wrote, the logs or any output.
#[test]
fn a_sign_in_keeps_its_secret_in_the_keyring_only() {
    let keyring = desktop::Keyring::start();
    let double = teacher_s_help_desk();
    let mut outputs = Outputs::default();
    // IT's file names the help desk and its App-Token; the user signs in.
    let ws = workstation(&double.base_url(), "");
    let runtime = ws.dir.path().join("run");
    let bus = keyring.bus.address.clone();
    let env: [(&str, &std::ffi::OsStr); 2] = [
        ("GUICHET_LOG", "debug".as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.as_ref()),
    ];
    let cli = |args: &[&str], agent: bool| {
        let mut cmd = ws.command(args);
        cmd.env("GUICHET_LOG", "debug")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus);
        if agent {
            cmd.env("GUICHET_RUNTIME_DIR", &runtime);
        } else {
            cmd.env("GUICHET_RUNTIME_DIR", ws.dir.path().join("no-agent"));
        }
        cmd
    };
    let report = |outputs: &mut Outputs, agent: bool, subject: &str| {
        let out = cli(
            &[
                "report",
                "--subject",
                subject,
                "--description",
                "Le poste 14 de la salle 203 ne démarre plus.",
                "--json",
            ],
            agent,
        )
        .output()
        .expect("report");
        outputs.keep("report", &out);
        json(&out)
    };

    let logs: Vec<std::path::PathBuf> = (1..=2)
        .map(|n| ws.dir.path().join(format!("agent-{n}.log")))
        .collect();
    let agent = ws.start_agent(&runtime, &env, &logs[0]);
    // Not signed in yet: the report waits on this computer.
    assert_eq!(
        report(&mut outputs, true, "Avant connexion")["status"],
        "queued"
    );

    // A wrong password is refused by the help desk, in plain words, and nothing is kept.
    let out = run_with_stdin(
        cli(
            &["signin", "--login", "enseignant", "--password-stdin"],
            true,
        ),
        "pas-le-bon\n",
    );
    outputs.keep("signin (wrong)", &out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("login or the password"),
        "{}",
        stderr(&out)
    );
    assert!(
        !keyring.guichet_items().contains("secret ="),
        "nothing stored: {}",
        keyring.guichet_items()
    );

    let out = run_with_stdin(
        cli(
            &["signin", "--login", "enseignant", "--password-stdin"],
            true,
        ),
        &format!("{PASSWORD}\n"),
    );
    outputs.keep("signin", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        workstation::stdout(&out).contains("enseignant"),
        "{}",
        workstation::stdout(&out)
    );
    let items = keyring.guichet_items();
    assert!(
        items.contains(PASSWORD) && items.contains(&double.base_url()),
        "the keyring holds it: {items}"
    );

    // The agent uses it at once: the waiting report goes, a new one too, tickets are followed.
    let out = cli(&["queue", "flush", "--json"], true)
        .output()
        .expect("flush");
    outputs.keep("queue flush", &out);
    let sent = report(&mut outputs, true, "Après connexion");
    assert_eq!(sent["status"], "sent", "{sent}");
    assert_eq!(
        double.tickets().len(),
        2,
        "both reports reached the help desk"
    );
    let ticket = sent["ticket"].as_u64().expect("ticket").to_string();
    double
        .add_solution(ticket.parse().unwrap(), "Alimentation changée.")
        .unwrap();
    for args in [
        vec!["watch", "--once", "--json"],
        vec!["approve", ticket.as_str(), "--json"],
        vec!["doctor", "--json"],
    ] {
        let out = cli(&args, true).output().expect("run");
        outputs.keep(&args.join(" "), &out);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            workstation::stdout(&out),
            stderr(&out)
        );
    }

    // The next morning: a new agent signs in by itself; and again when the session expires.
    drop(agent);
    let agent = ws.start_agent(&runtime, &env, &logs[1]);
    assert_eq!(report(&mut outputs, true, "Le lendemain")["status"], "sent");
    double.expire_sessions();
    assert_eq!(
        report(&mut outputs, true, "Session expirée")["status"],
        "sent"
    );
    let logins = double
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("initSession"))
        .count();
    assert!(
        logins >= 3,
        "sessions were opened again without asking: {logins}"
    );

    // Signing out removes the secret; reports wait again.
    let out = cli(&["signout"], true).output().expect("signout");
    outputs.keep("signout", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !keyring.guichet_items().contains(PASSWORD),
        "{}",
        keyring.guichet_items()
    );
    assert_eq!(
        report(&mut outputs, true, "Après déconnexion")["status"],
        "queued"
    );
    drop(agent);

    // A personal token, without an agent (the CLI opens the outbox itself).
    let out = run_with_stdin(
        cli(&["signin", "--token-stdin"], false),
        &format!("{TOKEN}\n"),
    );
    outputs.keep("signin --token-stdin", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(keyring.guichet_items().contains(TOKEN));
    assert_eq!(report(&mut outputs, false, "Par jeton")["status"], "sent");
    let out = cli(&["signout"], false).output().expect("signout");
    outputs.keep("signout", &out);
    assert!(!keyring.guichet_items().contains(TOKEN));

    let settings =
        std::fs::read_to_string(ws.data.join("settings.toml")).expect("Guichet wrote its settings");
    assert!(!settings.contains("account"), "signed out: {settings}");
    let mut scanned = files(&ws.data);
    for log in &logs {
        scanned.push((log.clone(), std::fs::read(log).unwrap_or_default()));
    }
    for (path, bytes) in &scanned {
        for secret in [PASSWORD, TOKEN, APP_TOKEN] {
            assert!(
                !contains(bytes, secret),
                "{secret} found in {}",
                path.display()
            );
        }
    }
    for (what, bytes) in &outputs.0 {
        for secret in [PASSWORD, TOKEN, APP_TOKEN] {
            assert!(!contains(bytes, secret), "{secret} found in the {what}");
        }
    }
}
