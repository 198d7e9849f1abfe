//! The `[server]` section, whatever the help desk: the settings every kind shares
//! ([`HttpConfig`]: `url`, timeouts), then the section of the kind that `kind` names
//! ([`DeskConfig`], one per folder, listed in [`super::registry`]). In the file it is one flat
//! table:
//!
//! ```toml
//! [server]
//! kind = "glpi"
//! url = "https://assistance.example.org/apirest.php"
//! user_token = "…"
//! ```

use super::registry::{DeskConfig, DeskInvalid, KINDS};
use crate::net::HttpConfig;
use serde::{Deserialize, Serialize};

/// The help desk: how to reach it, and its kind's own settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// The address and timeouts, shared by every kind.
    pub http: HttpConfig,
    /// The kind and its own keys (credentials among them).
    pub desk: DeskConfig,
}

/// A `[server]` section that parses but cannot work; the message names the key.
#[derive(Debug, thiserror::Error)]
pub enum ServerInvalid {
    /// `server.url` is not an `http://` or `https://` address (the text, trimmed).
    #[error("server.url must start with http:// or https:// (got {0:?})")]
    UrlScheme(String),
    /// The kind's own keys cannot work.
    #[error(transparent)]
    Desk(#[from] DeskInvalid),
}

impl ServerInvalid {
    /// The key to fix.
    pub fn key(&self) -> &'static str {
        match self {
            ServerInvalid::UrlScheme(_) => "server.url",
            ServerInvalid::Desk(desk) => desk.key(),
        }
    }
}

/// The keys of [`HttpConfig`], shared by every kind; the rest of the table is the kind's.
const SHARED_KEYS: [&str; 3] = ["url", "timeout_secs", "connect_timeout_secs"];

impl<'de> Deserialize<'de> for ServerConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = toml::Table::deserialize(d)?;
        let kind = match table.remove("kind") {
            Some(toml::Value::String(kind)) => kind,
            Some(_) => return Err(D::Error::custom("server.kind must be a string")),
            None => return Err(D::Error::missing_field("kind")),
        };
        let mut shared = toml::Table::new();
        for key in SHARED_KEYS {
            if let Some(value) = table.remove(key) {
                shared.insert(key.to_owned(), value);
            }
        }
        let http = HttpConfig::deserialize(toml::Value::Table(shared)).map_err(D::Error::custom)?;
        let desk = match DeskConfig::parse(&kind, toml::Value::Table(table)) {
            Some(parsed) => parsed.map_err(D::Error::custom)?,
            None => return Err(D::Error::unknown_variant(&kind, &KINDS)),
        };
        Ok(ServerConfig { http, desk })
    }
}

impl Serialize for ServerConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut table = match toml::Value::try_from(&self.http).map_err(S::Error::custom)? {
            toml::Value::Table(t) => t,
            _ => toml::Table::new(),
        };
        table.insert("kind".into(), toml::Value::String(self.desk.kind().into()));
        if let toml::Value::Table(desk) = self.desk.to_toml().map_err(S::Error::custom)? {
            table.extend(desk);
        }
        table.serialize(s)
    }
}

impl ServerConfig {
    /// The help desk's API address, as configured (also the key of the user's keyring entry).
    pub fn url(&self) -> &str {
        &self.http.url
    }

    /// Checks the address and the kind's own settings.
    pub fn check(&self) -> Result<(), ServerInvalid> {
        let url = self.http.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ServerInvalid::UrlScheme(url.to_owned()));
        }
        Ok(self.desk.check()?)
    }
}
