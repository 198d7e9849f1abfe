//! Starting at login and the preferences from Settings: the agent makes its login item match
//! the configuration, and applies a new language, shortcut or start at login at once.

use super::{Agent, LIMIT};
use guichet_core::protocol::error::ErrorCode;
use guichet_core::protocol::ipc::{Preferences, Request, Response};
use guichet_core::protocol::report::Field;
use guichet_core::protocol::Lang;
use guichet_test_support::desktop::{read_file, wait_for, SessionBus, Xvfb};
use guichet_test_support::workstation::{self, Workstation};

#[test]
fn the_agent_makes_its_start_at_login_match_the_configuration() {
    let ws = Workstation::new(None);
    let home = ws.dir.path().join("home");
    let config_home = home.join(".config");
    let entry = config_home.join("autostart").join("Guichet.desktop");
    let runtime = ws.dir.path().join("run");
    let run_agent = |round: &str, expected: &str| {
        let log = ws.dir.path().join(format!("agent-{round}.log"));
        let env: [(&str, &std::ffi::OsStr); 3] = [
            ("HOME", home.as_os_str()),
            ("XDG_CONFIG_HOME", config_home.as_os_str()),
            ("DBUS_SESSION_BUS_ADDRESS", "".as_ref()),
        ];
        let agent = ws.start_agent(&runtime, &env, &log);
        wait_for(expected, LIMIT, || {
            read_file(&log).contains(expected).then_some(())
        });
        drop(agent);
    };

    // Unset: what the user chose stays as it is.
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    std::fs::write(&entry, "[Desktop Entry]\nExec=/the/user/own/choice\n").unwrap();
    run_agent("unset", "start at login: LeftAlone");
    assert_eq!(
        std::fs::read_to_string(&entry).unwrap(),
        "[Desktop Entry]\nExec=/the/user/own/choice\n"
    );

    // On: the entry starts this very `guichet`, by its absolute path.
    ws.append_config("[agent]\nautostart = true\n");
    run_agent("on", "start at login: Registered");
    let text = std::fs::read_to_string(&entry).expect("the autostart entry");
    let guichet = std::fs::canonicalize(env!("CARGO_BIN_EXE_guichet")).unwrap();
    let exec: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Exec="))
        .map(str::trim)
        .collect();
    assert_eq!(
        exec,
        [format!("{} --background", guichet.to_str().unwrap())],
        "{text}"
    );
    assert!(text.contains("Type=Application"), "{text}");

    // Off: the entry is gone.
    ws.configure(None, workstation::TOKEN);
    ws.append_config("[agent]\nautostart = false\n");
    run_agent("off", "start at login: Removed { existed: true }");
    assert!(!entry.exists(), "the autostart entry is removed");
}

#[test]
fn preferences_saved_in_settings_apply_at_once() {
    let x = Xvfb::start(1024, 768);
    let bus = SessionBus::start();
    let _watcher = bus.status_notifier_watcher();
    let ws = Workstation::new(None);
    // The login item goes to a home of the test's own (auto-launch writes under $HOME).
    let home = ws.dir.path().join("home");
    let config_home = home.join(".config");
    let entry = config_home.join("autostart").join("Guichet.desktop");
    let env = [
        ("HOME", home.as_os_str()),
        ("XDG_CONFIG_HOME", config_home.as_os_str()),
    ];
    let agent = Agent::start_with(&ws, Some((&x, &bus)), 0, &env);
    wait_for("the shortcut grab", LIMIT, || {
        agent
            .log()
            .contains("global shortcut Ctrl+Alt+G ready")
            .then_some(())
    });
    wait_for("the English tray menu", LIMIT, || {
        bus.tray_menu()
            .filter(|(.., layout)| layout.contains("Report a problem"))
    });
    let save = |preferences: Preferences| agent.request(&Request::SavePreferences { preferences });

    // Not a shortcut: refused beside its field, and nothing changes.
    match save(Preferences {
        language: Some(Lang::Fr),
        shortcut: Some("J".into()),
        autostart: None,
        entity: None,
    }) {
        Response::Error { error } => {
            assert_eq!(error.code, ErrorCode::Validation);
            assert_eq!(error.fields.len(), 1, "{error:?}");
            assert_eq!(error.fields[0].field, Field::Shortcut);
            assert!(error.message.contains("\"J\""), "{}", error.message);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!ws.data.join("settings.toml").exists());

    let answer = save(Preferences {
        language: Some(Lang::Fr),
        shortcut: Some("ctrl+alt+j".into()),
        autostart: Some(true),
        entity: None,
    });
    let Response::Settings { view } = answer else {
        panic!("unexpected {answer:?}")
    };
    assert_eq!(view.language, Lang::Fr);
    assert_eq!(view.shortcut, "Ctrl+Alt+J");
    assert_eq!(view.autostart, Some(true));
    let settings = std::fs::read_to_string(ws.data.join("settings.toml")).expect("settings");
    assert!(settings.contains("shortcut = \"Ctrl+Alt+J\""), "{settings}");

    // Applied without a restart: the tray speaks French, the new key is grabbed and the old one
    // released, the login item is written.
    wait_for("the French tray menu", LIMIT, || {
        bus.tray_menu()
            .filter(|(.., layout)| layout.contains("Signaler un problème"))
    });
    wait_for("the new shortcut", LIMIT, || {
        agent
            .log()
            .contains("global shortcut Ctrl+Alt+J ready")
            .then_some(())
    });
    assert!(agent.log().contains("global shortcut Ctrl+Alt+G released"));
    wait_for("the login item", LIMIT, || entry.is_file().then_some(()));

    // The old combination opens nothing any more; the new one opens the wizard, in French.
    x.press("ctrl+alt+g");
    x.press("ctrl+alt+j");
    let started = wait_for("the wizard", LIMIT, || {
        Some(read_file(&agent.record)).filter(|r| !r.is_empty())
    });
    wait_for("the window process to exit", LIMIT, || {
        agent
            .log()
            .contains("the window process exited")
            .then_some(())
    });
    let log = agent.log();
    assert_eq!(read_file(&agent.record), started, "one wizard only:\n{log}");
    assert!(
        !log.contains("already open"),
        "the old key still grabbed:\n{log}"
    );
    assert_eq!(read_file(&agent.languages).trim(), "fr");

    // Off again: the login item goes.
    let answer = save(Preferences {
        autostart: Some(false),
        ..Preferences::default()
    });
    assert!(matches!(answer, Response::Settings { .. }), "{answer:?}");
    wait_for("the login item to go", LIMIT, || {
        (!entry.exists()).then_some(())
    });
}
