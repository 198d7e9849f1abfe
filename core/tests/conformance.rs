//! The connector conformance suite: one set of behaviours every help desk must show through the
//! `Connector` trait, run against the GLPI test double in both its modes (GLPI 10.0.14 and GLPI
//! 11.0.6, `shared/glpi-api.md` V and V.11) and against a real Request Tracker 5 on loopback. What a help desk cannot do, it says through its capabilities, and the check is
//! skipped for it (and said so).
//!
//! Each `Desk` plays the help desk's side: it builds the connector, and acts and looks as a
//! technician would.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::action::{ActionKind, TicketAction};
use guichet_core::clock::ManualClock;
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::connector::rt::{RtConfig, RtConnector};
use guichet_core::connector::{
    Connector, ConnectorError, SolutionStatus, TicketId, TicketStatus, TimelineKind,
};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::outbox::{Backoff, Courier, Outbox, Outcome};
use guichet_core::report::{Attachment, Report};
use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion};
use guichet_test_support::lossy::LosesFirstAnswer;
use guichet_test_support::rt;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;
use uuid::Uuid;

/// The help desk's side of a check.
trait Desk {
    fn name(&self) -> &'static str;
    fn connector(&self) -> Arc<dyn Connector>;
    /// The same help desk with credentials it refuses.
    fn refused_connector(&self) -> Arc<dyn Connector>;
    /// A technician answers on the ticket.
    fn reply(&self, id: TicketId, text: &str);
    /// A technician proposes a solution.
    fn resolve(&self, id: TicketId, text: &str);
    /// The files on the ticket, as the help desk stores them.
    fn files(&self, id: TicketId) -> Vec<(String, Vec<u8>)>;
    /// Everything written on the ticket (its messages), as text or HTML.
    fn messages(&self, id: TicketId) -> Vec<String>;
    /// How many tickets carry this report's client reference.
    fn tickets_with_reference(&self, reference: Uuid) -> usize;
    /// The ticket is open again after a refusal.
    fn reopened(&self, id: TicketId) -> bool;
    /// The help desk's own page of the ticket shows the attached image `file` in place (GLPI:
    /// in the description; RT: in the history).
    fn shows_inline(&self, id: TicketId, file: &str) -> bool;
}

struct Glpi(GlpiDouble, GlpiVersion);

impl Desk for Glpi {
    fn name(&self) -> &'static str {
        match self.1 {
            GlpiVersion::V10 => "GLPI 10 (test double)",
            GlpiVersion::V11 => "GLPI 11 (test double)",
        }
    }
    fn connector(&self) -> Arc<dyn Connector> {
        let token = "0123456789abcdef0123456789abcdef01234567";
        Arc::new(glpi(&self.0, token))
    }
    fn refused_connector(&self) -> Arc<dyn Connector> {
        Arc::new(glpi(&self.0, &"f".repeat(40)))
    }
    fn reply(&self, id: TicketId, text: &str) {
        self.0.add_tech_followup(id, text).expect("followup");
    }
    fn resolve(&self, id: TicketId, text: &str) {
        self.0.add_solution(id, text).expect("solution");
    }
    fn files(&self, id: TicketId) -> Vec<(String, Vec<u8>)> {
        let ticket = self.0.ticket(id).expect("ticket");
        ticket
            .documents
            .into_iter()
            .map(|d| (d.filename, d.bytes))
            .collect()
    }
    fn messages(&self, id: TicketId) -> Vec<String> {
        let ticket = self.0.ticket(id).expect("ticket");
        std::iter::once(ticket.content)
            .chain(ticket.followups.into_iter().map(|f| f.content))
            .chain(ticket.solutions.into_iter().map(|s| s.content))
            .collect()
    }
    fn tickets_with_reference(&self, reference: Uuid) -> usize {
        let needle = reference.to_string();
        self.0
            .tickets()
            .iter()
            .filter(|t| t.content.contains(&needle))
            .count()
    }
    fn reopened(&self, id: TicketId) -> bool {
        matches!(self.0.ticket(id).expect("ticket").status, 1 | 2)
    }
    fn shows_inline(&self, id: TicketId, file: &str) -> bool {
        let ticket = self.0.ticket(id).expect("ticket");
        ticket.documents.iter().any(|d| {
            d.filename == file
                && ticket
                    .content
                    .contains(&format!("document.send.php?docid={}&", d.id))
        })
    }
}

fn glpi(double: &GlpiDouble, token: &str) -> GlpiConnector {
    GlpiConnector::new(
        &HttpConfig::new(double.base_url(), 10, 2),
        &GlpiConfig::with_user_token(token),
    )
    .expect("connector")
}

struct Rt(rt::RtServer);

