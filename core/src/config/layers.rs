//! The configuration in layers: built-in defaults, then IT's system file, then the user's own
//! settings (`settings.toml` in the data directory, written by Guichet). IT can lock keys
//! (`locked = ["server", "agent.shortcut"]`): the user's value for a locked key is ignored and
//! the windows show it read-only.
//!
//! A file that is not valid does not stop Guichet: its layer is left out, and the problem, which
//! names the file, the line and the key, is shown in Settings and by `guichet doctor` (the CLI's
//! other commands refuse to run on it, for IT's scripts).

use super::managed::{self, Managed, ManagedLayer};
use super::{AgentConfig, Config, Lockable, ServerConfig};
use crate::i18n::{t, Lang};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The user's settings file, in the data directory.
pub const SETTINGS_FILE: &str = "settings.toml";

/// What the user changed, as Guichet writes it. Never a secret: those are in the OS keyring.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSettings {
    /// The interface language the user chose; `None` follows IT's setting or the OS.
    pub language: Option<Lang>,
    /// The entity the user chose for their tickets, at a help desk that has entities; `None`:
    /// the help desk's default. Ignored when IT chose (`server.entity`) or locked `entity`.
    pub entity: Option<u64>,
    /// The help desk the user entered on the setup screen (when IT configured none).
    pub server: Option<ServerConfig>,
    /// The user's own shortcut and start at login.
    #[serde(default, skip_serializing_if = "AgentConfig::is_empty")]
    pub agent: AgentConfig,
    /// How the user signed in; the secret itself is in the keyring.
    pub account: Option<Account>,
}

/// How the user signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// With a login and password, or a token.
    pub method: SignInMethod,
    /// The login, for a password sign-in (not a secret: the help desk shows it to technicians).
    pub login: Option<String>,
}

/// The kind of secret the user signed in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMethod {
    /// A login and a password.
    Password,
    /// A personal API token.
    Token,
}

impl SignInMethod {
    /// Its name as written in the settings file and shown in Settings (`password`, `token`).
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::Token => "token",
        }
    }
}

/// A configuration file that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}{}: {detail}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default(), key.as_ref().map(|k| format!(", key {k}")).unwrap_or_default())]
pub struct ConfigProblem {
    /// The file (or, on Windows, the registry key, `HKLM\...`) the problem is in.
    pub path: PathBuf,
    /// The line, counted from 1; `None` when it cannot be found (or for the registry).
    pub line: Option<usize>,
    /// The dotted key to fix (`server.url`); `None` when the problem is the whole file.
    pub key: Option<String>,
    /// What is wrong, as the parser or the check said it (English).
    pub detail: String,
}

impl ConfigProblem {
    /// The problem for a person: the file, the line and the key, then what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        let path = self.path.display();
        let line = self.line.map_or_else(|| "?".to_owned(), |l| l.to_string());
        let key = self.key.clone().unwrap_or_else(|| "?".to_owned());
        t(
            lang,
            "config.problem",
            &[
                ("path", &path),
                ("line", &line),
                ("key", &key),
                ("detail", &self.detail),
            ],
        )
    }
}

/// Every layer, merged.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration in force: IT's layers, then the user's values where IT did not lock.
    pub config: Config,
    /// The user's own settings, as read (their invalid parts left out).
    pub user: UserSettings,
    /// Every file or value left out, and why.
    pub problems: Vec<ConfigProblem>,
    /// IT's file, when one was read.
    pub system_file: Option<PathBuf>,
    /// The user's settings file, whether or not it exists yet.
    pub settings_file: PathBuf,
}

impl Loaded {
    /// Whether IT locked `key`.
    pub fn is_locked(&self, key: Lockable) -> bool {
        self.config.is_locked(key)
    }
}

