//! The follow-up loop end to end, with real desktop parts: the agent polls the GLPI double, shows
//! a solved ticket as exactly one desktop notification (dunst, a real notification daemon, on a
//! private D-Bus watched by dbus-monitor), does not show it again after a restart, and opens
//! "My tickets" on that ticket when the notification is clicked. And the CLI's side: `show`,
//! `followup`, `approve`, `refuse`, `rate` and `watch`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, start_dunst, wait_for, Guard, SessionBus, Xvfb};
use guichet_test_support::workstation::{self, json, stderr, stdout, Workstation};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const DESCRIPTION: &str = "The projector in room 12 does not turn on since this morning.";
const LIMIT: Duration = Duration::from_secs(30);

/// Files a report with the CLI; returns its ticket number.
fn file_ticket(ws: &Workstation, runtime: Option<&Path>) -> u64 {
    let mut cmd = ws.command(&[
        "report",
        "--subject",
        "Projector <room 12>",
        "--description",
        DESCRIPTION,
        "--json",
    ]);
    if let Some(dir) = runtime {
        cmd.env("GUICHET_RUNTIME_DIR", dir);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)["ticket"].as_u64().unwrap()
}

struct Desktop {
    x: Xvfb,
    bus: SessionBus,
    _dunst: Guard,
    /// A tray host, as on a usual desktop (without one the agent says once how to report).
    _watcher: Guard,
    _monitor: Guard,
    monitor_log: PathBuf,
}

