//! The commands the web UI invokes (through `ui/src/ipc.ts` only). Each one is an adapter: it
//! sends one request to the agent and returns its answer; errors cross as one [`CommandError`].

use crate::agent::AgentLink;
use crate::window::WindowLabel;
use guichet_core::ipc::{IpcError, Request, Response, ScreenshotChoice, WizardContext};
use guichet_core::service::{ErrorInfo, ReportInput, SubmitOutcome};
use serde::Serialize;
use std::time::Duration;
use tauri::ipc::Invoke;
use tauri::{Runtime, State, WebviewWindow};

/// Every command, for `Builder::invoke_handler`. Keep in step with `COMMANDS` in `build.rs`.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![wizard_context, window_ready, recapture, submit]
}

/// An error as the UI receives it: `{code, message, fields}`, with a code from the closed set the
/// UI branches on (offline, unauthorized, validation, server, internal).
#[derive(Debug, thiserror::Error, Serialize)]
#[serde(transparent)]
#[error("{}", .0.message)]
pub struct CommandError(pub ErrorInfo);

impl From<ErrorInfo> for CommandError {
    fn from(info: ErrorInfo) -> Self {
        CommandError(info)
    }
}

impl From<IpcError> for CommandError {
    fn from(e: IpcError) -> Self {
        tracing::warn!("agent: {e}");
        CommandError(ErrorInfo::internal(e.to_string()))
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        tracing::warn!("window: {e}");
        CommandError(ErrorInfo::internal(e.to_string()))
    }
}

/// An answer that does not fit the request: the agent speaks another dialect of the protocol.
fn unexpected(answer: &Response) -> CommandError {
    let kind = serde_json::to_value(answer)
        .ok()
        .and_then(|v| v.get("type").cloned());
    IpcError::Malformed(format!("unexpected answer {kind:?} from the agent")).into()
}

/// What the wizard shows before the user types anything, with previews of the capture.
#[tauri::command]
pub async fn wizard_context(agent: State<'_, AgentLink>) -> Result<WizardContext, CommandError> {
    match agent.request(Request::WizardContext).await? {
        Response::WizardContext { context } => Ok(*context),
        other => Err(unexpected(&other)),
    }
}

/// Tells the agent the calling window is shown and usable (the agent logs the delay since the
/// trigger).
#[tauri::command]
pub async fn window_ready<R: Runtime>(
    window: WebviewWindow<R>,
    agent: State<'_, AgentLink>,
) -> Result<(), CommandError> {
    let label = window.label();
    let kind = WindowLabel::from_label(label)
        .ok_or_else(|| CommandError(ErrorInfo::internal(format!("unknown window `{label}`"))))?;
    agent
        .request(Request::WindowReady {
            window: kind.kind(),
        })
        .await?;
    Ok(())
}

/// How long the X server and compositor may take to take the hidden window off the screen.
const HIDE_SETTLE: Duration = Duration::from_millis(300);

/// Captures the screens again with the wizard hidden, so that it is not in its own picture.
#[tauri::command]
pub async fn recapture<R: Runtime>(
    window: WebviewWindow<R>,
    agent: State<'_, AgentLink>,
) -> Result<WizardContext, CommandError> {
    window.hide()?;
    tokio::time::sleep(HIDE_SETTLE).await;
    let answer = agent.request(Request::Recapture).await;
    window.show()?;
    window.set_focus()?;
    match answer? {
        Response::WizardContext { context } => Ok(*context),
        other => Err(unexpected(&other)),
    }
}

/// Files the report with the chosen screenshots; the agent masks, encodes, queues and sends.
#[tauri::command]
pub async fn submit(
    agent: State<'_, AgentLink>,
    report: ReportInput,
    screenshots: ScreenshotChoice,
) -> Result<SubmitOutcome, CommandError> {
    match agent
        .request(Request::Submit {
            report,
            screenshots,
        })
        .await?
    {
        Response::Submitted { outcome } => Ok(outcome),
        other => Err(unexpected(&other)),
    }
}