impl Rt {
    fn config(&self, token: &str) -> RtConfig {
        RtConfig {
            token: token.to_owned(),
            queue: "General".into(),
            requestor: self.0.requestor.clone(),
            idempotency_field: "IdempotencyKey".into(),
            acceptance_field: Some("Accepted".into()),
            satisfaction_field: Some("Satisfaction".into()),
        }
    }

    fn with(&self, config: &RtConfig) -> Arc<dyn Connector> {
        let http = HttpConfig::new(self.0.url.clone(), 20, 2);
        Arc::new(RtConnector::new(&http, config).expect("connector"))
    }
}

impl Desk for Rt {
    fn name(&self) -> &'static str {
        "Request Tracker 5"
    }
    fn connector(&self) -> Arc<dyn Connector> {
        self.with(&self.config(&self.0.requestor_token))
    }
    fn refused_connector(&self) -> Arc<dyn Connector> {
        self.with(&self.config("1-99-0000000000000000000000000000000"))
    }
    fn reply(&self, id: TicketId, text: &str) {
        self.0.reply(id, text);
    }
    fn resolve(&self, id: TicketId, text: &str) {
        self.0.resolve(id, text);
    }
    fn files(&self, id: TicketId) -> Vec<(String, Vec<u8>)> {
        self.0.files(id)
    }
    fn messages(&self, id: TicketId) -> Vec<String> {
        self.0.messages(id)
    }
    fn tickets_with_reference(&self, reference: Uuid) -> usize {
        self.0.tickets_with_key(&reference.to_string()).len()
    }
    fn reopened(&self, id: TicketId) -> bool {
        matches!(self.0.status(id).as_str(), "open" | "new")
    }
    fn shows_inline(&self, id: TicketId, file: &str) -> bool {
        // RT shows a transaction's image attachments in the history (`ShowTransactionImages`).
        self.0
            .history_page(id)
            .split("<img")
            .skip(1)
            .any(|tag| tag.split('>').next().is_some_and(|t| t.contains(file)))
    }
}

fn report(subject: &str, files: Vec<Attachment>) -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: 0,
        lang: Lang::Fr,
        subject: subject.into(),
        description: "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin.".into(),
        category: None,
        phone: guichet_core::phone::parse("01 23 45 67 89"),
        location: Some("Salle 12".into()),
        facts: MachineFacts::default(),
        attachments: files,
    }
}

/// Bytes no text layer would keep as they are.
fn binary(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn action(ticket: TicketId, kind: ActionKind, attachments: Vec<Attachment>) -> TicketAction {
    TicketAction {
        id: Uuid::new_v4(),
        ticket,
        kind,
        attachments,
        created_at_ms: 0,
        lang: Lang::Fr,
    }
}

/// The stamps of a few help desks have a resolution of one second: a change must come later.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

async fn creates_with_files_byte_exact(desk: &dyn Desk) -> TicketId {
    let c = desk.connector();
    let files = vec![
        Attachment {
            name: "ecran-1.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: binary(70_000, 3),
        },
        Attachment {
            name: "journal.txt".into(),
            mime: "text/plain".into(),
            bytes: "ligne 1\nligne 2 é\n".into(),
        },
    ];
    let r = report("Vidéoprojecteur <salle 12>", files.clone());
    let delivery = c.create_ticket(&r).await.expect("created");
    assert!(delivery.rejected.is_empty(), "{delivery:?}");
    let mut stored = desk.files(delivery.ticket);
    stored.sort();
    let mut sent: Vec<_> = files.into_iter().map(|f| (f.name, f.bytes)).collect();
    sent.sort();
    assert_eq!(stored, sent, "{}: files byte-exact", desk.name());
    let mine = c.my_tickets().await.expect("my tickets");
    let listed = mine
        .iter()
        .find(|t| t.id == delivery.ticket)
        .expect("listed");
    assert_eq!(listed.subject, "Vidéoprojecteur <salle 12>");
    assert_eq!(listed.status, TicketStatus::New);
    assert!(listed.updated_at_ms.is_some(), "a readable date");
    let detail = c.ticket_detail(delivery.ticket).await.expect("detail");
    assert!(
        detail.description_html.contains("vidéoprojecteur"),
        "{}",
        detail.description_html
    );
    assert_eq!(detail.documents.len(), 2);
    delivery.ticket
}

async fn a_lost_answer_is_found_not_repeated(desk: &dyn Desk) {
    let lossy = Arc::new(LosesFirstAnswer::new(desk.connector()));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("outbox");
    let r = report("Imprimante", Vec::new());
    outbox.enqueue(&r, 0).expect("enqueue");
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 08:00 UTC)));
    let courier = Courier::new(Some(lossy), clock.clone(), Backoff::default());
    let first = courier.deliver(&outbox, r.id).await.expect("first");
    assert!(matches!(first, Outcome::Waiting { .. }), "{first:?}");
    let early = courier.deliver(&outbox, r.id).await.expect("early");
    assert!(matches!(early, Outcome::Settling { .. }), "{early:?}");
    // Once the lost attempt has settled at the help desk, the search finds its ticket.
    clock.advance(guichet_core::outbox::DEFAULT_SETTLE);
    let second = courier.deliver(&outbox, r.id).await.expect("second");
    assert!(matches!(second, Outcome::Sent(_)), "{second:?}");
    assert_eq!(
        desk.tickets_with_reference(r.id),
        1,
        "{}: found by its reference, not created again",
        desk.name()
    );
}

