//! The agent's side of the local IPC protocol: one task per connection, a `Hello` first, then
//! requests answered in order. Every operation is a call into the shared [`Guichet`] service.
//!
//! [`Guichet`]: guichet_core::service::Guichet

use super::{Agent, Command};
use guichet_core::connector::TicketId;
use guichet_core::ipc::{
    Connection, Listener, Request, Response, TicketView, WizardContext, PROTOCOL_VERSION,
};
use guichet_core::service::{ErrorInfo, QueueItem, SubmitOutcome};
use std::sync::Arc;

pub async fn serve(listener: Listener, agent: Arc<Agent>) {
    loop {
        match listener.accept().await {
            Ok(connection) => {
                tokio::spawn(handle(connection, agent.clone()));
            }
            Err(e) => {
                tracing::warn!("IPC accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

async fn handle(mut connection: Connection, agent: Arc<Agent>) {
    match connection.receive::<Request>().await {
        Ok(Some(Request::Hello { version })) => {
            let hello = Response::Hello {
                version: PROTOCOL_VERSION,
                agent: env!("CARGO_PKG_VERSION").to_owned(),
            };
            if connection.send(&hello).await.is_err() || version != PROTOCOL_VERSION {
                return;
            }
        }
        Ok(_) | Err(_) => {
            let error = ErrorInfo::internal("the first message must be Hello");
            let _ = connection.send(&Response::Error { error }).await;
            return;
        }
    }
    loop {
        let request = match connection.receive::<Request>().await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                let error = ErrorInfo::internal(e.to_string());
                let _ = connection.send(&Response::Error { error }).await;
                return;
            }
        };
        tracing::info!("ipc request: {}", request.kind());
        if request == Request::AwaitTicket {
            // Answered when a ticket is to be shown, or dropped when the window hangs up.
            let mut tickets = agent.open_ticket.subscribe();
            let response = tokio::select! {
                ticket = tickets.recv() => match ticket {
                    Ok(ticket) => Response::OpenTicket { ticket },
                    Err(_) => Response::Done,
                },
                _ = connection.receive::<Request>() => return,
            };
            if connection.send(&response).await.is_err() {
                return;
            }
            continue;
        }
        let response = answer(&agent, request).await;
        if connection.send(&response).await.is_err() {
            return;
        }
    }
}

pub async fn answer(agent: &Agent, request: Request) -> Response {
    let guichet = &agent.guichet;
    match request {
        Request::Hello { .. } => Response::Hello {
            version: PROTOCOL_VERSION,
            agent: env!("CARGO_PKG_VERSION").to_owned(),
        },
        Request::OpenWizard => {
            let _ = agent.commands.send(Command::OpenWizard);
            Response::Done
        }
        Request::OpenWindow { window, ticket } => {
            let _ = agent.commands.send(Command::OpenWindow(window, ticket));
            Response::Done
        }
        Request::WindowReady { window } => {
            if let Some(trigger) = *agent.last_trigger.lock().await {
                tracing::info!(
                    "window {window:?} ready {:.1} ms after the trigger",
                    trigger.elapsed().as_secs_f64() * 1e3
                );
            }
            Response::Done
        }
        Request::WizardContext => Response::WizardContext {
            context: Box::new(wizard_context(agent).await),
        },
        Request::Recapture => {
            *agent.last_trigger.lock().await = Some(std::time::Instant::now());
            agent.screens.capture().await;
            Response::WizardContext {
                context: Box::new(wizard_context(agent).await),
            }
        }
        Request::Submit {
            report,
            screenshots,
        } => {
            let (extra, screens) = match agent
                .screens
                .attachments(&screenshots, guichet.lang())
                .await
            {
                Ok(x) => x,
                Err(message) => {
                    return Response::Error {
                        error: ErrorInfo::internal(message),
                    }
                }
            };
            let report = match guichet.build_report(&report, extra, screens) {
                Ok(r) => r,
                Err(e) => {
                    return Response::Error {
                        error: ErrorInfo::from_validation(&e, guichet.lang()),
                    }
                }
            };
            let response = submit(agent, report).await;
            if matches!(response, Response::Submitted { .. }) {
                // The report is durable: the unmasked original must not outlive it.
                agent.screens.forget().await;
            }
            response
        }
        Request::Report {
            report,
            files,
            screens,
        } => {
            let Some(extra) = files
                .into_iter()
                .map(guichet_core::ipc::InlineFile::into_source)
                .collect::<Option<Vec<_>>>()
            else {
                return Response::Error {
                    error: ErrorInfo::internal("an attached file arrived damaged"),
                };
            };
            match guichet.build_report(&report, extra, screens) {
                Ok(r) => submit(agent, r).await,
                Err(e) => Response::Error {
                    error: ErrorInfo::from_validation(&e, guichet.lang()),
                },
            }
        }
        request @ (Request::QueueList | Request::QueueFlush | Request::QueueDismiss { .. }) => {
            agent.outbox.call(&request).await
        }
        request @ Request::QueueRetry { .. } => {
            let response = agent.outbox.call(&request).await;
            agent.outbox_changed.notify_one();
            response
        }
        Request::MyTickets => Response::MyTickets {
            view: guichet.my_tickets().await,
        },
        Request::Ticket { id } => match guichet.ticket(id).await {
            Ok(detail) => {
                let _ = agent
                    .commands
                    .send(Command::Unread(guichet.follow_state().unread.len()));
                Response::Ticket {
                    view: Box::new(TicketView {
                        detail,
                        pending: pending_actions(agent, Some(id)).await,
                        limits: guichet.config().limits.clone(),
                    }),
                }
            }
            Err(e) => Response::Error {
                error: ErrorInfo::from_connector(&e, guichet.lang()),
            },
        },
        Request::Act { action } => match guichet.build_action(&action) {
            Ok(action) => {
                let (action, files) = guichet_core::ipc::action_to_wire(action);
                let response = agent
                    .outbox
                    .call(&Request::ActBuilt {
                        action: Box::new(action),
                        files,
                    })
                    .await;
                after_delivery(agent, &response);
                response
            }
            Err(e) => Response::Error {
                error: ErrorInfo::from_action(&e, guichet.lang()),
            },
        },
        Request::Settings => Response::Settings {
            view: guichet.settings(pending_actions(agent, None).await.len()),
        },
        Request::SaveProfile { phone, location } => match guichet.save_profile(phone, location) {
            Ok(_) => Response::Settings {
                view: guichet.settings(pending_actions(agent, None).await.len()),
            },
            Err(error) => Response::Error { error },
        },
        Request::AwaitTicket => Response::Done,
        Request::SubmitBuilt { .. } | Request::ActBuilt { .. } | Request::DeliverDue => {
            Response::Error {
                error: ErrorInfo::internal("only the agent sends this to its outbox worker"),
            }
        }
        Request::Tickets => match guichet.tickets().await {
            Ok(tickets) => Response::Tickets { tickets },
            Err(e) => Response::Error {
                error: ErrorInfo::from_connector(&e, guichet.lang()),
            },
        },
        Request::Categories => Response::Categories {
            list: guichet.categories().await,
        },
    }
}

/// Hands a validated report to the outbox worker, which makes it durable and tries it once.
async fn submit(agent: &Agent, report: guichet_core::report::Report) -> Response {
    let (report, files) = guichet_core::ipc::report_to_wire(report);
    let response = agent
        .outbox
        .call(&Request::SubmitBuilt {
            report: Box::new(report),
            files,
        })
        .await;
    after_delivery(agent, &response);
    response
}

/// After a report or an action went to the outbox worker: wake the delivery loop if it waits,
/// and the follow-up loop if a ticket is now followed or the help desk answered again.
fn after_delivery(agent: &Agent, response: &Response) {
    match response {
        Response::Submitted {
            outcome: SubmitOutcome::Queued { .. },
        } => agent.outbox_changed.notify_one(),
        Response::Submitted {
            outcome: SubmitOutcome::Sent { .. },
        } => {
            agent.follow_changed.notify_one();
            if agent.guichet.follow_state().failures > 0 {
                agent.network_back.notify_one();
            }
        }
        _ => {}
    }
}

/// The outbox's entries that are actions (on `ticket`, or on any ticket), and the reports too
/// when `ticket` is `None`: what "pending" means for a window.
async fn pending_actions(agent: &Agent, ticket: Option<TicketId>) -> Vec<QueueItem> {
    // No outbox was ever created here: nothing can be pending, and no worker needs to start.
    if !agent.guichet.has_outbox() {
        return Vec::new();
    }
    match agent.outbox.call(&Request::QueueList).await {
        Response::Queue { items } => items
            .into_iter()
            .filter(|i| ticket.is_none() || i.ticket == ticket)
            .collect(),
        other => {
            tracing::warn!("outbox list: {other:?}");
            Vec::new()
        }
    }
}

async fn wizard_context(agent: &Agent) -> WizardContext {
    let guichet = &agent.guichet;
    let profile = guichet.profile();
    let (screens, failures, infos) = agent.screens.previews().await;
    WizardContext {
        categories: guichet.offline_categories(),
        phone: profile.phone,
        location: profile.location,
        facts: guichet_core::facts::MachineFacts::gather(infos),
        limits: guichet.config().limits.clone(),
        screens,
        capture_failures: failures,
        language: guichet.lang(),
    }
}
