//! The headless command line. Its command and flag names are a documented interface for IT
//! scripts: keep them stable. Exit codes: 0 success (sent or queued), 1 failure, 2 invalid input,
//! 3 reports stopped on a permanent error (see `queue flush`).

use crate::screenshot::Screenshots;
use anyhow::Context;
use clap::{Args as ClapArgs, Parser, Subcommand};
use guichet_core::action::{ActionInput, ActionKind};
use guichet_core::clock::SystemClock;
use guichet_core::connector::categories::CategoryList;
use guichet_core::connector::TimelineKind;
use guichet_core::connector::{glpi, TicketId, TicketSummary};
use guichet_core::facts::MachineFacts;
use guichet_core::html;
use guichet_core::i18n::{t, Lang};
use guichet_core::ipc::TicketView;
use guichet_core::ipc::{self, Client, IpcError, Request, Response};
use guichet_core::outbox::EntryState;
use guichet_core::report::{AttachmentSource, Report};
use guichet_core::service::{
    ErrorCode, ErrorInfo, FlushSummary, Guichet, QueueItem, ReportInput, SubmitOutcome,
};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_STOPPED: u8 = 3;

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

/// Where a command is carried out: by the running agent (which owns the outbox), or here, with
/// the outbox opened directly, when no agent runs. Both give the same answers.
enum Backend {
    Agent(Client),
    Direct(Box<Guichet>),
}

impl Backend {
    async fn connect(guichet: Guichet) -> Backend {
        if let Some(socket) = ipc::socket_path() {
            match Client::connect(&socket).await {
                Ok(client) => return Backend::Agent(client),
                Err(IpcError::NoAgent) => {}
                Err(e) => tracing::warn!("not using the agent: {e}"),
            }
        }
        Backend::Direct(Box::new(guichet))
    }

    /// Asks the agent, mapping transport failures to an internal error.
    async fn ask(client: &mut Client, request: Request) -> Result<Response, ErrorInfo> {
        match client.request(&request).await {
            Ok(Response::Error { error }) => Err(error),
            Ok(response) => Ok(response),
            Err(e) => Err(ErrorInfo::internal(e.to_string())),
        }
    }

    /// `shots` are the CLI's own `--screenshot`, already masked.
    async fn submit(
        &mut self,
        input: ReportInput,
        shots: Screenshots,
    ) -> Result<SubmitOutcome, ErrorInfo> {
        match self {
            Backend::Agent(c) => {
                let files = shots
                    .attachments
                    .into_iter()
                    .filter_map(|a| match a {
                        AttachmentSource::Bytes { name, bytes } => {
                            Some(ipc::InlineFile::new(name, &bytes))
                        }
                        AttachmentSource::Path(_) => None,
                    })
                    .collect();
                let request = Request::Report {
                    report: input,
                    files,
                    screens: shots.screens,
                };
                match Self::ask(c, request).await? {
                    Response::Submitted { outcome } => Ok(outcome),
                    other => Err(unexpected(other)),
                }
            }
            Backend::Direct(g) => {
                let report = g
                    .build_report(&input, shots.attachments, shots.screens)
                    .map_err(|e| ErrorInfo::from_validation(&e, g.lang()))?;
                g.submit(report)
                    .await
                    .map_err(|e| ErrorInfo::internal(e.to_string()))
            }
        }
    }

