//! The follow-up loop against the GLPI double: the poller's requests, its notices and their
//! de-duplication across restarts, and every action (followup, approve, refuse, rate), also
//! offline and exactly once.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::action::{ActionInput, ActionKind};
use guichet_core::api::{ApiError, Guichet};
use guichet_core::clock::{Clock, ManualClock, SystemClock};
use guichet_core::config::{Config, HttpConfig, ServerConfig};
use guichet_core::connector::glpi::GlpiConfig;
use guichet_core::connector::{SolutionStatus, TicketStatus, TimelineKind};
use guichet_core::follow::{poll_stored, NoticeKind};
use guichet_core::protocol::view::SubmitOutcome;
use guichet_core::protocol::ErrorCode;
use guichet_core::report::ReportInput;
use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble};
use std::path::Path;
use std::sync::Arc;

const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";
/// The double's default requester (`prof`).
const REQUESTER: u64 = 7;

fn guichet(url: &str, data: &Path) -> Guichet {
    guichet_on(url, data, Arc::new(SystemClock))
}

/// [`guichet`] on `clock`.
fn guichet_on(url: &str, data: &Path, clock: Arc<dyn Clock>) -> Guichet {
    let config = Config {
        server: Some(ServerConfig::glpi(
            HttpConfig::new(url, 5, 2),
            GlpiConfig::with_user_token(TOKEN),
        )),
        ..Config::default()
    };
    Guichet::new(config, data.to_owned(), clock).unwrap()
}

async fn file_ticket(g: &Guichet) -> u64 {
    let input = ReportInput {
        subject: "Imprimante <salle 12>".into(),
        description: "L'imprimante de la salle 12 affiche un bourrage papier permanent.".into(),
        ..ReportInput::default()
    };
    let report = g.build_report(&input, Vec::new(), Vec::new()).unwrap();
    match g.submit(report).await.unwrap() {
        SubmitOutcome::Sent { ticket, .. } => ticket,
        other => panic!("not sent: {other:?}"),
    }
}

fn input(ticket: u64, kind: ActionKind) -> ActionInput {
    ActionInput {
        ticket,
        kind,
        attachments: Vec::new(),
        confirmed: false,
    }
}

async fn act(g: &Guichet, input: ActionInput) -> SubmitOutcome {
    let action = g.build_action(&input).unwrap();
    g.act(action).await.unwrap()
}

async fn poll(g: &Guichet) -> Vec<NoticeKind> {
    let poller = g.poller().unwrap();
    let (notices, _) = poll_stored(&poller, g.follow_store(), g.clock().now())
        .await
        .unwrap();
    notices.into_iter().map(|n| n.kind).collect()
}

fn requests_since(double: &GlpiDouble, before: usize) -> Vec<String> {
    double.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn nothing_open_means_no_request_and_one_search_checks_every_open_ticket() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let before = double.requests().len();
    assert!(poll(&g).await.is_empty());
    assert!(
        requests_since(&double, before).is_empty(),
        "no open ticket: no request"
    );

    let a = file_ticket(&g).await;
    let b = file_ticket(&g).await;
    assert_eq!(
        g.follow_state().tickets.keys().copied().collect::<Vec<_>>(),
        vec![a, b]
    );
    // First check: both stamps are new, so one search and one detail fetch each.
    poll(&g).await;
    // Nothing changed since: exactly one request, the search.
    let before = double.requests().len();
    assert!(poll(&g).await.is_empty());
    let sent = requests_since(&double, before);
    assert_eq!(sent, vec!["GET /search/Ticket".to_owned()], "{sent:?}");
    let query = double.requests().last().unwrap().query.clone();
    for wanted in ["forcedisplay%5B0%5D=12", "forcedisplay%5B1%5D=19", "OR"] {
        assert!(query.contains(wanted), "{wanted} missing from {query}");
    }
}

