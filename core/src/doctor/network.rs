//! The network steps: the name, the connection, the proxy, the certificate. Each opens what the
//! next one needs (the TLS handshake runs over the proxy's tunnel when there is one).

use super::Finding;
use crate::net::proxy::{proxy_for, ProxyChoice, ProxySource};
use crate::net::tls::Recording;
use crate::net::HttpConfig;
use guichet_protocol::doctor::{CheckStatus, DoctorStep};
use reqwest::Url;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Runs DNS, TCP, proxy and TLS; true when the API can be asked.
pub(super) async fn diagnose(http: &HttpConfig, findings: &mut Vec<Finding>) -> bool {
    let Ok(target) = Url::parse(http.url.trim()) else {
        return false;
    };
    let (Some(host), Some(port)) = (target.host_str(), target.port_or_known_default()) else {
        return false;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let proxy = proxy_for(&http.net.proxy, &target);
    let wait = http.connect_timeout();

    // DNS and TCP are the proxy's when one is used: the proxy resolves the server's name.
    let (first_host, first_port) = match &proxy {
        Some(p) => (
            p.url.host_str().unwrap_or_default().to_owned(),
            p.url.port_or_known_default().unwrap_or(80),
        ),
        None => (host.clone(), port),
    };
    let Some(addrs) = resolve(&first_host, first_port, wait, proxy.as_ref(), findings).await else {
        return false;
    };
    let Some(mut stream) = connect(
        &first_host,
        first_port,
        &addrs,
        wait,
        proxy.as_ref(),
        findings,
    )
    .await
    else {
        return false;
    };

    match &proxy {
        None => findings.push(Finding::new(
            DoctorStep::Proxy,
            CheckStatus::Skip,
            "doctor.proxy.none",
        )),
        Some(choice) if target.scheme() == "https" => {
            if !tunnel(&mut stream, choice, &host, port, wait, findings).await {
                return false;
            }
        }
        Some(choice) => findings.push(
            Finding::pass(DoctorStep::Proxy, "doctor.proxy.http").arg("proxy", shown(&choice.url)),
        ),
    }

    if target.scheme() != "https" {
        findings.push(Finding::new(
            DoctorStep::Tls,
            CheckStatus::Warn,
            "doctor.tls.plain",
        ));
        return true;
    }
    handshake(stream, &host, http, wait, findings).await
}

/// A proxy's address without its password, if it has one.
fn shown(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(80)
    )
}

fn via(proxy: Option<&ProxyChoice>) -> String {
    match proxy.map(|p| &p.source) {
        Some(ProxySource::Config) => "proxy.url".to_owned(),
        Some(ProxySource::Env(name)) => (*name).to_owned(),
        None => String::new(),
    }
}

async fn resolve(
    host: &str,
    port: u16,
    wait: Duration,
    proxy: Option<&ProxyChoice>,
    findings: &mut Vec<Finding>,
) -> Option<Vec<std::net::SocketAddr>> {
    let key_fail = if proxy.is_some() {
        "doctor.dns.proxy_failed"
    } else {
        "doctor.dns.failed"
    };
    match timeout(wait, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<_> = addrs.collect();
            match addrs.first() {
                Some(first) => {
                    findings.push(
                        Finding::pass(DoctorStep::Dns, "doctor.dns.ok")
                            .arg("host", host)
                            .arg("address", first.ip()),
                    );
                    Some(addrs)
                }
                None => {
                    findings.push(
                        Finding::fail(DoctorStep::Dns, key_fail)
                            .arg("host", host)
                            .arg("via", via(proxy)),
                    );
                    None
                }
            }
        }
        Ok(Err(e)) => {
            findings.push(
                Finding::fail(DoctorStep::Dns, key_fail)
                    .arg("host", host)
                    .arg("via", via(proxy))
                    .detail(e.to_string()),
            );
            None
        }
        Err(_) => {
            findings.push(
                Finding::fail(DoctorStep::Dns, key_fail)
                    .arg("host", host)
                    .arg("via", via(proxy))
                    .detail(format!("no answer within {} s", wait.as_secs())),
            );
            None
        }
    }
}

async fn connect(
    host: &str,
    port: u16,
    addrs: &[std::net::SocketAddr],
    wait: Duration,
    proxy: Option<&ProxyChoice>,
    findings: &mut Vec<Finding>,
) -> Option<TcpStream> {
    let mut last = String::new();
    for addr in addrs {
        match timeout(wait, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                findings.push(
                    Finding::pass(DoctorStep::Tcp, "doctor.tcp.ok")
                        .arg("host", host)
                        .arg("port", port),
                );
                return Some(stream);
            }
            Ok(Err(e)) => last = format!("{addr}: {e}"),
            Err(_) => last = format!("{addr}: no answer within {} s", wait.as_secs()),
        }
    }
    let key = if proxy.is_some() {
        "doctor.tcp.proxy_failed"
    } else {
        "doctor.tcp.failed"
    };
    findings.push(
        Finding::fail(DoctorStep::Tcp, key)
            .arg("host", host)
            .arg("port", port)
            .arg("via", via(proxy))
            .detail(last),
    );
    None
}

