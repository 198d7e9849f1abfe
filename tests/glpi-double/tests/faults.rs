//! Fault injection: reset, server error, delay, expired session, seeded random faults, request log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{start, Api, PROF_TOKEN};
use guichet_glpi_double::{Fault, RandomFaults};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn reset_gives_a_client_error_then_service_resumes() {
    let double = start();
    let api = Api::prof(&double).await;
    double.push_fault(Fault::Reset);
    let result = api
        .http
        .post(format!("{}/Ticket", api.base))
        .header("Session-Token", &api.session)
        .json(&json!({ "input": { "name": "x", "content": "y" } }))
        .send()
        .await;
    let error = result.expect_err("a reset connection is not a response");
    assert!(!error.is_status(), "{error:?}");
    assert!(double.tickets().is_empty());
    assert_eq!(api.get("/getFullSession").await.status, StatusCode::OK);
    let log = double.requests();
    assert_eq!(log[log.len() - 2].fault.as_deref(), Some("Reset"));
    assert_eq!(log[log.len() - 2].path, "/Ticket");
    assert_eq!(log.last().unwrap().fault, None);
}

#[tokio::test]
async fn server_error_delay_and_expired_session() {
    let double = start();
    let api = Api::prof(&double).await;

    double.push_fault(Fault::ServerError);
    let failed = api.get("/Ticket").await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.text, r#"["ERROR","Internal server error"]"#);

    double.push_fault(Fault::Delay(Duration::from_millis(250)));
    let started = Instant::now();
    assert_eq!(api.get("/Ticket").await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));

    double.push_fault(Fault::ExpireSession);
    let expired = api.get("/Ticket").await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        expired.text,
        r#"["ERROR_SESSION_TOKEN_INVALID","session_token seems invalid"]"#
    );

    // The client re-opens its session once and carries on.
    let api = Api::prof(&double).await;
    assert_eq!(api.get("/Ticket").await.status, StatusCode::OK);
    let labels: Vec<Option<String>> = double.requests().into_iter().map(|r| r.fault).collect();
    assert!(labels.contains(&Some("Delay(250ms)".to_owned())));
    assert!(labels.contains(&Some("ExpireSession".to_owned())));
}

/// Sends the same 40 requests and returns the fault of each.
async fn fault_pattern(seed: u64) -> Vec<Option<String>> {
    let double = start();
    double.set_random_faults(Some(RandomFaults {
        rate: 0.4,
        kinds: vec![
            Fault::ServerError,
            Fault::Reset,
            Fault::Delay(Duration::from_millis(1)),
        ],
        seed,
        delay: Duration::ZERO,
    }));
    let http = reqwest::Client::new();
    for i in 0..40 {
        // Errors (resets) and 500s are expected here.
        let _ = http
            .get(format!(
                "{}/initSession?user_token={PROF_TOKEN}&i={i}",
                double.base_url()
            ))
            .send()
            .await;
    }
    let log = double.requests();
    assert_eq!(log.len(), 40);
    assert_eq!(log[3].query, format!("user_token={PROF_TOKEN}&i=3"));
    log.into_iter().map(|r| r.fault).collect()
}

#[tokio::test]
async fn random_faults_are_reproducible_with_a_seed() {
    let first = fault_pattern(1234).await;
    let again = fault_pattern(1234).await;
    let other = fault_pattern(99).await;
    assert_eq!(first, again);
    assert_ne!(first, other);
    let faulted = first.iter().filter(|f| f.is_some()).count();
    assert!((5..=30).contains(&faulted), "{faulted} faults out of 40");
}

#[tokio::test]
async fn clear_requests_and_disable_random_faults() {
    let double = start();
    double.set_random_faults(Some(RandomFaults {
        rate: 1.0,
        kinds: vec![Fault::ServerError],
        seed: 1,
        delay: Duration::ZERO,
    }));
    let http = reqwest::Client::new();
    let url = format!("{}/initSession?user_token={PROF_TOKEN}", double.base_url());
    assert_eq!(
        http.get(&url).send().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    double.set_random_faults(None);
    double.clear_requests();
    assert_eq!(
        http.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(double.requests().len(), 1);
}
