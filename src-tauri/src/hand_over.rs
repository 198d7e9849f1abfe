//! `guichet-ui` started by hand while no agent runs (a Start-menu shortcut or the Finder open the
//! installed application, which is the window process): it hands over to the agent installed
//! beside it, `guichet --report`, which captures the screens and opens the wizard, and exits.

use crate::AgentLink;
use guichet_protocol::ipc::IpcError;
use guichet_protocol::transport::Client;
use std::process::ExitCode;

/// `Some(exit code)` when the agent was started in this process's place; `None` when an agent
/// already runs (or none is installed beside it): then this process shows its window itself.
pub fn to_agent(agent: &AgentLink) -> Option<ExitCode> {
    let socket = agent.socket().to_path_buf();
    match tauri::async_runtime::block_on(Client::connect(&socket)) {
        Err(IpcError::NoAgent) => {}
        Ok(_) | Err(_) => return None,
    }
    let exe = std::env::current_exe().ok()?;
    let guichet = exe.with_file_name(format!("guichet{}", std::env::consts::EXE_SUFFIX));
    if !guichet.is_file() {
        tracing::info!("no agent runs and none is installed beside this program");
        return None;
    }
    match std::process::Command::new(&guichet)
        .arg("--report")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(child) => {
            tracing::info!(
                "no agent ran: started {} --report (pid {})",
                guichet.display(),
                child.id()
            );
            Some(ExitCode::SUCCESS)
        }
        Err(e) => {
            tracing::warn!("cannot start {}: {e}", guichet.display());
            None
        }
    }
}
