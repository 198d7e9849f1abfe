//! The GLPI connector on GLPI 11 (the double's GLPI 11.0.6 mode, `shared/glpi-api.md` V.11): the
//! release read once per session, `externalid` set on create and searched (option 87) before any
//! new attempt, a 500 on a create taken as "perhaps created", and GLPI 10 still found by content.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::clock::ManualClock;
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::connector::{Connector, RejectCode};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::outbox::{Backoff, Courier, Outbox, Outcome};
use guichet_core::report::{Attachment, Report};
use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion};
use guichet_test_support::lossy::LosesFirstAnswer;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;
use uuid::Uuid;

const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

fn connector(double: &GlpiDouble) -> Arc<dyn Connector> {
    Arc::new(
        GlpiConnector::new(
            &HttpConfig::new(double.base_url(), 5, 2),
            &GlpiConfig::with_user_token(TOKEN),
        )
        .expect("connector"),
    )
}

fn report(attachments: Vec<Attachment>) -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: 0,
        lang: Lang::Fr,
        subject: "Imprimante du CDI".into(),
        description: "Bourrage papier, voyant orange.".into(),
        category: None,
        phone: None,
        location: None,
        facts: MachineFacts::default(),
        attachments,
    }
}

fn file(name: &str, bytes: &[u8]) -> Attachment {
    Attachment {
        name: name.into(),
        mime: "application/octet-stream".into(),
        bytes: bytes.to_vec(),
    }
}

/// How many searches asked for search option `field`.
fn searches_on(double: &GlpiDouble, field: u32) -> usize {
    let needle = format!("%5Bfield%5D={field}&");
    double
        .requests()
        .iter()
        .filter(|r| r.path == "/search/Ticket" && format!("{}&", r.query).contains(&needle))
        .count()
}

fn count(double: &GlpiDouble, path: &str) -> usize {
    double.requests().iter().filter(|r| r.path == path).count()
}

#[tokio::test]
async fn the_release_is_read_once_per_session() {
    let double = GlpiDouble::start(DoubleConfig::glpi11()).expect("double");
    let c = connector(&double);
    for _ in 0..3 {
        c.my_tickets().await.expect("tickets");
    }
    assert_eq!(count(&double, "/initSession"), 1);
    assert_eq!(count(&double, "/getGlpiConfig"), 1);
    double.expire_sessions();
    c.my_tickets().await.expect("tickets after a re-login");
    assert_eq!(count(&double, "/initSession"), 2);
    assert_eq!(
        count(&double, "/getGlpiConfig"),
        2,
        "read again for the new session"
    );
}

/// A report whose answer is lost, delivered through the outbox: one ticket, found by `field`.
async fn a_lost_answer_is_found_by(version: GlpiVersion, field: u32) -> GlpiDouble {
    let double = GlpiDouble::start(DoubleConfig::of(version)).expect("double");
    let lossy = Arc::new(LosesFirstAnswer::new(connector(&double)));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("outbox");
    let r = report(vec![file("journal.txt", b"ligne 1")]);
    outbox.enqueue(&r, 0).expect("enqueue");
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-07 08:00 UTC)));
    let courier = Courier::new(Some(lossy), clock.clone(), Backoff::default());
    let first = courier.deliver(&outbox, r.id).await.expect("first");
    assert!(matches!(first, Outcome::Waiting { .. }), "{first:?}");
    clock.advance(guichet_core::outbox::DEFAULT_SETTLE);
    let second = courier.deliver(&outbox, r.id).await.expect("second");
    assert!(matches!(second, Outcome::Sent(_)), "{second:?}");
    assert_eq!(double.tickets().len(), 1, "{version:?}: created once");
    assert_eq!(
        searches_on(&double, field),
        1,
        "{version:?}: searched on {field}"
    );
    let expected = (version == GlpiVersion::V11).then(|| r.id.to_string());
    assert_eq!(double.tickets()[0].externalid, expected);
    double
}

#[tokio::test]
async fn on_glpi_11_a_lost_answer_is_found_by_externalid() {
    a_lost_answer_is_found_by(GlpiVersion::V11, 87).await;
}

#[tokio::test]
async fn on_glpi_10_a_lost_answer_is_still_found_by_content() {
    let double = a_lost_answer_is_found_by(GlpiVersion::V10, 21).await;
    assert_eq!(searches_on(&double, 87), 0, "GLPI 10 has no option 87");
}