    async fn queue(&mut self) -> Result<Vec<QueueItem>, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::QueueList).await? {
                Response::Queue { items } => Ok(items),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => g
                .queue()
                .await
                .map_err(|e| ErrorInfo::internal(e.to_string())),
        }
    }

    async fn flush(&mut self) -> Result<FlushSummary, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::QueueFlush).await? {
                Response::Flushed { summary } => Ok(summary),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => g
                .flush()
                .await
                .map_err(|e| ErrorInfo::internal(e.to_string())),
        }
    }

    async fn retry(&mut self, id: Uuid) -> Result<(), ErrorInfo> {
        match self {
            Backend::Agent(c) => Self::ask(c, Request::QueueRetry { id }).await.map(drop),
            Backend::Direct(g) => g
                .retry(id)
                .await
                .map_err(|e| ErrorInfo::internal(e.to_string())),
        }
    }

    async fn dismiss(&mut self, id: Uuid) -> Result<bool, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::QueueDismiss { id }).await? {
                Response::Dismissed { dismissed } => Ok(dismissed),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => g
                .dismiss(id)
                .await
                .map_err(|e| ErrorInfo::internal(e.to_string())),
        }
    }

    async fn tickets(&mut self) -> Result<Vec<TicketSummary>, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::Tickets).await? {
                Response::Tickets { tickets } => Ok(tickets),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => g
                .tickets()
                .await
                .map_err(|e| ErrorInfo::from_connector(&e, g.lang())),
        }
    }

    async fn ticket(&mut self, id: TicketId) -> Result<TicketView, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::Ticket { id }).await? {
                Response::Ticket { view } => Ok(*view),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => {
                let detail = g
                    .ticket(id)
                    .await
                    .map_err(|e| ErrorInfo::from_connector(&e, g.lang()))?;
                let pending = g
                    .queue()
                    .await
                    .map_err(|e| ErrorInfo::internal(e.to_string()))?
                    .into_iter()
                    .filter(|i| i.ticket == Some(id))
                    .collect();
                Ok(TicketView {
                    detail,
                    pending,
                    limits: g.config().limits.clone(),
                })
            }
        }
    }

    async fn act(&mut self, input: ActionInput) -> Result<SubmitOutcome, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::Act { action: input }).await? {
                Response::Submitted { outcome } => Ok(outcome),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => {
                let action = g
                    .build_action(&input)
                    .map_err(|e| ErrorInfo::from_action(&e, g.lang()))?;
                g.act(action)
                    .await
                    .map_err(|e| ErrorInfo::internal(e.to_string()))
            }
        }
    }

    async fn categories(&mut self) -> Result<CategoryList, ErrorInfo> {
        match self {
            Backend::Agent(c) => match Self::ask(c, Request::Categories).await? {
                Response::Categories { list } => Ok(list),
                other => Err(unexpected(other)),
            },
            Backend::Direct(g) => Ok(g.categories().await),
        }
    }
}

