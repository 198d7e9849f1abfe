//! The help desk's address answered by something that is not GLPI: a Wi-Fi login portal, a
//! filtering proxy, a misrouted URL, answers of the wrong shape. Every call of the connector
//! must end in a clear error, never a panic, and the error must be one that is retried later
//! (a portal goes away once someone logs in; nobody should have to retry a report by hand
//! because a proxy said 403 once). GLPI's own refusals stay permanent: see
//! `glpi_connector.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::action::{ActionKind, TicketAction};
use guichet_core::config::HttpConfig;
use guichet_core::connector::glpi::{GlpiConfig, GlpiConnector, MAX_ANSWER_BYTES};
use guichet_core::connector::{Connector, ConnectorError};
use guichet_core::i18n::Lang;
use guichet_core::report::{Attachment, Report};
use guichet_test_support::not_glpi::{Answer, NotGlpi};
use uuid::Uuid;

const PORTAL: &str = "<!DOCTYPE html><html><head><title>Connexion</title></head><body>\
    <h1>Connexion au Wi-Fi de l'établissement</h1><form method=post><input name=login>\
    </form></body></html>";

fn connector(server: &NotGlpi) -> GlpiConnector {
    GlpiConnector::new(
        &HttpConfig::new(server.base_url(), 5, 2),
        &GlpiConfig::with_user_token("0123456789abcdef0123456789abcdef01234567"),
    )
    .expect("connector")
}

fn report() -> Report {
    Report {
        id: Uuid::new_v4(),
        created_at_ms: 0,
        lang: Lang::Fr,
        subject: "Imprimante salle 12".into(),
        description: "L'imprimante de la salle 12 affiche un bourrage papier.".into(),
        category: None,
        phone: None,
        location: None,
        facts: Default::default(),
        attachments: vec![Attachment {
            name: "photo.png".into(),
            mime: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G'],
        }],
    }
}

fn followup() -> TicketAction {
    TicketAction {
        id: Uuid::new_v4(),
        ticket: 7,
        kind: ActionKind::Followup {
            message: "Toujours en panne ce matin.".into(),
        },
        attachments: Vec::new(),
        created_at_ms: 0,
        lang: Lang::Fr,
    }
}

/// Every call of the connector: none panics, and each error is worth retrying. With `must_fail`,
/// every call must fail; otherwise an answer that the contract allows (an empty list) may pass.
async fn every_call(server: &NotGlpi, what: &str, must_fail: bool) {
    let c = connector(server);
    let report = report();
    let results: Vec<(&str, Result<(), ConnectorError>)> = vec![
        ("categories", c.categories().await.map(drop)),
        ("create_ticket", c.create_ticket(&report).await.map(drop)),
        ("find_delivered", c.find_delivered(&report).await.map(drop)),
        ("my_tickets", c.my_tickets().await.map(drop)),
        ("ticket_states", c.ticket_states(&[7, 8]).await.map(drop)),
        ("ticket_detail", c.ticket_detail(7).await.map(drop)),
        ("perform", c.perform(&followup()).await.map(drop)),
        (
            "find_performed",
            c.find_performed(&followup()).await.map(drop),
        ),
    ];
    for (call, result) in results {
        let e = match result {
            Err(e) => e,
            Ok(()) if !must_fail => continue,
            Ok(()) => panic!("{what}: {call} cannot succeed"),
        };
        assert!(
            e.is_transient(),
            "{what}: {call} gave a permanent error: {e}"
        );
        let text = e.message(Lang::En);
        assert!(
            !text.is_empty() && text.len() < 600,
            "{what}: {call}: {text:?}"
        );
    }
    assert!(server.requests() > 0, "{what}: the connector asked nothing");
}

#[tokio::test]
async fn a_login_portal_a_proxy_or_a_wrong_url_is_retried_later_never_a_panic() {
    let cases: Vec<(&str, Answer)> = vec![
        (
            "a login portal's page",
            Answer::new(200, "text/html", PORTAL),
        ),
        (
            "a portal that asks to log in",
            Answer::new(401, "text/html", PORTAL),
        ),
        (
            "a filtering proxy",
            Answer::new(403, "text/html", "<h1>Accès refusé par le filtre</h1>"),
        ),
        (
            "a proxy that wants credentials",
            Answer::new(407, "text/html", "<h1>Proxy Authentication Required</h1>"),
        ),
        (
            "a misrouted URL",
            Answer::new(404, "text/html", "<h1>Not Found</h1>"),
        ),
        (
            "a busy front end",
            Answer::new(429, "text/plain", "slow down"),
        ),
        ("an empty answer", Answer::new(200, "application/json", "")),
        (
            "truncated JSON",
            Answer::new(200, "application/json", r#"{"session_token":"ab"#),
        ),
        (
            "JSON of another shape",
            Answer::new(
                200,
                "application/json",
                r#"{"session_token":42,"session":[]}"#,
            ),
        ),
        (
            "binary noise",
            Answer {
                status: 200,
                content_type: "application/octet-stream",
                body: (0..=255u8).cycle().take(4096).collect(),
                until_close: false,
            },
        ),
    ];
    for (what, answer) in cases {
        let server = NotGlpi::start(move |_, _| answer.clone());
        every_call(&server, what, true).await;
    }

    // The user is told what is likely in the way, in their language, as for being offline.
    let portal = NotGlpi::start(|_, _| Answer::new(200, "text/html", PORTAL));
    let e = connector(&portal)
        .create_ticket(&report())
        .await
        .unwrap_err();
    assert!(
        matches!(e, ConnectorError::NotHelpDesk { status: 200, .. }),
        "{e:?}"
    );
    assert_eq!(e.code(), guichet_core::protocol::ErrorCode::Offline);
    let text = e.message(Lang::Fr);
    assert!(
        text.contains("Wi-Fi") && text.contains("réessaiera"),
        "{text}"
    );
}

#[tokio::test]
async fn after_a_good_session_answers_of_the_wrong_shape_never_panic() {
    // GLPI opens the session; then every other answer is JSON of a shape GLPI does not send
    // for that call (or, for some calls, one the contract reads as "nothing").
    let shapes = [
        r#"{"unexpected":true}"#,
        r#"[{"id":"seven","content":null,"status":"x"},17,null]"#,
        r#"{"data":"not a list","totalcount":"many"}"#,
        r#"{"data":[{"2":"x","12":[],"19":{}}],"totalcount":1}"#,
        "null",
        r#""a string""#,
        "-1e999",
    ];
    for shape in shapes {
        let server = NotGlpi::start(move |_, path| {
            if path.ends_with("/initSession") {
                Answer::new(
                    200,
                    "application/json",
                    r#"{"session_token":"abc","session":{"glpiID":7}}"#,
                )
            } else {
                Answer::new(200, "application/json", shape)
            }
        });
        every_call(&server, shape, false).await;
    }
}

#[tokio::test]
async fn an_endless_answer_is_cut_off_not_held_in_memory() {
    let huge = MAX_ANSWER_BYTES + 1024 * 1024;
    for until_close in [false, true] {
        let server = NotGlpi::start(move |_, _| Answer {
            status: 200,
            content_type: "application/json",
            body: vec![b' '; huge],
            until_close,
        });
        let e = connector(&server).my_tickets().await.unwrap_err();
        assert!(
            matches!(e, ConnectorError::Protocol { ref detail } if detail.contains("larger than 16 MiB")),
            "announced length: {}: {e:?}",
            !until_close
        );
        assert!(e.is_transient());
    }
}