/// IT's file: `explicit` (`--config`), else `GUICHET_CONFIG`, else [`super::system_config_path`]
/// when it exists.
pub fn system_file(explicit: Option<&Path>) -> Option<PathBuf> {
    let from_env = std::env::var_os(super::CONFIG_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let system = || super::system_config_path().filter(|path| path.is_file());
    explicit.map(Path::to_path_buf).or(from_env).or_else(system)
}

/// Loads and merges the layers, the registry's included on Windows. Never fails: a file or value
/// that cannot be used is a problem.
pub fn load(explicit: Option<&Path>, data_dir: &Path) -> Loaded {
    load_with(explicit, data_dir, &managed::read_registry())
}

/// [`load`], with the registry's layers given.
pub fn load_with(explicit: Option<&Path>, data_dir: &Path, registry: &Managed) -> Loaded {
    let mut problems = Vec::new();
    let system_path = system_file(explicit);
    let (file, written) = match &system_path {
        Some(path) => it_file(path, &mut problems),
        None => (Config::default(), toml::Table::new()),
    };
    let system = with_registry(file, written, registry, &mut problems);
    let settings_file = data_dir.join(SETTINGS_FILE);
    let user = match read_layer::<UserSettings>(&settings_file, false) {
        Ok(user) => {
            let mut user = user.map(|(user, _)| user).unwrap_or_default();
            if let Some(Err(invalid)) = user.server.as_ref().map(ServerConfig::check) {
                problems.push(located(&settings_file, invalid.key(), invalid.to_string()));
                user.server = None;
            }
            if let Err(invalid) = user.agent.check() {
                problems.push(located(&settings_file, invalid.key(), invalid.to_string()));
                user.agent.shortcut = None;
            }
            user
        }
        Err(problem) => {
            problems.push(problem);
            UserSettings::default()
        }
    };
    let mut config = merge(system, &user);
    config.share_network_settings();
    Loaded {
        config,
        user,
        problems,
        system_file: system_path,
        settings_file,
    }
}

/// IT's file, checked, and its keys as written in it (none when it cannot be used).
fn it_file(path: &Path, problems: &mut Vec<ConfigProblem>) -> (Config, toml::Table) {
    let unusable = |problems: &mut Vec<ConfigProblem>, problem| {
        problems.push(problem);
        (Config::default(), toml::Table::new())
    };
    match read_layer::<Config>(path, true) {
        Ok(Some((config, written))) => match config.check() {
            Ok(()) => (config, written),
            Err(invalid) => unusable(problems, located(path, invalid.key(), invalid.to_string())),
        },
        Ok(None) => (Config::default(), toml::Table::new()),
        Err(problem) => unusable(problems, problem),
    }
}

/// IT's file between the installer's values (under it) and Group Policy (over it, every setting
/// it sets locked). The file alone when there is no registry layer, or when together they do not
/// make a configuration that works (a problem then says why).
fn with_registry(
    file: Config,
    mut written: toml::Table,
    registry: &Managed,
    problems: &mut Vec<ConfigProblem>,
) -> Config {
    let layers = [&registry.installer, &registry.policy];
    let Some(last) = layers.iter().rev().find_map(|layer| layer.as_ref()) else {
        return file;
    };
    let mut locks = file.locked.clone();
    written.remove("locked");
    let mut table = toml::Table::new();
    let mut read = |layer: &ManagedLayer, locks: &mut Vec<Lockable>| {
        let (mut values, mut wrong) = layer.table();
        let (named, wrong_locks) = managed::take_locks(&mut values);
        locks.extend(named);
        wrong.extend(wrong_locks);
        problems.extend(wrong.into_iter().map(|w| ConfigProblem {
            path: layer.source.clone(),
            line: None,
            key: Some(w.name),
            detail: w.detail.to_string(),
        }));
        values
    };
    if let Some(installer) = &registry.installer {
        managed::overlay(&mut table, read(installer, &mut locks));
    }
    managed::overlay(&mut table, written);
    if let Some(policy) = &registry.policy {
        let values = read(policy, &mut locks);
        locks.extend(managed::settings_set(&values));
        managed::overlay(&mut table, values);
    }
    locks.sort();
    locks.dedup();
    let merged = toml::Value::Table(table)
        .try_into::<Config>()
        .map_err(|e| (None, e.message().trim().to_owned()))
        .and_then(|config| match config.check() {
            Ok(()) => Ok(config),
            Err(invalid) => Err((Some(invalid.key().to_owned()), invalid.to_string())),
        });
    match merged {
        Ok(config) => Config {
            locked: locks,
            ..config
        },
        Err((key, detail)) => {
            problems.push(ConfigProblem {
                path: last.source.clone(),
                line: None,
                key,
                detail,
            });
            file
        }
    }
}

/// The user's values over IT's, except where IT locked the key. An entity named in the `[server]`
/// in force locks `entity`.
pub fn merge(mut config: Config, user: &UserSettings) -> Config {
    if !config.is_locked(Lockable::Language) && user.language.is_some() {
        config.language = user.language;
    }
    if !config.is_locked(Lockable::Server) {
        if let Some(server) = &user.server {
            let mut server = server.clone();
            // IT's App-Token and timeouts stay when the user only chose the same help desk.
            if let Some(it) = &config.server {
                if it.url() == server.url() {
                    server = it.clone();
                }
            }
            config.server = Some(server);
        }
    }
    // The entity the help desk's own section names is not the user's to change.
    if config
        .server
        .as_ref()
        .is_some_and(|s| s.desk.entity().is_some())
        && !config.is_locked(Lockable::Entity)
    {
        config.locked.push(Lockable::Entity);
        config.locked.sort();
    }
    if let (false, Some(entity), Some(server)) = (
        config.is_locked(Lockable::Entity),
        user.entity,
        config.server.as_mut(),
    ) {
        server.desk.choose_entity(entity);
    }
    let locked = config.locked.clone();
    config
        .agent
        .merge_user(&user.agent, |key| locked.contains(&key));
    config
}

/// Saves the user's settings through a temporary file and a rename, readable by the user only.
pub fn save_user(path: &Path, user: &UserSettings) -> std::io::Result<()> {
    let text = toml::to_string(user).map_err(std::io::Error::other)?;
    guichet_protocol::private::replace(
        path,
        format!("# Written by Guichet: your own settings. IT's are in the system configuration.\n{text}")
            .as_bytes(),
    )
}

/// One file read and typed, with its keys as written. `Ok(None)` when it does not exist and need
/// not.
fn read_layer<T: serde::de::DeserializeOwned>(
    path: &Path,
    must_exist: bool,
) -> Result<Option<(T, toml::Table)>, ConfigProblem> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => return Ok(None),
        Err(e) => {
            return Err(ConfigProblem {
                path: path.to_owned(),
                line: None,
                key: None,
                detail: format!("cannot be read ({e})"),
            })
        }
    };
    let typed = toml::from_str::<T>(&text).map_err(|e| parse_problem(path, &text, &e))?;
    let written =
        toml::from_str::<toml::Table>(&text).map_err(|e| parse_problem(path, &text, &e))?;
    Ok(Some((typed, written)))
}

