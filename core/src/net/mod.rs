//! How Guichet reaches a help desk through a school network: which certificate authorities it
//! trusts (`tls`: the operating system's store, plus the one IT may add), and which proxy it goes
//! through (`proxy`: IT's `[proxy]`, else the usual environment variables, `NO_PROXY` honoured).
//! The help desk connectors and the connection doctor use the same two answers, so what the
//! doctor checks is what a report will meet. [`HttpConfig`] is how to reach a help desk whatever
//! its kind (`[server]`'s shared keys, with these settings): the configuration reads it and the
//! connectors use it, and neither imports the other for it.

pub mod proxy;
pub mod tls;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// How to reach a help desk, whatever its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpConfig {
    /// The API's base URL (for GLPI, the `…/apirest.php` URL).
    pub url: String,
    /// Whole-request timeout, seconds. Default [`DEFAULT_TIMEOUT_SECS`].
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// TCP connect timeout, seconds: how long `report` may wait before saying "queued".
    /// Default [`DEFAULT_CONNECT_TIMEOUT_SECS`].
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_secs: u64,
    /// The configuration's `[tls]` and `[proxy]`, copied here when it is loaded.
    #[serde(skip)]
    pub net: NetSettings,
}

impl HttpConfig {
    /// `url` with the default timeouts.
    pub fn at(url: impl Into<String>) -> HttpConfig {
        HttpConfig::new(url, DEFAULT_TIMEOUT_SECS, DEFAULT_CONNECT_TIMEOUT_SECS)
    }

    /// `url` with these timeouts, in seconds, and no `[tls]` or `[proxy]` settings yet.
    pub fn new(url: impl Into<String>, timeout_secs: u64, connect_timeout_secs: u64) -> HttpConfig {
        HttpConfig {
            url: url.into(),
            timeout_secs,
            connect_timeout_secs,
            net: NetSettings::default(),
        }
    }

    /// The whole-request timeout; at least one second.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// The TCP connect timeout; at least one second.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs.max(1))
    }
}

/// A request to the help desk gives up after this many seconds, unless IT sets `timeout_secs`.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Connecting to the help desk gives up after this many seconds, unless IT sets
/// `connect_timeout_secs`.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 5;

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}
fn default_connect_timeout() -> u64 {
    DEFAULT_CONNECT_TIMEOUT_SECS
}

/// The network settings IT may set: `[tls]` and `[proxy]` in the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetSettings {
    /// The authorities to trust besides the system's.
    #[serde(default)]
    pub tls: TlsConfig,
    /// The proxy, when the environment's is not the right one.
    #[serde(default)]
    pub proxy: ProxyConfig,
}

/// `[tls]`: certificate verification cannot be turned off; IT can only add an authority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// A PEM file of one or more certificate authorities to trust besides the system's (the
    /// authority of an HTTPS-inspecting firewall, or of an internal help desk).
    pub extra_ca: Option<PathBuf>,
}

/// `[proxy]`: when `url` is set it replaces the environment's `HTTPS_PROXY`/`HTTP_PROXY`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyConfig {
    /// `http://host:port` (an HTTP proxy; HTTPS goes through it with `CONNECT`).
    pub url: Option<String>,
    /// Hosts reached directly, comma-separated, as in `NO_PROXY`: `localhost,.example.org,10.0.0.0/8`.
    pub no_proxy: Option<String>,
}

/// Why the network settings cannot be used; each names the key to fix.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// IT's authority file cannot be read.
    #[error("tls.extra_ca: cannot read {path}: {source}")]
    ExtraCaRead {
        /// The file named by `tls.extra_ca`.
        path: PathBuf,
        /// Why, as the system said it.
        source: std::io::Error,
    },
    /// IT's authority file holds no PEM certificate.
    #[error("tls.extra_ca: {path} holds no PEM certificate")]
    ExtraCaEmpty {
        /// The file named by `tls.extra_ca`.
        path: PathBuf,
    },
    /// A certificate in IT's authority file cannot be parsed or used as an authority.
    #[error("tls.extra_ca: {path}: {detail}")]
    ExtraCaInvalid {
        /// The file named by `tls.extra_ca`.
        path: PathBuf,
        /// The parser's or rustls's words.
        detail: String,
    },
    /// `proxy.url` is not an `http://` address with a host (the text as written).
    #[error("proxy.url must be http://host:port (got {0:?})")]
    ProxyUrl(String),
    /// The TLS settings of the HTTP clients could not be built, with rustls's words.
    #[error("HTTP client: {0}")]
    Client(String),
}

impl NetSettings {
    /// Checks what can be checked without the network: the CA file and the proxy's address.
    pub fn check(&self) -> Result<(), NetError> {
        tls::extra_roots(&self.tls)?;
        if let Some(url) = &self.proxy.url {
            proxy::parse_proxy_url(url)?;
        }
        Ok(())
    }
}