impl Desktop {
    fn start(dir: &Path) -> Desktop {
        let x = Xvfb::start(1280, 800);
        let bus = SessionBus::start();
        let monitor_log = dir.join("dbus-monitor.log");
        let monitor = Command::new("dbus-monitor")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(std::fs::File::create(&monitor_log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor is installed");
        let dunst = start_dunst(&x, &bus);
        let watcher = bus.status_notifier_watcher();
        Desktop {
            x,
            bus,
            _dunst: dunst,
            _watcher: watcher,
            _monitor: Guard(monitor),
            monitor_log,
        }
    }

    /// The `Notify` calls seen so far, each as its text block.
    fn notify_calls(&self) -> Vec<String> {
        read_file(&self.monitor_log)
            .split("method call")
            .filter(|block| block.contains("member=Notify"))
            .map(str::to_owned)
            .collect()
    }
}

struct Agent {
    _child: Guard,
    log: PathBuf,
}

/// The agent with a stand-in window process that records its arguments in `record`.
fn start_agent(ws: &Workstation, desktop: &Desktop, runtime: &Path, record: &Path) -> Agent {
    let ui = ws.recording_ui(record, 0);
    let log = ws.dir.path().join(format!(
        "agent-{}.log",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let env: [(&str, &OsStr); 3] = [
        ("GUICHET_UI", ui.as_os_str()),
        ("DISPLAY", desktop.x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", desktop.bus.address.as_ref()),
    ];
    Agent {
        _child: ws.start_agent(runtime, &env, &log),
        log,
    }
}

#[test]
fn a_solved_ticket_is_one_notification_naming_it_and_clicking_it_opens_the_ticket() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let ws = Workstation::new(Some(&double.base_url()));
    ws.append_config("[poll]\ninterval_secs = 1\n");
    let desktop = Desktop::start(ws.dir.path());
    let runtime = ws.dir.path().join("run");
    let record = ws.dir.path().join("ui-starts.txt");
    let agent = start_agent(&ws, &desktop, &runtime, &record);

    let ticket = file_ticket(&ws, Some(&runtime));
    // Let the agent take its first look (a new ticket is no news), then solve it.
    wait_for("the first check", LIMIT, || {
        double
            .requests()
            .iter()
            .any(|r| r.path == format!("/Ticket/{ticket}/ITILSolution"))
            .then_some(())
    });
    assert!(desktop.notify_calls().is_empty(), "nothing to say yet");
    double.add_solution(ticket, "Lamp replaced.").unwrap();
    let name = format!("#{ticket}");
    wait_for("a Notify call", LIMIT, || {
        (!desktop.notify_calls().is_empty()).then_some(())
    });
    // Several more checks: still one.
    std::thread::sleep(Duration::from_secs(4));
    let calls = desktop.notify_calls();
    assert_eq!(calls.len(), 1, "exactly one Notify: {calls:#?}");
    assert!(calls[0].contains(&name), "names the ticket: {}", calls[0]);
    assert!(calls[0].contains("solution proposed"), "{}", calls[0]);

    // Clicking it (dunst's default action) opens My tickets on that ticket.
    let click = Command::new("dunstctl")
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus.address)
        .args(["action", "0"])
        .output()
        .unwrap();
    assert!(
        click.status.success(),
        "{}",
        String::from_utf8_lossy(&click.stderr)
    );
    let started = wait_for("the window process", LIMIT, || {
        let text = read_file(&record);
        (!text.is_empty()).then_some(text)
    });
    assert_eq!(
        started.trim(),
        format!("--window my-tickets --ticket {ticket}"),
        "agent log: {}",
        read_file(&agent.log)
    );

    // A restarted agent does not announce it again.
    drop(agent);
    let _agent = start_agent(&ws, &desktop, &runtime, &record);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        desktop.notify_calls().len(),
        1,
        "no duplicate after a restart"
    );
}

#[test]
fn the_cli_shows_answers_and_acts_on_a_ticket() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    double.enable_surveys(true);
    let ws = Workstation::new(Some(&double.base_url()));
    let ticket = file_ticket(&ws, None);
    let n = ticket.to_string();
    double
        .add_tech_followup(ticket, "<p>Is it the <b>left</b> projector?</p>")
        .unwrap();

    let out = ws.run(&["watch", "--once", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let notices: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["ticket"], ticket);
    assert_eq!(notices[0]["kind"]["type"], "followup");
    let out = ws.run(&["watch", "--once", "--json"]);
    assert_eq!(stdout(&out).trim(), "", "already said");

    let out = ws.run(&["show", &n]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Is it the left projector?"), "{text}");
    assert!(text.contains("Help desk"), "{text}");

    let file = ws.file("photo.txt", b"left one");
    let out = ws.run(&[
        "followup",
        &n,
        "--message",
        "Yes, the left one.",
        "--attach",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let on_server = double.ticket(ticket).unwrap();
    assert!(on_server
        .followups
        .iter()
        .any(|f| f.content.contains("the left one")));
    assert!(on_server
        .documents
        .iter()
        .any(|d| d.filename == "photo.txt"));

    double.add_solution(ticket, "Cable reseated.").unwrap();
    let out = ws.run(&["refuse", &n]);
    assert_eq!(out.status.code(), Some(2), "no reason: invalid input");
    assert!(stderr(&out).contains("Say why"), "{}", stderr(&out));
    let out = ws.run(&["approve", &n, "--comment", "It still doesn't work"]);
    assert_eq!(out.status.code(), Some(2), "a contradiction is questioned");
    assert!(stderr(&out).contains("refuse"), "{}", stderr(&out));
    assert_eq!(double.ticket(ticket).unwrap().status, 5, "nothing sent");
    let out = ws.run(&["approve", &n, "--comment", "Works now, thanks", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent");
    let on_server = double.ticket(ticket).unwrap();
    assert_eq!(on_server.status, 6);
    assert_eq!(on_server.solutions.last().unwrap().status, 3);

    let out = ws.run(&["rate", &n, "--score", "7"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ws.run(&["rate", &n, "--score", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ws.run(&["rate", &n, "--score", "4", "--comment", "Quick"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let survey = double.ticket(ticket).unwrap().satisfaction.unwrap();
    assert_eq!(survey.satisfaction, Some(4));
    assert_eq!(survey.comment.as_deref(), Some("Quick"));

    let out = ws.run(&["show", &n, "--json"]);
    let view = json(&out);
    assert_eq!(view["detail"]["status"], "closed");
    assert_eq!(view["detail"]["survey"]["score"], 4);
}

#[test]
fn actions_wait_offline_and_show_as_pending() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let ws = Workstation::new(Some(&double.base_url()));
    let ticket = file_ticket(&ws, None);
    let n = ticket.to_string();
    double.add_solution(ticket, "Restart it.").unwrap();
    let url = double.base_url();
    // The help desk goes away: the refusal is kept.
    ws.configure(Some("http://127.0.0.1:9/apirest.php"), workstation::TOKEN);
    let out = ws.run(&[
        "refuse",
        &n,
        "--reason",
        "Restarting did not help.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "queued");
    let list = json(&ws.run(&["queue", "list", "--json"]));
    assert_eq!(list[0]["ticket"], ticket);
    assert_eq!(list[0]["action"]["type"], "refuse");
    assert_eq!(list[0]["state"]["state"], "pending");
    let out = ws.run(&["tickets", "--json"]);
    assert_ne!(out.status.code(), Some(0), "the list needs the help desk");
    // Back: delivered once, the ticket reopened with the reason.
    ws.configure(Some(&url), workstation::TOKEN);
    let out = ws.run(&["queue", "flush"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let on_server = double.ticket(ticket).unwrap();
    assert!(matches!(on_server.status, 1 | 2));
    assert_eq!(on_server.solutions.last().unwrap().status, 4);
    assert_eq!(
        on_server
            .followups
            .iter()
            .filter(|f| f.content.contains("Restarting did not help."))
            .count(),
        1
    );
}