#[tokio::test]
async fn a_solution_is_announced_once_even_across_restarts_and_approving_closes() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let ticket = file_ticket(&g).await;
    assert!(poll(&g).await.is_empty(), "a new ticket is no news");

    double
        .add_tech_followup(ticket, "Je passe à 14 h.")
        .unwrap();
    assert_eq!(poll(&g).await.len(), 1);
    let solution = double
        .add_solution(ticket, "Rouleau d'entraînement remplacé.")
        .unwrap();
    assert_eq!(
        poll(&g).await,
        vec![NoticeKind::Solved { solution }],
        "the technician's solution makes the poller say solved"
    );
    assert!(poll(&g).await.is_empty(), "said once");
    let restarted = guichet(&double.base_url(), data.path());
    assert!(
        poll(&restarted).await.is_empty(),
        "not again after a restart"
    );
    assert_eq!(restarted.follow_state().unread.len(), 2);

    let detail = restarted.ticket(ticket).await.unwrap();
    assert_eq!(detail.status, TicketStatus::Solved);
    let waiting = detail.waiting_solution().expect("a waiting solution");
    assert_eq!(waiting.kind, TimelineKind::Solution);
    assert!(waiting.html.contains("Rouleau"));
    assert!(
        restarted.follow_state().unread.is_empty(),
        "opening the ticket reads its notices"
    );

    let outcome = act(
        &restarted,
        input(
            ticket,
            ActionKind::Approve {
                comment: Some("Merci, tout fonctionne.".into()),
            },
        ),
    )
    .await;
    assert!(matches!(outcome, SubmitOutcome::Sent { .. }), "{outcome:?}");
    let on_server = double.ticket(ticket).unwrap();
    assert_eq!(on_server.status, 6, "approved: closed");
    assert_eq!(on_server.solutions.last().unwrap().status, 3, "accepted");
    assert!(
        poll(&restarted).await.is_empty(),
        "one's own approval is no news"
    );
    assert!(
        restarted.follow_state().tickets.is_empty(),
        "closed: no longer followed"
    );
}

#[tokio::test]
async fn refusing_needs_a_reason_and_reopens_with_it() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let ticket = file_ticket(&g).await;
    double.add_solution(ticket, "Redémarrez.").unwrap();

    let before = double.requests().len();
    let error = g
        .build_action(&input(ticket, ActionKind::Refuse { reason: " ".into() }))
        .unwrap_err();
    let info = error.info(g.lang());
    assert_eq!(info.code, ErrorCode::Validation);
    assert_eq!(info.fields[0].key, "validation.reason.missing");
    assert!(requests_since(&double, before).is_empty(), "nothing sent");

    let outcome = act(
        &g,
        input(
            ticket,
            ActionKind::Refuse {
                reason: "Toujours le même bourrage après redémarrage.".into(),
            },
        ),
    )
    .await;
    assert!(matches!(outcome, SubmitOutcome::Sent { .. }), "{outcome:?}");
    let on_server = double.ticket(ticket).unwrap();
    assert!(
        matches!(on_server.status, 1 | 2),
        "reopened: {}",
        on_server.status
    );
    assert_eq!(on_server.solutions.last().unwrap().status, 4, "refused");
    let reason = on_server.followups.last().unwrap();
    assert!(reason.content.contains("Toujours le même bourrage"));
    assert_eq!(reason.users_id, REQUESTER);

    // A new solution after the refusal is news again.
    assert!(poll(&g).await.is_empty());
    let second = double.add_solution(ticket, "Pièce changée.").unwrap();
    assert_eq!(
        poll(&g).await,
        vec![NoticeKind::Solved { solution: second }]
    );
    let detail = g.ticket(ticket).await.unwrap();
    let statuses: Vec<_> = detail
        .timeline
        .iter()
        .filter_map(|e| e.solution_status)
        .collect();
    assert_eq!(
        statuses,
        vec![SolutionStatus::Refused, SolutionStatus::Waiting]
    );
    assert!(detail
        .timeline
        .iter()
        .any(|e| e.by_me && e.html.contains("bourrage")));
}

#[tokio::test]
async fn the_survey_takes_zero_to_five_and_stores_the_comment() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    double.enable_surveys(true);
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let ticket = file_ticket(&g).await;
    double.add_solution(ticket, "Réglé.").unwrap();
    poll(&g).await;
    act(&g, input(ticket, ActionKind::Approve { comment: None })).await;
    // Closing created the survey: announced, even though the closing itself is not.
    assert_eq!(poll(&g).await, vec![NoticeKind::Survey]);
    assert!(g.ticket(ticket).await.unwrap().survey_open());

    let Err(ApiError::Action(error)) = g.build_action(&input(
        ticket,
        ActionKind::Rate {
            score: 6,
            comment: None,
        },
    )) else {
        panic!("a score of 6 is refused as invalid input");
    };
    assert_eq!(error.action[0].key(), "validation.score.range");

    let outcome = act(
        &g,
        input(
            ticket,
            ActionKind::Rate {
                score: 4,
                comment: Some("Rapide & efficace".into()),
            },
        ),
    )
    .await;
    assert!(matches!(outcome, SubmitOutcome::Sent { .. }), "{outcome:?}");
    let survey = double.ticket(ticket).unwrap().satisfaction.unwrap();
    assert_eq!(survey.satisfaction, Some(4));
    assert_eq!(survey.comment.as_deref(), Some("Rapide & efficace"));
    let shown = g.ticket(ticket).await.unwrap().survey.unwrap();
    assert_eq!(shown.score, Some(4));
}