fn unexpected(response: Response) -> ErrorInfo {
    ErrorInfo::internal(format!("unexpected answer from the agent: {response:?}"))
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
                Ok(shots) if args.dry_run => dry_run(&guichet, args, shots),
                Ok(shots) => report(&mut Backend::connect(guichet).await, lang, args, shots).await,
            }
        }
        Command::Facts(f) => facts(lang, f.json),
        Command::Watch { json, once } => crate::watch::run(&guichet, json, once).await,
        command => {
            let mut backend = Backend::connect(guichet).await;
            match command {
                Command::Report(args) => {
                    report(&mut backend, lang, args, Screenshots::default()).await
                }
                Command::Queue(QueueCommand::List(f)) => {
                    queue_list(&mut backend, lang, f.json).await
                }
                Command::Queue(QueueCommand::Flush(f)) => {
                    queue_flush(&mut backend, lang, f.json).await
                }
                Command::Queue(QueueCommand::Retry { id }) => {
                    backend.retry(id).await.map(|()| EXIT_OK)
                }
                Command::Queue(QueueCommand::Dismiss { id }) => match backend.dismiss(id).await {
                    Ok(true) => Ok(EXIT_OK),
                    Ok(false) => {
                        eprintln!("guichet: report {id} is still waiting to be sent; it cannot be dismissed");
                        Ok(EXIT_FAILURE)
                    }
                    Err(e) => Err(e),
                },
                Command::Tickets(f) => tickets(&mut backend, lang, f.json).await,
                Command::Categories(f) => categories(&mut backend, f.json).await,
                Command::Show { ticket, json } => show(&mut backend, lang, ticket, json).await,
                Command::Followup {
                    ticket,
                    message,
                    attachments,
                    json,
                } => {
                    let cwd =
                        std::env::current_dir().map_err(|e| ErrorInfo::internal(e.to_string()));
                    match cwd {
                        Ok(cwd) => {
                            let input = ActionInput {
                                ticket,
                                kind: ActionKind::Followup { message },
                                attachments: attachments.iter().map(|p| cwd.join(p)).collect(),
                                confirmed: false,
                            };
                            act(&mut backend, lang, input, json).await
                        }
                        Err(e) => Err(e),
                    }
                }
                Command::Approve {
                    ticket,
                    comment,
                    confirm,
                    json,
                } => {
                    let input = ActionInput {
                        ticket,
                        kind: ActionKind::Approve { comment },
                        attachments: Vec::new(),
                        confirmed: confirm,
                    };
                    act(&mut backend, lang, input, json).await
                }
                Command::Refuse {
                    ticket,
                    reason,
                    json,
                } => {
                    let input = ActionInput {
                        ticket,
                        kind: ActionKind::Refuse {
                            reason: reason.unwrap_or_default(),
                        },
                        attachments: Vec::new(),
                        confirmed: false,
                    };
                    act(&mut backend, lang, input, json).await
                }
                Command::Rate {
                    ticket,
                    score,
                    comment,
                    json,
                } => {
                    let input = ActionInput {
                        ticket,
                        kind: ActionKind::Rate { score, comment },
                        attachments: Vec::new(),
                        confirmed: false,
                    };
                    act(&mut backend, lang, input, json).await
                }
                Command::Facts(_) | Command::OutboxWorker | Command::Watch { .. } => not_here(),
            }
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

/// `facts` is answered before a backend is chosen, and `outbox-worker` by `main`.
fn not_here() -> Result<u8, ErrorInfo> {
    Err(ErrorInfo::internal(
        "this command is not run through the CLI dispatcher",
    ))
}

fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

fn input(args: &ReportArgs) -> Result<ReportInput, ErrorInfo> {
    // The agent may run in another directory: attachment paths travel absolute.
    let cwd = std::env::current_dir().map_err(|e| ErrorInfo::internal(e.to_string()))?;
    Ok(ReportInput {
        subject: args.subject.clone(),
        description: args.description.clone(),
        category: args.category.clone(),
        phone: args.phone.clone(),
        location: args.location.clone(),
        attachments: args.attachments.iter().map(|p| cwd.join(p)).collect(),
    })
}

async fn report(
    backend: &mut Backend,
    lang: Lang,
    args: ReportArgs,
    shots: Screenshots,
) -> Result<u8, ErrorInfo> {
    let outcome = backend.submit(input(&args)?, shots).await?;
    Ok(match outcome {
        SubmitOutcome::Sent { ticket, rejected } => {
            if args.json {
                let mut out = json!({"status": "sent", "ticket": ticket});
                if !rejected.is_empty() {
                    out["rejected"] = json!(rejected);
                }
                print_json(&out);
            } else {
                println!("{}", t(lang, "report.sent", &[("ticket", &ticket)]));
                if !rejected.is_empty() {
                    let files: Vec<String> = rejected
                        .iter()
                        .map(|r| format!("{} ({})", r.name, r.reason))
                        .collect();
                    println!(
                        "{}",
                        t(
                            lang,
                            "report.rejected_files",
                            &[("files", &files.join(", "))]
                        )
                    );
                }
            }
            EXIT_OK
        }
        SubmitOutcome::Queued { id, reason } => {
            if args.json {
                print_json(&json!({"status": "queued", "id": id}));
            } else {
                println!("{}", t(lang, "report.queued", &[("id", &id)]));
                println!("{}", reason.message);
            }
            EXIT_OK
        }
        SubmitOutcome::Failed { id, error } => {
            if args.json {
                print_json(&json!({"status": "failed", "id": id, "error": error}));
            } else {
                eprintln!("{}", error.message);
            }
            EXIT_FAILURE
        }
    })
}

fn dry_run(guichet: &Guichet, args: ReportArgs, shots: Screenshots) -> Result<u8, ErrorInfo> {
    let lang = guichet.lang();
    let report = guichet
        .build_report(&input(&args)?, shots.attachments, shots.screens)
        .map_err(|e| ErrorInfo::from_validation(&e, lang))?;
    let dir = args
        .out
        .clone()
        .ok_or_else(|| ErrorInfo::internal("--dry-run needs --out"))?;
    write_dry_run(&dir, &report).map_err(|e| ErrorInfo::internal(format!("{e:#}")))?;
    if args.json {
        print_json(&json!({"status": "dryRun", "id": report.id, "out": dir}));
    } else {
        println!("{}", t(lang, "report.dry_run", &[("dir", &dir.display())]));
    }
    Ok(EXIT_OK)
}
/// Writes exactly what `report` would send: the GLPI request fields and each attachment.
fn write_dry_run(dir: &Path, report: &Report) -> anyhow::Result<()> {
    let files = dir.join("files");
    std::fs::create_dir_all(&files)
        .with_context(|| format!("cannot create {}", files.display()))?;
    // The requester id is only known once a session is open; the placeholder says so.
    let manifest = glpi::ticket_manifest(report, json!("<glpiID of the logged-in account>"));
    let parts: serde_json::Map<String, serde_json::Value> = report
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                format!("file{i}"),
                json!({"name": a.name, "mime": a.mime, "size": a.bytes.len()}),
            )
        })
        .collect();
    let request = json!({"method": "POST", "path": "Ticket", "uploadManifest": manifest, "files": parts, "clientId": report.id});
    std::fs::write(
        dir.join("request.json"),
        serde_json::to_vec_pretty(&request)?,
    )?;
    std::fs::write(
        dir.join("content.html"),
        manifest["input"]["content"].as_str().unwrap_or_default(),
    )?;
    for a in &report.attachments {
        // Names were validated: no separators, so they stay inside `files`.
        std::fs::write(files.join(&a.name), &a.bytes)?;
    }
    Ok(())
}

