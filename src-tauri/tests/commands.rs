//! The window process's commands on Tauri's mock runtime, against a fake agent: a task on a
//! temporary Unix socket that answers canned responses and records what it was asked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet_protocol::annotation::{Annotation, AnnotationKind, Rect};
use guichet_protocol::doctor::{CheckStatus, DoctorCheck, DoctorReport, DoctorStep};
use guichet_protocol::error::{ErrorCode, ErrorInfo, FieldError};
use guichet_protocol::facts::MachineFacts;
use guichet_protocol::i18n::t;
use guichet_protocol::ipc::{Request, Response, Secret, SignInInput, PROTOCOL_VERSION};
use guichet_protocol::report::{Field, Limits, ReportInput};
use guichet_protocol::transport::Listener;
use guichet_protocol::view::{
    AccountView, CategoryList, CategorySource, ScreenshotChoice, SettingsView, SubmitOutcome,
    WindowKind, WizardContext,
};
use guichet_protocol::Lang;
use guichet_ui::{AgentLink, EarlyContext};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// What the fake agent was asked, `Hello` excluded.
type Asked = Arc<Mutex<Vec<Request>>>;

/// Starts a fake agent on `socket` that answers every request after `Hello` with `answer(request)`.
fn fake_agent(socket: &Path, answer: fn(&Request) -> Response) -> Asked {
    let listener = tauri::async_runtime::block_on(Listener::bind(socket)).unwrap();
    let asked = Asked::default();
    let log = asked.clone();
    tauri::async_runtime::spawn(async move {
        while let Ok(mut connection) = listener.accept().await {
            let log = log.clone();
            tauri::async_runtime::spawn(async move {
                while let Ok(Some(request)) = connection.receive::<Request>().await {
                    let response = match &request {
                        Request::Hello { .. } => Response::Hello {
                            version: PROTOCOL_VERSION,
                            agent: "fake".into(),
                        },
                        other => {
                            log.lock().unwrap().push(other.clone());
                            answer(other)
                        }
                    };
                    connection.send(&response).await.unwrap();
                }
            });
        }
    });
    asked
}

fn context() -> WizardContext {
    WizardContext {
        categories: CategoryList {
            categories: Vec::new(),
            source: CategorySource::Configuration,
        },
        phone: Some("01 23 45 67 89".into()),
        location: None,
        facts: MachineFacts {
            hostname: "salle12-pc3".into(),
            ..MachineFacts::default()
        },
        limits: Limits::default(),
        screens: Vec::new(),
        capture_failures: Vec::new(),
        capture_problem: None,
        language: Lang::Fr,
    }
}

fn app(socket: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    app_in(socket, Lang::Fr)
}

fn app_in(socket: &Path, lang: Lang) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    app_with(AgentLink::new(socket, lang), EarlyContext::default())
}

fn app_with(
    agent: AgentLink,
    early: EarlyContext,
) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = guichet_ui::configure(
        mock_builder(),
        agent,
        guichet_ui::Launch::parse(Vec::<String>::new()).unwrap().0,
        early,
    )
    .build(mock_context(noop_assets()))
    .unwrap();
    let window = WebviewWindowBuilder::new(&app, "wizard", Default::default())
        .build()
        .unwrap();
    (app, window)
}

/// Invokes `command` as the web UI would, and returns its JSON answer or error.
fn invoke(window: &WebviewWindow<MockRuntime>, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn wizard_context_returns_the_agent_s_context() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::WizardContext {
        context: Box::new(context()),
    });
    let (_app, window) = app(&socket);

    let answer = invoke(&window, "wizard_context", json!({})).unwrap();

    assert_eq!(answer, serde_json::to_value(context()).unwrap());
    assert_eq!(answer["facts"]["hostname"], "salle12-pc3");
    assert_eq!(*asked.lock().unwrap(), [Request::WizardContext]);
}

