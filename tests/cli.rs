//! The documented CLI interface, end to end: `guichet report`, `queue list|flush`, `tickets`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::workstation::{self, json, stderr, stdout, Workstation};
use guichet_test_support::{desktop, not_glpi};

const DESCRIPTION: &str = "The projector in room 12 does not turn on since this morning.";

#[test]
fn report_sends_and_prints_the_ticket_number() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let attachment = ws.file("notes.txt", b"lamp hours: 4012");
    let out = ws.run(&[
        "report",
        "--subject",
        "Projector",
        "--description",
        DESCRIPTION,
        "--category",
        "Réseau",
        "--phone",
        "+33 6 12 34 56 78",
        "--attach",
        attachment.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer = json(&out);
    assert_eq!(answer["status"], "sent");
    let ticket = double
        .ticket(answer["ticket"].as_u64().expect("ticket number"))
        .expect("on the double");
    assert_eq!(ticket.name, "Projector");
    assert_eq!(ticket.category_id, 2);
    assert_eq!(ticket.documents[0].bytes, b"lamp hours: 4012");
    assert!(ticket.content.contains("+33 6 12 34 56 78"));

    // Human output names the ticket and says to quote it.
    let out = ws.run(&["report", "--subject", "Again", "--description", DESCRIPTION]);
    assert!(stdout(&out).contains("Ticket #"), "{}", stdout(&out));
    assert!(stdout(&out).contains("quote this number"));
    // The phone was remembered from the first report.
    let last = double.tickets().pop().expect("second ticket");
    assert!(
        last.content.contains("+33 6 12 34 56 78"),
        "remembered phone"
    );
}

#[test]
fn validation_errors_exit_2_with_the_message_on_stderr_and_save_nothing() {
    let ws = Workstation::new(None);
    let out = ws.run(&[
        "report",
        "--subject",
        "X",
        "--description",
        "short",
        "--phone",
        "12",
        "--category",
        "Coffee",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("too short"), "{err}");
    assert!(err.contains("\"12\" is not a phone number"), "{err}");
    assert!(err.contains("no category \"Coffee\""), "{err}");
    assert!(stdout(&out).is_empty());
    let list = ws.run(&["queue", "list", "--json"]);
    assert_eq!(json(&list), serde_json::json!([]), "nothing half-saved");

    let out = ws
        .command(&["report", "--subject", "X", "--description", "trop court"])
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .expect("run");
    assert!(
        stderr(&out).contains("trop courte"),
        "French: {}",
        stderr(&out)
    );
}

#[test]
fn with_no_help_desk_reports_are_queued_locally() {
    let ws = Workstation::new(None);
    let out = ws.run(&[
        "report",
        "--subject",
        "Printer",
        "--description",
        DESCRIPTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer = json(&out);
    assert_eq!(answer["status"], "queued");
    let id = answer["id"].as_str().expect("id").to_owned();
    let list = json(&ws.run(&["queue", "list", "--json"]));
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["state"]["state"], "pending");
    let flush = ws.run(&["queue", "flush"]);
    assert_eq!(flush.status.code(), Some(1), "still waiting");
    assert!(
        stderr(&flush).contains("Printer"),
        "says what waits: {}",
        stderr(&flush)
    );
    assert!(
        stderr(&flush).contains("not connected to a help desk yet"),
        "and why: {}",
        stderr(&flush)
    );
}

#[test]
fn unreachable_help_desk_queues_promptly_then_flush_delivers_once() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let url = double.base_url();
    drop(double);
    let ws = Workstation::new(Some(&url));
    let out = ws.run(&[
        "report",
        "--subject",
        "Wi-Fi",
        "--description",
        DESCRIPTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "queued");
    let out = ws.run(&["report", "--subject", "Wi-Fi", "--description", DESCRIPTION]);
    assert!(
        stdout(&out).contains("saved on this computer"),
        "{}",
        stdout(&out)
    );

    // The help desk comes back.
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double again");
    ws.configure(Some(&double.base_url()), workstation::TOKEN);
    let flush = ws.run(&["queue", "flush", "--json"]);
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    let result = json(&flush);
    assert_eq!(result["sent"].as_array().expect("sent").len(), 2);
    assert_eq!(double.tickets().len(), 2);
    let again = ws.run(&["queue", "flush"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(double.tickets().len(), 2, "nothing sent twice");
}

#[test]
fn a_login_portal_in_the_way_keeps_reports_waiting_then_they_leave_once() {
    // The Wi-Fi portal answers at the help desk's address, with a 403 page to everything.
    let portal = not_glpi::NotGlpi::start(|_, _| {
        not_glpi::Answer::new(403, "text/html", "<h1>Connexion requise</h1>")
    });
    let ws = Workstation::new(Some(&portal.base_url()));
    let out = ws.run(&[
        "report",
        "--subject",
        "Wi-Fi",
        "--description",
        DESCRIPTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "queued");
    // Waiting, not stopped: nobody has to retry it by hand.
    let list = json(&ws.run(&["queue", "list", "--json"]));
    assert_eq!(list[0]["state"]["state"], "pending", "{list}");
    assert_eq!(list[0]["lastError"]["code"], "offline", "{list}");
    let why = list[0]["lastError"]["message"].as_str().unwrap_or_default();
    assert!(why.contains("proxy") && why.contains("403"), "{why}");
    let addr = portal.addr();
    drop(portal);

    // Someone logged in to the portal: the help desk answers at the same address (once the
    // portal's server thread has let it go).
    let double = desktop::wait_for(
        "the portal's address to be free",
        std::time::Duration::from_secs(10),
        || GlpiDouble::start_on(DoubleConfig::default(), addr).ok(),
    );
    let flush = ws.run(&["queue", "flush", "--json"]);
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    assert_eq!(json(&flush)["sent"].as_array().map(Vec::len), Some(1));
    assert_eq!(double.tickets().len(), 1);
}

#[test]
fn flush_exits_3_on_permanent_errors_and_keeps_the_report() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::with_token(Some(&double.base_url()), &"f".repeat(40));
    let out = ws.run(&[
        "report",
        "--subject",
        "Scanner",
        "--description",
        DESCRIPTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "unauthorized");
    let out = ws.run(&["queue", "flush"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("refused to log us in"),
        "{}",
        stderr(&out)
    );
    let list = json(&ws.run(&["queue", "list", "--json"]));
    assert_eq!(list[0]["state"]["state"], "failed");
}

#[test]
fn dry_run_writes_exactly_what_would_be_sent_and_sends_nothing() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let out_dir = ws.dir.path().join("out");
    let pdf = ws.file("scan.pdf", b"%PDF-1.4 fake");
    let out = ws.run(&[
        "report",
        "--subject",
        "<b>Scanner</b>",
        "--description",
        DESCRIPTION,
        "--attach",
        pdf.to_str().expect("utf-8"),
        "--dry-run",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let request: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("request.json")).expect("request.json"))
            .expect("json");
    assert_eq!(request["uploadManifest"]["input"]["name"], "<b>Scanner</b>");
    let content = request["uploadManifest"]["input"]["content"]
        .as_str()
        .expect("content");
    assert!(
        content.starts_with("<p>The projector in room 12"),
        "{content}"
    );
    assert_eq!(request["files"]["file0"]["name"], "scan.pdf");
    assert_eq!(
        std::fs::read(out_dir.join("files/scan.pdf")).expect("file"),
        b"%PDF-1.4 fake"
    );
    assert!(double.requests().is_empty(), "nothing sent");
    assert_eq!(
        json(&ws.run(&["queue", "list", "--json"])),
        serde_json::json!([]),
        "nothing queued"
    );
}

#[test]
fn tickets_lists_number_subject_and_status() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let sent = json(&ws.run(&[
        "report",
        "--subject",
        "Badge reader",
        "--description",
        DESCRIPTION,
        "--json",
    ]));
    let number = sent["ticket"].as_u64().expect("number");
    double
        .add_solution(number, "Badge reader rebooted")
        .expect("solve");
    let list = json(&ws.run(&["tickets", "--json"]));
    assert_eq!(list[0]["id"], number);
    assert_eq!(list[0]["subject"], "Badge reader");
    assert_eq!(list[0]["status"], "solved");
    let human = stdout(&ws.run(&["tickets"]));
    assert!(
        human.contains(&format!("#{number}")) && human.contains("Solved"),
        "{human}"
    );
}

#[test]
fn screenshot_without_a_display_is_refused_clearly() {
    let ws = Workstation::new(None);
    let out = ws.run(&[
        "report",
        "--subject",
        "S",
        "--description",
        DESCRIPTION,
        "--screenshot",
        "--mask",
        "0,0,10,10",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("--screenshot"), "{message}");
    assert!(message.contains("DISPLAY"), "{message}");
    assert!(!ws.outbox_dir().exists(), "nothing was queued");
}

#[test]
fn a_malformed_mask_is_refused_before_any_capture() {
    let ws = Workstation::new(None);
    let out = ws.run(&[
        "report",
        "--subject",
        "S",
        "--description",
        DESCRIPTION,
        "--screenshot",
        "--mask",
        "10,10,0,5",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected X,Y,W,H"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn screenshot_dry_run_attaches_the_screen_with_masks_burned_in() {
    let ws = Workstation::new(None);
    let (width, height) = (1024, 768);
    let screen = desktop::painted_display(ws.dir.path(), width, height);
    let out_dir = ws.dir.path().join("out");
    // The second mask starts left of the desktop: only its visible part counts.
    let masks = [(104i64, 64i64, 200i64, 96i64), (-50, 600, 100, 100)];
    let out = ws
        .command(&[
            "report",
            "--subject",
            "Écran figé",
            "--description",
            DESCRIPTION,
            "--screenshot",
            "--mask",
            "104,64,200,96",
            "--mask",
            "-50,600,100,100",
            "--dry-run",
            "--out",
            out_dir.to_str().expect("utf-8"),
            "--json",
        ])
        .env("DISPLAY", &screen.display)
        .env_remove("XDG_SESSION_TYPE")
        .output()
        .expect("run guichet");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let request: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("request.json")).expect("request"))
            .expect("json");
    assert_eq!(request["files"]["file0"]["name"], "ecran-1.jpg");
    assert_eq!(request["files"]["file0"]["mime"], "image/jpeg");
    let content = std::fs::read_to_string(out_dir.join("content.html")).expect("content");
    assert!(
        content.contains("<strong>Screens</strong> : Screen 1, 1024 × 768"),
        "the screen is in the machine facts, named as the wizard names it: {content}"
    );
    assert!(
        content.contains("<strong>Screen 1, 1024 × 768</strong> — ecran-1.jpg"),
        "the screenshot is named where it is shown: {content}"
    );

    let jpeg = std::fs::read(out_dir.join("files").join("ecran-1.jpg")).expect("the JPEG");
    let image = guichet_core::capture::image::load_from_memory(&jpeg)
        .expect("decodes")
        .to_rgb8();
    assert_eq!(image.dimensions(), (width, height));
    let in_mask = |x: i64, y: i64, margin: i64| {
        masks.iter().any(|&(mx, my, mw, mh)| {
            x >= mx - margin && x < mx + mw + margin && y >= my - margin && y < my + mh + margin
        })
    };
    let mut masked = 0;
    for (x, y, p) in image.enumerate_pixels() {
        let (xi, yi) = (i64::from(x), i64::from(y));
        let expected = if in_mask(xi, yi, -8) {
            // Well inside a mask (8 px from its edges: clear of JPEG blocks that straddle it).
            masked += 1;
            [0, 0, 0]
        } else if in_mask(xi, yi, 8) {
            continue;
        } else {
            desktop::painted_colour(x, y)
        };
        let diff = (0..3)
            .map(|c| p.0[c].abs_diff(expected[c]))
            .max()
            .unwrap_or(0);
        assert!(diff <= 6, "({x},{y}) = {:?}, expected {expected:?}", p.0);
    }
    assert!(masked > 184 * 80, "{masked} masked pixels checked");
}

#[test]
fn an_outbox_that_cannot_be_opened_is_explained_in_the_users_language() {
    let ws = Workstation::new(None);
    std::fs::create_dir_all(&ws.data).expect("data dir");
    // Something else where the outbox's folder should be: it cannot be created nor opened.
    std::fs::write(ws.data.join("outbox"), b"not a folder").expect("blocker");
    for (lang, expected) in [
        (
            "fr_FR.UTF-8",
            "La file d'attente de ce poste ne peut pas être ouverte",
        ),
        ("en_GB.UTF-8", "The queue on this computer cannot be opened"),
    ] {
        let out = ws
            .command(&[
                "report",
                "--subject",
                "Imprimante",
                "--description",
                DESCRIPTION,
            ])
            .env("LANG", lang)
            .output()
            .expect("run guichet");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{lang}: {}", stderr(&out));
        let out = ws
            .command(&["queue", "list"])
            .env("LANG", lang)
            .output()
            .expect("run guichet");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{lang}: {}", stderr(&out));
    }
}

/// `report --attach-log`: the end of the agent's log file goes with the report as
/// `guichet-log.txt`, only when asked, and never more than 200 KiB of it.
#[test]
fn the_diagnostic_log_is_attached_only_when_asked_and_bounded() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let logs = ws.data.join("logs");
    let report = |extra: &[&str], env: &[(&str, &std::path::Path)]| {
        let mut args = vec![
            "report",
            "--subject",
            "Projector",
            "--description",
            DESCRIPTION,
        ];
        args.extend_from_slice(extra);
        args.push("--json");
        let mut command = ws.command(&args);
        for (name, value) in env {
            command.env(name, value);
        }
        let out = command.output().expect("run guichet");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let number = json(&out)["ticket"].as_u64().expect("sent");
        double.ticket(number).expect("on the double")
    };
    let log_of = |ticket: &guichet_glpi_double::TicketView| {
        ticket
            .documents
            .iter()
            .find(|d| d.filename == "guichet-log.txt")
            .map(|d| d.bytes.clone())
    };

    // Without the flag, no log, even though the CLI keeps one.
    let plain = report(&[], &[]);
    assert!(log_of(&plain).is_none(), "no log without --attach-log");
    assert!(
        std::fs::read_dir(&logs).expect("a log directory").count() > 0,
        "the CLI writes its log under the data directory"
    );

    // Through a running agent: the agent's own log file, with what it has been doing.
    let runtime = ws.dir.path().join("run");
    let agent = ws.start_agent(&runtime, &[], &ws.dir.path().join("agent.stderr"));
    let through_agent = report(&["--attach-log"], &[("GUICHET_RUNTIME_DIR", &runtime)]);
    drop(agent);
    let attached =
        String::from_utf8(log_of(&through_agent).expect("the log is attached")).expect("text");
    assert!(attached.contains("ipc request: report"), "{attached}");
    assert_eq!(through_agent.documents.len(), 1, "the log alone");

    // A long log: only its last 200 KiB, starting on a whole line.
    let long = ws.dir.path().join("long-logs");
    std::fs::create_dir_all(&long).unwrap();
    let lines: String = (0..20_000)
        .map(|i| format!("2026-12-06T08:00:00Z  INFO guichet: line {i:05} of a long day\n"))
        .collect();
    assert!(lines.len() > 1024 * 1024);
    // Named after a later day than today's, so it is the current file whatever the date.
    std::fs::write(long.join("agent.2999-12-31.log"), &lines).unwrap();
    let bounded = report(&["--attach-log"], &[("GUICHET_LOG_DIR", &long)]);
    let attached = log_of(&bounded).expect("the log is attached");
    assert!(
        attached.len() <= 200 * 1024 && attached.len() > 190 * 1024,
        "{} bytes",
        attached.len()
    );
    let text = String::from_utf8(attached).expect("text");
    assert!(text.starts_with("2026-12-06T08:00:00Z"), "{}", &text[..80]);
    assert!(text.ends_with("line 19999 of a long day\n"));
    assert!(!text.contains("line 00000 "), "the beginning is left out");
}
