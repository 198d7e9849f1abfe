//! The outbox: durable before delivery, exactly-once delivery, back-off on an injectable clock,
//! permanent errors kept visible.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::clock::{unix_ms, Clock, ManualClock};
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::connector::{Connector, ConnectorError};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::outbox::{Backoff, Courier, EntryState, Outbox, OutboxError, Outcome};
use guichet_core::report::{Attachment, Category, Report};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::lossy::LosesFirstAnswer;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;
use uuid::Uuid;

fn glpi_at(url: String, token: &str) -> GlpiConnector {
    GlpiConnector::new(
        &HttpConfig::new(url, 5, 1),
        &GlpiConfig::with_user_token(token),
    )
    .expect("connector")
}

fn glpi(double: &GlpiDouble) -> Arc<dyn Connector> {
    Arc::new(glpi_at(
        double.base_url(),
        "0123456789abcdef0123456789abcdef01234567",
    ))
}

fn report(n: usize) -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: n as i64,
        lang: Lang::Fr,
        subject: format!("Signalement {n}"),
        description: "Le poste 3 de la salle 12 ne démarre plus.".into(),
        category: Some(Category {
            id: 1,
            name: "Matériel".into(),
        }),
        phone: None,
        location: None,
        facts: MachineFacts::default(),
        attachments: vec![Attachment {
            name: format!("log{n}.txt"),
            mime: "text/plain".into(),
            bytes: format!("journal {n}").into_bytes(),
        }],
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(datetime!(2026-11-28 08:00 UTC)))
}

#[test]
fn enqueued_reports_survive_a_restart_byte_exact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut r = report(1);
    r.attachments.push(Attachment {
        name: "big.png".into(),
        mime: "image/png".into(),
        bytes: (0..1_048_576u32).map(|i| (i % 253) as u8).collect(),
    });
    {
        let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
        outbox.enqueue(&r, 0).expect("enqueue");
    }
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("reopen");
    let entry = outbox.load(r.id).expect("still there");
    assert_eq!(entry.item, r, "metadata and bytes identical");
    assert_eq!(entry.state, EntryState::Pending);
    assert_eq!(
        outbox.list().expect("list")[0].item.attachments[1]
            .bytes
            .len(),
        0,
        "list carries no bytes"
    );
}

#[test]
fn only_one_process_owns_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _first = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let second = Outbox::open(dir.path(), Duration::from_millis(200));
    assert!(
        matches!(second, Err(OutboxError::Busy { .. })),
        "{second:?}"
    );
}

#[tokio::test]
async fn delivery_removes_the_report_and_records_the_ticket() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let clock = clock();
    let courier = Courier::new(Some(glpi(&double)), clock.clone(), Backoff::default());
    let r = report(1);
    outbox.enqueue(&r, unix_ms(clock.now())).expect("enqueue");
    let Outcome::Sent(delivery) = courier.deliver(&outbox, r.id).await.expect("deliver") else {
        panic!("not sent")
    };
    assert!(outbox.is_empty().expect("empty"));
    let sent = outbox.sent().expect("sent");
    assert_eq!((sent[0].id, sent[0].ticket), (r.id, delivery.ticket));
    assert_eq!(
        double.ticket(delivery.ticket).expect("ticket").documents[0].bytes,
        b"journal 1"
    );
}

#[tokio::test]
async fn unreachable_help_desk_backs_off_on_the_injected_clock() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let url = double.base_url();
    drop(double); // Nobody listens on that port any more.
    let connector: Arc<dyn Connector> = Arc::new(glpi_at(url, "x"));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let clock = clock();
    let backoff = Backoff {
        base: Duration::from_secs(60),
        max: Duration::from_secs(600),
    };
    let courier = Courier::new(Some(connector), clock.clone(), backoff).with_seed(1);
    let r = report(1);
    let start = unix_ms(clock.now());
    outbox.enqueue(&r, start).expect("enqueue");

    let mut previous_delay = 0;
    for attempt in 1..=5u32 {
        let outcome = courier.deliver(&outbox, r.id).await.expect("deliver");
        let Outcome::Waiting {
            error,
            next_attempt_ms,
        } = outcome
        else {
            panic!("{outcome:?}")
        };
        assert!(
            matches!(error, ConnectorError::NotConnected { .. }),
            "{error:?}"
        );
        let now = unix_ms(clock.now());
        let delay = next_attempt_ms - now;
        let full = (60_000i64 << (attempt - 1)).min(600_000);
        assert!(
            delay >= full / 2 && delay <= full,
            "attempt {attempt}: {delay} ms"
        );
        assert!(
            outbox.due(now, false).expect("due").is_empty(),
            "not due before its time"
        );
        assert_eq!(
            outbox.due(now, true).expect("due"),
            vec![r.id],
            "flush ignores back-off"
        );
        clock.advance(Duration::from_millis(
            u64::try_from(delay).expect("positive"),
        ));
        assert_eq!(
            outbox.due(unix_ms(clock.now()), false).expect("due"),
            vec![r.id]
        );
        assert!(delay >= previous_delay / 2);
        previous_delay = delay;
    }
    let entry = outbox.load(r.id).expect("entry");
    assert_eq!((entry.state, entry.attempts), (EntryState::Pending, 5));
}

