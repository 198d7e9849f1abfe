//! The commands the web UI invokes (through `ui/src/ipc.ts` only). Each one is an adapter: it
//! sends one request to the agent and returns its answer; errors cross as one [`CommandError`].

use crate::agent::AgentLink;
use crate::early::EarlyContext;
pub use crate::error::CommandError;
use crate::launch::Launch;
use guichet_protocol::action::ActionInput;
use guichet_protocol::desktop::CaptureTest;
use guichet_protocol::doctor::DoctorReport;
use guichet_protocol::ipc::{ask, Preferences, Response, SignInInput};
use guichet_protocol::report::ReportInput;
use guichet_protocol::view::{
    EntityList, MyTickets, ScreenshotChoice, SettingsView, SubmitOutcome, TicketView, WindowLaunch,
    WizardContext,
};
use guichet_protocol::{ErrorInfo, TicketId};
use std::time::Duration;
use tauri::ipc::Invoke;
use tauri::{Runtime, State, WebviewWindow};

include!("command_list.rs");

/// Every command, for `Builder::invoke_handler` (the list: `command_list.rs`).
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    macro_rules! handler_of {
        ($($command:ident),*) => {
            tauri::generate_handler![$($command),*]
        };
    }
    with_commands!(handler_of)
}

/// Which window this process was started for, and for "My tickets" which ticket to open.
#[tauri::command]
pub fn launch(launch: State<'_, Launch>) -> WindowLaunch {
    launch.describe()
}

/// What the wizard shows before the user types anything, with previews of the capture.
#[tauri::command]
pub async fn wizard_context(
    agent: State<'_, AgentLink>,
    early: State<'_, EarlyContext>,
) -> Result<WizardContext, CommandError> {
    if let Some(answer) = early.take().await {
        return answer;
    }
    agent.ask(ask::WizardContext {}).await.map(|boxed| *boxed)
}

/// Tells the agent the calling window is shown and usable (the agent logs the delay since the
/// trigger).
#[tauri::command]
pub async fn window_ready<R: Runtime>(
    window: WebviewWindow<R>,
    agent: State<'_, AgentLink>,
) -> Result<(), CommandError> {
    let label = window.label();
    let Some(window) = crate::window::from_label(label) else {
        tracing::warn!("window_ready from an unknown window `{label}`");
        return Err(CommandError(ErrorInfo::internal(
            agent.lang(),
            "error.window",
        )));
    };
    agent.ask(ask::WindowReady { window }).await?;
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
    let answer = agent.ask(ask::Recapture {}).await;
    window.show()?;
    window.set_focus()?;
    answer.map(|context| *context)
}

/// Files the report with the chosen screenshots; the agent masks, encodes, queues and sends.
#[tauri::command]
pub async fn submit(
    agent: State<'_, AgentLink>,
    report: ReportInput,
    screenshots: ScreenshotChoice,
) -> Result<SubmitOutcome, CommandError> {
    agent
        .ask(ask::Submit {
            report,
            screenshots,
        })
        .await
}

/// "My tickets": the list (from this computer's state when the help desk is offline).
#[tauri::command]
pub async fn my_tickets(agent: State<'_, AgentLink>) -> Result<MyTickets, CommandError> {
    agent.ask(ask::MyTickets {}).await
}

/// One ticket's timeline, documents, survey, and the user's actions still waiting to be sent.
#[tauri::command]
pub async fn ticket(agent: State<'_, AgentLink>, id: TicketId) -> Result<TicketView, CommandError> {
    agent.ask(ask::Ticket { id }).await.map(|boxed| *boxed)
}

/// A followup, an approval, a refusal or a survey answer; sent now or queued.
#[tauri::command]
pub async fn act(
    agent: State<'_, AgentLink>,
    action: ActionInput,
) -> Result<SubmitOutcome, CommandError> {
    agent.ask(ask::Act { action }).await
}

/// What the Settings window shows.
#[tauri::command]
pub async fn settings(agent: State<'_, AgentLink>) -> Result<SettingsView, CommandError> {
    agent.ask(ask::Settings {}).await
}

/// Saves the user's phone and location; answers with the settings as saved.
#[tauri::command]
pub async fn save_profile(
    agent: State<'_, AgentLink>,
    phone: Option<String>,
    location: Option<String>,
) -> Result<SettingsView, CommandError> {
    agent.ask(ask::SaveProfile { phone, location }).await
}

/// The connection doctor: each step from the help desk's name to the account's rights.
#[tauri::command]
pub async fn doctor(agent: State<'_, AgentLink>) -> Result<DoctorReport, CommandError> {
    agent.ask(ask::Doctor {}).await
}

/// Signs in to the help desk (the agent checks the credentials with it and keeps the secret in
/// the OS keyring); answers with the settings as they now are.
#[tauri::command]
pub async fn sign_in(
    agent: State<'_, AgentLink>,
    sign_in: SignInInput,
) -> Result<SettingsView, CommandError> {
    agent.ask(ask::SignIn { sign_in }).await
}

/// Forgets the user's credentials; answers with the settings as they now are.
#[tauri::command]
pub async fn sign_out(agent: State<'_, AgentLink>) -> Result<SettingsView, CommandError> {
    agent.ask(ask::SignOut {}).await
}

/// Saves the user's preferences (language, shortcut, start at login, entity), which the agent applies at
/// once; answers with the settings as they now are.
#[tauri::command]
pub async fn save_preferences(
    agent: State<'_, AgentLink>,
    preferences: Preferences,
) -> Result<SettingsView, CommandError> {
    agent.ask(ask::SavePreferences { preferences }).await
}

/// The entities the user's tickets may go to, from the help desk, and the one in force.
#[tauri::command]
pub async fn entities(agent: State<'_, AgentLink>) -> Result<EntityList, CommandError> {
    agent.ask(ask::Entities {}).await
}

/// Captures the screens now, while Settings has the focus (a Wayland desktop may ask the user
/// first); nothing is kept.
#[tauri::command]
pub async fn test_capture(agent: State<'_, AgentLink>) -> Result<CaptureTest, CommandError> {
    agent.ask(ask::TestCapture {}).await
}

/// Installs GNOME's custom keyboard shortcut that runs `guichet --report`.
#[tauri::command]
pub async fn install_shortcut(agent: State<'_, AgentLink>) -> Result<SettingsView, CommandError> {
    agent.ask(ask::InstallShortcut {}).await
}

/// Waits until the agent is asked to show another ticket in this window (a notification was
/// clicked while it was open), brings the window forward, and returns that ticket.
#[tauri::command]
pub async fn await_ticket<R: Runtime>(
    window: WebviewWindow<R>,
    agent: State<'_, AgentLink>,
) -> Result<TicketId, CommandError> {
    // The agent ends the wait without a ticket only when it goes away: as before, an error the
    // window ignores.
    let ticket = agent
        .ask(ask::AwaitTicket {})
        .await?
        .ok_or_else(|| agent.unexpected(&Response::Done))?;
    window.unminimize()?;
    window.set_focus()?;
    Ok(ticket)
}
