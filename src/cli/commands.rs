//! What each command does with its answer: the text people read, or the JSON scripts read
//! (a documented interface: keep its names stable).

use super::backend::Backend;
use super::{input, ReportArgs};
use crate::exit::{EXIT_FAILURE, EXIT_OK, EXIT_STOPPED};
use crate::screenshot::Screenshots;
use guichet_core::action::ActionInput;
use guichet_core::api::Guichet;
use guichet_core::clock::{unix_ms, Clock, SystemClock};
use guichet_core::connector::TimelineKind;
use guichet_core::html;
use guichet_core::i18n::{t, Lang};
use guichet_core::outbox::EntryState;
use guichet_core::protocol::ipc::ask;
use guichet_core::protocol::private;
use guichet_core::protocol::view::{FlushSummary, InlineFile, QueueItem, SubmitOutcome};
use guichet_core::protocol::{ErrorInfo, TicketId};
use guichet_core::report::{AttachmentSource, Report};
use serde_json::json;
use std::path::Path;
use uuid::Uuid;

pub(super) fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// `queue retry`: puts a stopped entry back in line.
pub(super) async fn retry(backend: &mut Backend, id: Uuid) -> Result<u8, ErrorInfo> {
    backend.ask(ask::QueueRetry { id }).await?;
    Ok(EXIT_OK)
}

/// `queue dismiss`: an entry still waiting to be sent cannot be dismissed.
pub(super) async fn dismiss(backend: &mut Backend, id: Uuid) -> Result<u8, ErrorInfo> {
    if backend.ask(ask::QueueDismiss { id }).await? {
        Ok(EXIT_OK)
    } else {
        eprintln!("guichet: report {id} is still waiting to be sent; it cannot be dismissed");
        Ok(EXIT_FAILURE)
    }
}

pub(super) async fn report(
    backend: &mut Backend,
    lang: Lang,
    args: ReportArgs,
    shots: Screenshots,
) -> Result<u8, ErrorInfo> {
    let files = shots
        .attachments
        .into_iter()
        .filter_map(|a| match a {
            AttachmentSource::Bytes { name, bytes } => Some(InlineFile::new(name, &bytes)),
            AttachmentSource::Path(_) => None,
        })
        .collect();
    let request = ask::Report {
        report: input(lang, &args)?,
        files,
        screens: shots.screens,
    };
    let outcome = backend.ask(request).await?;
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
                        .map(|r| format!("{} ({})", r.name, r.worded(lang)))
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

pub(super) fn dry_run(
    guichet: &Guichet,
    args: ReportArgs,
    shots: Screenshots,
) -> Result<u8, ErrorInfo> {
    let lang = guichet.lang();
    let report = guichet
        .build_report(&input(lang, &args)?, shots.attachments, shots.screens)
        .map_err(|e| e.info(lang))?;
    // clap makes --dry-run require --out.
    let dir = args.out.clone().unwrap_or_default();
    write_dry_run(&dir, &report, guichet.dry_run(&report)).map_err(|e| {
        eprintln!("guichet: {}: {e}", dir.display());
        ErrorInfo::internal(lang, "error.internal")
    })?;
    if args.json {
        print_json(&json!({"status": "dryRun", "id": report.id, "out": dir}));
    } else {
        println!("{}", t(lang, "report.dry_run", &[("dir", &dir.display())]));
    }
    Ok(EXIT_OK)
}
/// Writes exactly what `report` would send: the help desk's request (`request`, from its
/// connector; with none configured, the report would wait in the outbox), the ticket's body, and
/// each attachment; owner-only, like everything Guichet writes of a report.
fn write_dry_run(
    dir: &Path,
    report: &Report,
    request: Option<serde_json::Value>,
) -> std::io::Result<()> {
    let files = dir.join("files");
    private::create_dir_all(&files)?;
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
    let mut request = match request {
        Some(serde_json::Value::Object(fields)) => fields,
        _ => serde_json::Map::from_iter([("helpDesk".to_owned(), serde_json::Value::Null)]),
    };
    request.insert("files".into(), serde_json::Value::Object(parts));
    request.insert("clientId".into(), json!(report.id));
    private::write(
        &dir.join("request.json"),
        &serde_json::to_vec_pretty(&request).map_err(std::io::Error::other)?,
    )?;
    private::write(
        &dir.join("content.html"),
        html::ticket_body(report).as_bytes(),
    )?;
    for a in &report.attachments {
        // Names were validated: no separators, so they stay inside `files`.
        private::write(&files.join(&a.name), &a.bytes)?;
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
                println!("    {}: {}", r.name, r.worded(lang));
            }
        }
        if let Some(err) = &e.last_error {
            println!("    {}", err.message);
        }
    }
}

