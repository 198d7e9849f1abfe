//! The GLPI connector against the GLPI test double (which follows `glpi-api.md` section V).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::config::HttpConfig;
use guichet_core::connector::categories::{self, CategorySource};
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector};
use guichet_core::connector::{Connector, ConnectorError};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::report::{Attachment, Category, Report};
use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble};
use uuid::Uuid;

const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

fn server(double: &GlpiDouble) -> (HttpConfig, GlpiConfig) {
    server_at(double.base_url())
}

fn server_at(url: String) -> (HttpConfig, GlpiConfig) {
    (
        HttpConfig::new(url, 5, 2),
        GlpiConfig::with_user_token(TOKEN),
    )
}

fn connector(double: &GlpiDouble) -> GlpiConnector {
    let (http, glpi) = server(double);
    GlpiConnector::new(&http, &glpi).expect("connector")
}

fn report(attachments: Vec<Attachment>) -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: 0,
        lang: Lang::Fr,
        subject: "Vidéoprojecteur <salle 12> & son".into(),
        description: "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin.".into(),
        category: Some(Category {
            id: 2,
            name: "Réseau".into(),
        }),
        phone: None,
        location: Some("Salle 12".into()),
        facts: MachineFacts {
            hostname: "SALLE12-PC03".into(),
            ..MachineFacts::default()
        },
        attachments,
    }
}

fn file(name: &str, mime: &str, bytes: Vec<u8>) -> Attachment {
    Attachment {
        name: name.into(),
        mime: mime.into(),
        bytes,
    }
}

fn init_sessions(double: &GlpiDouble) -> usize {
    double
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("initSession"))
        .count()
}

#[tokio::test]
async fn happy_path_creates_the_ticket_with_requester_category_and_files() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let png: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let r = report(vec![
        file("capture.png", "image/png", png.clone()),
        file("notes.txt", "text/plain", b"salle 12".to_vec()),
    ]);
    let delivery = connector(&double).create_ticket(&r).await.expect("created");
    assert!(delivery.rejected.is_empty(), "{:?}", delivery.rejected);

    let ticket = double
        .ticket(delivery.ticket)
        .expect("ticket on the double");
    assert_eq!(ticket.name, r.subject, "the subject arrives as typed");
    assert_eq!(
        ticket.stored_name,
        "Vidéoprojecteur &#60;salle 12&#62; &#38; son"
    );
    assert_eq!(
        ticket.requester_ids,
        vec![7],
        "_users_id_requester is the caller's glpiID"
    );
    assert_eq!(ticket.category_id, 2);
    assert!(ticket.content.contains(&r.id.to_string()));
    assert!(ticket.content.contains("SALLE12-PC03"));
    let docs: Vec<(&str, &[u8])> = ticket
        .documents
        .iter()
        .map(|d| (d.filename.as_str(), d.bytes.as_slice()))
        .collect();
    assert_eq!(
        docs,
        vec![
            ("capture.png", png.as_slice()),
            ("notes.txt", b"salle 12".as_slice())
        ]
    );
    // One multipart request created ticket and documents.
    let posts: Vec<_> = double
        .requests()
        .into_iter()
        .filter(|q| q.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].path, "/Ticket");
}

#[tokio::test]
async fn login_password_and_app_token_open_a_session() {
    let double = GlpiDouble::start(DoubleConfig {
        app_token: Some("apptok".into()),
        ..DoubleConfig::default()
    })
    .expect("double");
    let (http, mut config) = server(&double);
    config.user_token = None;
    config.login = Some("prof".into());
    config.password = Some("secret".into());
    config.app_token = Some("apptok".into());
    let delivery = GlpiConnector::new(&http, &config)
        .expect("connector")
        .create_ticket(&report(vec![]))
        .await
        .expect("created");
    assert_eq!(
        double
            .ticket(delivery.ticket)
            .expect("ticket")
            .requester_ids,
        vec![7]
    );

    config.app_token = None;
    let err = GlpiConnector::new(&http, &config)
        .expect("connector")
        .create_ticket(&report(vec![]))
        .await
        .expect_err("no app token");
    assert!(
        matches!(err, ConnectorError::Unauthorized { ref code, .. } if code.starts_with("ERROR_APP_TOKEN") || code == "ERROR_WRONG_APP_TOKEN_PARAMETER"),
        "{err:?}"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn bad_credentials_are_a_permanent_typed_error() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let (http, mut config) = server(&double);
    config.user_token = Some("f".repeat(40));
    let err = GlpiConnector::new(&http, &config)
        .expect("connector")
        .create_ticket(&report(vec![]))
        .await
        .expect_err("bad token");
    assert_eq!(
        err,
        ConnectorError::Unauthorized {
            code: "ERROR_GLPI_LOGIN_USER_TOKEN".into(),
            message: "parameter user_token seems invalid".into()
        }
    );
    assert_eq!(err.code(), guichet_core::protocol::ErrorCode::Unauthorized);
    assert!(double.tickets().is_empty());
}

#[tokio::test]
async fn an_expired_session_is_reopened_exactly_once() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = connector(&double);
    glpi.my_tickets().await.expect("first call opens a session");
    assert_eq!(init_sessions(&double), 1);

    double.expire_sessions();
    let delivery = glpi
        .create_ticket(&report(vec![file("a.txt", "text/plain", b"a".to_vec())]))
        .await
        .expect("created after re-login");
    assert_eq!(init_sessions(&double), 2, "one re-login");
    assert_eq!(double.tickets().len(), 1);
    assert_eq!(
        double
            .ticket(delivery.ticket)
            .expect("ticket")
            .documents
            .len(),
        1,
        "the multipart body was rebuilt for the retry"
    );

    // Expired again on the retry itself: a transient error surfaces instead of looping.
    // (The second fault lands on initSession, which still succeeds: it opens a new session.)
    for _ in 0..3 {
        double.push_fault(Fault::ExpireSession);
    }
    let err = glpi.my_tickets().await.expect_err("expired twice");
    assert!(
        matches!(err, ConnectorError::Protocol { .. }) && err.is_transient(),
        "{err:?}"
    );
    assert_eq!(
        init_sessions(&double),
        3,
        "still only one re-login per call"
    );
}

