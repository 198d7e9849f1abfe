//! The wizard's context, asked of the agent as soon as the window process starts, while the web
//! view is still starting: the wizard's first `wizard_context` gets this answer instead of
//! asking then (the agent's encoding and the socket's round trip overlap the web view's start).
//! Later calls (the wizard's "Retry") ask the agent again.

use crate::agent::AgentLink;
use crate::error::CommandError;
use guichet_protocol::ipc::ask;
use guichet_protocol::view::WizardContext;
use std::sync::Mutex;
use tauri::async_runtime::JoinHandle;

type Answer = Result<WizardContext, CommandError>;

/// The answer on its way, taken once.
#[derive(Debug, Default)]
pub struct EarlyContext(Mutex<Option<JoinHandle<Answer>>>);

impl EarlyContext {
    /// Starts asking `agent` for the wizard's context.
    pub fn ask(agent: &AgentLink) -> EarlyContext {
        let agent = agent.clone();
        let asking = tauri::async_runtime::spawn(async move {
            agent.ask(ask::WizardContext {}).await.map(|boxed| *boxed)
        });
        EarlyContext(Mutex::new(Some(asking)))
    }

    /// The early answer, the first time; `None` after, or when none was asked for.
    pub async fn take(&self) -> Option<Answer> {
        let asking = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()?;
        match asking.await {
            Ok(answer) => Some(answer),
            Err(e) => {
                tracing::warn!("the early wizard context: {e}");
                None
            }
        }
    }
}
