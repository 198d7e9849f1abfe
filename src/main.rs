//! `guichet`: the resident agent, and with a subcommand the headless CLI that IT scripts use.
//! It links no GTK and no WebKit; the windows live in the separate `guichet-ui` process.

mod agent;
mod cli;
mod exit;
mod platform;
mod screenshot;
mod watch;
mod worker;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GUICHET_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = cli::Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("guichet: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(async {
        match args.command {
            Some(cli::Command::OutboxWorker) => worker::run(args.config.as_deref()).await,
            Some(command) => cli::run(args.config.as_deref(), command).await,
            None => agent::run(args.config.as_deref(), args.report).await,
        }
    });
    ExitCode::from(code)
}