pub(super) async fn queue_list(
    backend: &mut Backend,
    lang: Lang,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let items = backend.ask(ask::QueueList {}).await?;
    if as_json {
        print_json(&json!(items));
    } else {
        queue_list_text(lang, &items);
    }
    Ok(EXIT_OK)
}

/// The longest `queue flush` waits for an interrupted send to settle (a request's timeout is
/// 30 s unless IT sets another).
const MAX_SETTLE_WAIT_MS: i64 = 5 * 60 * 1000;

async fn flush_once(backend: &mut Backend) -> Result<FlushSummary, ErrorInfo> {
    backend.ask(ask::QueueFlush {}).await
}

pub(super) async fn queue_flush(
    backend: &mut Backend,
    lang: Lang,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let mut summary = flush_once(backend).await?;
    // Entries whose earlier send was interrupted are left until it has settled at the help desk:
    // wait for it (a request's timeout at most), then flush again.
    let mut sent = Vec::new();
    for _ in 0..3 {
        let Some(until_ms) = summary.settling_until_ms else {
            break;
        };
        let wait_ms = until_ms.saturating_sub(unix_ms(SystemClock.now()));
        if wait_ms > MAX_SETTLE_WAIT_MS {
            break;
        }
        if wait_ms > 0 {
            let seconds = (wait_ms + 999) / 1000;
            eprintln!(
                "{}",
                t(lang, "queue.flush.settling", &[("seconds", &seconds)])
            );
            let wait = u64::try_from(wait_ms).unwrap_or(0) + 100;
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
        sent.append(&mut summary.sent);
        summary = flush_once(backend).await?;
    }
    sent.append(&mut summary.sent);
    summary.sent = sent;
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

pub(super) async fn tickets(
    backend: &mut Backend,
    lang: Lang,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let list = backend.ask(ask::Tickets {}).await?;
    if as_json {
        print_json(&json!(list));
    } else {
        for ticket in &list {
            println!(
                "#{:<7} {:<22} {}  ({})",
                ticket.id,
                ticket.status.label(lang),
                ticket.subject,
                ticket.stamp
            );
        }
    }
    Ok(EXIT_OK)
}

pub(super) async fn categories(backend: &mut Backend, as_json: bool) -> Result<u8, ErrorInfo> {
    let list = backend.ask(ask::Categories {}).await?;
    if as_json {
        print_json(&json!(list));
    } else {
        for c in &list.categories {
            println!("{:>5}  {}", c.id, c.name);
        }
    }
    Ok(EXIT_OK)
}

pub(super) fn facts(lang: Lang, as_json: bool) -> Result<u8, ErrorInfo> {
    let facts = guichet_core::facts::gather(Vec::new());
    if as_json {
        print_json(&json!(facts));
    } else {
        for (label, value) in facts.lines(lang) {
            println!("{label} : {value}");
        }
    }
    Ok(EXIT_OK)
}

pub(super) async fn show(
    backend: &mut Backend,
    lang: Lang,
    id: TicketId,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let view = *backend.ask(ask::Ticket { id }).await?;
    if as_json {
        print_json(&json!(view));
        return Ok(EXIT_OK);
    }
    let d = &view.detail;
    println!("#{}  {}  [{}]", d.id, d.subject, d.status.label(lang));
    println!(
        "{} · {}",
        t(lang, "show.opened", &[("date", &d.opened)]),
        t(lang, "show.updated", &[("date", &d.stamp)])
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

pub(super) async fn act(
    backend: &mut Backend,
    lang: Lang,
    input: ActionInput,
    as_json: bool,
) -> Result<u8, ErrorInfo> {
    let ticket = input.ticket;
    let outcome = backend.ask(ask::Act { action: input }).await?;
    if as_json {
        print_json(&json!(outcome));
    }
    Ok(match outcome {
        SubmitOutcome::Sent { rejected, .. } => {
            if !as_json {
                println!("{}", t(lang, "action.done", &[("ticket", &ticket)]));
                for r in &rejected {
                    println!("    {}: {}", r.name, r.worded(lang));
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
