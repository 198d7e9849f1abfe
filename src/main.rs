//! `guichet`: the resident agent, and with a subcommand the headless CLI that IT scripts use.
//! It links no GTK and no WebKit; the windows live in the separate `guichet-ui` process.

// On Windows a GUI program, which opens no console window at login or from the Start menu; a
// command typed in a terminal attaches to it (`platform::windows::console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

mod agent;
mod cli;
mod exit;
mod platform;
mod screenshot;
mod watch;
mod worker;

use clap::Parser;
use guichet_protocol::private;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(windows)]
    if platform::console::wants_terminal(std::env::args()) {
        platform::console::attach_parent();
    }
    // First, before any thread or file: what this process and its children create is their
    // user's only, and what an earlier version left readable by others is no longer.
    private::restrict_umask();
    let tightened: Vec<_> = private::owned_dirs()
        .iter()
        .map(|dir| private::tighten(dir))
        .collect();
    // The agent, its outbox worker and the CLI share one daily file; the CLI's warnings still
    // reach its standard error.
    if let Err(e) = guichet_protocol::logs::init(guichet_protocol::logs::AGENT_LOG) {
        tracing::warn!("logging to standard error only: {e}");
    }
    for done in tightened {
        if done.changed > 0 {
            tracing::info!("{} paths made readable by this user only", done.changed);
        }
        for e in done.errors {
            tracing::warn!("{e}");
        }
    }
    let args = cli::Args::parse();
    // macOS: AppKit's objects (the tray's status item, the shortcut's hot key, the answers to
    // notifications) belong to the main thread, which must run the application's event loop; the
    // agent's runtime runs beside it. The CLI touches no AppKit and runs here, as everywhere.
    #[cfg(target_os = "macos")]
    if args.command.is_none() {
        return platform::run_agent(move || {
            let Some(runtime) = runtime() else {
                return exit::EXIT_FAILURE;
            };
            let code = runtime.block_on(agent::run(
                args.config.as_deref(),
                agent::Start::from_flags(args.report, args.background),
            ));
            // A notification still waiting for its click holds a blocking thread: not waited for,
            // the process is ending.
            runtime.shutdown_background();
            code
        });
    }
    let Some(runtime) = runtime() else {
        return ExitCode::from(exit::EXIT_FAILURE);
    };
    let code = runtime.block_on(async {
        match args.command {
            Some(cli::Command::OutboxWorker) => worker::run(args.config.as_deref()).await,
            Some(command) => cli::run(args.config.as_deref(), command).await,
            None => {
                agent::run(
                    args.config.as_deref(),
                    agent::Start::from_flags(args.report, args.background),
                )
                .await
            }
        }
    });
    ExitCode::from(code)
}

/// The runtime the agent, the worker and each command run on: the thread that builds it (and
/// tokio's pool for blocking work).
fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("guichet: cannot start: {e}");
            None
        }
    }
}
