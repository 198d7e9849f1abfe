//! Which proxy a request goes through. IT's `[proxy] url` wins; otherwise the environment's
//! `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` (lower case too), as curl and most tools read them.
//! Hosts in `NO_PROXY` (or IT's `proxy.no_proxy`) are reached directly.
//!
//! The HTTP clients ask [`proxy_for`] for every request (`reqwest::Proxy::custom`), and the
//! connection doctor asks it too: both always agree.

use super::{NetError, ProxyConfig};
use reqwest::Url;
use std::net::IpAddr;

/// Where a proxy setting came from, for the doctor's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySource {
    /// IT's `proxy.url`.
    Config,
    /// An environment variable, named.
    Env(&'static str),
}

/// The proxy for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyChoice {
    /// The proxy's address (a scheme added when the environment gave `host:port`).
    pub url: Url,
    /// Where it was set.
    pub source: ProxySource,
}

/// `http://host:port`, as `proxy.url` must be.
pub fn parse_proxy_url(text: &str) -> Result<Url, NetError> {
    let url = Url::parse(text.trim()).map_err(|_| NetError::ProxyUrl(text.to_owned()))?;
    if url.scheme() != "http" || url.host_str().is_none() {
        return Err(NetError::ProxyUrl(text.to_owned()));
    }
    Ok(url)
}

fn env(names: &[&'static str]) -> Option<(String, &'static str)> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (v, *name))
    })
}

/// The proxy `target` goes through, if any.
pub fn proxy_for(config: &ProxyConfig, target: &Url) -> Option<ProxyChoice> {
    let host = target.host_str()?;
    let (url, source, no_proxy) = match &config.url {
        Some(url) => {
            let no_proxy = config
                .no_proxy
                .clone()
                .or_else(|| env(&["NO_PROXY", "no_proxy"]).map(|(v, _)| v));
            (parse_proxy_url(url).ok()?, ProxySource::Config, no_proxy)
        }
        None => {
            let names: &[&'static str] = if target.scheme() == "https" {
                &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            } else {
                &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            };
            let (value, name) = env(names)?;
            // `host:port` without a scheme is common in these variables.
            let value = if value.contains("://") {
                value
            } else {
                format!("http://{value}")
            };
            let url = Url::parse(&value).ok()?;
            let no_proxy = env(&["NO_PROXY", "no_proxy"]).map(|(v, _)| v);
            (url, ProxySource::Env(name), no_proxy)
        }
    };
    if no_proxy.is_some_and(|list| bypasses(&list, host)) {
        return None;
    }
    Some(ProxyChoice { url, source })
}

/// Whether `host` is in a `NO_PROXY` list: `*`; a name, which also covers its sub-domains
/// (`example.org` and `.example.org` both cover `glpi.example.org`); an IP address; a network
/// (`10.0.0.0/8`). A `:port` after an entry is ignored.
pub fn bypasses(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let host_ip: Option<IpAddr> = host.parse().ok();
    list.split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some(ip) = host_ip {
                return ip_matches(&entry, ip);
            }
            let name = strip_port(&entry)
                .trim_start_matches("*.")
                .trim_start_matches('.');
            !name.is_empty() && (host == name || host.ends_with(&format!(".{name}")))
        })
}

fn strip_port(entry: &str) -> &str {
    match entry.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => entry,
    }
}

fn ip_matches(entry: &str, ip: IpAddr) -> bool {
    let entry = entry.trim_start_matches('[').trim_end_matches(']');
    match entry.split_once('/') {
        None => {
            entry.parse::<IpAddr>().is_ok_and(|e| e == ip)
                || strip_port(entry).parse::<IpAddr>().is_ok_and(|e| e == ip)
        }
        Some((net, bits)) => {
            let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
                return false;
            };
            match (net, ip) {
                (IpAddr::V4(net), IpAddr::V4(ip)) if bits <= 32 => {
                    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
                    u32::from(net) & mask == u32::from(ip) & mask
                }
                (IpAddr::V6(net), IpAddr::V6(ip)) if bits <= 128 => {
                    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                    u128::from(net) & mask == u128::from(ip) & mask
                }
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_lists_read_like_curl() {
        let list = "localhost, .example.org,intra.lan:8080,10.0.0.0/8,192.168.1.7,::1";
        for host in [
            "localhost",
            "example.org",
            "glpi.example.org",
            "intra.lan",
            "a.intra.lan",
            "10.3.4.5",
            "192.168.1.7",
            "[::1]",
        ] {
            assert!(bypasses(list, host), "{host} is reached directly");
        }
        for host in [
            "notexample.org",
            "example.com",
            "11.0.0.1",
            "192.168.1.8",
            "lan",
        ] {
            assert!(!bypasses(list, host), "{host} goes through the proxy");
        }
        assert!(bypasses("*", "anything.example"));
        assert!(!bypasses("", "anything.example"));
        assert!(bypasses("127.0.0.1", "127.0.0.1"));
    }

    #[test]
    fn it_s_proxy_wins_and_its_own_no_proxy_applies() {
        let target = Url::parse("https://glpi.example.org/apirest.php").expect("url");
        let config = ProxyConfig {
            url: Some("http://proxy.example.org:3128".into()),
            no_proxy: Some(".intra".into()),
        };
        let choice = proxy_for(&config, &target).expect("through the proxy");
        assert_eq!(choice.url.as_str(), "http://proxy.example.org:3128/");
        assert_eq!(choice.source, ProxySource::Config);
        let config = ProxyConfig {
            no_proxy: Some("example.org".into()),
            ..config
        };
        assert_eq!(proxy_for(&config, &target), None);
    }

    #[test]
    fn a_proxy_url_must_be_http_with_a_host() {
        assert!(parse_proxy_url("http://10.0.0.1:3128").is_ok());
        for bad in ["proxy:3128", "socks5://p:1080", "http://", "https://p:3128"] {
            assert!(parse_proxy_url(bad).is_err(), "{bad}");
        }
    }
}
