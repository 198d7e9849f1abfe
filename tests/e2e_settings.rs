//! The Settings window end to end (WebDriver on the real window, the agent, the GLPI double):
//! signing in to a help desk IT named without credentials, refused then accepted and kept in a
//! real GNOME Keyring on a private D-Bus, then the connection test; what IT locked shown
//! read-only, problems in the configuration files first, and a failed connection test; the
//! entity a requester in two entities chooses, where their next report then lands, and IT's
//! entity shown locked; "This desktop" in an X11 session and its capture test. The phone the
//! window remembers is tested in `e2e_my_tickets.rs`.
//!
//! Needs what `e2e_wizard.rs` needs, plus gnome-keyring and secret-tool (libsecret-tools).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::protocol::i18n::t;
use guichet_core::protocol::Lang;
use guichet_glpi_double::{DoubleConfig, GlpiDouble, UserSpec};
use guichet_test_support::desktop::{read_file, wait_for, Keyring, SessionBus, Xvfb};
use guichet_test_support::webdriver::{assert_accessible, axe_source, Desktop, Session, Window};
use guichet_test_support::workstation::{self, json, stderr, FrenchWindow, Workstation};
use serde_json::json;
use std::ffi::OsStr;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// Signing in from the Settings window when IT's file names the help desk but no account: a
/// wrong password is refused in the help desk's words and nothing is kept; the right one is
/// checked with the help desk, kept in the OS keyring (a real GNOME Keyring on a private D-Bus),
/// and the connection test then passes the credentials step. Signing out empties the keyring.
#[test]
fn settings_sign_in_is_refused_then_accepted_and_the_connection_test_passes() {
    let axe = axe_source();
    let x = Xvfb::start(1024, 768);
    let keyring = Keyring::start();
    let bus = &keyring.bus;
    // A password no log line could hold by chance.
    let user = UserSpec::self_service(
        8,
        "enseignant",
        "Craie-Verte-2026!",
        "fedcba9876543210fedcba9876543210fedcba98",
    );
    let mut config = DoubleConfig::default();
    config.users.push(user.clone());
    let glpi = GlpiDouble::start(config).unwrap();
    let url = glpi.base_url();
    // IT's file: the help desk only, no login, password or token.
    let ws = Workstation::with_server(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{url}\"\ntimeout_secs = 5\nconnect_timeout_secs = 2\n"
    ));
    let runtime = ws.dir.path().join("run");
    let agent_log = ws.dir.path().join("agent.log");
    let agent_env: [(&str, &OsStr); 3] = [
        ("DISPLAY", x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
        ("LANG", "fr_FR.UTF-8".as_ref()),
    ];
    let _agent = ws.start_agent(&runtime, &agent_env, &agent_log);
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
        &["--window", "settings"],
    );
    let session = &window.session;
    let value = |css: &str| {
        session.execute(
            "return document.querySelector(arguments[0]).value;",
            json!([css]),
        )
    };
    let focused = || session.execute("return document.activeElement.id;", json!([]));

    // Not signed in: the form, for the help desk IT named (not typed here).
    session.wait("#sign-in", LIMIT);
    assert!(
        session.find("#signed-in").is_none(),
        "{}",
        session.body_text()
    );
    assert!(
        session.find("#settings-url").is_none(),
        "IT gave the address"
    );
    assert!(
        session.text("#account-server").contains(&url),
        "{}",
        session.body_text()
    );
    assert_eq!(
        session.execute(
            "return document.querySelector('#settings-password').getAttribute('autocomplete');",
            json!([])
        ),
        "current-password"
    );
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "sign-in form");

    // Tested before signing in: the credentials step does not pass.
    session.click("#run-doctor");
    session.wait(
        "#doctor-steps li[data-step=credentials]:not([data-status=pass])",
        LIMIT,
    );

    // No password: said beside the form, the empty field marked and focused.
    session.type_into("#settings-login", &user.login);
    session.click("#sign-in-submit");
    session.wait("#settings-password[aria-invalid=true]", LIMIT);
    assert!(
        session
            .text("#signin-invalid")
            .contains(&t(Lang::Fr, "signin.no_credentials", &[])),
        "{}",
        session.body_text()
    );
    assert_eq!(focused(), "settings-password");
    assert_accessible(session, "sign-in incomplete");

    // A wrong password, sent with Enter: the help desk's refusal in plain words, the password
    // field emptied, nothing in the keyring.
    session.type_into("#settings-login", &user.login);
    session.type_into("#settings-password", "pas-le-bon");
    session.send_keys("#settings-password", "\u{E007}");
    session.wait("#signin-refused[data-code=unauthorized]", LIMIT);
    let refused = session.text("#signin-refused");
    assert!(
        refused.contains(&t(Lang::Fr, "doctor.credentials.password_refused", &[])),
        "{refused}{}",
        window.logs()
    );
    assert_eq!(value("#settings-password"), "", "the password is not kept");
    assert_eq!(value("#settings-login"), user.login.as_str());
    assert_eq!(focused(), "settings-password", "ready to type it again");
    assert!(
        !keyring.guichet_items().contains("secret ="),
        "nothing stored: {}",
        keyring.guichet_items()
    );
    assert_accessible(session, "sign-in refused");

    // The right password: signed in, the secret in the keyring.
    session.type_into("#settings-password", &user.password);
    session.click("#sign-in-submit");
    session.wait("#signed-in", LIMIT);
    let signed_in = session.text("#signed-in");
    assert!(
        signed_in.contains(&user.login),
        "{signed_in}{}",
        window.logs()
    );
    assert_eq!(focused(), "signed-in");
    assert!(
        session.find("#signin-refused").is_none(),
        "the refusal is gone"
    );
    assert!(
        session.find("#doctor-result-heading").is_none(),
        "the test result from before signing in is gone"
    );
    let items = keyring.guichet_items();
    assert!(
        items.contains("secret =") && items.contains(&url),
        "the keyring holds it: {items}"
    );
    assert_accessible(session, "signed in");

    // The connection test: each step listed, the credentials passed, focus on the result.
    session.click("#run-doctor");
    session.wait(
        "#doctor-steps li[data-step=credentials][data-status=pass]",
        LIMIT,
    );
    assert_eq!(focused(), "doctor-result-heading");
    let steps = session.text("#doctor-steps");
    assert!(
        steps.contains("Identifiants") && steps.contains("Réussi"),
        "{steps}"
    );
    assert!(
        session.find("#doctor-steps li[data-status=fail]").is_none(),
        "{steps}"
    );
    assert_accessible(session, "connection test");

    // Signing out forgets the secret.
    session.click("#sign-out");
    session.wait("#signed-out", LIMIT);
    session.wait("#sign-in", LIMIT);
    assert!(
        !keyring.guichet_items().contains("secret ="),
        "signed out: {}",
        keyring.guichet_items()
    );
    let driver_log = window.driver_log().to_owned();
    drop(window);
    // The window process logs into the driver's log: neither it nor the agent wrote a password.
    for (what, log) in [("agent", &agent_log), ("window process", &driver_log)] {
        let text = read_file(log);
        for secret in ["pas-le-bon", user.password.as_str()] {
            assert!(
                !text.contains(secret),
                "{what} log holds a password:\n{text}"
            );
        }
    }
}

