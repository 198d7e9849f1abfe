//! Exactly-once across crashes: 50 queued reports, `guichet queue flush` killed with SIGKILL at
//! random moments several times, then one last flush. On the help desk's side every report must
//! exist exactly once, with its attachments byte-exact: on GLPI 10, found again by its reference
//! in the content; on GLPI 11, by its `externalid` (search option 87), which every ticket carries.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::outbox::Outbox;
use guichet_core::report::{Attachment, Report};
use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble, GlpiVersion, RandomFaults};
use guichet_test_support::workstation::{self, pseudo_random_bytes, stderr, Workstation};
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

const REPORTS: usize = 50;
const KILLS: usize = 8;

fn queue_reports(ws: &Workstation) -> Vec<Report> {
    let outbox = Outbox::open(&ws.outbox_dir(), Duration::ZERO).expect("open outbox");
    let reports: Vec<Report> = (0..REPORTS)
        .map(|n| Report {
            id: Uuid::new_v4(),
            created_at_ms: n as i64,
            lang: Lang::Fr,
            subject: format!("Panne n°{n}"),
            description: format!("Le poste {n} de la salle 12 ne démarre plus."),
            category: None,
            phone: None,
            location: None,
            facts: MachineFacts::default(),
            attachments: vec![
                Attachment {
                    name: format!("journal{n}.txt"),
                    mime: "text/plain".into(),
                    bytes: pseudo_random_bytes(n as u64, 3_000),
                },
                Attachment {
                    name: format!("capture{n}.png"),
                    mime: "image/png".into(),
                    bytes: pseudo_random_bytes(1000 + n as u64, 40_000 + n),
                },
            ],
        })
        .collect();
    for r in &reports {
        outbox.enqueue(r, 0).expect("enqueue");
    }
    reports
}

#[test]
fn sigkill_during_flush_never_loses_or_duplicates_a_report() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    exactly_once_across_kills(&double);
}

#[test]
fn on_glpi_11_sigkill_during_flush_delivers_once_found_by_externalid() {
    let double = GlpiDouble::start(DoubleConfig::of(GlpiVersion::V11)).expect("double");
    let reports = exactly_once_across_kills(&double);
    for r in &reports {
        let carrying: Vec<u64> = double
            .tickets()
            .iter()
            .filter(|t| t.externalid.as_deref() == Some(r.id.to_string().as_str()))
            .map(|t| t.id)
            .collect();
        assert_eq!(
            carrying.len(),
            1,
            "externalid of {}: {carrying:?}",
            r.subject
        );
    }
    let by_externalid = double
        .requests()
        .iter()
        .filter(|q| q.path == "/search/Ticket" && q.query.contains("%5Bfield%5D=87"))
        .count();
    assert!(
        by_externalid > 0,
        "interrupted sends were looked for by externalid"
    );
}

/// Queues the reports, kills flushes, flushes once more, and checks every report is on `double`
/// exactly once with its files; the reports.
fn exactly_once_across_kills(double: &GlpiDouble) -> Vec<Report> {
    // Small random delays spread the work, so that kills land in the middle of requests.
    double.set_random_faults(Some(RandomFaults {
        rate: 0.5,
        kinds: vec![Fault::Delay(Duration::from_millis(40))],
        seed: 11,
        delay: Duration::from_millis(40),
    }));
    let ws = Workstation::new(Some(&double.base_url()));
    let reports = queue_reports(&ws);
    let kills = workstation::kill_flushes(
        || {
            ws.command(&["queue", "flush"])
                .spawn()
                .expect("spawn flush")
        },
        KILLS,
        100..900,
        2026,
        || double.tickets().len() >= REPORTS,
    );
    assert!(
        kills >= 2,
        "the test must really interrupt flushes (only {kills} kills)"
    );

    double.set_random_faults(None);
    let last = ws.run(&["queue", "flush"]);
    assert_eq!(
        last.status.code(),
        Some(0),
        "final flush: {}",
        stderr(&last)
    );

    let tickets = double.tickets();
    let mut by_report: HashMap<Uuid, Vec<u64>> = HashMap::new();
    for t in &tickets {
        for r in &reports {
            if t.content.contains(&r.id.to_string()) {
                by_report.entry(r.id).or_default().push(t.id);
            }
        }
    }
    for r in &reports {
        let ids = by_report.get(&r.id).cloned().unwrap_or_default();
        assert_eq!(
            ids.len(),
            1,
            "report {} ({}) has tickets {ids:?}",
            r.id,
            r.subject
        );
        let ticket = double.ticket(ids[0]).expect("ticket");
        assert_eq!(ticket.name, r.subject);
        let docs: Vec<(&str, &[u8])> = ticket
            .documents
            .iter()
            .map(|d| (d.filename.as_str(), d.bytes.as_slice()))
            .collect();
        let expected: Vec<(&str, &[u8])> = r
            .attachments
            .iter()
            .map(|a| (a.name.as_str(), a.bytes.as_slice()))
            .collect();
        assert_eq!(docs, expected, "attachments of {}", r.subject);
    }
    assert_eq!(tickets.len(), REPORTS, "no stray tickets");
    let outbox = Outbox::open(&ws.outbox_dir(), Duration::ZERO).expect("open outbox");
    assert!(outbox.is_empty().expect("empty"), "the outbox is drained");
    assert_eq!(outbox.sent().expect("sent").len(), REPORTS);
    reports
}
