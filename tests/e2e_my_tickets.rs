//! The follow-up loop end to end through the real "My tickets" window: the agent notices that a
//! technician solved the ticket and shows a desktop notification (dunst on a private D-Bus);
//! the notification is clicked (dunstctl), which makes the agent start the window process on
//! that ticket; WebDriver then opens `guichet-ui` with exactly those arguments and refuses the
//! solution with a reason. The double shows the ticket reopened and the reason as a followup.
//! A second solution is then approved through the "did you mean to refuse?" question.
//!
//! Needs what `e2e_wizard.rs` needs, plus dunst.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, start_dunst, wait_for, SessionBus, Xvfb};
use guichet_test_support::webdriver::{assert_accessible, axe_source, Desktop, Window};
use guichet_test_support::workstation::{self, json, stderr, Workstation};
use serde_json::json;
use std::ffi::OsStr;
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);
const REASON: &str = "Le voyant clignote toujours en orange après le redémarrage.";

#[test]
fn a_solved_ticket_is_followed_from_its_notification_and_refused_with_a_reason() {
    let axe = axe_source();
    let x = Xvfb::start(1280, 800);
    let bus = SessionBus::start();
    let _dunst = start_dunst(&x, &bus);
    // A tray host, as on a usual desktop (without one the agent says once how to report).
    let _watcher = bus.status_notifier_watcher();

    let glpi = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let ws = Workstation::new(Some(&glpi.base_url()));
    ws.append_config("[poll]\ninterval_secs = 1\n");
    let runtime = ws.dir.path().join("run");
    // The agent's window process is a recorder: WebDriver starts the real one with the same
    // arguments, since a WebDriver session must start the application itself.
    let record = ws.dir.path().join("ui-starts.txt");
    let recorder = ws.recording_ui(&record, 0);
    let agent_log = ws.dir.path().join("agent.log");
    let agent_env: [(&str, &OsStr); 4] = [
        ("GUICHET_UI", recorder.as_os_str()),
        ("DISPLAY", x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ("LANG", "fr_FR.UTF-8".as_ref()),
    ];
    let _agent = ws.start_agent(&runtime, &agent_env, &agent_log);

    let out = ws
        .command(&[
            "report",
            "--subject",
            "Vidéoprojecteur salle 12",
            "--description",
            "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin.",
            "--json",
        ])
        .env("GUICHET_RUNTIME_DIR", &runtime)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ticket = json(&out)["ticket"].as_u64().unwrap();
    wait_for("the agent's first check", LIMIT, || {
        glpi.requests()
            .iter()
            .any(|r| r.path == format!("/Ticket/{ticket}/ITILSolution"))
            .then_some(())
    });
    glpi.add_solution(ticket, "<p>Lampe remplacée, <b>à tester</b>.</p>")
        .unwrap();

    // The notification, then a click on it.
    let dunstctl = |args: &[&str]| {
        let out = Command::new("dunstctl")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    wait_for("the notification", LIMIT, || {
        (dunstctl(&["count", "displayed"]) == "1").then_some(())
    });
    dunstctl(&["action", "0"]);
    let args: Vec<String> = wait_for("the agent to start the window", LIMIT, || {
        let text = read_file(&record);
        (!text.is_empty()).then_some(text)
    })
    .split_whitespace()
    .map(str::to_owned)
    .collect();
    assert_eq!(
        args,
        ["--window", "my-tickets", "--ticket", &ticket.to_string()],
        "agent log: {}",
        read_file(&agent_log)
    );

    // The real window, on that ticket.
    let desktop = Desktop {
        display: &x.display,
        bus: &bus.address,
        runtime: &runtime,
        data: &ws.data,
        lang: "fr_FR.UTF-8",
    };
    let window = Window::open(
        &workstation::ui_binary(),
        &desktop,
        &agent_log,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let session = &window.session;
    session.wait("#ticket-detail[data-status=solved]", LIMIT);
    // The help desk's limits on files are shown before anything is sent, as in the wizard.
    let limits = session.text("#followup-files-limits");
    assert!(limits.contains("5 fichiers"), "{limits}");
    assert!(
        session.text("#ticket-number").contains(&ticket.to_string()),
        "{}",
        session.body_text()
    );
    assert!(
        session.body_text().contains("Lampe remplacée"),
        "the solution is shown: {}",
        session.body_text()
    );
    assert_solution_first(session);
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "ticket solved");
    // 200 % zoom: the 860 px window at half its width still needs no horizontal scrolling.
    session.set_window_size(430, 680);
    wait_for("the narrow layout", LIMIT, || {
        let width = session.execute("return window.innerWidth;", json!([]));
        (width.as_u64().unwrap_or(9999) <= 440).then_some(())
    });
    session.assert_reflows("My tickets at 200 %");
    session.set_window_size(860, 680);

    // Refusing without a reason is refused beside the field; with one, it goes.
    session.click("#refuse");
    session.wait("#refuse-reason", Duration::from_secs(5));
    session.click("#confirm-refuse");
    session.wait("#refuse-reason[aria-invalid=true]", Duration::from_secs(5));
    assert!(
        session.text("#refuse-reason-errors").contains("pourquoi"),
        "{}",
        session.text("#refuse-reason-errors")
    );
    assert_accessible(session, "refuse without a reason");
    session.type_into("#refuse-reason", REASON);
    session.click("#confirm-refuse");
    session.wait("#action-outcome[data-outcome=sent]", LIMIT);
    assert_accessible(session, "refused");
    let stored = glpi.ticket(ticket).unwrap();
    assert!(
        matches!(stored.status, 1 | 2),
        "reopened: {}",
        stored.status
    );
    assert_eq!(
        stored.solutions.last().unwrap().status,
        4,
        "solution refused"
    );
    assert!(
        stored.followups.iter().any(|f| f.content.contains(REASON)),
        "the reason is a followup: {:?}",
        stored.followups
    );

    // A second solution; an approval whose comment reads like a refusal is questioned once.
    glpi.add_solution(ticket, "Câble HDMI changé.").unwrap();
    session.execute("location.reload(); return true;", json!([]));
    session.wait("#ticket-detail[data-status=solved]", LIMIT);
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    session.click("#approve");
    session.wait("#approve-comment", Duration::from_secs(5));
    session.type_into("#approve-comment", "Ça ne marche toujours pas vraiment");
    session.click("#confirm-approve");
    session.wait("#contradiction", LIMIT);
    assert_eq!(glpi.ticket(ticket).unwrap().status, 5, "nothing sent yet");
    assert_accessible(session, "contradiction");
    session.click("#contradiction-accept");
    session.wait("#action-outcome[data-outcome=sent]", LIMIT);
    let stored = glpi.ticket(ticket).unwrap();
    assert_eq!(stored.status, 6, "approved anyway: closed");
    assert_eq!(stored.solutions.last().unwrap().status, 3);

    // With the window open, the next notification clicked shows its ticket in this window
    // instead of starting another one.
    let out = ws
        .command(&[
            "report",
            "--subject",
            "Imprimante du CDI",
            "--description",
            "L'imprimante du CDI imprime des pages blanches depuis ce matin.",
            "--json",
        ])
        .env("GUICHET_RUNTIME_DIR", &runtime)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = json(&out)["ticket"].as_u64().unwrap();
    wait_for(
        "the agent's first check of the second ticket",
        LIMIT,
        || {
            glpi.requests()
                .iter()
                .any(|r| r.path == format!("/Ticket/{second}/ITILSolution"))
                .then_some(())
        },
    );
    dunstctl(&["close-all"]);
    glpi.add_solution(second, "Toner remplacé.").unwrap();
    wait_for("the second notification", LIMIT, || {
        (dunstctl(&["count", "displayed"]) == "1").then_some(())
    });
    dunstctl(&["action", "0"]);
    session.wait(
        &format!("#ticket-detail[data-ticket-id='{second}'][data-status=solved]"),
        LIMIT,
    );
    assert_eq!(
        read_file(&record).lines().count(),
        1,
        "no second window process: {}",
        read_file(&agent_log)
    );
    drop(window);
}

#[test]
fn settings_change_the_remembered_phone_and_show_it_s_configuration() {
    let axe = axe_source();
    let x = Xvfb::start(1024, 768);
    let bus = SessionBus::start();
    // No help desk: the window says reports stay on this computer.
    let ws = Workstation::new(None);
    // IT says the agent never starts at login; the agent applies it in a HOME of the test's own.
    ws.append_config("[agent]\nautostart = false\n");
    let home = ws.dir.path().join("home");
    let runtime = ws.dir.path().join("run");
    let agent_log = ws.dir.path().join("agent.log");
    let agent_env: [(&str, &OsStr); 4] = [
        ("DISPLAY", x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ("HOME", home.as_os_str()),
        ("XDG_CONFIG_HOME", home.as_os_str()),
    ];
    let _agent = ws.start_agent(&runtime, &agent_env, &agent_log);
    let desktop = Desktop {
        display: &x.display,
        bus: &bus.address,
        runtime: &runtime,
        data: &ws.data,
        lang: "en_GB.UTF-8",
    };
    let window = Window::open(
        &workstation::ui_binary(),
        &desktop,
        &agent_log,
        &["--window", "settings"],
    );
    let session = &window.session;
    session.wait("#settings-phone", LIMIT);
    // No help desk: said in plain words, and its address can be typed to sign in.
    assert!(
        session
            .text("#account-none")
            .contains("stay on this computer"),
        "{}",
        session.body_text()
    );
    session.wait("#settings-url:not([readonly])", LIMIT);
    assert!(
        session.find("#config-problems").is_none(),
        "{}",
        session.body_text()
    );
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "settings");
    session.set_window_size(320, 600);
    wait_for("the narrow layout", LIMIT, || {
        let width = session.execute("return window.innerWidth;", json!([]));
        (width.as_u64().unwrap_or(9999) <= 330).then_some(())
    });
    session.assert_reflows("Settings at 320 px");
    session.type_into("#settings-phone", "ask the front desk");
    session.click("#save-profile");
    session.wait("#settings-phone[aria-invalid=true]", LIMIT);
    assert_accessible(session, "settings, phone refused");
    session.type_into("#settings-phone", "01 23 45 67 89");
    session.type_into("#settings-location", "Room 12");
    session.click("#save-profile");
    session.wait("#profile-saved", LIMIT);
    let profile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.data.join("profile.json")).unwrap()).unwrap();
    assert_eq!(profile["phone"], "01 23 45 67 89");
    assert_eq!(profile["location"], "Room 12");

    // Preferences: IT's values until the user chooses (not locked here).
    let value = |css: &str| {
        session.execute(
            &format!("return document.querySelector('{css}').value;"),
            json!([]),
        )
    };
    session.wait("#settings-shortcut:not([readonly])", LIMIT);
    assert_eq!(value("#settings-shortcut"), "Ctrl+Alt+G");
    session.wait("#settings-autostart:not(:checked):not([disabled])", LIMIT);
    // Not a shortcut: refused beside the field.
    session.type_into("#settings-shortcut", "Hyper+G");
    session.click("#save-preferences");
    session.wait("#settings-shortcut[aria-invalid=true]", LIMIT);
    let refused = session.text("#settings-shortcut-errors");
    assert!(refused.contains("\"Hyper+G\""), "{refused}");
    assert_accessible(session, "preferences, shortcut refused");
    // Pressed in the field, the combination is written out.
    session.clear("#settings-shortcut");
    session.send_keys("#settings-shortcut", "\u{E009}\u{E00A}j\u{E000}");
    assert_eq!(value("#settings-shortcut"), "Ctrl+Alt+J");
    session.click("#settings-autostart");
    session.execute(
        "const s = document.querySelector('#settings-language'); s.value = 'fr'; \
         s.dispatchEvent(new Event('change')); return true;",
        json!([]),
    );
    session.click("#save-preferences");
    session.wait("#preferences-saved", LIMIT);
    // The window speaks French at once; the agent grabbed the new key and wrote the login item.
    assert_eq!(session.text("#preferences-heading"), "Vos préférences");
    assert_eq!(
        session.execute("return document.documentElement.lang;", json!([])),
        "fr"
    );
    wait_for("the new shortcut", LIMIT, || {
        read_file(&agent_log)
            .contains("global shortcut Ctrl+Alt+J ready")
            .then_some(())
    });
    // auto-launch writes under $HOME/.config, whatever XDG_CONFIG_HOME says.
    assert!(home.join(".config/autostart/Guichet.desktop").is_file());
    let settings = std::fs::read_to_string(ws.data.join("settings.toml")).unwrap();
    for line in [
        "language = \"fr\"",
        "shortcut = \"Ctrl+Alt+J\"",
        "autostart = true",
    ] {
        assert!(settings.contains(line), "{line} in {settings}");
    }
    assert_accessible(session, "preferences saved");
    drop(window);
}

