//! The headless command line. Its command and flag names are a documented interface for IT
//! scripts: keep them stable. Exit codes: 0 success (sent or queued), 1 failure, 2 invalid input,
//! 3 reports stopped on a permanent error (see `queue flush`).

mod account;
mod backend;
mod commands;

use crate::screenshot::Screenshots;
use backend::Backend;
use clap::{Args as ClapArgs, Parser, Subcommand};
use guichet_core::action::{ActionInput, ActionKind};
use guichet_core::api::Guichet;
use guichet_core::clock::SystemClock;
use guichet_core::protocol::{ErrorCode, ErrorInfo, TicketId};
use guichet_core::report::ReportInput;
use guichet_core::Lang;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

use crate::exit::{EXIT_FAILURE, EXIT_INVALID};

#[derive(Debug, Parser)]
#[command(
    name = "guichet",
    version,
    about = "Signaler un problème au service d'assistance / Report a problem to the help desk"
)]
pub struct Args {
    /// Configuration file (default: $GUICHET_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Open the report wizard (in the running agent, or start one).
    #[arg(long)]
    pub report: bool,
    /// Start the agent if none runs, and do nothing if one does: for login items, so that two of
    /// them (IT's and the user's) never open the wizard.
    #[arg(long, conflicts_with = "report")]
    pub background: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// File a report: it is made durable, then sent; if the help desk is unreachable it is queued.
    Report(ReportArgs),
    /// The local outbox of reports waiting to be sent.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// My tickets at the help desk: number, subject, status.
    Tickets(JsonFlag),
    /// The categories offered (from the help desk, its cache, or the configuration).
    Categories(JsonFlag),
    /// The machine facts added to every report.
    Facts(JsonFlag),
    /// One ticket: status, the help desk's answers, the solution, the survey.
    Show {
        ticket: TicketId,
        #[arg(long)]
        json: bool,
    },
    /// Add information to a ticket (sent now, or queued).
    Followup {
        ticket: TicketId,
        #[arg(long)]
        message: String,
        #[arg(long = "attach", value_name = "FILE")]
        attachments: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Accept the solution: the ticket is closed.
    Approve {
        ticket: TicketId,
        #[arg(long)]
        comment: Option<String>,
        /// Approve even though the comment reads like "still broken".
        #[arg(long)]
        confirm: bool,
        #[arg(long)]
        json: bool,
    },
    /// Refuse the solution, saying why: the ticket is reopened.
    Refuse {
        ticket: TicketId,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Answer the satisfaction survey: a score from 0 to 5.
    Rate {
        ticket: TicketId,
        #[arg(long, allow_hyphen_values = true)]
        score: i32,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check the open tickets in the foreground and print what changes (`poll.interval_secs`).
    Watch {
        #[arg(long)]
        json: bool,
        /// One check, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Internal: the agent's outbox worker (see `src/worker.rs`).
    #[command(name = "outbox-worker", hide = true)]
    OutboxWorker,
    /// Check the way to the help desk step by step: configuration, DNS, TCP, proxy, TLS, API,
    /// sign-in, rights. Exit 0 when every step passed.
    Doctor(JsonFlag),
    /// Sign in to the help desk; the password or token is read from standard input and kept in
    /// the OS keyring only.
    Signin(SignInArgs),
    /// Sign out: the password or token leaves the OS keyring.
    Signout,
}

#[derive(Debug, ClapArgs)]
pub struct SignInArgs {
    /// The help desk's address, when IT configured none (for GLPI, ending with /apirest.php).
    #[arg(long)]
    pub url: Option<String>,
    /// Your login (the same as for your académie webmail), with --password-stdin.
    #[arg(long, requires = "password_stdin")]
    pub login: Option<String>,
    /// Read the password from standard input (one line).
    #[arg(long, conflicts_with = "token_stdin")]
    pub password_stdin: bool,
    /// Read a personal API token from standard input (one line).
    #[arg(long)]
    pub token_stdin: bool,
}

#[derive(Debug, ClapArgs)]
pub struct JsonFlag {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ReportArgs {
    #[arg(long)]
    pub subject: String,
    #[arg(long)]
    pub description: String,
    /// Category name (full path or last part) or numeric id.
    #[arg(long, value_name = "NAME|ID")]
    pub category: Option<String>,
    /// Where you can be reached; remembered for next time.
    #[arg(long)]
    pub phone: Option<String>,
    /// Room or place; remembered for next time.
    #[arg(long)]
    pub location: Option<String>,
    #[arg(long = "attach", value_name = "FILE")]
    pub attachments: Vec<PathBuf>,
    /// Attach a screenshot of every monitor, one JPEG per screen (needs a display).
    #[arg(long)]
    pub screenshot: bool,
    /// Black out a region, in desktop pixels, before the screenshot leaves the machine.
    #[arg(
        long = "mask",
        value_name = "X,Y,W,H",
        requires = "screenshot",
        allow_hyphen_values = true
    )]
    pub masks: Vec<String>,
    /// Attach the end of Guichet's diagnostic log (guichet-log.txt, at most 200 KiB).
    #[arg(long)]
    pub attach_log: bool,
    /// Write what would be sent into --out and send nothing.
    #[arg(long, requires = "out")]
    pub dry_run: bool,
    #[arg(long, value_name = "DIR", requires = "dry_run")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Reports waiting, failed, or delivered with refused files.
    List(JsonFlag),
    /// Try every waiting report now, ignoring back-off. Exit 0 when none is left waiting.
    Flush(JsonFlag),
    /// Put a failed report back in line.
    Retry { id: Uuid },
    /// Remove a failed report, or a delivered one whose refused files you have noted.
    Dismiss { id: Uuid },
}

pub async fn run(config_path: Option<&Path>, command: Command) -> u8 {
    let guichet = match Guichet::from_environment(config_path, Arc::new(SystemClock)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("guichet: {e}");
            return EXIT_INVALID;
        }
    };
    let lang = guichet.lang();
    // IT's scripts must not act on a configuration that was left out; `doctor` explains it.
    if !guichet.config_problem_list().is_empty()
        && !matches!(command, Command::Doctor(_) | Command::Facts(_))
    {
        for problem in guichet.config_problems() {
            eprintln!("guichet: {problem}");
        }
        return EXIT_INVALID;
    }
    let result = match command {
        // The screenshot is of this process's display, taken and masked here; the masked JPEGs
        // then go to the agent (or are filed directly when none runs).
        Command::Report(args) if args.dry_run || args.screenshot => {
            match crate::screenshot::take_if(args.screenshot, &args.masks, &guichet.config().limits)
            {
                Err(e) => {
                    eprintln!("guichet: {}", e.message(lang));
                    Ok(e.exit_code())
                }
                Ok(shots) if args.dry_run => commands::dry_run(&guichet, args, shots),
                Ok(shots) => {
                    commands::report(&mut Backend::connect(guichet).await, lang, args, shots).await
                }
            }
        }
        Command::Facts(f) => commands::facts(lang, f.json),
        Command::Watch { json, once } => crate::watch::run(&guichet, json, once).await,
        // `main` runs the worker; reaching here means the command line was built by hand.
        Command::OutboxWorker => Ok(EXIT_INVALID),
        command => {
            let mut backend = Backend::connect(guichet).await;
            on_backend(&mut backend, lang, command).await
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("{}", e.message);
        if e.code == ErrorCode::Validation {
            EXIT_INVALID
        } else {
            EXIT_FAILURE
        }
    })
}

/// The commands that go through the agent, or through the outbox here when no agent runs.
async fn on_backend(backend: &mut Backend, lang: Lang, command: Command) -> Result<u8, ErrorInfo> {
    let action = |ticket, kind, attachments, confirmed| ActionInput {
        ticket,
        kind,
        attachments,
        confirmed,
    };
    match command {
        Command::Report(args) => {
            commands::report(backend, lang, args, Screenshots::default()).await
        }
        Command::Queue(QueueCommand::List(f)) => commands::queue_list(backend, lang, f.json).await,
        Command::Queue(QueueCommand::Flush(f)) => {
            commands::queue_flush(backend, lang, f.json).await
        }
        Command::Queue(QueueCommand::Retry { id }) => commands::retry(backend, id).await,
        Command::Queue(QueueCommand::Dismiss { id }) => commands::dismiss(backend, id).await,
        Command::Tickets(f) => commands::tickets(backend, lang, f.json).await,
        Command::Categories(f) => commands::categories(backend, f.json).await,
        Command::Show { ticket, json } => commands::show(backend, lang, ticket, json).await,
        Command::Followup {
            ticket,
            message,
            attachments,
            json,
        } => {
            let attachments = absolute(lang, &attachments)?;
            let input = action(ticket, ActionKind::Followup { message }, attachments, false);
            commands::act(backend, lang, input, json).await
        }
        Command::Approve {
            ticket,
            comment,
            confirm,
            json,
        } => {
            let input = action(ticket, ActionKind::Approve { comment }, Vec::new(), confirm);
            commands::act(backend, lang, input, json).await
        }
        Command::Refuse {
            ticket,
            reason,
            json,
        } => {
            let kind = ActionKind::Refuse {
                reason: reason.unwrap_or_default(),
            };
            commands::act(backend, lang, action(ticket, kind, Vec::new(), false), json).await
        }
        Command::Rate {
            ticket,
            score,
            comment,
            json,
        } => {
            let kind = ActionKind::Rate { score, comment };
            commands::act(backend, lang, action(ticket, kind, Vec::new(), false), json).await
        }
        Command::Doctor(f) => account::doctor(backend, lang, f.json).await,
        Command::Signin(args) => account::sign_in(backend, lang, args).await,
        Command::Signout => account::sign_out(backend, lang).await,
        // Answered by `run` before a backend is chosen.
        Command::Facts(_) | Command::Watch { .. } | Command::OutboxWorker => Ok(EXIT_INVALID),
    }
}

/// The agent may run in another directory: file paths travel absolute.
fn absolute(lang: Lang, paths: &[PathBuf]) -> Result<Vec<PathBuf>, ErrorInfo> {
    let cwd = std::env::current_dir().map_err(|e| {
        tracing::warn!("no current directory: {e}");
        ErrorInfo::internal(lang, "error.internal")
    })?;
    Ok(paths.iter().map(|p| cwd.join(p)).collect())
}

/// What the user typed, ready to send.
fn input(lang: Lang, args: &ReportArgs) -> Result<ReportInput, ErrorInfo> {
    Ok(ReportInput {
        subject: args.subject.clone(),
        description: args.description.clone(),
        category: args.category.clone(),
        phone: args.phone.clone(),
        location: args.location.clone(),
        attachments: absolute(lang, &args.attachments)?,
        attach_log: args.attach_log,
    })
}
