//! Reads a ticket's followups and solutions from the GLPI double's REST API the way the connector
//! does (a user token, then `X-GLPI-Sanitized-Content: false`), over plain HTTP/1.0, so a test can
//! see what the client is really given.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One GET on the double; the JSON body of a 200 answer (panics otherwise).
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Value {
    let mut stream = TcpStream::connect(addr).expect("connect to the GLPI double");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("read timeout");
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP header");
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    assert!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "GET {path}: {head}\n{}",
        String::from_utf8_lossy(body)
    );
    serde_json::from_slice(body).expect("a JSON answer")
}

/// The `content` of every `ITILFollowup` (`sub` = "ITILFollowup") or `ITILSolution` of `ticket`,
/// in id order, as the requester whose token is `user_token` reads them with raw content.
pub fn contents(addr: SocketAddr, user_token: &str, ticket: u64, sub: &str) -> Vec<String> {
    let auth = format!("user_token {user_token}");
    let session = get(
        addr,
        "/apirest.php/initSession",
        &[("Authorization", &auth)],
    );
    let token = session["session_token"]
        .as_str()
        .expect("a session token")
        .to_owned();
    let rows = get(
        addr,
        &format!("/apirest.php/Ticket/{ticket}/{sub}?range=0-999"),
        &[
            ("Session-Token", &token),
            ("X-GLPI-Sanitized-Content", "false"),
        ],
    );
    let mut rows: Vec<(u64, String)> = rows
        .as_array()
        .expect("a list of rows")
        .iter()
        .map(|row| {
            (
                row["id"].as_u64().expect("an id"),
                row["content"].as_str().expect("a content").to_owned(),
            )
        })
        .collect();
    rows.sort_by_key(|(id, _)| *id);
    rows.into_iter().map(|(_, content)| content).collect()
}
