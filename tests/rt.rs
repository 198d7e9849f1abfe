//! The product against a real Request Tracker 5 on loopback (Debian's `request-tracker5`, started
//! by the test): a report with a screenshot and a file, followed until the technician resolves
//! it, refused (RT reopens it), then accepted; and exactly-once delivery while `queue flush` is
//! killed again and again.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

mod common;
#[path = "../core/tests/support/rt.rs"]
mod rt;
#[path = "../core/tests/support/xvfb.rs"]
mod xvfb;

use common::{json, pseudo_random_bytes, stderr, Workstation};
use guichet_core::outbox::Outbox;
use rt::RtServer;
use std::time::Duration;

const DESCRIPTION: &str = "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin.";

/// RT's change stamps have a resolution of one second.
fn next_second() {
    std::thread::sleep(Duration::from_millis(1100));
}

/// The notices `guichet watch --once --json` prints, as (kind, ticket).
fn watch_once(ws: &Workstation) -> Vec<(String, u64)> {
    let out = ws.run(&["watch", "--once", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let notice: serde_json::Value = serde_json::from_str(line).expect("a JSON notice");
            (
                notice["kind"]["type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                notice["ticket"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// `guichet doctor` against the real RT: REST2 answers and the token is accepted; a queue the
/// requester may not look at (or that does not exist: RT does not tell a requester which) is a
/// warning naming `server.queue`; a revoked token fails with its message.
fn doctor_on_rt(rt: &RtServer, ws: &Workstation) {
    let doctor = |ws: &Workstation| {
        let out = ws.run(&["doctor", "--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("doctor --json ({e}): {}", common::stderr(&out)))
    };
    let key_of = |report: &serde_json::Value, step: &str| {
        report["steps"]
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["step"] == step))
            .map(|s| s["key"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let report = doctor(ws);
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(key_of(&report, "api"), "doctor.api.ok");
    assert_eq!(key_of(&report, "credentials"), "doctor.credentials.ok");
    // RT's requester may create tickets in General without the right to look at it.
    assert_eq!(
        key_of(&report, "rights"),
        "doctor.rights.queue_hidden",
        "{report:#}"
    );

    let revoked = Workstation::with_server(&rt.config_toml().replace(
        &format!("token = \"{}\"", rt.requestor_token),
        "token = \"1-99-0123456789abcdef\"",
    ));
    let report = doctor(&revoked);
    assert_eq!(
        key_of(&report, "credentials"),
        "doctor.credentials.token_refused",
        "{report:#}"
    );
    // A queue that does not exist reads the same to a requester (RT answers 403 for both): a
    // warning naming server.queue, not a failure.
    let hidden = Workstation::with_server(&format!("{}queue = \"Nowhere\"\n", rt.config_toml()));
    let report = doctor(&hidden);
    assert_eq!(
        key_of(&report, "rights"),
        "doctor.rights.queue_hidden",
        "{report:#}"
    );
    assert!(
        report["steps"].to_string().contains("server.queue"),
        "{report:#}"
    );
}

#[test]
fn a_report_is_followed_refused_and_accepted_on_a_real_request_tracker() {
    let Some(rt) = RtServer::start() else {
        return;
    };
    let ws = Workstation::with_server(&rt.config_toml());
    doctor_on_rt(&rt, &ws);
    let (width, height) = (800, 600);
    let screen = common::desktop::painted_display(ws.dir.path(), width, height);
    let log = pseudo_random_bytes(7, 20_000);
    let file = ws.file("journal.log", &log);
    let out = ws
        .command(&[
            "report",
            "--subject",
            "Vidéoprojecteur salle 12",
            "--description",
            DESCRIPTION,
            "--attach",
            file.to_str().expect("utf-8"),
            "--screenshot",
            "--json",
        ])
        .env("DISPLAY", &screen.display)
        .env_remove("XDG_SESSION_TYPE")
        .output()
        .expect("run guichet");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = json(&out);
    assert_eq!(sent["status"], "sent", "{sent}");
    let ticket = sent["ticket"].as_u64().expect("ticket number");

    let files = rt.files(ticket);
    let stored = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| panic!("{name} on ticket {ticket}: {files:?}"))
    };
    let journal = stored("journal.log");
    assert!(
        journal == log,
        "the file is byte-exact ({} bytes stored)",
        journal.len()
    );
    let jpeg = stored("ecran-1.jpg");
    let image = guichet_core::capture::image::load_from_memory(&jpeg)
        .expect("the screenshot decodes")
        .to_rgb8();
    assert_eq!(image.dimensions(), (width, height));
    let p = image.get_pixel(16, 16).0;
    let expected = common::desktop::painted_colour(16, 16);
    assert!(
        (0..3).all(|c| p[c].abs_diff(expected[c]) <= 6),
        "{p:?} where {expected:?} was painted"
    );

    // Nothing happened yet; then the technician resolves it: `watch` says so, once.
    assert_eq!(watch_once(&ws), vec![]);
    next_second();
    rt.resolve(ticket, "La lampe a été changée.");
    assert_eq!(watch_once(&ws), vec![("solved".to_owned(), ticket)]);
    assert_eq!(watch_once(&ws), vec![], "announced once");

    // Refused: RT reopens the ticket, and the reason is on it.
    let out = ws.run(&[
        "refuse",
        &ticket.to_string(),
        "--reason",
        "L'image reste floue.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent");
    assert_eq!(rt.status(ticket), "open");
    assert!(rt
        .messages(ticket)
        .iter()
        .any(|m| m.contains("reste floue")));
    assert_eq!(
        watch_once(&ws),
        vec![],
        "one's own refusal is not announced"
    );

    // Solved again and accepted: closed here, with the survey to answer.
    next_second();
    rt.resolve(ticket, "Vidéoprojecteur remplacé.");
    assert_eq!(watch_once(&ws), vec![("solved".to_owned(), ticket)]);
    let out = ws.run(&["approve", &ticket.to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = json(&ws.run(&["show", &ticket.to_string(), "--json"]));
    assert_eq!(shown["detail"]["status"], "closed", "{shown}");
    assert_eq!(shown["capabilities"]["satisfactionSurvey"], true);
    assert_eq!(shown["capabilities"]["categories"], false);
    let out = ws.run(&["rate", &ticket.to_string(), "--score", "5", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = json(&ws.run(&["show", &ticket.to_string(), "--json"]));
    assert_eq!(shown["detail"]["survey"]["score"], 5, "{shown}");
}

#[test]
fn sigkill_during_flush_never_loses_or_duplicates_a_report_on_a_real_request_tracker() {
    const REPORTS: usize = 12;
    let Some(rt) = RtServer::start() else {
        return;
    };
    let ws = Workstation::with_server(&rt.config_toml());
    // Queue them while the help desk is unknown: nothing leaves before the flushes.
    let offline = Workstation::new(None);
    let mut queued = Vec::new();
    for n in 0..REPORTS {
        let file = offline.file(
            &format!("journal{n}.txt"),
            &pseudo_random_bytes(n as u64, 30_000),
        );
        let out = offline.run(&[
            "report",
            "--subject",
            &format!("Panne n°{n}"),
            "--description",
            DESCRIPTION,
            "--attach",
            file.to_str().expect("utf-8"),
            "--json",
        ]);
        assert_eq!(json(&out)["status"], "queued", "{}", stderr(&out));
        queued.push(json(&out)["id"].as_str().expect("id").to_owned());
    }
    std::fs::rename(&offline.data, &ws.data).expect("the queue moves to the RT workstation");

    let kills = common::kill_flushes(
        || {
            ws.command(&["queue", "flush"])
                .spawn()
                .expect("spawn flush")
        },
        6,
        300..1500,
        2026,
        || false,
    );
    assert!(
        kills >= 2,
        "the flushes were really interrupted ({kills} kills)"
    );
    let last = ws.run(&["queue", "flush"]);
    assert_eq!(
        last.status.code(),
        Some(0),
        "final flush: {}",
        stderr(&last)
    );

    for (n, id) in queued.iter().enumerate() {
        let tickets = rt.tickets_with_key(id);
        assert_eq!(
            tickets.len(),
            1,
            "report {n} ({id}) is on tickets {tickets:?}"
        );
        let files = rt.files(tickets[0]);
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, vec![format!("journal{n}.txt")], "report {n}'s file");
        assert!(
            files[0].1 == pseudo_random_bytes(n as u64, 30_000),
            "report {n}'s file is byte-exact ({} bytes stored)",
            files[0].1.len()
        );
    }
    assert_eq!(rt.ticket_count(), REPORTS, "no stray ticket");
    let outbox = Outbox::open(&ws.outbox_dir(), Duration::ZERO).expect("outbox");
    assert!(outbox.is_empty().expect("empty"));
}