#[test]
fn the_wizard_s_first_context_is_the_one_asked_at_start_and_a_retry_asks_again() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::WizardContext {
        context: Box::new(context()),
    });
    let agent = AgentLink::new(&socket, Lang::Fr);
    let early = EarlyContext::ask(&agent);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while asked.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "not asked early");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let (_app, window) = app_with(agent, early);

    let first = invoke(&window, "wizard_context", json!({})).unwrap();
    assert_eq!(first, serde_json::to_value(context()).unwrap());
    assert_eq!(asked.lock().unwrap().len(), 1, "the early answer is used");
    let again = invoke(&window, "wizard_context", json!({})).unwrap();
    assert_eq!(again, first);
    assert_eq!(
        *asked.lock().unwrap(),
        [Request::WizardContext, Request::WizardContext]
    );
}

#[test]
fn window_ready_names_the_calling_window() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::Done);
    let (_app, window) = app(&socket);

    assert_eq!(invoke(&window, "window_ready", json!({})), Ok(Value::Null));
    assert_eq!(
        *asked.lock().unwrap(),
        [Request::WindowReady {
            window: WindowKind::Wizard
        }]
    );
}

#[test]
fn recapture_asks_the_agent_for_a_new_capture() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::WizardContext {
        context: Box::new(context()),
    });
    let (_app, window) = app(&socket);

    let answer = invoke(&window, "recapture", json!({})).unwrap();

    assert_eq!(answer["phone"], "01 23 45 67 89");
    assert_eq!(*asked.lock().unwrap(), [Request::Recapture]);
}

#[test]
fn submit_forwards_the_report_and_its_screenshots() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::Submitted {
        outcome: SubmitOutcome::Sent {
            ticket: 42,
            rejected: Vec::new(),
        },
    });
    let (_app, window) = app(&socket);
    let report = ReportInput {
        subject: "Imprimante salle 12".into(),
        description: "Bourrage papier, voyant orange.".into(),
        attachments: vec!["/tmp/notes.txt".into()],
        ..ReportInput::default()
    };
    let screenshots = ScreenshotChoice {
        screens: vec![0],
        annotations: vec![Annotation {
            screen: 0,
            kind: AnnotationKind::MaskSolid,
            rect: Rect {
                x: 10,
                y: 20,
                w: 30,
                h: 40,
            },
        }],
    };

    let answer = invoke(
        &window,
        "submit",
        json!({ "report": report, "screenshots": screenshots }),
    )
    .unwrap();

    assert_eq!(
        answer,
        json!({ "status": "sent", "ticket": 42, "rejected": [] })
    );
    assert_eq!(
        *asked.lock().unwrap(),
        [Request::Submit {
            report,
            screenshots
        }]
    );
}

#[test]
fn an_agent_error_reaches_the_ui_as_code_message_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    fake_agent(&socket, |_| Response::Error {
        error: ErrorInfo {
            code: ErrorCode::Validation,
            message: "Indiquez un sujet.".into(),
            fields: vec![FieldError {
                field: Field::Subject,
                key: "validation.subject.missing".into(),
                message: "Indiquez un sujet.".into(),
            }],
        },
    });
    let (_app, window) = app(&socket);

    let error = invoke(
        &window,
        "submit",
        json!({ "report": ReportInput::default(), "screenshots": ScreenshotChoice::default() }),
    )
    .unwrap_err();

    assert_eq!(
        error,
        json!({
            "code": "validation",
            "message": "Indiquez un sujet.",
            "fields": [{ "field": "subject", "key": "validation.subject.missing", "message": "Indiquez un sujet." }],
        })
    );
}

#[test]
fn no_agent_is_an_internal_error_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, words) in [
        (Lang::Fr, "programme principal"),
        (Lang::En, "main program"),
    ] {
        let (_app, window) = app_in(&dir.path().join("nobody.sock"), lang);

        let error = invoke(&window, "wizard_context", json!({})).unwrap_err();

        assert_eq!(error["code"], "internal");
        assert_eq!(error["message"], t(lang, "error.agent", &[]));
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{error}"
        );
    }
}