async fn one_request_sees_every_ticket(desk: &dyn Desk, a: TicketId) {
    let c = desk.connector();
    let b = c
        .create_ticket(&report("Wi-Fi salle 3", Vec::new()))
        .await
        .expect("second ticket")
        .ticket;
    let before = c.ticket_states(&[a, b]).await.expect("states");
    assert_eq!(before.len(), 2, "{before:?}");
    next_second().await;
    desk.reply(a, "Nous passons cet après-midi.");
    let after = c.ticket_states(&[a, b]).await.expect("states");
    let stamp = |states: &[guichet_core::connector::TicketState], id| {
        states.iter().find(|s| s.id == id).map(|s| s.stamp.clone())
    };
    assert_ne!(stamp(&before, a), stamp(&after, a), "a's stamp moved");
    assert_eq!(stamp(&before, b), stamp(&after, b), "b's did not");
    let detail = c.ticket_detail(a).await.expect("detail");
    let reply = detail
        .timeline
        .iter()
        .find(|e| e.kind == TimelineKind::Followup && !e.by_me)
        .expect("the technician's reply");
    assert!(reply.html.contains("cet après-midi"), "{}", reply.html);
    assert!(reply.at_ms.is_some());
}

async fn followups_carry_files_once(desk: &dyn Desk, id: TicketId) {
    let c = desk.connector();
    let file = Attachment {
        name: "photo.png".into(),
        mime: "image/png".into(),
        bytes: binary(5_000, 9),
    };
    let more = action(
        id,
        ActionKind::Followup {
            message: "Le voyant clignote en orange.".into(),
        },
        vec![file.clone()],
    );
    assert!(!c.find_performed(&more).await.expect("lookup"), "not yet");
    let refused = c.perform(&more).await.expect("followup");
    assert!(refused.is_empty(), "{refused:?}");
    assert!(c.find_performed(&more).await.expect("lookup"), "found");
    assert!(desk
        .messages(id)
        .iter()
        .any(|m| m.contains("voyant clignote")));
    assert!(desk.files(id).contains(&(file.name, file.bytes)));
}

async fn a_refusal_reopens_with_its_reason(desk: &dyn Desk, id: TicketId) {
    let c = desk.connector();
    next_second().await;
    desk.resolve(id, "Lampe changée.");
    let solved = c.ticket_detail(id).await.expect("detail");
    assert_eq!(solved.status, TicketStatus::Solved, "{}", desk.name());
    let solution = solved.waiting_solution().expect("a solution waits");
    assert!(solution.html.contains("Lampe changée"), "{}", solution.html);
    let refuse = action(
        id,
        ActionKind::Refuse {
            reason: "L'image est toujours floue.".into(),
        },
        Vec::new(),
    );
    c.perform(&refuse).await.expect("refused");
    assert!(desk.reopened(id), "{}: reopened", desk.name());
    assert!(desk
        .messages(id)
        .iter()
        .any(|m| m.contains("toujours floue")));
    let detail = c.ticket_detail(id).await.expect("detail");
    assert_ne!(detail.status, TicketStatus::Solved);
    assert_eq!(
        detail.latest_solution().and_then(|s| s.solution_status),
        Some(SolutionStatus::Refused)
    );
    assert_eq!(
        c.effect(&refuse.kind).solution,
        Some(SolutionStatus::Refused)
    );
}

/// How many of the ticket's messages carry `action`'s reference.
fn written(desk: &dyn Desk, action: &TicketAction) -> usize {
    let reference = action.id.to_string();
    desk.messages(action.ticket)
        .iter()
        .filter(|m| m.contains(&reference))
        .count()
}

/// `action` performed through the outbox by a connector that loses its first answer: the second
/// attempt asks the help desk, finds it done, and does not do it again.
async fn perform_losing_the_answer(desk: &dyn Desk, action: &TicketAction) {
    let lossy = Arc::new(LosesFirstAnswer::new(desk.connector()));
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path(), Duration::ZERO).expect("outbox");
    outbox.enqueue(action, 0).expect("enqueue");
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-01 08:00 UTC)));
    let courier = Courier::new(Some(lossy), clock.clone(), Backoff::default());
    let first = courier.perform(&outbox, action.id).await.expect("first");
    assert!(matches!(first, Outcome::Waiting { .. }), "{first:?}");
    clock.advance(guichet_core::outbox::DEFAULT_SETTLE);
    let second = courier.perform(&outbox, action.id).await.expect("second");
    assert!(
        matches!(second, Outcome::Sent(_)),
        "{}: {second:?}",
        desk.name()
    );
}

