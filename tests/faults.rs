//! Exactly-once under a faulty network: with 30 % of requests failing (server errors, a proxy's
//! 502, 503 with Retry-After, connection resets, timeouts, expired sessions, answers lost or cut
//! in the middle of their JSON), 100 reports all arrive exactly once, and the client never spins:
//! its requests are counted and bounded.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::clock::SystemClock;
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::outbox::{Backoff, Courier, Outbox};
use guichet_core::report::{Attachment, Report};
use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble, RandomFaults};
use guichet_test_support::workstation::{self, pseudo_random_bytes};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Longer than the client's 1 s timeout: such a request times out on the client side.
const SLOW: Duration = Duration::from_millis(1500);

#[tokio::test]
async fn thirty_percent_failures_still_deliver_every_report_exactly_once() {
    const REPORTS: usize = 100;
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    double.set_random_faults(Some(RandomFaults {
        rate: 0.3,
        kinds: vec![
            Fault::ServerError,
            Fault::BadGateway,
            Fault::Unavailable {
                retry_after_secs: 30,
            },
            Fault::Reset,
            Fault::Delay(SLOW),
            Fault::ExpireSession,
            Fault::LoseAnswer,
            Fault::TruncateAnswer,
        ],
        seed: 30,
        delay: Duration::ZERO,
    }));
    let connector = Arc::new(
        GlpiConnector::new(
            &HttpConfig::new(double.base_url(), 1, 1),
            &GlpiConfig::with_user_token(workstation::TOKEN),
        )
        .expect("connector"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("outbox");
    let reports: Vec<Report> = (0..REPORTS)
        .map(|n| Report {
            id: Uuid::new_v4(),
            created_at_ms: n as i64,
            lang: Lang::En,
            subject: format!("Fault {n}"),
            description: "The interactive whiteboard freezes every ten minutes.".into(),
            category: None,
            phone: None,
            location: None,
            facts: MachineFacts::default(),
            attachments: vec![Attachment {
                name: format!("f{n}.txt"),
                mime: "text/plain".into(),
                bytes: pseudo_random_bytes(n as u64, 2_000),
            }],
        })
        .collect();
    for r in &reports {
        outbox.enqueue(r, 0).expect("enqueue");
    }
    // As Guichet sets it: an attempt whose answer was lost settles after the request timeout.
    let courier = Courier::new(Some(connector), Arc::new(SystemClock), Backoff::default())
        .with_settle(Duration::from_secs(1))
        .with_seed(3);

    let mut rounds = 0;
    while !outbox.due(i64::MAX, true).expect("due").is_empty() {
        rounds += 1;
        assert!(rounds <= 40, "not drained after 40 rounds");
        let result = courier.flush(&outbox, true).await.expect("flush");
        assert!(
            result.reports.failed.is_empty(),
            "faults are transient: {:?}",
            result.reports.failed
        );
        // The back-off is ignored here; entries whose answer was lost wait for their attempt
        // to settle (1 s), and the next round comes after that.
        tokio::time::sleep(SLOW).await;
    }

    let faulted = double
        .requests()
        .iter()
        .filter(|r| r.fault.is_some())
        .count();
    let total = double.requests().len();
    assert!(
        faulted * 100 >= total * 20,
        "faults really happened: {faulted}/{total}"
    );
    // Without faults: a session and one request per report. Each failure costs the attempt, a
    // search for the report before the next one, and sometimes a new session: bounded, and far
    // from a client that spins.
    eprintln!("{total} requests for {REPORTS} reports ({faulted} faulted) in {rounds} rounds");
    assert!(
        total <= REPORTS * 5,
        "{total} requests for {REPORTS} reports: the client spins"
    );
    let tickets = double.tickets();
    for r in &reports {
        let matching: Vec<_> = tickets
            .iter()
            .filter(|t| t.content.contains(&r.id.to_string()))
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{} delivered {} times",
            r.subject,
            matching.len()
        );
        assert_eq!(matching[0].documents.len(), 1);
        assert_eq!(matching[0].documents[0].bytes, r.attachments[0].bytes);
    }
    assert_eq!(tickets.len(), REPORTS);
    assert!(outbox.is_empty().expect("empty"));
}
