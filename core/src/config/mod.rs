//! Guichet's configuration: the typed settings, IT's system-wide file ([`system_config_path`], or
//! `--config` / `GUICHET_CONFIG`) under the user's own settings (`layers`), and where data lives
//! (`GUICHET_DATA_DIR`, else the OS data directory). Everything has a default, so Guichet
//! runs with no file at all: with no help desk configured, reports wait in the local outbox.

pub use crate::connector::{DeskConfig, ServerConfig};
use crate::i18n::Lang;
pub use crate::net::HttpConfig;
use crate::net::{NetSettings, ProxyConfig, TlsConfig};
use crate::report::{Category, Limits};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod layers;
pub mod managed;
mod system;
pub use guichet_protocol::setting::Lockable;
pub use layers::{ConfigProblem, Loaded, UserSettings};
pub use system::{system_config_path, write_system_file, SystemFileError};

/// Environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "GUICHET_CONFIG";
/// Environment variable naming the data directory (outbox, caches).
pub use guichet_protocol::transport::DATA_DIR_ENV;

/// Why a configuration file given whole ([`Config::from_file`]) or the data directory cannot be
/// used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why, as the system said it.
        source: std::io::Error,
    },
    /// The file is not TOML, or a key is unknown or of the wrong type.
    #[error("the configuration file {path} is not valid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The problem, with its line and key when they are known.
        message: String,
    },
    /// A value parses but cannot work.
    #[error("the configuration file {path} is not valid: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The value, and the key to fix.
        problem: Invalid,
    },
    /// Neither `GUICHET_DATA_DIR` nor the OS gives a data directory.
    #[error("no data directory: set {DATA_DIR_ENV}")]
    NoDataDir,
}

/// A value that parses but cannot work; the message names the key.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The `[server]` section, whose kind's folder names the key.
    #[error(transparent)]
    Server(#[from] crate::connector::ServerInvalid),
    /// `[limits]` contradict each other.
    #[error(transparent)]
    Limits(#[from] crate::report::LimitsError),
    /// `[tls] extra_ca` cannot be used, or `[proxy] url` is not a proxy address.
    #[error(transparent)]
    Net(#[from] crate::net::NetError),
    /// `[agent] shortcut` does not read as a shortcut.
    #[error(transparent)]
    Shortcut(#[from] crate::shortcut::ShortcutError),
}

impl Invalid {
    /// The key to fix.
    pub fn key(&self) -> &'static str {
        use crate::net::NetError;
        match self {
            Invalid::Server(server) => server.key(),
            Invalid::Limits(_) => "limits",
            Invalid::Net(NetError::ProxyUrl(_)) => "proxy.url",
            Invalid::Net(_) => "tls.extra_ca",
            Invalid::Shortcut(_) => "agent.shortcut",
        }
    }
}

/// The typed configuration, every layer merged (see [`layers`]); each section has its default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Settings IT locks (system file only): the user's own value for them is ignored, and the
    /// windows show them read-only. A key that is not a [`Lockable`] is refused when the file is
    /// read, with the list of those that are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<Lockable>,
    /// The help desk. Absent: reports are queued locally until IT configures one.
    pub server: Option<ServerConfig>,
    /// Categories offered when the help desk does not let this account read its own.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// What a report must respect (lengths, files).
    #[serde(default)]
    pub limits: Limits,
    /// Values IT can pre-fill for the user.
    #[serde(default)]
    pub defaults: UserDefaults,
    /// Forces the interface language; otherwise it follows the OS locale.
    pub language: Option<Lang>,
    /// The resident agent's shortcut and start at login.
    #[serde(default)]
    pub agent: AgentConfig,
    /// How often open tickets are checked.
    #[serde(default)]
    pub poll: PollConfig,
    /// How long delivered reports are remembered.
    #[serde(default)]
    pub retention: RetentionConfig,
    /// Certificate authorities to trust besides the system's.
    #[serde(default)]
    pub tls: TlsConfig,
    /// The proxy to the help desk, when the environment's is not the right one.
    #[serde(default)]
    pub proxy: ProxyConfig,
}

/// How long this computer remembers what it no longer needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Hours a delivered report's record (its ticket number, which also keeps a report handed
    /// over twice from becoming two tickets) stays in the outbox. Default 720 (30 days).
    #[serde(default = "default_retention_hours")]
    pub sent_hours: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            sent_hours: default_retention_hours(),
        }
    }
}

