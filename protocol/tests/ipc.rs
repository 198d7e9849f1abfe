//! The local IPC protocol, tested directly: framing, the versioned handshake, the user-only
//! socket, the single-instance lock, and refusal of malformed or oversized messages.

#![cfg(unix)] // The socket; the Windows pipe is tested in pipe.rs.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_protocol::error::{ErrorCode, ErrorInfo};
use guichet_protocol::ipc::{IpcError, Request, Response, MAX_MESSAGE_BYTES, PROTOCOL_VERSION};
use guichet_protocol::report::ReportInput;
use guichet_protocol::transport::{Client, Listener};
use std::os::unix::fs::PermissionsExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;

/// A tiny agent: greets with `version`, then echoes each request's kind back inside an error.
async fn fake_agent(listener: Listener, version: u32) {
    while let Ok(mut conn) = listener.accept().await {
        tokio::spawn(async move {
            while let Ok(Some(request)) = conn.receive::<Request>().await {
                let response = match request {
                    Request::Hello { .. } => Response::Hello {
                        version,
                        agent: "test".into(),
                    },
                    other => Response::Error {
                        error: ErrorInfo::new(ErrorCode::Internal, other.kind()),
                    },
                };
                if conn.send(&response).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[tokio::test]
async fn the_socket_is_private_and_requests_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("run/agent.sock");
    let listener = Listener::bind(&path).await.expect("bind");
    assert_eq!(
        std::fs::metadata(&path)
            .expect("socket")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("run"))
            .expect("dir")
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    tokio::spawn(fake_agent(listener, PROTOCOL_VERSION));

    let mut client = Client::connect(&path).await.expect("connect");
    let report = Request::Report {
        report: ReportInput {
            subject: "Wi-Fi".into(),
            description: "Salle 3 : plus de réseau.".into(),
            ..Default::default()
        },
        files: Vec::new(),
        screens: Vec::new(),
    };
    match client.request(&report).await.expect("answer") {
        Response::Error { error } => assert_eq!(error.message, "report"),
        other => panic!("{other:?}"),
    }
    // Requests serialise as tagged camelCase JSON, the form the web UI also uses.
    let text = serde_json::to_string(&Request::QueueRetry {
        id: uuid::Uuid::nil(),
    })
    .expect("json");
    assert_eq!(
        text,
        r#"{"type":"queueRetry","id":"00000000-0000-0000-0000-000000000000"}"#
    );
}

#[tokio::test]
async fn the_socket_is_the_single_instance_lock_and_stale_sockets_are_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("agent.sock");
    assert!(matches!(
        Client::connect(&path).await,
        Err(IpcError::NoAgent)
    ));
    let first = Listener::bind(&path).await.expect("bind");
    tokio::spawn(fake_agent(first, PROTOCOL_VERSION));
    let second = Listener::bind(&path).await;
    assert!(
        matches!(&second, Err(IpcError::Io(e)) if e.kind() == std::io::ErrorKind::AddrInUse),
        "{second:?}"
    );

    // A socket file left by a crashed agent: nobody answers, so it is replaced.
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).expect("bind stale"));
    assert!(stale.exists());
    assert!(matches!(
        Client::connect(&stale).await,
        Err(IpcError::NoAgent)
    ));
    Listener::bind(&stale)
        .await
        .expect("replaces the stale socket");
}

#[tokio::test]
async fn a_version_mismatch_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("agent.sock");
    tokio::spawn(fake_agent(
        Listener::bind(&path).await.expect("bind"),
        PROTOCOL_VERSION + 1,
    ));
    match Client::connect(&path).await {
        Err(IpcError::Version { agent, ours }) => {
            assert_eq!((agent, ours), (PROTOCOL_VERSION + 1, PROTOCOL_VERSION))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_and_oversized_messages_are_refused_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("agent.sock");
    let listener = Listener::bind(&path).await.expect("bind");
    let server = tokio::spawn(async move {
        let mut results = Vec::new();
        for _ in 0..2 {
            let mut conn = listener.accept().await.expect("accept");
            results.push(conn.receive::<Request>().await.map(|r| r.map(|r| r.kind())));
        }
        results
    });
    let mut garbage = UnixStream::connect(&path).await.expect("connect");
    garbage
        .write_all(b"{\"type\":\"noSuchRequest\"}\n")
        .await
        .expect("write");
    let mut huge = UnixStream::connect(&path).await.expect("connect");
    let writer = tokio::spawn(async move {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..=(MAX_MESSAGE_BYTES >> 20) + 1 {
            if huge.write_all(&chunk).await.is_err() {
                break;
            }
        }
    });
    let results = server.await.expect("server");
    assert!(
        matches!(results[0], Err(IpcError::Malformed(_))),
        "{:?}",
        results[0]
    );
    assert!(
        matches!(&results[1], Err(IpcError::Malformed(m)) if m.contains("bytes")),
        "{:?}",
        results[1]
    );
    writer.abort();
    // A line the agent reads back stays readable by plain tools.
    let mut reader = BufReader::new(garbage);
    let mut line = String::new();
    let _ = reader.read_line(&mut line).await;
}

/// A wizard or CLI from before the diagnostic log sends no `attachLog`: its report still parses,
/// and attaches no log; a newer one's consent comes through.
#[test]
fn a_report_without_attach_log_parses_and_attaches_no_log() {
    let old = r#"{"type":"submit","report":{"subject":"Wi-Fi","description":"Salle 3 : plus de réseau.","category":null,"phone":null,"location":null,"attachments":[]},"screenshots":{"screens":[],"annotations":[]}}"#;
    match serde_json::from_str::<Request>(old).expect("an older client's request") {
        Request::Submit { report, .. } => assert!(!report.attach_log),
        other => panic!("{other:?}"),
    }
    let new = old.replace(
        r#""attachments":[]"#,
        r#""attachments":[],"attachLog":true"#,
    );
    match serde_json::from_str::<Request>(&new).expect("a newer client's request") {
        Request::Submit { report, .. } => assert!(report.attach_log),
        other => panic!("{other:?}"),
    }
}