/// Asks the proxy for a tunnel to `host:port` (`CONNECT`), as the HTTP client will.
async fn tunnel(
    stream: &mut TcpStream,
    proxy: &ProxyChoice,
    host: &str,
    port: u16,
    wait: Duration,
    findings: &mut Vec<Finding>,
) -> bool {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if !proxy.url.username().is_empty() {
        use base64::Engine;
        let user = percent_decoded(proxy.url.username());
        let password = percent_decoded(proxy.url.password().unwrap_or_default());
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    let proxy_shown = shown(&proxy.url);
    let answer = timeout(wait.max(Duration::from_secs(5)) * 2, async {
        stream.write_all(request.as_bytes()).await?;
        read_head(stream).await
    })
    .await;
    let head = match answer {
        Ok(Ok(head)) => head,
        Ok(Err(e)) => {
            findings.push(
                Finding::fail(DoctorStep::Proxy, "doctor.proxy.broken")
                    .arg("proxy", &proxy_shown)
                    .detail(e.to_string()),
            );
            return false;
        }
        Err(_) => {
            findings.push(
                Finding::fail(DoctorStep::Proxy, "doctor.proxy.broken")
                    .arg("proxy", &proxy_shown)
                    .detail("no answer to CONNECT"),
            );
            return false;
        }
    };
    let status_line = head.lines().next().unwrap_or_default().to_owned();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let finding = match status {
        200..=299 => {
            findings.push(
                Finding::pass(DoctorStep::Proxy, "doctor.proxy.ok")
                    .arg("proxy", &proxy_shown)
                    .arg("host", host),
            );
            return true;
        }
        407 => Finding::fail(DoctorStep::Proxy, "doctor.proxy.auth").arg("proxy", &proxy_shown),
        _ => Finding::fail(DoctorStep::Proxy, "doctor.proxy.refused")
            .arg("proxy", &proxy_shown)
            .arg("host", host)
            .arg("status", status),
    };
    findings.push(finding.detail(status_line));
    false
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The proxy's answer up to the blank line (at most 16 KiB).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || stream.read(&mut byte).await? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

async fn handshake(
    stream: TcpStream,
    host: &str,
    http: &HttpConfig,
    wait: Duration,
    findings: &mut Vec<Finding>,
) -> bool {
    let (config, recording) = match Recording::client_config(&http.net.tls) {
        Ok(pair) => pair,
        Err(e) => {
            findings
                .push(Finding::fail(DoctorStep::Tls, "doctor.tls.extra_ca").detail(e.to_string()));
            return false;
        }
    };
    let Ok(name) = ServerName::try_from(host.to_owned()) else {
        findings.push(
            Finding::fail(DoctorStep::Tls, "doctor.tls.failed").detail(format!("bad name {host}")),
        );
        return false;
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let outcome = timeout(
        wait.max(Duration::from_secs(5)) * 2,
        connector.connect(name, stream),
    )
    .await;
    let issuer = || recording.issuer().unwrap_or_else(|| "?".to_owned());
    let error = match outcome {
        Ok(Ok(_)) => {
            findings.push(Finding::pass(DoctorStep::Tls, "doctor.tls.ok").arg("issuer", issuer()));
            return true;
        }
        Ok(Err(e)) => e,
        Err(_) => {
            findings.push(
                Finding::fail(DoctorStep::Tls, "doctor.tls.failed").detail("handshake timed out"),
            );
            return false;
        }
    };
    let detail = error.to_string();
    let rustls_error = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    use rustls::CertificateError as C;
    let finding = match rustls_error {
        Some(rustls::Error::InvalidCertificate(cert)) => match cert {
            C::UnknownIssuer | C::BadSignature => {
                Finding::fail(DoctorStep::Tls, "doctor.tls.untrusted").arg("issuer", issuer())
            }
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => Finding::fail(DoctorStep::Tls, "doctor.tls.expired"),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                Finding::fail(DoctorStep::Tls, "doctor.tls.wrong_name").arg("host", host)
            }
            _ => Finding::fail(DoctorStep::Tls, "doctor.tls.failed"),
        },
        _ => Finding::fail(DoctorStep::Tls, "doctor.tls.failed"),
    };
    findings.push(finding.detail(detail));
    false
}