#[tokio::test]
async fn a_report_tried_on_10_is_found_on_11_after_an_upgrade() {
    // A ticket created by GLPI 10 carries the reference in its content only.
    let r = report(Vec::new());
    let v10 = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let content = guichet_core::connector::glpi::ticket_manifest(
        &r,
        serde_json::json!(7),
        &guichet_core::connector::glpi::TicketLinks::default(),
    );
    let v11 = GlpiDouble::start(DoubleConfig::glpi11()).expect("double");
    connector(&v10)
        .create_ticket(&r)
        .await
        .expect("created on 10");
    assert_eq!(v10.tickets()[0].externalid, None);
    // The same ticket on the upgraded server: content kept, no externalid.
    let mut input = content["input"].clone();
    input.as_object_mut().unwrap().remove("externalid");
    let admin = reqwest::Client::new();
    let base = v11.base_url();
    let session: serde_json::Value = admin
        .get(format!("{base}/initSession"))
        .header("Authorization", format!("user_token {TOKEN}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["session_token"].as_str().unwrap();
    let created = admin
        .post(format!("{base}/Ticket"))
        .header("Session-Token", token)
        .json(&serde_json::json!({ "input": input }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let found = connector(&v11).find_delivered(&r).await.expect("search");
    assert_eq!(found.map(|d| d.ticket), Some(1));
}

#[tokio::test]
async fn a_500_on_create_is_perhaps_created_never_created_twice() {
    let double = GlpiDouble::start(DoubleConfig::glpi11()).expect("double");
    let c = connector(&double);
    let r = report(vec![file("photo.png", b"png"), file("outil.exe", b"MZ")]);
    let delivery = c.create_ticket(&r).await.expect("found after the 500");
    assert_eq!(double.tickets().len(), 1);
    assert_eq!(delivery.ticket, double.tickets()[0].id);
    let rejected: Vec<(&str, Option<RejectCode>)> = delivery
        .rejected
        .iter()
        .map(|f| (f.name.as_str(), f.code))
        .collect();
    assert_eq!(rejected, [("outil.exe", Some(RejectCode::NotOnTicket))]);
    // The outbox asks before any new attempt: still one ticket.
    assert!(c.find_delivered(&r).await.expect("search").is_some());
    assert_eq!(double.tickets().len(), 1);
}

#[tokio::test]
async fn the_survey_follows_the_help_desks_scale_and_its_comment_rule() {
    use guichet_core::action::{ActionKind, TicketAction};
    use guichet_core::connector::ConnectorError;
    let double = GlpiDouble::start(DoubleConfig {
        survey_max_rate: 10,
        survey_comment_required_up_to: Some(3),
        ..DoubleConfig::glpi11()
    })
    .expect("double");
    double.enable_surveys(true);
    let config = GlpiConfig {
        survey_scale: Some(10),
        survey_comment_up_to: Some(3),
        ..GlpiConfig::with_user_token(TOKEN)
    };
    let c = GlpiConnector::new(&HttpConfig::new(double.base_url(), 5, 2), &config).expect("c");
    let scale = c.capabilities().survey;
    assert_eq!((scale.max, scale.comment_required_up_to), (10, Some(3)));
    let ticket = c
        .create_ticket(&report(Vec::new()))
        .await
        .expect("created")
        .ticket;
    double
        .add_solution(ticket, "<p>Toner changé.</p>")
        .expect("solved");
    let act = |kind| TicketAction {
        id: Uuid::new_v4(),
        ticket,
        kind,
        attachments: Vec::new(),
        created_at_ms: 0,
        lang: Lang::Fr,
    };
    c.perform(&act(ActionKind::Approve { comment: None }))
        .await
        .expect("approved");
    // Guichet's own check comes first; GLPI 11 refuses too, in its words.
    let low = act(ActionKind::Rate {
        score: 2,
        comment: None,
    });
    let refused = c.perform(&low).await.expect_err("a comment is required");
    assert!(
        matches!(&refused, ConnectorError::Rejected { status: 400, .. }),
        "{refused:?}"
    );
    let nine = act(ActionKind::Rate {
        score: 9,
        comment: None,
    });
    c.perform(&nine).await.expect("rated 9 of 10");
    let detail = c.ticket_detail(ticket).await.expect("detail");
    assert_eq!(detail.survey.and_then(|s| s.score), Some(9));
}

/// A report with two screenshots (the facts name the screens) and a log file.
fn report_with_screens() -> Report {
    use guichet_core::facts::ScreenInfo;
    let screen = |name: &str, x: i32| ScreenInfo {
        name: name.into(),
        width: 1920,
        height: 1080,
        scale: 1.0,
        x,
        y: 0,
    };
    Report {
        facts: MachineFacts {
            screens: vec![screen("HDMI-1", 0), screen("DP-1", 1920)],
            ..MachineFacts::default()
        },
        attachments: vec![
            Attachment {
                name: "ecran-1.jpg".into(),
                mime: "image/jpeg".into(),
                bytes: vec![0xff, 0xd8, 0xff, 1, 2, 3],
            },
            file("journal.txt", b"ligne"),
            Attachment {
                name: "ecran-2.jpg".into(),
                mime: "image/jpeg".into(),
                bytes: vec![0xff, 0xd8, 0xff, 4, 5, 6],
            },
        ],
        ..report(Vec::new())
    }
}

#[tokio::test]
async fn screenshots_are_inline_in_the_description_and_documents_of_the_ticket() {
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let double = GlpiDouble::start(DoubleConfig::of(version)).expect("double");
        let r = report_with_screens();
        let delivery = connector(&double).create_ticket(&r).await.expect("created");
        let ticket = double.ticket(delivery.ticket).expect("ticket");
        let names: Vec<&str> = ticket
            .documents
            .iter()
            .map(|d| d.filename.as_str())
            .collect();
        assert_eq!(
            names,
            ["ecran-1.jpg", "journal.txt", "ecran-2.jpg"],
            "{version:?}"
        );
        let content = &ticket.content;
        for doc in [&ticket.documents[0], &ticket.documents[2]] {
            // As real GLPI 10.0.14 and 11.0.6 wrote it (`docs/DEPLOYMENT.md`).
            let amp = if version == GlpiVersion::V10 {
                "&"
            } else {
                "&amp;"
            };
            let img = format!(
                "src=\"/front/document.send.php?docid={}{amp}itemtype=Ticket{amp}items_id={}\"",
                doc.id, ticket.id
            );
            assert!(content.contains(&img), "{version:?}: {img} in {content}");
        }
        assert!(
            !content.contains(&format!("docid={}&", ticket.documents[1].id)),
            "{content}"
        );
        assert!(!content.contains('#'), "every tag replaced: {content}");
        // Readable with images blocked: each screen named, with its file.
        assert!(
            content.contains("Écran 1 (gauche), 1920 × 1080</strong> — ecran-1.jpg"),
            "{content}"
        );
        assert!(
            content.contains("Écran 2 (droite), 1920 × 1080</strong> — ecran-2.jpg"),
            "{content}"
        );
        assert!(!content.contains("journal.txt"), "{content}");
        // The screenshots come before the contact and machine blocks, where the technician reads.
        let shot = content.find("ecran-1.jpg").unwrap();
        assert!(
            shot < content.find("Poste de travail").unwrap(),
            "{content}"
        );
    }
}

#[tokio::test]
async fn the_ticket_ends_with_the_asset_line_and_carries_the_computer_and_entity_it_knows() {
    let double = GlpiDouble::start(DoubleConfig::glpi11()).expect("double");
    let mut config = GlpiConfig::with_user_token(TOKEN);
    config.computers.insert("salle12-pc03".into(), 42);
    config.entity = Some(3);
    let c = GlpiConnector::new(&HttpConfig::new(double.base_url(), 5, 2), &config).expect("c");
    let mut r = report(Vec::new());
    r.facts = MachineFacts {
        hostname: "SALLE12-PC03".into(),
        domain: Some("college.example.org".into()),
        serial: Some("5CG123".into()),
        uuid: Some("4C4C4544-0042".into()),
        mac_addresses: vec!["00:11:22:33:44:55".into()],
        ..MachineFacts::default()
    };
    let ticket = c.create_ticket(&r).await.expect("created").ticket;
    let stored = double.ticket(ticket).expect("ticket");
    assert!(
        stored.content.ends_with(
            "<p>Guichet-Asset: name=SALLE12-PC03; fqdn=SALLE12-PC03.college.example.org; \
             serial=5CG123; uuid=4C4C4544-0042; mac=00:11:22:33:44:55</p>"
        ),
        "{}",
        stored.content
    );
    assert_eq!(stored.items, [("Computer".to_owned(), 42)]);
    assert_eq!(stored.entity_id, 3);
    // Without IT's ids: no link, GLPI's default entity.
    let plain = connector(&double)
        .create_ticket(&report(Vec::new()))
        .await
        .expect("created");
    let stored = double.ticket(plain.ticket).expect("ticket");
    assert!(stored.items.is_empty());
    assert_eq!(stored.entity_id, 0);
}