#[tokio::test]
async fn a_file_rejected_inside_a_201_is_reported_not_taken_as_success() {
    let double = GlpiDouble::start(DoubleConfig {
        document_max_size_mib: 1,
        ..DoubleConfig::default()
    })
    .expect("double");
    let r = report(vec![
        file("ok.txt", "text/plain", b"fine".to_vec()),
        file("huge.pdf", "application/pdf", vec![7; 1024 * 1024 + 10]),
        file("photo.webp", "image/webp", vec![1, 2, 3]),
    ]);
    let delivery = connector(&double)
        .create_ticket(&r)
        .await
        .expect("ticket still created");
    let rejected: Vec<(&str, &str)> = delivery
        .rejected
        .iter()
        .map(|f| (f.name.as_str(), f.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            ("huge.pdf", "File is too big"),
            ("photo.webp", "Filetype not allowed")
        ]
    );
    let ticket = double.ticket(delivery.ticket).expect("ticket");
    assert_eq!(
        ticket
            .documents
            .iter()
            .map(|d| d.filename.as_str())
            .collect::<Vec<_>>(),
        vec!["ok.txt"]
    );
}

#[tokio::test]
async fn categories_403_falls_back_to_configuration_and_admin_lists_are_cached() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = connector(&double);
    let err = glpi
        .categories()
        .await
        .expect_err("self-service cannot read categories");
    assert!(
        matches!(err, ConnectorError::Rejected { status: 403, ref code, .. } if code == "ERROR_RIGHT_MISSING"),
        "{err:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let configured = vec![Category {
        id: 9,
        name: "Autre".into(),
    }];
    let list = categories::load(Some(&glpi), &configured, dir.path()).await;
    assert_eq!(
        (list.source, list.categories.clone()),
        (CategorySource::Configuration, configured.clone())
    );

    // A read-only account IT configured may read them: the list is cached for offline use.
    let (http, mut admin) = server(&double);
    admin.user_token = Some("a".repeat(40));
    let admin = GlpiConnector::new(&http, &admin).expect("connector");
    let list = categories::load(Some(&admin), &configured, dir.path()).await;
    assert_eq!(list.source, CategorySource::HelpDesk);
    assert!(
        list.categories
            .iter()
            .any(|c| c.name == "Matériel > Imprimante"),
        "{:?}",
        list.categories
    );
    drop(double);
    let offline = categories::load(Some(&admin), &configured, dir.path()).await;
    assert_eq!(offline.source, CategorySource::Cache);
    assert_eq!(offline.categories, list.categories);
}

#[tokio::test]
async fn search_by_client_id_finds_the_ticket_or_nothing() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = connector(&double);
    let r = report(vec![file("a.txt", "text/plain", b"a".to_vec())]);
    assert_eq!(
        glpi.find_delivered(&r).await.expect("search"),
        None,
        "no match: data absent"
    );
    let created = glpi.create_ticket(&r).await.expect("created");
    let found = glpi
        .find_delivered(&r)
        .await
        .expect("search")
        .expect("found");
    assert_eq!(found, created);
    assert_eq!(
        glpi.find_delivered(&report(vec![])).await.expect("search"),
        None
    );
}

#[tokio::test]
async fn my_tickets_lists_number_subject_and_status() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = connector(&double);
    let first = glpi
        .create_ticket(&report(vec![]))
        .await
        .expect("created")
        .ticket;
    let second = glpi
        .create_ticket(&report(vec![]))
        .await
        .expect("created")
        .ticket;
    double
        .add_solution(first, "Lampe changée")
        .expect("solution");
    let tickets = glpi.my_tickets().await.expect("list");
    let summary: Vec<_> = tickets.iter().map(|t| (t.id, t.status)).collect();
    use guichet_core::connector::TicketStatus::*;
    assert_eq!(summary, vec![(second, New), (first, Solved)]);
    assert_eq!(tickets[0].subject, "Vidéoprojecteur <salle 12> & son");
}

#[tokio::test]
async fn server_errors_and_resets_are_transient() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = connector(&double);
    double.push_fault(Fault::ServerError);
    let err = glpi.my_tickets().await.expect_err("5xx");
    assert!(
        matches!(err, ConnectorError::Server { .. }) && err.is_transient(),
        "{err:?}"
    );
    glpi.my_tickets().await.expect("opens a session");
    double.push_fault(Fault::Reset);
    let err = glpi.my_tickets().await.expect_err("reset");
    assert!(matches!(err, ConnectorError::Unreachable { .. }), "{err:?}");
    assert!(err.answer_lost(), "the request was sent: {err:?}");
    let addr = double.addr();
    drop(double);
    let (http, config) = server_at(format!("http://{addr}/apirest.php"));
    let err = GlpiConnector::new(&http, &config)
        .expect("connector")
        .my_tickets()
        .await
        .expect_err("nobody listens");
    // No connection was made: nothing was sent, so nothing can have been created meanwhile.
    assert!(
        matches!(err, ConnectorError::NotConnected { .. }),
        "{err:?}"
    );
    assert!(err.is_transient() && !err.answer_lost(), "{err:?}");
}