#[test]
fn an_answer_of_the_wrong_kind_is_an_internal_error() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    fake_agent(&socket, |_| Response::Done);
    let (_app, window) = app(&socket);

    let error = invoke(&window, "wizard_context", json!({})).unwrap_err();

    assert_eq!(error["code"], "internal");
    assert_eq!(error["message"], t(Lang::Fr, "error.agent", &[]));
}

fn settings_view(account: Option<AccountView>) -> SettingsView {
    SettingsView {
        phone: None,
        location: None,
        server: Some("https://assistance.example.org/apirest.php".into()),
        shortcut: "Ctrl+Alt+G".into(),
        language: Lang::Fr,
        poll_interval_secs: 300,
        queued: 0,
        version: "test".into(),
        server_kind: Some("glpi".into()),
        locked: Vec::new(),
        account,
        config_problems: Vec::new(),
        autostart: None,
        desktop: None,
        entities: false,
        entity: None,
    }
}

fn signed_in() -> SettingsView {
    settings_view(Some(AccountView {
        method: "password".into(),
        login: Some("jdupont".into()),
        from_config: false,
    }))
}

#[test]
fn doctor_returns_the_agent_s_report() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::Doctor {
        report: DoctorReport::new(
            Some("https://assistance.example.org/apirest.php".into()),
            vec![DoctorCheck {
                step: DoctorStep::Credentials,
                status: CheckStatus::Fail,
                message: "Identifiant ou mot de passe refusé.".into(),
                key: "doctor.credentials.refused".into(),
                detail: Some("401 ERROR_GLPI_LOGIN".into()),
            }],
        ),
    });
    let (_app, window) = app(&socket);

    let answer = invoke(&window, "doctor", json!({})).unwrap();

    assert_eq!(answer["ok"], false);
    assert_eq!(answer["steps"][0]["step"], "credentials");
    assert_eq!(answer["steps"][0]["status"], "fail");
    assert_eq!(answer["steps"][0]["detail"], "401 ERROR_GLPI_LOGIN");
    assert_eq!(*asked.lock().unwrap(), [Request::Doctor]);
}

#[test]
fn sign_in_forwards_the_credentials_and_returns_the_new_settings() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::Settings { view: signed_in() });
    let (_app, window) = app(&socket);

    let answer = invoke(
        &window,
        "sign_in",
        json!({ "signIn": { "url": null, "login": "jdupont", "password": "s3cret", "token": null } }),
    )
    .unwrap();

    assert_eq!(
        answer["account"],
        json!({ "method": "password", "login": "jdupont", "fromConfig": false })
    );
    assert_eq!(
        *asked.lock().unwrap(),
        [Request::SignIn {
            sign_in: SignInInput {
                url: None,
                login: Some("jdupont".into()),
                password: Some(Secret("s3cret".into())),
                token: None,
            }
        }]
    );
}

#[test]
fn a_refused_sign_in_reaches_the_ui_as_unauthorized() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    fake_agent(&socket, |_| Response::Error {
        error: ErrorInfo::new(
            ErrorCode::Unauthorized,
            "Identifiant ou mot de passe refusé.",
        ),
    });
    let (_app, window) = app(&socket);

    let error = invoke(
        &window,
        "sign_in",
        json!({ "signIn": { "url": null, "login": "jdupont", "password": "faux", "token": null } }),
    )
    .unwrap_err();

    assert_eq!(
        error,
        json!({ "code": "unauthorized", "message": "Identifiant ou mot de passe refusé." })
    );
}

#[test]
fn sign_out_asks_the_agent_and_returns_the_new_settings() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("agent.sock");
    let asked = fake_agent(&socket, |_| Response::Settings {
        view: settings_view(None),
    });
    let (_app, window) = app(&socket);

    let answer = invoke(&window, "sign_out", json!({})).unwrap();

    assert_eq!(answer["account"], Value::Null);
    assert_eq!(*asked.lock().unwrap(), [Request::SignOut]);
}
