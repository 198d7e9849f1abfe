//! Transport security: a help desk whose certificate this computer does not trust is refused,
//! whatever the connector, and no code path can turn certificate verification off.
//!
//! The untrusted server is a real TLS server (`openssl s_server`, Debian's openssl) with a
//! self-signed certificate made for the test, on a free loopback port.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::connector::rt::{RtConfig, RtConnector};
use guichet_core::connector::{Connector, ConnectorError};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TLS server with a self-signed certificate for 127.0.0.1, answering on `port`.
fn untrusted_server(dir: &Path) -> (Server, u16) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (scripts/install-deps.sh)");
    assert!(made.success(), "a self-signed certificate");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let server = Server(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "s_server listens"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

fn assert_refused(err: ConnectorError) {
    // The handshake is part of connecting: no request left.
    let ConnectorError::NotConnected { detail } = &err else {
        panic!("refused before any request, not {err:?}");
    };
    assert!(
        detail.to_lowercase().contains("certificate"),
        "the certificate is why: {detail}"
    );
}

#[tokio::test]
async fn a_help_desk_with_an_untrusted_certificate_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, port) = untrusted_server(dir.path());
    let http = HttpConfig::new(format!("https://127.0.0.1:{port}/apirest.php"), 5, 2);
    let glpi =
        GlpiConnector::new(&http, &GlpiConfig::with_user_token("t".repeat(40))).expect("connector");
    assert_refused(glpi.my_tickets().await.expect_err("untrusted"));
    let rt = RtConnector::new(
        &HttpConfig::new(format!("https://127.0.0.1:{port}"), 5, 2),
        &RtConfig {
            token: "1-2-3".into(),
            queue: "General".into(),
            requestor: "prof@example.org".into(),
            idempotency_field: "IdempotencyKey".into(),
            acceptance_field: None,
            satisfaction_field: None,
        },
    )
    .expect("connector");
    assert_refused(rt.my_tickets().await.expect_err("untrusted"));
}

/// Every Rust file of the product, tests excluded.
fn product_sources(dir: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules" | "tests" | "fuzz" | ".git") {
                product_sources(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push((
                path.clone(),
                std::fs::read_to_string(&path).unwrap_or_default(),
            ));
        }
    }
}

#[test]
fn no_code_path_turns_certificate_verification_off() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace");
    let mut sources = Vec::new();
    for part in ["core/src", "protocol/src", "src", "src-tauri/src"] {
        product_sources(&root.join(part), &mut sources);
    }
    assert!(
        sources.len() > 50,
        "the sources were found: {}",
        sources.len()
    );
    // The one verifier of Guichet's own (`net/tls.rs`, for the doctor) only records the server's
    // certificate and hands every decision to rustls' WebPKI verifier.
    let own_verifier = root.join("core/src/net/tls.rs");
    let text = std::fs::read_to_string(&own_verifier).expect("net/tls.rs");
    assert!(
        text.contains("inner: Arc<WebPkiServerVerifier>")
            && text.contains(
                ".verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)"
            )
            && text.matches("impl ServerCertVerifier for").count() == 1,
        "the doctor's verifier delegates to WebPKI"
    );
    for (path, text) in &sources {
        let delegating = ["dangerous()", "ServerCertVerifier"];
        for switch in [
            "danger_accept_invalid_certs",
            "danger_accept_invalid_hostnames",
            "dangerous()",
            "ServerCertVerifier",
            "NoCertificateVerification",
            "tls_built_in_root_certs(false)",
        ] {
            if *path == own_verifier && delegating.contains(&switch) {
                continue;
            }
            assert!(!text.contains(switch), "{} uses {switch}", path.display());
        }
    }
}
