//! The agent's side of the local IPC protocol: one task per connection, a `Hello` first, then
//! requests answered in order. The agent answers the desktop's requests itself (windows,
//! screenshots); everything else goes to the one dispatch the CLI uses too
//! ([`dispatch`](guichet_core::api::dispatch)), with the agent as the outbox's owner.

use super::{Agent, Command};
use guichet_core::api::{dispatch, ApiError, OutboxOwner};
use guichet_core::protocol::desktop::ShortcutMechanism;
use guichet_core::protocol::error::{ErrorCode, ErrorInfo};
use guichet_core::protocol::ipc::{ask, Ask, IpcError, Request, Response, PROTOCOL_VERSION};
use guichet_core::protocol::transport::{Connection, Listener};
use guichet_core::protocol::view::WizardContext;
use std::sync::Arc;

pub async fn serve(listener: Listener, agent: Arc<Agent>) {
    loop {
        match listener.accept().await {
            Ok(connection) => {
                tokio::spawn(handle(connection, agent.clone()));
            }
            Err(e) => {
                tracing::warn!("IPC accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// The error answer for a failure of the exchange itself, in the user's language.
fn exchange_error(agent: &Agent, e: IpcError) -> Response {
    Response::Error {
        error: ApiError::Ipc(e).report(agent.guichet().lang()),
    }
}

async fn handle(mut connection: Connection, agent: Arc<Agent>) {
    match connection.receive::<Request>().await {
        Ok(Some(Request::Hello { version })) => {
            if connection.send(&dispatch::hello()).await.is_err() || version != PROTOCOL_VERSION {
                return;
            }
        }
        Ok(_) | Err(_) => {
            let e = IpcError::Malformed("the first message must be Hello".into());
            let _ = connection.send(&exchange_error(&agent, e)).await;
            return;
        }
    }
    loop {
        let request = match connection.receive::<Request>().await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                let _ = connection.send(&exchange_error(&agent, e)).await;
                return;
            }
        };
        tracing::info!("ipc request: {}", request.kind());
        if request == Request::AwaitTicket {
            // Answered when a ticket is to be shown, or dropped when the window hangs up.
            let mut tickets = agent.open_ticket.subscribe();
            let response = tokio::select! {
                ticket = tickets.recv() => ask::AwaitTicket::reply(ticket.ok()),
                _ = connection.receive::<Request>() => return,
            };
            if connection.send(&response).await.is_err() {
                return;
            }
            continue;
        }
        let response = answer(&agent, request).await;
        if connection.send(&response).await.is_err() {
            return;
        }
    }
}

pub async fn answer(agent: &Agent, request: Request) -> Response {
    let mut response = answer_request(agent, request).await;
    // Settings also shows how this session is captured and its shortcut heard: the agent's own.
    if let Response::Settings { view } = &mut response {
        view.desktop = Some(Box::new(agent.desktop()));
    }
    response
}

async fn answer_request(agent: &Agent, request: Request) -> Response {
    let guichet = &agent.guichet();
    match request {
        Request::OpenWizard => {
            let _ = agent.commands.send(Command::OpenWizard);
            ask::OpenWizard::reply(())
        }
        Request::OpenWindow { window, ticket } => {
            let _ = agent.commands.send(Command::OpenWindow(window, ticket));
            ask::OpenWindow::reply(())
        }
        Request::WindowReady { window } => {
            if let Some(trigger) = *agent.last_trigger.lock().await {
                tracing::info!(
                    "window {window:?} ready {:.1} ms after the trigger",
                    trigger.elapsed().as_secs_f64() * 1e3
                );
            }
            ask::WindowReady::reply(())
        }
        Request::WizardContext => ask::WizardContext::reply(Box::new(wizard_context(agent).await)),
        Request::Recapture => {
            *agent.last_trigger.lock().await = Some(std::time::Instant::now());
            agent.screens.capture().await;
            ask::Recapture::reply(Box::new(wizard_context(agent).await))
        }
        Request::Submit {
            report,
            screenshots,
        } => match submit_wizard(agent, &report, &screenshots).await {
            Ok(outcome) => {
                // The report is durable: the unmasked original must not outlive it.
                agent.screens.forget().await;
                ask::Submit::reply(outcome)
            }
            Err(e) => Response::Error {
                error: e.report(guichet.lang()),
            },
        },
        request @ Request::Ticket { .. } => {
            let response = dispatch::respond(guichet, agent, request).await;
            // Opening a ticket marks its notices read: the tray's count goes down.
            let unread = guichet.follow_state().unread.len();
            let _ = agent.commands.send(Command::Unread(unread));
            response
        }
        request @ (Request::SignIn { .. } | Request::SignOut | Request::SavePreferences { .. }) => {
            let response = dispatch::respond(guichet, agent, request).await;
            if matches!(response, Response::Settings { .. }) {
                agent.reload().await;
                // The tray's language, the shortcut and the login item follow the new settings.
                let _ = agent.commands.send(Command::Reconfigure);
            }
            response
        }
        Request::TestCapture => ask::TestCapture::reply(agent.screens.test(guichet.lang()).await),
        Request::InstallShortcut => match install_shortcut(guichet) {
            Ok(()) => {
                // GNOME now runs `guichet --report` on the key: Settings says so at once.
                agent.set_shortcut(ShortcutMechanism::GnomeKeybinding);
                dispatch::respond(guichet, agent, Request::Settings).await
            }
            Err(e) => Response::Error { error: e },
        },
        request => dispatch::respond(guichet, agent, request).await,
    }
}

/// Installs GNOME's custom keyboard shortcut for `guichet --report` (this very program).
#[cfg(target_os = "linux")]
fn install_shortcut(guichet: &guichet_core::api::Guichet) -> Result<(), ErrorInfo> {
    use guichet_core::platform::linux::gnome;
    let lang = guichet.lang();
    let failed = |detail: String| {
        tracing::warn!("cannot install GNOME's shortcut: {detail}");
        ErrorInfo::new(
            ErrorCode::Internal,
            guichet_core::i18n::t(
                lang,
                "settings.shortcut_install_failed",
                &[("detail", &detail)],
            ),
        )
    };
    let shortcut = guichet
        .config()
        .agent
        .shortcut()
        .parse::<guichet_core::shortcut::Shortcut>()
        .map_err(|e| failed(e.to_string()))?;
    let program = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
    let command = format!("'{}' --report", program.display());
    let name = guichet_core::i18n::t(lang, "action.report", &[]);
    gnome::install(&shortcut, &name, &command).map_err(|e| failed(e.to_string()))
}

/// Only GNOME on Linux has custom keyboard shortcuts Guichet installs.
#[cfg(not(target_os = "linux"))]
fn install_shortcut(guichet: &guichet_core::api::Guichet) -> Result<(), ErrorInfo> {
    Err(ErrorInfo::new(
        ErrorCode::Validation,
        guichet_core::i18n::t(
            guichet.lang(),
            "settings.shortcut_install_failed",
            &[("detail", &"GNOME")],
        ),
    ))
}

/// The wizard's report: the chosen screens masked and encoded from the capture the agent holds,
/// then validated and handed to the outbox worker.
async fn submit_wizard(
    agent: &Agent,
    report: &guichet_core::report::ReportInput,
    screenshots: &guichet_core::protocol::view::ScreenshotChoice,
) -> Result<guichet_core::protocol::view::SubmitOutcome, ApiError> {
    let guichet = agent.guichet();
    let shots = agent
        .screens
        .attachments(screenshots, &guichet.config().limits)
        .await?;
    let report = guichet.build_report(report, shots.attachments, shots.screens)?;
    OutboxOwner::submit(agent, report).await
}

async fn wizard_context(agent: &Agent) -> WizardContext {
    let guichet = &agent.guichet();
    let profile = guichet.profile();
    let (screens, failures, infos) = agent.screens.previews(guichet.lang()).await;
    WizardContext {
        categories: guichet.offline_categories(),
        phone: profile.phone,
        location: profile.location,
        facts: guichet_core::facts::gather(infos),
        limits: guichet.config().limits.clone(),
        screens,
        capture_failures: failures,
        capture_problem: agent.screens.problem(guichet.lang()).await,
        language: guichet.lang(),
    }
}
