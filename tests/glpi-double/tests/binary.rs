//! The `glpi-double` binary prints its URL, serves, and stops when stdin closes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn prints_url_serves_and_stops_on_stdin_close() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_glpi-double"))
        .arg("--categories-open")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("GLPI_URL=")
        .expect("GLPI_URL line")
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/apirest.php"),
        "{url}"
    );

    let http = reqwest::Client::new();
    let session: serde_json::Value = http
        .get(format!("{url}/initSession"))
        .basic_auth("prof", Some("secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["session_token"].as_str().unwrap();
    let categories = http
        .get(format!("{url}/ITILCategory"))
        .header("Session-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(categories.status(), reqwest::StatusCode::OK);

    drop(child.stdin.take());
    for _ in 0..50 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("glpi-double did not stop when stdin closed");
}