/// What IT locked is shown read-only with "Set by IT", problems in a configuration file come
/// first as an alert naming the file, the other way to sign in (a personal token) is offered, and
/// a connection test against a help desk that does not answer lists the failed step.
#[test]
fn settings_show_what_it_locked_the_configuration_s_problems_and_a_failed_connection_test() {
    let axe = axe_source();
    let x = Xvfb::start(1024, 768);
    let bus = SessionBus::start();
    let ws = Workstation::new(None);
    // Nothing listens on port 9 of the loopback (discard): the connection is refused.
    let url = "http://127.0.0.1:9/apirest.php";
    std::fs::write(
        &ws.config,
        format!(
            "locked = [\"server\", \"language\", \"agent.shortcut\", \"defaults.phone\"]\nlanguage = \"en\"\n\
             [server]\nkind = \"glpi\"\nurl = \"{url}\"\ntimeout_secs = 2\nconnect_timeout_secs = 1\n\
             [defaults]\nphone = \"01 23 45 67 89\"\n"
        ),
    )
    .unwrap();
    // The user's own settings file is damaged: left out, and said.
    std::fs::create_dir_all(&ws.data).unwrap();
    std::fs::write(ws.data.join("settings.toml"), "language = \n").unwrap();
    let runtime = ws.dir.path().join("run");
    let agent_log = ws.dir.path().join("agent.log");
    let agent_env: [(&str, &OsStr); 2] = [
        ("DISPLAY", x.display.as_ref()),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
    ];
    let _agent = ws.start_agent(&runtime, &agent_env, &agent_log);
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
        &["--window", "settings"],
    );
    let session = &window.session;
    session.wait("#sign-in", LIMIT);
    let focused = || session.execute("return document.activeElement.id;", json!([]));

    // IT's language (locked), the problem first, naming the user's file.
    let problems = session.text("#config-problems");
    assert!(
        problems.contains("settings.toml") && problems.contains("configuration has errors"),
        "{problems}"
    );
    assert_eq!(
        session.execute(
            "return document.querySelector('#config-problems').getAttribute('role');",
            json!([])
        ),
        "alert"
    );
    // Locked: read-only, with "Set by IT"; the location stays the user's.
    session.wait("#settings-url[readonly]", LIMIT);
    session.wait("#settings-phone[readonly]", LIMIT);
    session.wait("#settings-location:not([readonly])", LIMIT);
    session.wait("#settings-language[disabled]", LIMIT);
    session.wait("#settings-shortcut[readonly]", LIMIT);
    session.wait("#settings-autostart:not([disabled])", LIMIT);
    assert_eq!(
        session.execute(
            "return document.querySelector('#settings-phone').value;",
            json!([])
        ),
        "01 23 45 67 89"
    );
    for note in [
        "#settings-url-locked",
        "#settings-phone-locked",
        "#settings-server-locked",
        "#settings-shortcut-locked",
        "#settings-language-locked",
    ] {
        assert!(session.text(note).contains("Set by IT"), "{note}");
    }
    assert!(session.find("#settings-location-locked").is_none());
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "settings locked");

    // The other way to sign in: a personal token, in a masked field.
    session.click("#method-token");
    session.wait("#settings-token[type=password]", LIMIT);
    assert!(session.find("#settings-login").is_none());
    assert!(
        session.text("#sign-in").contains("Remote access keys"),
        "{}",
        session.body_text()
    );

    // The connection test: the failed step, in words and with its mark, focus on the result.
    session.click("#run-doctor");
    session.wait("#doctor-result-heading[data-ok=false]", LIMIT);
    assert_eq!(focused(), "doctor-result-heading");
    let failed = session.text("#doctor-steps li[data-status=fail]");
    assert!(failed.contains("Failed"), "{failed}");
    assert_eq!(
        session.execute(
            "return document.querySelector('#doctor-result').getAttribute('aria-live');",
            json!([])
        ),
        "polite"
    );
    assert_accessible(session, "connection test failed");
    drop(window);
}

