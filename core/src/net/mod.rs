//! How Guichet reaches a help desk through a school network: which certificate authorities it
//! trusts (`tls`: the operating system's store, plus the one IT may add), and which proxy it goes
//! through (`proxy`: IT's `[proxy]`, else the usual environment variables, `NO_PROXY` honoured).
//! The help desk connectors and the connection doctor use the same two answers, so what the
//! doctor checks is what a report will meet.

pub mod proxy;
pub mod tls;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The network settings IT may set: `[tls]` and `[proxy]` in the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetSettings {
    #[serde(default)]
    pub tls: TlsConfig,
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
    #[error("tls.extra_ca: cannot read {path}: {source}")]
    ExtraCaRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("tls.extra_ca: {path} holds no PEM certificate")]
    ExtraCaEmpty { path: PathBuf },
    #[error("tls.extra_ca: {path}: {detail}")]
    ExtraCaInvalid { path: PathBuf, detail: String },
    #[error("proxy.url must be http://host:port (got {0:?})")]
    ProxyUrl(String),
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