fn state_label(lang: Lang, state: &EntryState) -> String {
    match state {
        EntryState::Pending => t(lang, "queue.pending", &[]),
        EntryState::Failed => t(lang, "queue.failed", &[]),
        EntryState::Delivered { ticket, .. } => {
            format!("{} (#{ticket})", t(lang, "queue.delivered_partial", &[]))
        }
    }
}

fn queue_list_text(lang: Lang, items: &[QueueItem]) {
    if items.is_empty() {
        println!("{}", t(lang, "queue.empty", &[]));
    }
    for e in items {
        println!(
            "{}  {}  [{}]  {}",
            e.id,
            e.subject,
            state_label(lang, &e.state),
            e.attempts
        );
        if let EntryState::Delivered { rejected, .. } = &e.state {
            for r in rejected {
                println!("    {}: {}", r.name, r.reason);
            }
        }
        if let Some(err) = &e.last_error {
            println!("    {}", err.message);
        }
    }
}

async fn queue_list(backend: &mut Backend, lang: Lang, as_json: bool) -> Result<u8, ErrorInfo> {
    let items = backend.queue().await?;
    if as_json {
        print_json(&json!(items));
    } else {
        queue_list_text(lang, &items);
    }
    Ok(EXIT_OK)
}

async fn queue_flush(backend: &mut Backend, lang: Lang, as_json: bool) -> Result<u8, ErrorInfo> {
    let summary = backend.flush().await?;
    if as_json {
        print_json(&json!(summary));
    } else {
        for s in &summary.sent {
            println!("{} → #{}", s.id, s.ticket);
        }
        for e in summary.waiting.iter().chain(&summary.failed) {
            let why = e
                .last_error
                .as_ref()
                .map(|err| err.message.clone())
                .unwrap_or_default();
            eprintln!(
                "{}  {}  [{}]  {why}",
                e.id,
                e.subject,
                state_label(lang, &e.state)
            );
        }
        if summary.waiting.is_empty() && summary.failed.is_empty() {
            println!("{}", t(lang, "queue.flush.done", &[]));
        } else {
            eprintln!(
                "{}",
                t(
                    lang,
                    "queue.flush.left",
                    &[("count", &(summary.waiting.len() + summary.failed.len()))]
                )
            );
        }
    }
    Ok(if !summary.waiting.is_empty() {
        EXIT_FAILURE
    } else if !summary.failed.is_empty() {
        EXIT_STOPPED
    } else {
        EXIT_OK
    })
}

