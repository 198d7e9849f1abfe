//! The Windows transport, run under Wine by `scripts/cross/wine-unit-tests.sh` (part of
//! `scripts/test.sh`): requests round-trip over the user's named pipe with several clients at
//! once, a second agent cannot take the pipe (the single-instance lock), nobody listening is
//! `NoAgent`, and the pipe's security descriptor lets only this user in (unit tests in
//! `transport/windows/security.rs`).
#![cfg(windows)]
#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_protocol::error::{ErrorCode, ErrorInfo};
use guichet_protocol::ipc::{IpcError, Request, Response, PROTOCOL_VERSION};
use guichet_protocol::transport::{Client, Listener};
use std::path::PathBuf;

fn pipe(name: &str) -> PathBuf {
    PathBuf::from(format!(
        r"\\.\pipe\guichet-test-{name}-{}",
        std::process::id()
    ))
}

/// Greets, then answers each request with its kind inside an error.
async fn fake_agent(listener: Listener) {
    while let Ok(mut conn) = listener.accept().await {
        tokio::spawn(async move {
            while let Ok(Some(request)) = conn.receive::<Request>().await {
                let response = match request {
                    Request::Hello { .. } => Response::Hello {
                        version: PROTOCOL_VERSION,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_round_trip_for_several_clients_at_once() {
    let name = pipe("round-trip");
    let listener = Listener::bind(&name).await.expect("bind");
    tokio::spawn(fake_agent(listener));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let name = name.clone();
        clients.push(tokio::spawn(async move {
            let mut client = Client::connect(&name).await.expect("connect");
            for _ in 0..5 {
                match client.request(&Request::QueueList).await.expect("answer") {
                    Response::Error { error } => assert_eq!(error.message, "queueList"),
                    other => panic!("unexpected {other:?}"),
                }
            }
        }));
    }
    for client in clients {
        client.await.expect("client");
    }
}

#[tokio::test]
async fn a_second_agent_cannot_take_the_pipe() {
    let name = pipe("single");
    let first = Listener::bind(&name).await.expect("first agent");
    match Listener::bind(&name).await {
        Err(IpcError::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}"),
        other => panic!("a second agent bound the pipe: {other:?}"),
    }
    drop(first);
    // Once the first agent is gone, the pipe is free again.
    Listener::bind(&name).await.expect("after the first agent");
}

#[tokio::test]
async fn nobody_listening_is_no_agent() {
    match Client::connect(&pipe("nobody")).await {
        Err(IpcError::NoAgent) => {}
        other => panic!("expected NoAgent, got {other:?}"),
    }
}
