//! The one precedence order of IT's settings (docs/DEPLOYMENT.md), lowest first: Guichet's
//! defaults, the installer's values (`HKLM\Software\Guichet`), IT's file, the user's own settings,
//! Group Policy (`HKLM\Software\Policies\Guichet`, every setting it sets locked). The registry is
//! given here as Windows would give it; `tests/msi.rs` checks the same under Wine, from the
//! registry itself.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use guichet_core::config::layers::{self, save_user, UserSettings, SETTINGS_FILE};
use guichet_core::config::managed::{Managed, ManagedLayer, RegValue};
use guichet_core::config::Lockable;
use std::path::{Path, PathBuf};

fn layer(key: &str, values: &[(&str, &str)]) -> Option<ManagedLayer> {
    Some(ManagedLayer {
        source: PathBuf::from(format!(r"HKLM\{key}")),
        values: values
            .iter()
            .map(|(n, v)| ((*n).to_owned(), RegValue::Text((*v).to_owned())))
            .collect(),
    })
}

fn installer(values: &[(&str, &str)]) -> Option<ManagedLayer> {
    layer(r"Software\Guichet", values)
}

fn policy(values: &[(&str, &str)]) -> Option<ManagedLayer> {
    layer(r"Software\Policies\Guichet", values)
}

fn it_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("write");
    path
}

/// The user chose another shortcut and their own phone number in Settings.
fn user_choices(dir: &Path) {
    let mut user = UserSettings::default();
    user.agent.shortcut = Some("Ctrl+Shift+F1".into());
    save_user(&dir.join(SETTINGS_FILE), &user).expect("save");
}

const SERVER: (&str, &str) = (
    "server.url",
    "https://assistance.academie-exemple.fr/apirest.php",
);

#[test]
fn installer_then_file_then_user_then_policy() {
    let dir = tempfile::tempdir().expect("tempdir");
    user_choices(dir.path());
    let file = it_file(
        dir.path(),
        "[agent]\nshortcut = \"Ctrl+Alt+F\"\n[poll]\ninterval_secs = 900\n",
    );
    let registry = Managed {
        installer: installer(&[
            ("server.kind", "glpi"),
            SERVER,
            ("server.app_token", "jeton-msi"),
            ("agent.shortcut", "Ctrl+Alt+I"),
            ("poll.interval_secs", "600"),
            ("defaults.phone", "01 23 45 67 89"),
        ]),
        policy: None,
    };
    let loaded = layers::load_with(Some(&file), dir.path(), &registry);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let config = &loaded.config;
    assert_eq!(
        config.server.as_ref().map(|s| s.url()),
        Some(SERVER.1),
        "the installer's"
    );
    assert_eq!(
        config.poll.interval_secs, 900,
        "IT's file over the installer"
    );
    assert_eq!(
        config.agent.shortcut(),
        "Ctrl+Shift+F1",
        "the user's over both"
    );
    assert_eq!(config.defaults.phone.as_deref(), Some("01 23 45 67 89"));
    assert!(config.locked.is_empty());

    let registry = Managed {
        policy: policy(&[
            ("agent.shortcut", "Ctrl+Alt+P"),
            ("poll.interval_secs", "1200"),
        ]),
        ..registry
    };
    let loaded = layers::load_with(Some(&file), dir.path(), &registry);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let config = &loaded.config;
    assert_eq!(
        config.agent.shortcut(),
        "Ctrl+Alt+P",
        "policy over the user's"
    );
    assert_eq!(config.poll.interval_secs, 1200, "policy over IT's file");
    assert_eq!(
        config.locked,
        [Lockable::AgentShortcut],
        "what policy sets is locked"
    );
    assert_eq!(config.server.as_ref().map(|s| s.url()), Some(SERVER.1));
}

#[test]
fn locks_add_up_and_a_policy_server_replaces_the_user_s() {
    let dir = tempfile::tempdir().expect("tempdir");
    let user = UserSettings {
        server: Some(
            toml::from_str("kind = \"glpi\"\nurl = \"https://ailleurs.example/apirest.php\"")
                .expect("server"),
        ),
        ..UserSettings::default()
    };
    save_user(&dir.path().join(SETTINGS_FILE), &user).expect("save");
    let file = it_file(dir.path(), "locked = [\"language\"]\n");
    let registry = Managed {
        installer: installer(&[("locked", "agent.autostart")]),
        policy: policy(&[
            ("server.kind", "glpi"),
            SERVER,
            ("locked", "defaults.location"),
        ]),
    };
    let loaded = layers::load_with(Some(&file), dir.path(), &registry);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(
        loaded.config.locked,
        [
            Lockable::Server,
            Lockable::Language,
            Lockable::AgentAutostart,
            Lockable::DefaultsLocation
        ]
    );
    assert_eq!(
        loaded.config.server.as_ref().map(|s| s.url()),
        Some(SERVER.1)
    );
}

#[test]
fn a_value_that_cannot_work_is_a_problem_naming_the_registry_key_and_loses_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = it_file(dir.path(), "[poll]\ninterval_secs = 900\n");
    let registry = Managed {
        installer: installer(&[
            ("agent.autostart", "peut-être"),
            ("defaults.phone", "0102030405"),
        ]),
        policy: None,
    };
    let loaded = layers::load_with(Some(&file), dir.path(), &registry);
    let problem = &loaded.problems[0];
    assert_eq!(problem.path, Path::new(r"HKLM\Software\Guichet"));
    assert_eq!(problem.key.as_deref(), Some("agent.autostart"), "{problem}");
    assert_eq!(loaded.config.defaults.phone.as_deref(), Some("0102030405"));
    assert_eq!(loaded.config.poll.interval_secs, 900);

    // Together they do not work (a shortcut Guichet cannot watch): IT's file alone is kept.
    let registry = Managed {
        installer: None,
        policy: policy(&[("agent.shortcut", "Ctrl+Hyper+G")]),
    };
    let loaded = layers::load_with(Some(&file), dir.path(), &registry);
    let problem = &loaded.problems[0];
    assert_eq!(problem.path, Path::new(r"HKLM\Software\Policies\Guichet"));
    assert_eq!(problem.key.as_deref(), Some("agent.shortcut"), "{problem}");
    assert_eq!(
        loaded.config.poll.interval_secs, 900,
        "the file still applies"
    );
}