async fn tickets(backend: &mut Backend, lang: Lang, as_json: bool) -> Result<u8, ErrorInfo> {
    let list = backend.tickets().await?;
    if as_json {
        print_json(&json!(list));
    } else {
        for ticket in &list {
            println!(
                "#{:<7} {:<22} {}  ({})",
                ticket.id,
                ticket.status.label(lang),
                ticket.subject,
                ticket.updated
            );
        }
    }
    Ok(EXIT_OK)
}

async fn categories(backend: &mut Backend, as_json: bool) -> Result<u8, ErrorInfo> {
    let list = backend.categories().await?;
    if as_json {
        print_json(&json!(list));
    } else {
        for c in &list.categories {
            println!("{:>5}  {}", c.id, c.name);
        }
    }
    Ok(EXIT_OK)
}

fn facts(lang: Lang, as_json: bool) -> Result<u8, ErrorInfo> {
    let facts = MachineFacts::gather(Vec::new());
    if as_json {
        print_json(&json!(facts));
    } else {
        for (label, value) in facts.lines(lang) {
            println!("{label} : {value}");
        }
    }
    Ok(EXIT_OK)
}

async fn show(
    backend: &mut Backend,
    lang: Lang,
    id: TicketId,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let view = backend.ticket(id).await?;
    if as_json {
        print_json(&json!(view));
        return Ok(EXIT_OK);
    }
    let d = &view.detail;
    println!("#{}  {}  [{}]", d.id, d.subject, d.status.label(lang));
    println!(
        "{} · {}",
        t(lang, "show.opened", &[("date", &d.opened)]),
        t(lang, "show.updated", &[("date", &d.updated)])
    );
    println!();
    println!("{}", html::to_text(&d.description_html));
    for e in &d.timeline {
        let who = if e.by_me {
            t(lang, "show.by_me", &[])
        } else {
            t(lang, "show.by_tech", &[])
        };
        let what = match (e.kind, e.solution_status) {
            (TimelineKind::Solution, Some(status)) => {
                format!(" — {} ({status:?})", t(lang, "show.solution", &[]))
            }
            _ => String::new(),
        };
        println!();
        println!("── {}  {who}{what}", e.date);
        println!("{}", html::to_text(&e.html));
    }
    for doc in &d.documents {
        println!("📎 {}", doc.name);
    }
    for p in &view.pending {
        println!("⏳ {}  [{}]", p.subject, state_label(lang, &p.state));
    }
    if d.waiting_solution().is_some() {
        println!();
        println!("{}", t(lang, "show.solution_waiting", &[("ticket", &d.id)]));
    }
    if d.survey_open() {
        println!("{}", t(lang, "show.survey_open", &[("ticket", &d.id)]));
    }
    Ok(EXIT_OK)
}

async fn act(
    backend: &mut Backend,
    lang: Lang,
    input: ActionInput,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let ticket = input.ticket;
    let outcome = backend.act(input).await?;
    if as_json {
        print_json(&json!(outcome));
    }
    Ok(match outcome {
        SubmitOutcome::Sent { rejected, .. } => {
            if !as_json {
                println!("{}", t(lang, "action.done", &[("ticket", &ticket)]));
                for r in &rejected {
                    println!("    {}: {}", r.name, r.reason);
                }
            }
            EXIT_OK
        }
        SubmitOutcome::Queued { id, reason } => {
            if !as_json {
                println!(
                    "{}",
                    t(lang, "action.queued", &[("ticket", &ticket), ("id", &id)])
                );
                println!("{}", reason.message);
            }
            EXIT_OK
        }
        SubmitOutcome::Failed { error, .. } => {
            if !as_json {
                eprintln!(
                    "{}",
                    t(
                        lang,
                        "action.failed",
                        &[("ticket", &ticket), ("detail", &error.message)]
                    )
                );
            }
            EXIT_FAILURE
        }
    })
}