#[tokio::test]
async fn permanent_errors_stop_retries_and_stay_visible_until_retried() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let bad: Arc<dyn Connector> = Arc::new(glpi_at(double.base_url(), &"f".repeat(40)));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let clock = clock();
    let r = report(1);
    outbox.enqueue(&r, unix_ms(clock.now())).expect("enqueue");
    let outcome = Courier::new(Some(bad), clock.clone(), Backoff::default())
        .flush(&outbox, true)
        .await
        .expect("flush");
    assert_eq!(outcome.reports.failed.len(), 1);
    let entry = outbox.load(r.id).expect("kept");
    assert_eq!(entry.state, EntryState::Failed);
    assert!(matches!(
        entry.last_error,
        Some(ConnectorError::Unauthorized { .. })
    ));
    assert!(
        outbox.due(i64::MAX, true).expect("due").is_empty(),
        "no more automatic attempts"
    );

    // IT fixes the token; the user retries.
    outbox.retry(r.id, unix_ms(clock.now())).expect("retry");
    let good = Courier::new(Some(glpi(&double)), clock.clone(), Backoff::default());
    let outcome = good.flush(&outbox, false).await.expect("flush");
    assert_eq!(outcome.reports.sent.len(), 1);
    assert_eq!(double.tickets().len(), 1);
}

#[tokio::test]
async fn a_delivery_with_refused_files_stays_visible_with_what_was_refused() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let mut r = report(1);
    r.attachments.push(Attachment {
        name: "photo.webp".into(),
        mime: "image/webp".into(),
        bytes: vec![1, 2, 3],
    });
    outbox.enqueue(&r, 0).expect("enqueue");
    let courier = Courier::new(Some(glpi(&double)), clock(), Backoff::default());
    let Outcome::Sent(delivery) = courier.deliver(&outbox, r.id).await.expect("deliver") else {
        panic!()
    };
    let entry = outbox.list().expect("list").pop().expect("still listed");
    let EntryState::Delivered { ticket, rejected } = entry.state else {
        panic!("{:?}", entry.state)
    };
    assert_eq!(ticket, delivery.ticket);
    assert_eq!(rejected[0].name, "photo.webp");
    assert!(
        outbox.due(i64::MAX, true).expect("due").is_empty(),
        "never sent twice"
    );
    assert!(outbox.dismiss(r.id).expect("dismiss"));
    assert!(outbox.is_empty().expect("empty"));
}

#[tokio::test]
async fn a_lost_answer_never_creates_a_second_ticket() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let connector = Arc::new(LosesFirstAnswer::new(glpi(&double)));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let r = report(1);
    outbox.enqueue(&r, 0).expect("enqueue");
    let clock = clock();
    let courier = Courier::new(Some(connector), clock.clone(), Backoff::default());
    assert!(matches!(
        courier.deliver(&outbox, r.id).await.expect("first"),
        Outcome::Waiting { .. }
    ));
    assert_eq!(double.tickets().len(), 1, "the help desk did create it");
    // The help desk may still be creating it: nothing is asked until the attempt has settled,
    // even by a flush that ignores the back-off.
    let requests = double.requests().len();
    let started = unix_ms(clock.now());
    clock.advance(Duration::from_secs(29));
    let settling = courier.flush(&outbox, true).await.expect("flush");
    assert_eq!(settling.reports.settling, vec![(r.id, started + 30_000)]);
    assert_eq!(
        double.requests().len(),
        requests,
        "no request while it settles"
    );
    assert!(outbox.due(started + 29_999, false).expect("due").is_empty());
    clock.advance(Duration::from_secs(1));
    let Outcome::Sent(delivery) = courier.deliver(&outbox, r.id).await.expect("second") else {
        panic!()
    };
    assert_eq!(
        double.tickets().len(),
        1,
        "found by its client id, not created again"
    );
    assert_eq!(delivery.ticket, double.tickets()[0].id);
    assert!(
        delivery.rejected.is_empty(),
        "its attachment is on the ticket"
    );
    assert!(outbox.is_empty().expect("empty"));
}

