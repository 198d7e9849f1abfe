//! The headless command line. Its command and flag names are a documented interface for IT
//! scripts: keep them stable. Exit codes: 0 success (sent or queued), 1 failure, 2 invalid input,
//! 3 reports stopped on a permanent error (see `queue flush`).

use anyhow::Context;
use clap::{Args as ClapArgs, Parser, Subcommand};
use guichet_core::clock::{unix_ms, Clock, SystemClock};
use guichet_core::config::{self, Config};
use guichet_core::connector::categories::{self, CategoryList};
use guichet_core::connector::{self, glpi, Connector, ConnectorError};
use guichet_core::facts::MachineFacts;
use guichet_core::i18n::{t, Lang};
use guichet_core::outbox::{Backoff, Courier, EntryState, Outbox, Outcome};
use guichet_core::profile::Profile;
use guichet_core::report::{AttachmentSource, Report, ReportDraft};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_STOPPED: u8 = 3;

/// How long a CLI command waits for another Guichet process to release the outbox.
const OUTBOX_WAIT: Duration = Duration::from_secs(10);

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
    /// Attach a screenshot of every monitor (arrives with the desktop wizard).
    #[arg(long)]
    pub screenshot: bool,
    /// Mask a region of the screenshot before it leaves the machine (arrives with --screenshot).
    #[arg(long = "mask", value_name = "X,Y,W,H", requires = "screenshot")]
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

/// Everything a command needs, built once.
pub(crate) struct App {
    config: Config,
    lang: Lang,
    data_dir: PathBuf,
    connector: Option<Arc<dyn Connector>>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl App {
    pub(crate) fn load(config_path: Option<&Path>) -> anyhow::Result<App> {
        let config = Config::load(config_path)?;
        let lang = config.lang();
        let data_dir = config::data_dir()?;
        let connector = match &config.server {
            Some(server) => {
                Some(connector::from_config(server).map_err(|e| anyhow::anyhow!(e.message(lang)))?)
            }
            None => None,
        };
        Ok(App {
            config,
            lang,
            data_dir,
            connector,
            clock: Arc::new(SystemClock),
        })
    }

    pub(crate) fn outbox(&self) -> anyhow::Result<Outbox> {
        Outbox::open(&self.data_dir.join("outbox"), OUTBOX_WAIT).map_err(|e| match e {
            guichet_core::outbox::OutboxError::Busy { .. } => {
                anyhow::anyhow!(t(self.lang, "error.outbox_busy", &[]))
            }
            other => other.into(),
        })
    }

    pub(crate) fn courier(&self) -> Courier {
        Courier::new(
            self.connector.clone(),
            self.clock.clone(),
            Backoff::default(),
        )
    }
}

pub async fn run(config_path: Option<&Path>, command: Command) -> u8 {
    let ctx = match App::load(config_path) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("guichet: {e:#}");
            return EXIT_INVALID;
        }
    };
    let result = match command {
        Command::Report(args) => report(&ctx, args).await,
        Command::Queue(QueueCommand::List(f)) => queue_list(&ctx, f.json),
        Command::Queue(QueueCommand::Flush(f)) => queue_flush(&ctx, f.json).await,
        Command::Queue(QueueCommand::Retry { id }) => queue_retry(&ctx, id),
        Command::Queue(QueueCommand::Dismiss { id }) => queue_dismiss(&ctx, id),
        Command::Tickets(f) => tickets(&ctx, f.json).await,
        Command::Categories(f) => list_categories(&ctx, f.json).await,
        Command::Facts(f) => facts(&ctx, f.json),
    };
    result.unwrap_or_else(|e| {
        eprintln!("guichet: {e:#}");
        EXIT_FAILURE
    })
}

fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

