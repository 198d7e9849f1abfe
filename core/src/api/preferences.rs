//! The user's preferences from the Settings window: the language, the global shortcut,
//! starting at login and, at a help desk that has entities, the one tickets go to. They go to the user's settings file (the configuration's top layer); a key
//! IT locked is refused. The caller loads the configuration again ([`Guichet::reloaded`]), and the
//! agent applies what changed (tray menu, shortcut, login item) at once.

use super::{ApiError, Guichet};
use crate::config::{layers, Lockable};
use crate::i18n::{t, Lang};
use crate::shortcut::{Shortcut, ShortcutError};
use guichet_protocol::error::{ErrorCode, ErrorInfo, FieldError};
use guichet_protocol::ipc::Preferences;
use guichet_protocol::report::Field;

/// Why preferences were not saved.
#[derive(Debug, thiserror::Error)]
pub enum PreferencesError {
    /// IT locked this setting.
    #[error("{0} is locked by IT's configuration")]
    Locked(Lockable),
    /// The global shortcut given does not read as one.
    #[error(transparent)]
    Shortcut(#[from] ShortcutError),
    /// The user's settings file could not be written.
    #[error("cannot save the user's settings: {0}")]
    Save(#[source] std::io::Error),
}

impl PreferencesError {
    /// The error as the user sees it, in `lang`: a locked key or a bad shortcut is a validation
    /// error (the shortcut's beside its field); a failed save is internal and logged.
    pub fn info(&self, lang: Lang) -> ErrorInfo {
        match self {
            PreferencesError::Locked(_) => {
                ErrorInfo::new(ErrorCode::Validation, t(lang, "preferences.locked", &[]))
            }
            PreferencesError::Shortcut(e) => {
                let message = t(
                    lang,
                    "preferences.shortcut.invalid",
                    &[("value", &e.text())],
                );
                let field = FieldError::new(
                    Field::Shortcut,
                    "preferences.shortcut.invalid",
                    message.clone(),
                );
                ErrorInfo::validation(message, vec![field])
            }
            PreferencesError::Save(e) => {
                tracing::warn!("cannot save the user's settings: {e}");
                ErrorInfo::internal(lang, "error.profile_save")
            }
        }
    }
}

impl Guichet {
    /// Saves the preferences given. A value equal to the one in force is accepted even when IT
    /// locked its key, so that a window may send back what it shows; nothing is written when
    /// any value is refused.
    pub fn save_preferences(&self, preferences: Preferences) -> Result<(), ApiError> {
        let config = &self.config;
        let mut user = self.sources.user.clone();
        let check = |key: Lockable, same: bool| {
            if same || !config.is_locked(key) {
                Ok(())
            } else {
                Err(PreferencesError::Locked(key))
            }
        };
        if let Some(language) = preferences.language {
            check(Lockable::Language, language == self.lang)?;
            user.language = Some(language);
        }
        if let Some(text) = preferences.shortcut {
            let shortcut: Shortcut = text.trim().parse().map_err(PreferencesError::from)?;
            // Saved as Guichet writes it ("ctrl+alt+g" becomes "Ctrl+Alt+G").
            let text = shortcut.to_string();
            let same = config
                .agent
                .shortcut()
                .parse::<Shortcut>()
                .is_ok_and(|c| c == shortcut);
            check(Lockable::AgentShortcut, same)?;
            user.agent.shortcut = Some(text);
        }
        if let Some(autostart) = preferences.autostart {
            check(
                Lockable::AgentAutostart,
                config.agent.autostart == Some(autostart),
            )?;
            user.agent.autostart = Some(autostart);
        }
        if let Some(choice) = preferences.entity {
            let in_force = config.server.as_ref().and_then(|s| s.desk.entity());
            check(Lockable::Entity, choice.id() == in_force)?;
            user.entity = choice.id();
        }
        layers::save_user(&self.sources.settings_file, &user).map_err(PreferencesError::Save)?;
        tracing::info!("preferences saved");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::credentials::OsKeyring;
    use std::sync::Arc;

    fn guichet(dir: &std::path::Path, system: &str) -> Guichet {
        let path = dir.join("system.toml");
        std::fs::write(&path, system).expect("system file");
        Guichet::from_layers(
            Some(&path),
            dir.join("data"),
            Arc::new(SystemClock),
            // No help desk: the keyring is never asked.
            Arc::new(OsKeyring),
        )
        .expect("guichet")
    }

    #[test]
    fn preferences_are_saved_and_read_back_over_it_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guichet(
            dir.path(),
            "language = \"en\"\n[agent]\nautostart = false\n",
        );
        g.save_preferences(Preferences {
            language: Some(Lang::Fr),
            shortcut: Some(" super+shift+f12 ".into()),
            autostart: Some(true),
            entity: None,
        })
        .expect("saved");
        let again = g.reloaded().expect("reloaded");
        assert_eq!(again.lang(), Lang::Fr);
        assert_eq!(
            again.config().agent.shortcut.as_deref(),
            Some("Shift+Super+F12")
        );
        assert_eq!(again.config().agent.autostart, Some(true));
        let view = again.settings(0);
        assert_eq!(view.shortcut, "Shift+Super+F12");
        assert_eq!(view.autostart, Some(true));
        // Only what was given changes.
        again
            .save_preferences(Preferences {
                autostart: Some(false),
                ..Preferences::default()
            })
            .expect("saved");
        let third = again.reloaded().expect("reloaded");
        assert_eq!(third.lang(), Lang::Fr);
        assert_eq!(third.config().agent.autostart, Some(false));
        assert_eq!(
            third.config().agent.shortcut.as_deref(),
            Some("Shift+Super+F12")
        );
    }

    #[test]
    fn a_bad_shortcut_is_refused_beside_its_field_and_nothing_is_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guichet(dir.path(), "language = \"en\"\n");
        let error = g
            .save_preferences(Preferences {
                language: Some(Lang::Fr),
                shortcut: Some("Ctrl+Hyper+G".into()),
                autostart: None,
                entity: None,
            })
            .expect_err("refused");
        let info = error.info(Lang::Fr);
        assert_eq!(info.code, ErrorCode::Validation);
        assert_eq!(info.fields.len(), 1);
        assert_eq!(info.fields[0].field, Field::Shortcut);
        assert!(
            info.message.contains("« Ctrl+Hyper+G »"),
            "{}",
            info.message
        );
        assert!(!dir.path().join("data").join(layers::SETTINGS_FILE).exists());
        assert_eq!(g.reloaded().expect("reloaded").lang(), Lang::En);
    }

    #[test]
    fn locked_keys_refuse_a_change_but_accept_their_own_value() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guichet(
            dir.path(),
            "locked = [\"language\", \"agent.shortcut\", \"agent.autostart\"]\nlanguage = \"fr\"\n\
             [agent]\nshortcut = \"Ctrl+Alt+H\"\nautostart = true\n",
        );
        for refused in [
            Preferences {
                language: Some(Lang::En),
                ..Preferences::default()
            },
            Preferences {
                shortcut: Some("Ctrl+Alt+J".into()),
                ..Preferences::default()
            },
            Preferences {
                autostart: Some(false),
                ..Preferences::default()
            },
        ] {
            let error = g.save_preferences(refused.clone()).expect_err("locked");
            let info = error.info(Lang::En);
            assert_eq!(info.code, ErrorCode::Validation, "{refused:?}");
            assert!(info.message.contains("IT"), "{}", info.message);
        }
        g.save_preferences(Preferences {
            language: Some(Lang::Fr),
            shortcut: Some("ctrl+alt+h".into()),
            autostart: Some(true),
            entity: None,
        })
        .expect("the values in force are accepted");
    }

    #[test]
    fn a_bad_shortcut_in_a_file_is_a_problem_naming_its_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let g = guichet(dir.path(), "[agent]\nshortcut = \"G\"\n");
        let problems = g.config_problem_list();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key.as_deref(), Some("agent.shortcut"));
        assert_eq!(problems[0].line, Some(2));
        assert!(
            problems[0].detail.contains("\"G\""),
            "{}",
            problems[0].detail
        );
    }
}
