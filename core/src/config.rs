//! Guichet's configuration: a TOML file named by `--config` or `GUICHET_CONFIG`, and where data
//! lives (`GUICHET_DATA_DIR`, else the OS data directory). Everything has a default, so Guichet
//! runs with no file at all: with no help desk configured, reports wait in the local outbox.

use crate::i18n::Lang;
use crate::report::{Category, Limits};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "GUICHET_CONFIG";
/// Environment variable naming the data directory (outbox, caches).
pub const DATA_DIR_ENV: &str = "GUICHET_DATA_DIR";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("the configuration file {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("no data directory: set {DATA_DIR_ENV}")]
    NoDataDir,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The help desk. Absent: reports are queued locally until IT configures one.
    pub server: Option<ServerConfig>,
    /// Categories offered when the help desk does not let this account read its own.
    #[serde(default)]
    pub categories: Vec<Category>,
    #[serde(default)]
    pub limits: Limits,
    /// Values IT can pre-fill for the user.
    #[serde(default)]
    pub defaults: UserDefaults,
    /// Forces the interface language; otherwise it follows the OS locale.
    pub language: Option<Lang>,
    #[serde(default)]
    pub agent: AgentConfig,
    #[serde(default)]
    pub poll: PollConfig,
}

/// How often open tickets are checked (see [`crate::follow`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollConfig {
    /// Seconds between two checks, before ±20 % jitter. Default 300 (5 min), at least 1.
    #[serde(default = "default_poll_interval")]
    pub interval_secs: u64,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            interval_secs: default_poll_interval(),
        }
    }
}

fn default_poll_interval() -> u64 {
    300
}

impl PollConfig {
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.interval_secs.max(1))
    }
}

/// Settings of the resident agent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The global shortcut that opens the wizard, e.g. "Ctrl+Alt+G" (the default).
    pub shortcut: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Glpi,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub kind: ServerKind,
    /// For GLPI, the `…/apirest.php` base URL.
    pub url: String,
    pub app_token: Option<String>,
    pub user_token: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
    /// Whole-request timeout, seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// TCP connect timeout, seconds: how long `report` may wait before saying "queued".
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_secs: u64,
}

// Credentials must never reach logs.
impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("app_token", &self.app_token.as_ref().map(|_| "…"))
            .field("user_token", &self.user_token.as_ref().map(|_| "…"))
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

fn default_timeout() -> u64 {
    30
}
fn default_connect_timeout() -> u64 {
    5
}

impl ServerConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs.max(1))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserDefaults {
    pub phone: Option<String>,
    pub location: Option<String>,
}

impl Config {
    /// Loads the file named by `explicit`, else by `GUICHET_CONFIG`; with neither, the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let from_env = std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        match explicit.map(Path::to_path_buf).or(from_env) {
            Some(path) => Config::from_file(&path),
            None => Ok(Config::default()),
        }
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        config.check().map_err(|message| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(server) = &self.server {
            let url = server.url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "server.url must start with http:// or https:// (got {url:?})"
                ));
            }
            let has_token = server.user_token.as_deref().is_some_and(|t| !t.is_empty());
            let has_login = server.login.is_some() && server.password.is_some();
            if !has_token && !has_login {
                return Err("server needs user_token, or login and password".into());
            }
        }
        self.limits.check()
    }

    /// The interface language: the configured one, else the OS locale.
    pub fn lang(&self) -> Lang {
        self.language.unwrap_or_else(Lang::from_env)
    }
}

/// Where Guichet keeps its outbox and caches.
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_local_dir()
        .map(|d| d.join("guichet"))
        .ok_or(ConfigError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("guichet.toml");
        std::fs::write(&path, text).expect("write config");
        (dir, path)
    }

    #[test]
    fn full_file_parses() {
        let (_d, path) = write(
            r#"
            language = "en"
            [server]
            kind = "glpi"
            url = "https://support.example.org/apirest.php"
            app_token = "app"
            user_token = "tok"
            [[categories]]
            id = 3
            name = "Réseau"
            [limits]
            max_attachments = 3
            [defaults]
            phone = "01 23 45 67 89"
            "#,
        );
        let config = Config::from_file(&path).expect("valid config");
        assert_eq!(config.lang(), Lang::En);
        assert_eq!(config.categories[0].name, "Réseau");
        assert_eq!(config.limits.max_attachments, 3);
        assert_eq!(
            config.limits.attachment_max_bytes,
            Limits::default().attachment_max_bytes
        );
        let debug = format!("{:?}", config.server);
        assert!(
            !debug.contains("\"tok\"") && !debug.contains("\"app\""),
            "secrets stay out of Debug: {debug}"
        );
    }

    #[test]
    fn mistakes_are_reported_with_the_file() {
        let (_d, path) =
            write("[server]\nkind = \"glpi\"\nurl = \"support\"\nuser_token = \"t\"\n");
        let err = Config::from_file(&path).expect_err("bad url");
        assert!(err.to_string().contains("server.url"), "{err}");
        let (_d, path) = write("[server]\nkind = \"glpi\"\nurll = \"x\"\n");
        assert!(matches!(
            Config::from_file(&path),
            Err(ConfigError::Parse { .. })
        ));
        let (_d, path) = write("[server]\nkind = \"glpi\"\nurl = \"http://x/apirest.php\"\n");
        assert!(Config::from_file(&path)
            .expect_err("no credentials")
            .to_string()
            .contains("user_token"));
    }
}