/// The Settings window opened in French on a workstation, on an X display and a session bus of
/// its own; the window goes first when it is dropped.
struct FrenchSettings {
    french: FrenchWindow,
    _bus: SessionBus,
    _x: Xvfb,
}

impl FrenchSettings {
    fn open(ws: &Workstation) -> FrenchSettings {
        let x = Xvfb::start(1024, 768);
        let bus = SessionBus::start();
        let french = ws.open_in_french(&x.display, &bus.address, &["--window", "settings"]);
        FrenchSettings {
            french,
            _bus: bus,
            _x: x,
        }
    }
}

/// A GLPI double whose default requester has their profile in the Collège (1, their active
/// entity, where tickets go without a choice) and the Lycée (2).
fn double_with_two_entities() -> GlpiDouble {
    let mut config = DoubleConfig::default();
    config.users[0] = UserSpec::default_requester().in_entities(&[1, 2]);
    GlpiDouble::start(config).unwrap()
}

/// The entity select's options, as `[value, text]` pairs in the order shown.
fn entity_options(session: &Session) -> serde_json::Value {
    session.execute(
        "return [...document.querySelectorAll('#settings-entity option')]\
           .map((o) => [o.value, o.textContent.trim()]);",
        json!([]),
    )
}

/// At a help desk where the requester belongs to two entities, the Settings window offers them
/// by name beside the help desk's default, under a label; the one chosen and saved is where the
/// next report goes, not the requester's default entity.
#[test]
fn settings_choose_the_entity_the_next_report_goes_to() {
    let axe = axe_source();
    let glpi = double_with_two_entities();
    let ws = Workstation::new(Some(&glpi.base_url()));
    let settings = FrenchSettings::open(&ws);
    let session = &settings.french.window.session;
    let value = || {
        session.execute(
            "return document.querySelector('#settings-entity').value;",
            json!([]),
        )
    };

    // Enabled once the help desk listed the entities.
    session.wait("#settings-entity:not([disabled])", LIMIT);
    assert!(
        session.find("#settings-entity-status").is_none(),
        "{}",
        session.body_text()
    );
    assert!(session.find("#settings-entity-locked").is_none());
    assert_eq!(
        session.execute(
            "return [...document.querySelector('#settings-entity').labels].map((l) => l.textContent.trim());",
            json!([])
        ),
        json!(["Entité de vos demandes"])
    );
    assert_eq!(
        entity_options(session),
        json!([
            [
                "default",
                "Celle que le service d’assistance choisit (par défaut)"
            ],
            ["1", "Root entity > Collège Jean Moulin"],
            ["2", "Root entity > Lycée Victor Hugo"],
        ])
    );
    assert_eq!(value(), "default", "no choice yet");
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "entities listed");

    // The second entity, not the requester's default one.
    session.click("#settings-entity option[value='2']");
    assert_eq!(value(), "2");
    session.click("#save-preferences");
    session.wait("#preferences-saved", LIMIT);
    assert_eq!(
        session.text("#preferences-saved"),
        "Vos préférences sont enregistrées et déjà appliquées."
    );
    assert_eq!(value(), "2", "the agent's answer keeps the choice");
    let saved = std::fs::read_to_string(ws.data.join("settings.toml")).unwrap();
    assert!(saved.contains("entity = 2"), "{saved}");
    assert_accessible(session, "entity saved");

    // A report through the same agent lands in the Lycée.
    let out = ws
        .command(&[
            "report",
            "--subject",
            "Tableau numérique salle 3",
            "--description",
            "Le tableau numérique de la salle 3 ne répond plus au stylet.",
            "--json",
        ])
        .env("GUICHET_RUNTIME_DIR", ws.dir.path().join("run"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ticket = json(&out)["ticket"].as_u64().unwrap();
    assert_eq!(
        glpi.ticket(ticket).unwrap().entity_id,
        2,
        "{}",
        settings.french.window.logs()
    );
}

/// When IT's file names the entity (`server.entity`), the choice is shown by name, locked, with
/// "Défini par le service informatique" tied to it.
#[test]
fn settings_show_the_entity_it_set_locked() {
    let axe = axe_source();
    let glpi = double_with_two_entities();
    let ws = Workstation::new(Some(&glpi.base_url()));
    // The workstation's file ends with its `[server]` section.
    ws.append_config("entity = 2\n");
    let settings = FrenchSettings::open(&ws);
    let session = &settings.french.window.session;

    session.wait("#settings-entity[disabled]", LIMIT);
    // Loaded: the list, IT's entity selected by name.
    wait_for("the entity list", LIMIT, || {
        (session.find("#settings-entity-status").is_none()
            && entity_options(session)
                .as_array()
                .is_some_and(|o| o.len() == 3))
        .then_some(())
    });
    assert_eq!(
        session.execute(
            "const s = document.querySelector('#settings-entity'); \
             return [s.value, s.selectedOptions[0].textContent.trim(), s.disabled];",
            json!([])
        ),
        json!(["2", "Root entity > Lycée Victor Hugo", true])
    );
    let note = session.text("#settings-entity-locked");
    assert!(
        note.contains("Défini par le service informatique"),
        "{note}"
    );
    let described = session.execute(
        "return document.querySelector('#settings-entity').getAttribute('aria-describedby');",
        json!([]),
    );
    assert!(
        described
            .as_str()
            .unwrap_or_default()
            .contains("settings-entity-locked"),
        "{described}"
    );
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "entity set by IT");
}

