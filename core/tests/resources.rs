//! A day on a virtual clock: a report every 10 minutes (with a 50 KiB screenshot), each ticket
//! solved by a technician, announced by the poller and accepted by the user, the outbox delivering
//! and forgetting what it delivered past its retention. Neither the sled database nor the
//! follow-up state may keep growing.
//!
//! Memory is watched too, with a wide bound: this one process also runs the GLPI double and opens
//! sled some 400 times, which the product never does (sled lives in the agent's short-lived outbox
//! worker, which exits after 5 s without work); it grows by about 1 MiB an hour here. The resident
//! agent's own memory is measured by `benches/agent.rs` (docs/PERFORMANCE.md).
//!
//! Run it alone to see the figures: `cargo test -p guichet-core --test resources -- --nocapture`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::action::{ActionInput, ActionKind};
use guichet_core::api::Guichet;
use guichet_core::clock::{Clock, ManualClock};
use guichet_core::config::{Config, HttpConfig, RetentionConfig, ServerConfig};
use guichet_core::connector::glpi::GlpiConfig;
use guichet_core::follow::poll_stored;
use guichet_core::protocol::view::SubmitOutcome;
use guichet_core::report::{AttachmentSource, ReportInput};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;

const STEP: Duration = Duration::from_secs(600);
const HOURS: u64 = 24;

/// Everything under `dir`, in bytes.
fn size_of(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => size_of(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// This process's resident memory, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    outbox: u64,
    follow: u64,
    rss_kib: u64,
    sent_records: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_reports_and_follow_ups_does_not_grow() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let data = tempfile::tempdir().expect("tempdir");
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-07 07:00 UTC)));
    let config = Config {
        server: Some(ServerConfig::glpi(
            HttpConfig::new(double.base_url(), 5, 2),
            GlpiConfig::with_user_token("0123456789abcdef0123456789abcdef01234567"),
        )),
        retention: RetentionConfig { sent_hours: 2 },
        ..Config::default()
    };
    let g = Guichet::new(config, data.path().to_owned(), clock.clone()).expect("guichet");
    let poller = g.poller().expect("poller");
    let screenshot: Vec<u8> = (0..50 * 1024).map(|i| (i * 7 % 251) as u8).collect();
    let mut samples: Vec<(u64, Sample)> = Vec::new();
    let mut open: Vec<(u64, u32)> = Vec::new();
    let steps = HOURS * 3600 / STEP.as_secs();
    for step in 0..steps {
        clock.advance(STEP);
        // A report, sent at once.
        let input = ReportInput {
            subject: format!("Poste {step} en panne"),
            description: "Le poste ne démarre plus depuis ce matin, écran noir.".into(),
            ..ReportInput::default()
        };
        let shot = AttachmentSource::Bytes {
            name: "ecran-1.jpg".into(),
            bytes: screenshot.clone(),
        };
        let report = g
            .build_report(&input, vec![shot], Vec::new())
            .expect("valid");
        let SubmitOutcome::Sent { ticket, .. } = g.submit(report).await.expect("submit") else {
            panic!("the help desk answers");
        };
        open.push((ticket, 0));
        // The technician solves tickets after half an hour; the user accepts half an hour later.
        for (ticket, age) in &mut open {
            *age += 1;
            if *age == 3 {
                double
                    .add_solution(*ticket, "Câble remplacé.")
                    .expect("solve");
            }
        }
        let (notices, _) = poll_stored(&poller, g.follow_store(), clock.now())
            .await
            .expect("poll");
        assert!(notices.len() <= 2, "{notices:?}");
        let mut still_open = Vec::new();
        for (ticket, age) in open {
            if age >= 6 {
                let approve = ActionInput {
                    ticket,
                    kind: ActionKind::Approve { comment: None },
                    attachments: Vec::new(),
                    confirmed: false,
                };
                let outcome = g
                    .act(g.build_action(&approve).expect("valid"))
                    .await
                    .expect("act");
                assert!(matches!(outcome, SubmitOutcome::Sent { .. }), "{outcome:?}");
            } else {
                still_open.push((ticket, age));
            }
        }
        open = still_open;
        g.flush().await.expect("flush");
        let hour = (step + 1) * STEP.as_secs() / 3600;
        if ((step + 1) * STEP.as_secs()).is_multiple_of(3600) {
            let sent_records = {
                let outbox =
                    guichet_core::Outbox::open(&data.path().join("outbox"), Duration::ZERO)
                        .expect("outbox");
                outbox.sent().expect("sent").len()
            };
            samples.push((
                hour,
                Sample {
                    outbox: size_of(&data.path().join("outbox")),
                    follow: std::fs::metadata(data.path().join("follow.json"))
                        .map(|m| m.len())
                        .unwrap_or(0),
                    rss_kib: rss_kib(),
                    sent_records,
                },
            ));
        }
    }
    for (hour, s) in &samples {
        eprintln!(
            "hour {hour:>2}: outbox {:>7} KiB, follow.json {:>5} B, {:>2} sent records, RSS {:>6} KiB",
            s.outbox / 1024,
            s.follow,
            s.sent_records,
            s.rss_kib
        );
    }
    let at = |h: u64| {
        samples
            .iter()
            .find(|(hour, _)| *hour == h)
            .expect("sample")
            .1
    };
    let (early, late) = (at(4), at(HOURS));
    assert_eq!(
        double.tickets().len() as u64,
        steps,
        "every report is a ticket"
    );
    assert!(
        late.sent_records <= 13,
        "records past retention are forgotten: {late:?}"
    );
    assert!(
        late.outbox <= early.outbox + early.outbox / 4 + 256 * 1024,
        "the outbox grows: {early:?} then {late:?}"
    );
    assert!(
        late.follow <= early.follow + 1024,
        "the follow-up state grows: {early:?} then {late:?}"
    );
    assert!(
        late.rss_kib <= early.rss_kib + 48 * 1024,
        "memory grows: {early:?} then {late:?}"
    );
}