fn default_retention_hours() -> u64 {
    720
}

impl RetentionConfig {
    /// How long a delivered report's record is kept (`sent_hours`).
    pub fn sent(&self) -> Duration {
        Duration::from_secs(self.sent_hours.saturating_mul(3600))
    }
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
    /// The time between two checks, before jitter; at least one second.
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.interval_secs.max(1))
    }
}

/// Settings of the resident agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// The global shortcut that opens the wizard, e.g. "Ctrl+Alt+G" (the default).
    pub shortcut: Option<String>,
    /// Whether the agent starts when the user logs in. The agent makes the user's login items
    /// match it at start; unset leaves them as the user (or an installer) made them.
    pub autostart: Option<bool>,
}

impl AgentConfig {
    /// Whether nothing is set (then the user's settings file leaves out `[agent]`).
    pub fn is_empty(&self) -> bool {
        *self == AgentConfig::default()
    }

    /// The shortcut that opens the wizard: the one set, else [`crate::shortcut::DEFAULT`].
    pub fn shortcut(&self) -> &str {
        self.shortcut.as_deref().unwrap_or(crate::shortcut::DEFAULT)
    }

    /// The shortcut, when one is set, is one the agent can watch.
    pub(crate) fn check(&self) -> Result<(), Invalid> {
        if let Some(text) = &self.shortcut {
            text.parse::<crate::shortcut::Shortcut>()?;
        }
        Ok(())
    }

    /// The user's agent settings over IT's, except the keys IT locked.
    pub fn merge_user(&mut self, user: &AgentConfig, locked: impl Fn(Lockable) -> bool) {
        if !locked(Lockable::AgentShortcut) && user.shortcut.is_some() {
            self.shortcut = user.shortcut.clone();
        }
        if !locked(Lockable::AgentAutostart) && user.autostart.is_some() {
            self.autostart = user.autostart;
        }
    }
}

/// Values IT pre-fills in the wizard (`[defaults]`) until the user enters their own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserDefaults {
    /// The phone number to call back; `None` pre-fills nothing.
    pub phone: Option<String>,
    /// Where the user is (office, room); `None` pre-fills nothing.
    pub location: Option<String>,
}

impl Config {
    /// One file read, parsed and checked, with no other layer (tools and tests). The `[tls]` and
    /// `[proxy]` sections are shared with the help desk's HTTP settings.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: layers::parse_problem(path, &text, &e).to_string(),
        })?;
        config.check().map_err(|problem| ConfigError::Invalid {
            path: path.to_owned(),
            problem,
        })?;
        let mut config = config;
        config.share_network_settings();
        Ok(config)
    }

    pub(crate) fn check(&self) -> Result<(), Invalid> {
        if let Some(server) = &self.server {
            server.check()?;
        }
        NetSettings {
            tls: self.tls.clone(),
            proxy: self.proxy.clone(),
        }
        .check()?;
        self.agent.check()?;
        Ok(self.limits.check()?)
    }

    /// Whether IT locked `key`.
    pub fn is_locked(&self, key: Lockable) -> bool {
        self.locked.contains(&key)
    }

    /// Gives the help desk's HTTP settings the configuration's `[tls]` and `[proxy]`.
    pub fn share_network_settings(&mut self) {
        let net = NetSettings {
            tls: self.tls.clone(),
            proxy: self.proxy.clone(),
        };
        if let Some(server) = &mut self.server {
            server.http.net = net;
        }
    }

    /// The interface language: the configured one, else the OS locale.
    pub fn lang(&self) -> Lang {
        self.language.unwrap_or_else(Lang::from_env)
    }
}

/// Where Guichet keeps its outbox and caches.
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    guichet_protocol::transport::data_dir().ok_or(ConfigError::NoDataDir)
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
        // No credentials in the file: the user signs in (the secret goes to the keyring).
        let (_d, path) = write("[server]\nkind = \"glpi\"\nurl = \"http://x/apirest.php\"\n");
        assert!(Config::from_file(&path).is_ok());
        let (_d, path) =
            write("[server]\nkind = \"glpi\"\nurl = \"http://x/apirest.php\"\npassword = \"p\"\n");
        assert!(Config::from_file(&path)
            .expect_err("a password without login")
            .to_string()
            .contains("server.login"));
    }
}