/// "This desktop" in an X11 session (Xvfb): the session, the capture by the X server and the
/// shortcut Guichet grabs itself are named; testing the capture counts the one screen, says
/// nothing was kept, and takes the focus to that result.
#[test]
fn settings_name_this_x11_desktop_and_test_its_capture() {
    let axe = axe_source();
    let ws = Workstation::new(None);
    let settings = FrenchSettings::open(&ws);
    let session = &settings.french.window.session;
    // The agent knows how it hears the shortcut once its desktop is up, which can come after
    // the window first asked: asked again once it is.
    let agent_log = ws.dir.path().join("agent.log");
    wait_for("the agent's desktop", LIMIT, || {
        read_file(&agent_log)
            .contains("global shortcut Ctrl+Alt+G ready")
            .then_some(())
    });
    session.refresh();

    session.wait("#desktop-shortcut[data-mechanism=keyGrab]", LIMIT);
    assert_eq!(session.text("#desktop-heading"), "Ce poste de travail");
    assert_eq!(session.text("#desktop-session"), "X11");
    session.wait("#desktop-capture[data-method=x11]", LIMIT);
    assert_eq!(session.text("#desktop-capture"), "par le serveur X11");
    assert_eq!(
        session.text("#desktop-shortcut"),
        "Ctrl+Alt+G, tenu par Guichet"
    );
    assert!(session.find("#install-shortcut").is_none());
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "this desktop");

    assert_eq!(session.text("#test-capture"), "Tester la capture");
    session.click("#test-capture");
    session.wait("#capture-test-result[data-screens='1']", LIMIT);
    assert_eq!(
        session.text("#capture-test-result"),
        "1 écran(s) capturé(s). Rien n’a été gardé ni envoyé.",
        "{}",
        settings.french.window.logs()
    );
    assert_eq!(
        session.execute("return document.activeElement.id;", json!([])),
        "capture-test-result"
    );
    assert_accessible(session, "capture tested");
}