async fn an_approval_closes_and_the_survey_takes_a_score(desk: &dyn Desk, id: TicketId) {
    let c = desk.connector();
    next_second().await;
    desk.resolve(id, "Câble HDMI remplacé.");
    let approve = action(
        id,
        ActionKind::Approve {
            comment: Some("Merci, tout fonctionne.".into()),
        },
        Vec::new(),
    );
    perform_losing_the_answer(desk, &approve).await;
    assert!(
        c.find_performed(&approve).await.expect("lookup"),
        "{}",
        desk.name()
    );
    assert_eq!(written(desk, &approve), 1, "{}: approved once", desk.name());
    let detail = c.ticket_detail(id).await.expect("detail");
    assert_eq!(detail.status, TicketStatus::Closed, "{}", desk.name());
    assert_eq!(
        detail.latest_solution().and_then(|s| s.solution_status),
        Some(SolutionStatus::Accepted)
    );
    if !c.capabilities().satisfaction_survey {
        eprintln!("{}: no satisfaction survey (capabilities)", desk.name());
        return;
    }
    assert!(detail.survey_open(), "{}: a survey waits", desk.name());
    let rate = action(
        id,
        ActionKind::Rate {
            score: 4,
            comment: Some("Rapide.".into()),
        },
        Vec::new(),
    );
    perform_losing_the_answer(desk, &rate).await;
    // A help desk with a survey of its own (GLPI) writes no message for a rating.
    assert!(written(desk, &rate) <= 1, "{}: rated once", desk.name());
    let detail = c.ticket_detail(id).await.expect("detail");
    assert_eq!(detail.survey.and_then(|s| s.score), Some(4));
}

async fn a_screenshot_is_shown_inline(desk: &dyn Desk) {
    use guichet_core::facts::ScreenInfo;
    let mut r = report(
        "Écran figé",
        vec![Attachment {
            name: "ecran-1.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: binary(20_000, 5),
        }],
    );
    r.facts.screens = vec![ScreenInfo {
        name: "HDMI-1".into(),
        width: 1920,
        height: 1080,
        scale: 1.0,
        x: 0,
        y: 0,
    }];
    let delivery = desk.connector().create_ticket(&r).await.expect("created");
    assert!(delivery.rejected.is_empty(), "{delivery:?}");
    assert!(
        desk.shows_inline(delivery.ticket, "ecran-1.jpg"),
        "{}: the screenshot is shown in place",
        desk.name()
    );
    assert!(
        desk.messages(delivery.ticket)
            .iter()
            .any(|m| m.contains("Écran 1, 1920 × 1080") && m.contains("ecran-1.jpg")),
        "{}: named in the description, for when images are blocked",
        desk.name()
    );
    assert!(desk
        .files(delivery.ticket)
        .iter()
        .any(|(n, _)| n == "ecran-1.jpg"));
}

async fn bad_credentials_are_permanent(desk: &dyn Desk) {
    let err = desk
        .refused_connector()
        .my_tickets()
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ConnectorError::Unauthorized { .. }),
        "{}: {err:?}",
        desk.name()
    );
    assert!(!err.is_transient());
}

/// Every behaviour, in order, against one help desk.
async fn conforms(desk: &dyn Desk) {
    let first = creates_with_files_byte_exact(desk).await;
    a_lost_answer_is_found_not_repeated(desk).await;
    one_request_sees_every_ticket(desk, first).await;
    followups_carry_files_once(desk, first).await;
    a_refusal_reopens_with_its_reason(desk, first).await;
    an_approval_closes_and_the_survey_takes_a_score(desk, first).await;
    a_screenshot_is_shown_inline(desk).await;
    bad_credentials_are_permanent(desk).await;
}

async fn glpi_conforms(version: GlpiVersion) {
    let double = GlpiDouble::start(DoubleConfig::of(version)).expect("double");
    double.enable_surveys(true);
    conforms(&Glpi(double, version)).await;
}

#[tokio::test]
async fn the_glpi_connector_conforms_on_glpi_10() {
    glpi_conforms(GlpiVersion::V10).await;
}

#[tokio::test]
async fn the_glpi_connector_conforms_on_glpi_11() {
    glpi_conforms(GlpiVersion::V11).await;
}

#[tokio::test]
async fn the_rt_connector_conforms_against_a_real_request_tracker() {
    let Some(server) = rt::RtServer::start() else {
        return;
    };
    server.assert_answers_in_french();
    conforms(&Rt(server)).await;
}