#[tokio::test]
async fn a_ticket_still_being_created_when_its_sender_died_is_waited_for_not_created_twice() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let connector = Arc::new(LosesFirstAnswer::late(
        glpi(&double),
        Duration::from_millis(500),
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let r = report(1);
    outbox.enqueue(&r, 0).expect("enqueue");
    let clock = clock();
    let courier = Courier::new(Some(connector.clone()), clock.clone(), Backoff::default());
    let first = courier.deliver(&outbox, r.id).await.expect("first");
    assert!(matches!(first, Outcome::Waiting { .. }), "{first:?}");
    assert!(double.tickets().is_empty(), "not created yet");
    // Searching now would find nothing and create a second ticket: the courier waits instead.
    let early = courier.deliver(&outbox, r.id).await.expect("early");
    assert!(matches!(early, Outcome::Settling { .. }), "{early:?}");
    connector.finish().await;
    assert_eq!(
        double.tickets().len(),
        1,
        "the help desk finished the first"
    );
    clock.advance(guichet_core::outbox::DEFAULT_SETTLE);
    let Outcome::Sent(delivery) = courier.deliver(&outbox, r.id).await.expect("settled") else {
        panic!("found once settled")
    };
    assert_eq!(double.tickets().len(), 1, "found, not created again");
    assert_eq!(delivery.ticket, double.tickets()[0].id);
}

#[tokio::test]
async fn with_no_help_desk_configured_reports_wait_locally() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let r = report(1);
    outbox.enqueue(&r, 0).expect("enqueue");
    let outcome = Courier::new(None, clock(), Backoff::default())
        .deliver(&outbox, r.id)
        .await
        .expect("deliver");
    assert!(
        matches!(
            outcome,
            Outcome::Waiting {
                error: ConnectorError::NotConfigured,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(
        outbox.load(r.id).expect("kept").attempts,
        0,
        "nothing was attempted"
    );
}

#[tokio::test]
async fn a_help_desk_asking_to_come_back_later_is_left_alone_that_long() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    // The first request (opening the session) meets maintenance.
    double.push_fault(guichet_glpi_double::Fault::Unavailable {
        retry_after_secs: 900,
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let r = report(1);
    outbox.enqueue(&r, 0).expect("enqueue");
    let clock = clock();
    let courier = Courier::new(Some(glpi(&double)), clock.clone(), Backoff::default());
    let Outcome::Waiting {
        error,
        next_attempt_ms,
    } = courier.deliver(&outbox, r.id).await.expect("attempt")
    else {
        panic!("a 503 is worth retrying");
    };
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(900)),
        "{error:?}"
    );
    let now = unix_ms(clock.now());
    assert!(
        next_attempt_ms >= now + 900_000,
        "not before the help desk's Retry-After (the back-off alone is 15–30 s): {}",
        next_attempt_ms - now
    );
    assert!(outbox.due(now + 600_000, false).expect("due").is_empty());
    assert_eq!(outbox.due(now + 900_000, false).expect("due"), vec![r.id]);
    let Outcome::Sent(_) = courier.deliver(&outbox, r.id).await.expect("second") else {
        panic!("delivered once the help desk is back");
    };
    assert_eq!(double.tickets().len(), 1);
}

#[tokio::test]
async fn a_delivered_report_enqueued_again_is_not_sent_again_until_its_record_expires() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let r = report(1);
    outbox.enqueue(&r, 0).expect("enqueue");
    let courier = Courier::new(Some(glpi(&double)), clock(), Backoff::default());
    let Outcome::Sent(delivery) = courier.deliver(&outbox, r.id).await.expect("sent") else {
        panic!("delivered");
    };
    // The agent's worker died before answering; the agent asks a fresh one again.
    outbox.enqueue(&r, 10).expect("enqueue again");
    assert!(
        outbox.is_empty().expect("empty"),
        "not queued a second time"
    );
    assert_eq!(
        outbox.sent_record(r.id).expect("record").map(|s| s.ticket),
        Some(delivery.ticket)
    );
    assert_eq!(double.tickets().len(), 1);
    // Retention: records older than the cut-off go, younger ones stay.
    let sent_at = outbox
        .sent_record(r.id)
        .expect("record")
        .expect("kept")
        .sent_at_ms;
    assert_eq!(outbox.expire_sent(sent_at).expect("expire"), 0);
    assert_eq!(outbox.expire_sent(sent_at + 1).expect("expire"), 1);
    assert_eq!(outbox.sent_record(r.id).expect("record"), None);
}

#[test]
fn a_snapshot_cut_short_is_rebuilt_from_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = report(1);
    {
        let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
        outbox.enqueue(&r, 0).expect("enqueue");
    }
    // What a full disk left when it struck while sled wrote a snapshot (seen in
    // tests/disk_full.rs): an empty snapshot file, which sled then refuses to open with.
    let db = dir.path().join("outbox.sled");
    std::fs::write(db.join("snap.00000000000000A0"), b"").expect("an empty snapshot");
    let outbox = Outbox::open(dir.path(), Duration::from_secs(5)).expect("reopened");
    let entry = outbox.load(r.id).expect("the report is intact");
    assert_eq!(entry.item.attachments[0].bytes, r.attachments[0].bytes);
}
