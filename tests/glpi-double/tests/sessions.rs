//! Sessions: the three ways to log in, login errors, expired and killed sessions, App-Token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{start, Api, PROF_TOKEN};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn init_session_with_header_query_and_basic() {
    let double = start();
    let http = reqwest::Client::new();
    let base = double.base_url();

    let by_header = http
        .get(format!("{base}/initSession?get_full_session=true"))
        .header("Authorization", format!("user_token {PROF_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), StatusCode::OK);
    let body: serde_json::Value = by_header.json().await.unwrap();
    assert!(body["session_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert_eq!(body["session"]["glpiID"], 7);
    assert_eq!(body["session"]["glpiname"], "prof");
    assert_eq!(body["session"]["glpiactiveprofile"]["name"], "Self-Service");

    let by_query = http
        .get(format!("{base}/initSession?user_token={PROF_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_query.status(), StatusCode::OK);
    let body: serde_json::Value = by_query.json().await.unwrap();
    assert!(body.get("session").is_none());

    let by_basic = http
        .get(format!("{base}/initSession"))
        .basic_auth("prof", Some("secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_basic.status(), StatusCode::OK);
    let token = by_basic.json::<serde_json::Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let full = http
        .get(format!("{base}/getFullSession"))
        .header("Session-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        full.json::<serde_json::Value>().await.unwrap()["session"]["glpiID"],
        7
    );
    // The token is also accepted as a query parameter.
    let by_param = http
        .get(format!("{base}/getFullSession?session_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_param.status(), StatusCode::OK);
}

#[tokio::test]
async fn login_errors_have_glpi_bodies() {
    let double = start();
    let http = reqwest::Client::new();
    let base = double.base_url();

    let bad_token = http
        .get(format!("{base}/initSession"))
        .header("Authorization", format!("user_token {}", "f".repeat(40)))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_token.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad_token.text().await.unwrap(),
        r#"["ERROR_GLPI_LOGIN_USER_TOKEN","parameter user_token seems invalid"]"#
    );

    let bad_password = http
        .get(format!("{base}/initSession"))
        .basic_auth("prof", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad_password.text().await.unwrap(),
        r#"["ERROR_GLPI_LOGIN","Incorrect username or password"]"#
    );

    let missing = http
        .get(format!("{base}/initSession"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body[0], "ERROR_LOGIN_PARAMETERS_MISSING");
}

#[tokio::test]
async fn missing_killed_and_expired_sessions() {
    let double = start();
    let api = Api::prof(&double).await;
    let http = reqwest::Client::new();

    let missing = http
        .get(format!("{}/Ticket", double.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body[0], "ERROR_SESSION_TOKEN_MISSING");
    assert!(body[1]
        .as_str()
        .unwrap()
        .starts_with("parameter session_token is missing or empty"));

    assert_eq!(api.get("/Ticket").await.status, StatusCode::OK);
    double.expire_sessions();
    let expired = api.get("/Ticket").await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        expired.text,
        r#"["ERROR_SESSION_TOKEN_INVALID","session_token seems invalid"]"#
    );

    let api = Api::prof(&double).await;
    let killed = api.get("/killSession").await;
    assert_eq!((killed.status, killed.body), (StatusCode::OK, json!(true)));
    assert_eq!(
        api.get("/getFullSession").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sessions_expire_after_their_idle_ttl() {
    let config = DoubleConfig {
        session_ttl: Some(Duration::from_millis(300)),
        ..DoubleConfig::default()
    };
    let double = GlpiDouble::start(config).unwrap();
    let api = Api::prof(&double).await;
    assert_eq!(api.get("/getFullSession").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let answer = api.get("/getFullSession").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.body,
        json!(["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"])
    );
}

#[tokio::test]
async fn app_token_is_checked() {
    let config = DoubleConfig {
        app_token: Some("app-secret".into()),
        ..DoubleConfig::default()
    };
    let double = GlpiDouble::start(config).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/initSession", double.base_url());
    let auth = format!("user_token {PROF_TOKEN}");

    let missing = http
        .get(&url)
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.json::<serde_json::Value>().await.unwrap()[0],
        "ERROR_APP_TOKEN_PARAMETERS_MISSING"
    );

    let wrong = http
        .get(&url)
        .header("Authorization", &auth)
        .header("App-Token", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong.json::<serde_json::Value>().await.unwrap()[0],
        "ERROR_WRONG_APP_TOKEN_PARAMETER"
    );

    let good = http
        .get(&url)
        .header("Authorization", &auth)
        .header("App-Token", "app-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    let token = good.json::<serde_json::Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let without = http
        .get(format!("{}/getFullSession", double.base_url()))
        .header("Session-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::BAD_REQUEST);
}

/// The double works from a plain synchronous test, without any runtime around it.
#[test]
fn works_from_a_sync_test() {
    let double = start();
    let mut stream = std::net::TcpStream::connect(double.addr()).unwrap();
    write!(
        stream,
        "GET /apirest.php/initSession HTTP/1.1\r\nHost: localhost\r\nAuthorization: user_token {PROF_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.contains("\"session_token\""), "{answer}");
    assert_eq!(
        double.requests().last().map(|r| r.path.clone()),
        Some("/initSession".to_owned())
    );
    double.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_from_a_multi_thread_runtime() {
    let double = start();
    let api = Api::prof(&double).await;
    assert_eq!(api.get("/getFullSession").await.status, StatusCode::OK);
}

/// GLPI's API is off in a fresh install: every call, logged in or not, answers 400
/// `["ERROR","API disabled"]`, without the documentation link other errors carry.
#[tokio::test]
async fn api_disabled_answers_every_call_the_same() {
    let double = start();
    let api = Api::prof(&double).await;
    double.set_api_enabled(false);
    let http = reqwest::Client::new();
    let base = double.base_url();
    let init = http
        .get(format!("{base}/initSession"))
        .header("Authorization", format!("user_token {PROF_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(init.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        init.json::<serde_json::Value>().await.unwrap(),
        json!(["ERROR", "API disabled"])
    );
    let ticket = api.get("/Ticket").await;
    assert_eq!(ticket.status, StatusCode::BAD_REQUEST);
    assert_eq!(ticket.body, json!(["ERROR", "API disabled"]));
    double.set_api_enabled(true);
    assert_eq!(api.get("/Ticket").await.status, StatusCode::OK);
}