/// A TOML or typing error, with the line and the key it is about.
pub fn parse_problem(path: &Path, text: &str, error: &toml::de::Error) -> ConfigProblem {
    let start = error.span().map(|s| s.start.min(text.len()));
    let line = start.map(|s| text[..s].matches('\n').count() + 1);
    let detail = error.message().trim().to_owned();
    let section = start.map(|s| section_at(text, s)).unwrap_or_default();
    let named = between(&detail, "unknown field `", "`")
        .or_else(|| between(&detail, "missing field `", "`"));
    let key = match named {
        Some(field) => Some(dotted(&section, field)),
        None => start.and_then(|s| key_at(text, s)).map(|k| {
            if k.contains('.') || section.is_empty() || k.starts_with('[') {
                k.trim_matches(|c| c == '[' || c == ']').to_owned()
            } else {
                dotted(&section, &k)
            }
        }),
    };
    // A key named in the message is found on its own line, when it is written in the file.
    let line = key.as_deref().and_then(|k| line_of(text, k)).or(line);
    ConfigProblem {
        path: path.to_owned(),
        line,
        key,
        detail,
    }
}

/// A problem found after parsing, about `key`: its line is looked up in the file.
fn located(path: &Path, key: &str, detail: String) -> ConfigProblem {
    let line = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| line_of(&text, key));
    ConfigProblem {
        path: path.to_owned(),
        line,
        key: Some(key.to_owned()),
        detail,
    }
}

fn dotted(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_owned()
    } else {
        format!("{section}.{key}")
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The `[section]` (or `[[section]]`) in force at byte `at` (a header on that line counts).
fn section_at(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut section = String::new();
    for line in text[..line_end].lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
        }
    }
    section
}

/// The key written on the line that holds byte `at` (`key = …`, or a `[table]` header).
fn key_at(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    if line.starts_with('[') {
        return Some(line.to_owned());
    }
    let key = line.split('=').next()?.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_owned())
}

