//! The product against a real Request Tracker 5 on loopback (Debian's `request-tracker5`, started
//! by the test), which answers the requester in French as an académie's does: a report with a
//! screenshot and a file, followed until the technician resolves it, refused (RT reopens it),
//! then accepted and rated, each written once; and exactly-once delivery of reports and of queued
//! actions while `queue flush` is killed again and again.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::outbox::Outbox;
use guichet_test_support::desktop;
use guichet_test_support::rt::RtServer;
use guichet_test_support::workstation::{
    self, json, pseudo_random_bytes, stderr, stdout, Workstation,
};
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
            .unwrap_or_else(|e| panic!("doctor --json ({e}): {}", workstation::stderr(&out)))
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
    rt.assert_answers_in_french();
    let ws = Workstation::with_server(&rt.config_toml());
    doctor_on_rt(&rt, &ws);
    let (width, height) = (800, 600);
    let screen = desktop::painted_display(ws.dir.path(), width, height);
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
    let expected = desktop::painted_colour(16, 16);
    assert!(
        (0..3).all(|c| p[c].abs_diff(expected[c]) <= 6),
        "{p:?} where {expected:?} was painted"
    );

    // A follow-up with a file, in the technician's view once.
    let photo = pseudo_random_bytes(11, 4_000);
    let photo_path = ws.file("voyant.png", &photo);
    let out = ws.run(&[
        "followup",
        &ticket.to_string(),
        "--message",
        "Le voyant clignote en orange.",
        "--attach",
        photo_path.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent", "{}", stdout(&out));
    assert_eq!(written(&rt, ticket, "voyant clignote"), 1);
    assert!(rt.files(ticket).contains(&("voyant.png".to_owned(), photo)));

    // Nothing happened yet; then the technician resolves it: `watch` says so, once.
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
    // RT answers both in French (Latin-1): each is done at once, written once, nothing queued.
    let out = ws.run(&[
        "approve",
        &ticket.to_string(),
        "--comment",
        "Merci, l'image est nette.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent", "{}", stdout(&out));
    let shown = json(&ws.run(&["show", &ticket.to_string(), "--json"]));
    assert_eq!(shown["detail"]["status"], "closed", "{shown}");
    assert_eq!(shown["capabilities"]["satisfactionSurvey"], true);
    assert_eq!(shown["capabilities"]["categories"], false);
    let out = ws.run(&[
        "rate",
        &ticket.to_string(),
        "--score",
        "5",
        "--comment",
        "Intervention rapide.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent", "{}", stdout(&out));
    let shown = json(&ws.run(&["show", &ticket.to_string(), "--json"]));
    assert_eq!(shown["detail"]["survey"]["score"], 5, "{shown}");
    assert_eq!(rt.custom_field(ticket, "Accepted"), Some("accepted".into()));
    assert_eq!(written(&rt, ticket, "image est nette"), 1, "one approval");
    assert_eq!(written(&rt, ticket, "Intervention rapide"), 1, "one rating");
    assert_eq!(status_listed(&ws, ticket), "closed");
    assert_queue_empty(&ws);
}

/// How many of ticket `id`'s messages (comments included: the technician sees them) hold `text`.
fn written(rt: &RtServer, id: u64, text: &str) -> usize {
    rt.messages(id).iter().filter(|m| m.contains(text)).count()
}

/// Ticket `id`'s status in `guichet tickets --json`.
fn status_listed(ws: &Workstation, id: u64) -> String {
    let out = ws.run(&["tickets", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let rows = list.as_array().expect("a list of tickets");
    rows.iter()
        .find(|t| t["id"].as_u64() == Some(id))
        .and_then(|t| t["status"].as_str())
        .unwrap_or_else(|| panic!("ticket {id} in {list}"))
        .to_owned()
}

fn assert_queue_empty(ws: &Workstation) {
    let out = ws.run(&["queue", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&out);
    let rows = list.as_array().expect("a list of queued entries");
    assert!(rows.is_empty(), "nothing left queued: {list}");
}

/// Actions queued while RT was out of reach, delivered by `queue flush` runs killed at random:
/// each approval, rating, follow-up and refusal is on its ticket exactly once, and the fields
/// are set, with RT answering in French.
#[test]
fn sigkill_during_a_flush_of_queued_actions_writes_each_once_on_a_french_request_tracker() {
    const SOLVED: usize = 3;
    let Some(rt) = RtServer::start() else {
        return;
    };
    rt.assert_answers_in_french();
    let ws = Workstation::with_server(&rt.config_toml());
    let french = |ws: &Workstation, args: &[&str]| {
        ws.command(args)
            .env("LANG", "fr_FR.UTF-8")
            .output()
            .expect("run guichet")
    };
    let tickets: Vec<u64> = (0..=SOLVED)
        .map(|n| {
            let out = french(
                &ws,
                &[
                    "report",
                    "--subject",
                    &format!("Poste {n} en panne"),
                    "--description",
                    DESCRIPTION,
                    "--json",
                ],
            );
            assert_eq!(json(&out)["status"], "sent", "{}", stderr(&out));
            json(&out)["ticket"].as_u64().expect("ticket number")
        })
        .collect();
    next_second();
    for &t in &tickets {
        rt.resolve(t, "Poste redémarré.");
    }
    assert_eq!(watch_once(&ws).len(), tickets.len(), "each solution seen");

    // RT goes out of reach: every action waits in the queue.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let away = Workstation::with_server(
        &rt.config_toml()
            .replace(&rt.url, &format!("http://127.0.0.1:{closed}")),
    );
    let queue = |args: &[&str]| {
        let out = away
            .command(args)
            .env("GUICHET_DATA_DIR", &ws.data)
            .env("LANG", "fr_FR.UTF-8")
            .output()
            .expect("run guichet");
        assert_eq!(json(&out)["status"], "queued", "{args:?}: {}", stderr(&out));
    };
    let mut expected: Vec<(u64, String)> = Vec::new();
    for (n, &t) in tickets[..SOLVED].iter().enumerate() {
        let (thanks, note) = (format!("Merci {n}, réglé."), format!("Note {n} : parfait."));
        queue(&["approve", &t.to_string(), "--comment", &thanks, "--json"]);
        let score = (n + 3).to_string();
        queue(&[
            "rate",
            &t.to_string(),
            "--score",
            &score,
            "--comment",
            &note,
            "--json",
        ]);
        expected.extend([(t, thanks), (t, note)]);
    }
    let last = tickets[SOLVED];
    let log = ws.file("journal.txt", &pseudo_random_bytes(5, 3_000));
    let more = "Le poste affiche « Aucun signal ».".to_owned();
    let why = "Toujours en panne après redémarrage.".to_owned();
    queue(&[
        "followup",
        &last.to_string(),
        "--message",
        &more,
        "--attach",
        log.to_str().expect("utf-8"),
        "--json",
    ]);
    queue(&["refuse", &last.to_string(), "--reason", &why, "--json"]);
    expected.extend([(last, more), (last, why)]);

    let kills = workstation::kill_flushes(
        || {
            ws.command(&["queue", "flush"])
                .spawn()
                .expect("spawn flush")
        },
        8,
        200..1200,
        2027,
        || false,
    );
    let done = ws.run(&["queue", "flush"]);
    assert_eq!(
        done.status.code(),
        Some(0),
        "final flush: {}",
        stderr(&done)
    );
    eprintln!("{kills} flushes killed");
    assert!(
        kills >= 2,
        "the flushes were really interrupted ({kills} kills)"
    );

    for (t, text) in &expected {
        assert_eq!(written(&rt, *t, text), 1, "ticket {t}: {text:?} once");
    }
    for (n, &t) in tickets[..SOLVED].iter().enumerate() {
        assert_eq!(rt.custom_field(t, "Accepted"), Some("accepted".into()));
        assert_eq!(
            rt.custom_field(t, "Satisfaction"),
            Some((n + 3).to_string())
        );
        assert_eq!(status_listed(&ws, t), "closed", "ticket {t}");
    }
    assert_eq!(rt.status(last), "open", "reopened by the refusal");
    assert_queue_empty(&ws);
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

    let kills = workstation::kill_flushes(
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