#[tokio::test]
async fn a_followup_with_a_file_offline_waits_then_is_posted_exactly_once() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
    let g = guichet_on(&double.base_url(), data.path(), clock.clone());
    let ticket = file_ticket(&g).await;
    let file = data.path().join("erreur.txt");
    std::fs::write(&file, b"Erreur 0x80070005").unwrap();

    // Offline: the same data directory, the help desk on a closed port.
    let offline = guichet("http://127.0.0.1:9/apirest.php", data.path());
    let mut followup = input(
        ticket,
        ActionKind::Followup {
            message: "Le message d'erreur est joint.".into(),
        },
    );
    followup.attachments.push(file.clone());
    let outcome = act(&offline, followup).await;
    assert!(
        matches!(outcome, SubmitOutcome::Queued { .. }),
        "{outcome:?}"
    );
    let queued = offline.queue().await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].ticket, Some(ticket));
    std::fs::remove_file(&file).unwrap();

    // Back online, but the answer is lost after the followup was posted: the retry finds it by
    // its client reference instead of posting it again.
    // (The action was attempted offline, so the flush first searches for it: that request
    // goes through; the post after it loses its answer.)
    double.push_fault(Fault::Delay(std::time::Duration::ZERO));
    double.push_fault(Fault::LoseAnswer);
    let summary = g.flush().await.unwrap();
    assert!(summary.sent.is_empty(), "the answer was lost");
    assert_eq!(
        double.ticket(ticket).unwrap().followups.len(),
        1,
        "but it was posted"
    );
    // The help desk might still be at work on a request whose answer was lost: nothing is asked
    // until the attempt has settled (the request timeout, 5 s here).
    let summary = g.flush().await.unwrap();
    assert!(summary.settling_until_ms.is_some(), "{summary:?}");
    assert!(summary.sent.is_empty());
    clock.advance(std::time::Duration::from_secs(5));
    let summary = g.flush().await.unwrap();
    assert_eq!(summary.sent.len(), 1, "{summary:?}");
    assert!(g.queue().await.unwrap().is_empty());
    let on_server = double.ticket(ticket).unwrap();
    let posted: Vec<_> = on_server
        .followups
        .iter()
        .filter(|f| f.content.contains("est joint"))
        .collect();
    assert_eq!(posted.len(), 1, "exactly once");
    assert!(on_server
        .documents
        .iter()
        .any(|d| d.filename == "erreur.txt" && d.bytes == b"Erreur 0x80070005"));
}

#[tokio::test]
async fn server_html_reaches_the_window_sanitised() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let ticket = file_ticket(&g).await;
    double
        .add_tech_followup(
            ticket,
            r#"<p onmouseover="steal()">Voir <a href="javascript:x()">ici</a></p><script>alert(1)</script>"#,
        )
        .unwrap();
    let detail = g.ticket(ticket).await.unwrap();
    let html = &detail.timeline[0].html;
    assert!(html.contains("Voir"), "{html}");
    for bad in ["onmouseover", "javascript:", "<script"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(!detail.description_html.contains("<script"));
    assert!(detail.description_html.contains("salle 12"));
}

#[tokio::test]
async fn a_failing_help_desk_backs_the_checks_off_and_loses_nothing() {
    use guichet_core::follow::{next_delay, PollError};
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let g = guichet(&double.base_url(), data.path());
    let ticket = file_ticket(&g).await;
    let settings = g.poll_settings();
    let mut rng = rand::thread_rng();
    let poller = g.poller().unwrap();
    for failures in 1..=3u32 {
        double.push_fault(Fault::ServerError);
        match poll_stored(&poller, g.follow_store(), g.clock().now()).await {
            Err(PollError::Connector(e, state)) => {
                assert!(e.is_transient(), "{e}");
                assert_eq!(state.failures, failures);
                assert!(state.tickets.contains_key(&ticket), "still followed");
                let delay = next_delay(&settings, &state, &mut rng).unwrap();
                let floor = settings.interval.mul_f64(0.8) * (1 << failures);
                assert!(
                    delay >= floor.min(settings.max_backoff.mul_f64(0.8)),
                    "{delay:?}"
                );
            }
            other => panic!("a 500 is a failed check: {other:?}"),
        }
    }
    double.add_solution(ticket, "Réparé.").unwrap();
    assert_eq!(poll(&g).await.len(), 1, "the news is not lost");
    assert_eq!(
        g.follow_state().failures,
        0,
        "a good check ends the back-off"
    );
}

#[tokio::test]
async fn a_damaged_follow_up_file_is_set_aside_not_fatal() {
    let double = GlpiDouble::start(DoubleConfig::default()).unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("follow.json"), b"{\"tickets\": [oops").unwrap();
    let g = guichet(&double.base_url(), data.path());
    assert!(g.follow_state().tickets.is_empty());
    assert!(
        data.path().join("follow.json.bad").exists(),
        "kept for a look"
    );
    let ticket = file_ticket(&g).await;
    assert!(
        g.follow_state().tickets.contains_key(&ticket),
        "works afresh"
    );
}