/// The line where dotted `key` (`server.url`, `limits`) is set, if it can be found.
pub fn line_of(text: &str, key: &str) -> Option<usize> {
    let (section, name) = match key.rsplit_once('.') {
        Some((section, name)) => (section, name),
        None => ("", key),
    };
    let mut current = String::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            current = trimmed
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
            if current == key {
                return Some(index + 1);
            }
            continue;
        }
        let Some((k, _)) = trimmed.split_once('=') else {
            continue;
        };
        if current == section && k.trim().trim_matches('"') == name {
            return Some(index + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn an_invalid_file_names_its_line_and_key_and_guichet_goes_on_without_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let it = write(
            dir.path(),
            "it.toml",
            "[server]\nkind = \"glpi\"\nurl = \"https://x/apirest.php\"\n\n[poll]\ninterval_secs = \"five\"\n",
        );
        let loaded = load(Some(&it), dir.path());
        assert!(
            loaded.config.server.is_none(),
            "the invalid file is left out"
        );
        let problem = &loaded.problems[0];
        assert_eq!(problem.line, Some(6), "{problem}");
        assert_eq!(
            problem.key.as_deref(),
            Some("poll.interval_secs"),
            "{problem}"
        );
        let fr = problem.message(Lang::Fr);
        assert!(
            fr.contains("it.toml") && fr.contains("ligne 6") && fr.contains("poll.interval_secs"),
            "{fr}"
        );

        let it = write(dir.path(), "typo.toml", "language = \"fr\"\n[server]\nkind = \"glpi\"\nurl = \"https://x/apirest.php\"\nurll = \"x\"\n");
        let problem = &load(Some(&it), dir.path()).problems[0];
        assert_eq!(
            (problem.line, problem.key.as_deref()),
            (Some(5), Some("server.urll")),
            "{problem}"
        );

        let it = write(
            dir.path(),
            "scheme.toml",
            "[server]\nkind = \"glpi\"\n\nurl = \"support\"\n",
        );
        let problem = &load(Some(&it), dir.path()).problems[0];
        assert_eq!(
            (problem.line, problem.key.as_deref()),
            (Some(4), Some("server.url")),
            "{problem}"
        );

        let it = write(dir.path(), "lock.toml", "locked = [\"sever\"]\n");
        let problem = &load(Some(&it), dir.path()).problems[0];
        assert_eq!(
            (problem.line, problem.key.as_deref()),
            (Some(1), Some("locked")),
            "{problem}"
        );
    }

    #[test]
    fn the_user_s_values_win_except_where_it_locked_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let it = write(
            dir.path(),
            "it.toml",
            "locked = [\"agent.shortcut\"]\nlanguage = \"fr\"\n[agent]\nshortcut = \"Ctrl+Alt+H\"\n",
        );
        let agent: AgentConfig = toml::from_str("shortcut = \"Ctrl+Shift+F1\"").expect("agent");
        let user = UserSettings {
            language: Some(Lang::En),
            agent,
            server: Some(
                toml::from_str("kind = \"glpi\"\nurl = \"https://mine.example/apirest.php\"")
                    .expect("server"),
            ),
            account: None,
            entity: Some(3),
        };
        save_user(&dir.path().join(SETTINGS_FILE), &user).expect("save");
        let loaded = load(Some(&it), dir.path());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(
            loaded.config.language,
            Some(Lang::En),
            "not locked: the user's"
        );
        assert_eq!(
            loaded.config.agent.shortcut.as_deref(),
            Some("Ctrl+Alt+H"),
            "locked: IT's"
        );
        assert_eq!(
            loaded.config.server.as_ref().map(|s| s.url()),
            Some("https://mine.example/apirest.php")
        );
        assert_eq!(loaded.user, user, "the file reads back as written");
        let entity = |loaded: &Loaded| loaded.config.server.as_ref().and_then(|s| s.desk.entity());
        assert_eq!(entity(&loaded), Some(3), "the user's entity");
        assert!(!loaded.is_locked(Lockable::Entity));

        let it = write(dir.path(), "locked.toml", "locked = [\"server\"]\n[server]\nkind = \"glpi\"\nurl = \"https://it.example/apirest.php\"\n");
        let loaded = load(Some(&it), dir.path());
        assert_eq!(
            loaded.config.server.as_ref().map(|s| s.url()),
            Some("https://it.example/apirest.php")
        );
        assert_eq!(
            entity(&loaded),
            Some(3),
            "the server locked, not the entity"
        );
        // IT's entity wins and locks the user's choice; so does `entity` locked alone. It is
        // IT's help desk's: with the user's own help desk in force, the user's choice stays.
        let server =
            "[server]\nkind = \"glpi\"\nurl = \"https://it.example/apirest.php\"\nentity = 5\n";
        let it = write(
            dir.path(),
            "entity.toml",
            &format!("locked = [\"server\"]\n{server}"),
        );
        let loaded = load(Some(&it), dir.path());
        assert_eq!(
            (entity(&loaded), loaded.is_locked(Lockable::Entity)),
            (Some(5), true)
        );
        let it = write(dir.path(), "other.toml", server);
        let loaded = load(Some(&it), dir.path());
        assert_eq!(
            (entity(&loaded), loaded.is_locked(Lockable::Entity)),
            (Some(3), false)
        );
        let it = write(dir.path(), "default.toml", "locked = [\"entity\"]\n[server]\nkind = \"glpi\"\nurl = \"https://it.example/apirest.php\"\n");
        let loaded = load(Some(&it), dir.path());
        assert_eq!(entity(&loaded), None, "GLPI's default, as IT locked it");
    }

    #[test]
    fn a_damaged_settings_file_is_a_problem_not_a_stop() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), SETTINGS_FILE, "language = \n");
        let loaded = load(
            None::<&Path>.or(Some(&dir.path().join("absent-is-a-problem.toml"))),
            dir.path(),
        );
        assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
        assert!(loaded.problems[1].path.ends_with(SETTINGS_FILE));
        assert_eq!(loaded.problems[1].line, Some(1));
    }
}
