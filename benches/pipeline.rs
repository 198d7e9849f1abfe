//! Core pipeline benchmarks (run: `cargo bench --bench pipeline`; figures in docs/PERFORMANCE.md).
//!
//! 1. Durable enqueue latency of a report with a 1 MiB attachment (sled batch + flush to disk),
//!    with the outbox already open, and including open and close (the agent keeps the outbox
//!    closed while it is empty).
//! 2. Drain throughput: reports delivered per second by `Courier::flush` to the GLPI test double
//!    on loopback, each with a 20 KiB attachment.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::clock::SystemClock;
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::i18n::Lang;
use guichet_core::outbox::{Backoff, Courier, Outbox};
use guichet_core::report::{Attachment, Report};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn report(n: usize, attachment_len: usize) -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: n as i64,
        lang: Lang::Fr,
        subject: format!("Bench {n}"),
        description: "Le vidéoprojecteur de la salle 12 ne s'allume plus.".into(),
        category: None,
        phone: None,
        location: None,
        facts: guichet_core::facts::gather(Vec::new()),
        attachments: vec![Attachment {
            name: format!("capture{n}.png"),
            mime: "image/png".into(),
            bytes: (0..attachment_len)
                .map(|i| ((i * 31 + n) % 251) as u8)
                .collect(),
        }],
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<44} n={:<4} p50={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap_or(&Duration::ZERO))
    );
}

fn enqueue_latency() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reports: Vec<Report> = (0..200).map(|n| report(n, 1 << 20)).collect();
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    let mut warm = Vec::new();
    for r in &reports {
        let t = Instant::now();
        outbox.enqueue(r, 0).expect("enqueue");
        warm.push(t.elapsed());
    }
    summary("enqueue 1 MiB report (outbox open)", warm);
    drop(outbox);

    let dir = tempfile::tempdir().expect("tempdir");
    let mut cold = Vec::new();
    for r in reports.iter().take(50) {
        let t = Instant::now();
        let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
        outbox.enqueue(r, 0).expect("enqueue");
        drop(outbox);
        cold.push(t.elapsed());
    }
    summary("open + enqueue 1 MiB report + close", cold);
}

fn drain_throughput() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let connector = Arc::new(
        GlpiConnector::new(
            &HttpConfig::new(double.base_url(), 10, 2),
            &GlpiConfig::with_user_token("0123456789abcdef0123456789abcdef01234567"),
        )
        .expect("connector"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("open");
    const N: usize = 300;
    for n in 0..N {
        outbox.enqueue(&report(n, 20 * 1024), 0).expect("enqueue");
    }
    let courier = Courier::new(Some(connector), Arc::new(SystemClock), Backoff::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let result = runtime
        .block_on(courier.flush(&outbox, true))
        .expect("flush");
    let elapsed = t.elapsed();
    assert_eq!(result.reports.sent.len(), N, "all delivered");
    assert_eq!(double.tickets().len(), N);
    println!(
        "{:<44} n={N:<4} {:>7.1} tickets/s  ({:.2} s)",
        "drain to GLPI double on loopback (20 KiB each)",
        N as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent: keep that a quick smoke run.
    if !std::env::args().any(|a| a == "--bench") {
        println!("pipeline bench: run with `cargo bench --bench pipeline`");
        return;
    }
    enqueue_latency();
    drain_throughput();
}