async fn report(ctx: &App, args: ReportArgs) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    if args.screenshot {
        eprintln!("guichet: --screenshot and --mask arrive with the desktop wizard; this build cannot capture the screen yet");
        return Ok(EXIT_INVALID);
    }
    let mut profile = Profile::load(&ctx.data_dir, &ctx.config.defaults);
    let draft = ReportDraft {
        subject: args.subject,
        description: args.description,
        category: args.category,
        phone: args.phone.clone().or_else(|| profile.phone.clone()),
        location: args.location.clone().or_else(|| profile.location.clone()),
        attachments: args
            .attachments
            .into_iter()
            .map(AttachmentSource::Path)
            .collect(),
    };
    // Validation needs the category list, but must not wait on the network: cache or config.
    let known = categories::cached_or_configured(&ctx.config.categories, &ctx.data_dir);
    let facts = MachineFacts::gather(Vec::new());
    let report = match Report::build(
        &draft,
        &ctx.config.limits,
        &known.categories,
        facts,
        unix_ms(ctx.clock.now()),
        lang,
    ) {
        Ok(report) => report,
        Err(errors) => {
            eprintln!("{}", errors.message(lang));
            return Ok(EXIT_INVALID);
        }
    };
    if args.phone.is_some() || args.location.is_some() {
        profile.phone = args.phone.or(profile.phone);
        profile.location = args.location.or(profile.location);
        if let Err(e) = profile.save(&ctx.data_dir) {
            tracing::warn!("cannot remember the phone number: {e}");
        }
    }

    if args.dry_run {
        let dir = args.out.context("--dry-run needs --out")?;
        write_dry_run(&dir, &report)?;
        if args.json {
            print_json(&json!({"status": "dryRun", "id": report.id, "out": dir}));
        } else {
            println!("{}", t(lang, "report.dry_run", &[("dir", &dir.display())]));
        }
        return Ok(EXIT_OK);
    }

    let outbox = ctx.outbox()?;
    outbox.enqueue(&report, unix_ms(ctx.clock.now()))?;
    let outcome = ctx.courier().deliver(&outbox, report.id).await?;
    Ok(match outcome {
        Outcome::Sent(delivery) => {
            if args.json {
                let mut out = json!({"status": "sent", "ticket": delivery.ticket});
                if !delivery.rejected.is_empty() {
                    out["rejected"] = json!(delivery.rejected);
                }
                print_json(&out);
            } else {
                println!(
                    "{}",
                    t(lang, "report.sent", &[("ticket", &delivery.ticket)])
                );
                if !delivery.rejected.is_empty() {
                    let files: Vec<String> = delivery
                        .rejected
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
        Outcome::Waiting { error, .. } => {
            tracing::info!("report {} queued: {error}", report.id);
            if args.json {
                print_json(&json!({"status": "queued", "id": report.id}));
            } else {
                println!("{}", t(lang, "report.queued", &[("id", &report.id)]));
                if matches!(error, ConnectorError::NotConfigured) {
                    println!("{}", error.message(lang));
                }
            }
            EXIT_OK
        }
        Outcome::Failed(error) => {
            if args.json {
                print_json(
                    &json!({"status": "failed", "id": report.id, "error": {"code": error.ipc_code(), "message": error.message(lang)}}),
                );
            } else {
                eprintln!("{}", error.message(lang));
            }
            EXIT_FAILURE
        }
    })
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

fn queue_list(ctx: &App, as_json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let entries = ctx.outbox()?.list()?;
    if as_json {
        let items: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "id": e.report.id,
                    "subject": e.report.subject,
                    "createdAtMs": e.report.created_at_ms,
                    "state": e.state,
                    "attempts": e.attempts,
                    "nextAttemptMs": e.next_attempt_ms,
                    "attachments": e.report.attachments.iter().map(|a| &a.name).collect::<Vec<_>>(),
                    "lastError": e.last_error.as_ref().map(|err| json!({"code": err.ipc_code(), "message": err.message(lang)})),
                })
            })
            .collect();
        print_json(&json!(items));
        return Ok(EXIT_OK);
    }
    if entries.is_empty() {
        println!("{}", t(lang, "queue.empty", &[]));
    }
    for e in &entries {
        println!(
            "{}  {}  [{}]  {}",
            e.report.id,
            e.report.subject,
            state_label(lang, &e.state),
            e.attempts
        );
        if let EntryState::Delivered { rejected, .. } = &e.state {
            for r in rejected {
                println!("    {}: {}", r.name, r.reason);
            }
        }
        if let Some(err) = &e.last_error {
            println!("    {}", err.message(lang));
        }
    }
    Ok(EXIT_OK)
}