/// A ticket waiting for the user's answer: the proposed solution and the question come first,
/// visible without scrolling; what the user wrote (with the machine facts) is folded below, and
/// opens from the keyboard.
fn assert_solution_first(session: &guichet_test_support::webdriver::Session) {
    let order = session.execute(
        "const at = (css) => document.querySelector(css);
         const before = (a, b) => !!(at(a).compareDocumentPosition(at(b)) & Node.DOCUMENT_POSITION_FOLLOWING);
         const bottom = at('#refuse').getBoundingClientRect().bottom;
         return {
           solutionFirst: before('#proposed-solution', '#solution-heading')
             && before('#solution-heading', '#ticket-more')
             && before('#ticket-more', '#ticket-description'),
           answerVisible: document.scrollingElement.scrollTop === 0 && bottom <= window.innerHeight,
           folded: !at('#ticket-more').open,
           text: at('#proposed-solution').textContent,
         };",
        json!([]),
    );
    assert_eq!(order["solutionFirst"], json!(true), "{order}");
    assert_eq!(order["answerVisible"], json!(true), "{order}");
    assert_eq!(order["folded"], json!(true), "{order}");
    assert!(
        order["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Lampe remplacée"),
        "{order}"
    );
    session.send_keys("#ticket-more summary", "\u{E007}");
    session.wait_until(
        "the description unfolded by Enter",
        "return document.getElementById('ticket-more').open;",
        Duration::from_secs(5),
    );
    let description = session.text("#ticket-description");
    assert!(
        description.contains("ne s'allume plus") && description.contains("Poste de travail"),
        "the description and the machine facts, unfolded: {description}"
    );
}