async fn queue_flush(ctx: &App, as_json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let outbox = ctx.outbox()?;
    let result = ctx.courier().flush(&outbox, true).await?;
    let entries = outbox.list()?;
    let waiting: Vec<_> = entries
        .iter()
        .filter(|e| e.state == EntryState::Pending)
        .collect();
    let failed: Vec<_> = entries
        .iter()
        .filter(|e| e.state == EntryState::Failed)
        .collect();
    let describe = |e: &&guichet_core::outbox::Entry| {
        json!({"id": e.report.id, "subject": e.report.subject,
               "error": e.last_error.as_ref().map(|err| json!({"code": err.ipc_code(), "message": err.message(lang)}))})
    };
    if as_json {
        print_json(&json!({
            "sent": result.sent.iter().map(|(id, d)| json!({"id": id, "ticket": d.ticket, "rejected": d.rejected})).collect::<Vec<_>>(),
            "waiting": waiting.iter().map(describe).collect::<Vec<_>>(),
            "failed": failed.iter().map(describe).collect::<Vec<_>>(),
        }));
    } else {
        for (id, d) in &result.sent {
            println!("{id} → #{}", d.ticket);
        }
        for e in waiting.iter().chain(failed.iter()) {
            let why = e
                .last_error
                .as_ref()
                .map(|err| err.message(lang))
                .unwrap_or_default();
            eprintln!(
                "{}  {}  [{}]  {why}",
                e.report.id,
                e.report.subject,
                state_label(lang, &e.state)
            );
        }
        if waiting.is_empty() && failed.is_empty() {
            println!("{}", t(lang, "queue.flush.done", &[]));
        } else {
            eprintln!(
                "{}",
                t(
                    lang,
                    "queue.flush.left",
                    &[("count", &(waiting.len() + failed.len()))]
                )
            );
        }
    }
    Ok(if !waiting.is_empty() {
        EXIT_FAILURE
    } else if !failed.is_empty() {
        EXIT_STOPPED
    } else {
        EXIT_OK
    })
}

fn queue_retry(ctx: &App, id: Uuid) -> anyhow::Result<u8> {
    ctx.outbox()?.retry(id, unix_ms(ctx.clock.now()))?;
    Ok(EXIT_OK)
}

fn queue_dismiss(ctx: &App, id: Uuid) -> anyhow::Result<u8> {
    if ctx.outbox()?.dismiss(id)? {
        Ok(EXIT_OK)
    } else {
        eprintln!("guichet: report {id} is still waiting to be sent; it cannot be dismissed");
        Ok(EXIT_FAILURE)
    }
}

async fn tickets(ctx: &App, as_json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let Some(connector) = &ctx.connector else {
        eprintln!("{}", ConnectorError::NotConfigured.message(lang));
        return Ok(EXIT_FAILURE);
    };
    match connector.my_tickets().await {
        Ok(list) => {
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
        Err(e) => {
            eprintln!("{}", e.message(lang));
            Ok(EXIT_FAILURE)
        }
    }
}

async fn list_categories(ctx: &App, as_json: bool) -> anyhow::Result<u8> {
    let list: CategoryList = categories::load(
        ctx.connector.as_deref(),
        &ctx.config.categories,
        &ctx.data_dir,
    )
    .await;
    if as_json {
        print_json(&json!(list));
    } else {
        for c in &list.categories {
            println!("{:>5}  {}", c.id, c.name);
        }
    }
    Ok(EXIT_OK)
}

fn facts(ctx: &App, as_json: bool) -> anyhow::Result<u8> {
    let facts = MachineFacts::gather(Vec::new());
    if as_json {
        print_json(&json!(facts));
    } else {
        for (label, value) in facts.lines(ctx.lang) {
            println!("{label} : {value}");
        }
    }
    Ok(EXIT_OK)
}
