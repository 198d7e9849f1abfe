//! One function that answers the IPC protocol's requests: the agent calls it for everything but
//! its desktop requests (windows, screenshots), and the CLI calls it in process when no agent
//! runs. Both therefore give the same answers, built in one place.

use super::{ApiError, Guichet, OutboxOwner};
use crate::report::AttachmentSource;
use guichet_protocol::ipc::{ask, Ask, Request, Response, PROTOCOL_VERSION};
use guichet_protocol::view::TicketView;

/// The `Hello` every connection starts with.
pub fn hello() -> Response {
    ask::Hello::reply(ask::HelloAnswer {
        version: PROTOCOL_VERSION,
        agent: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// Answers `request`, with `outbox` doing whatever needs the outbox. Requests about windows and
/// screenshots are the agent's own: here they are `NeedsAgent`.
pub async fn answer(
    guichet: &Guichet,
    outbox: &dyn OutboxOwner,
    request: Request,
) -> Result<Response, ApiError> {
    Ok(match request {
        Request::Hello { .. } => hello(),
        Request::Report {
            report,
            files,
            screens,
        } => {
            let extra = files
                .into_iter()
                .map(|f| {
                    f.decode()
                        .map(|(name, bytes)| AttachmentSource::Bytes { name, bytes })
                        .ok_or(ApiError::DamagedFile)
                })
                .collect::<Result<Vec<_>, _>>()?;
            let report = guichet.build_report(&report, extra, screens)?;
            ask::Report::reply(outbox.submit(report).await?)
        }
        Request::Act { action } => {
            ask::Act::reply(outbox.act(guichet.build_action(&action)?).await?)
        }
        Request::QueueList => ask::QueueList::reply(outbox.list().await?),
        Request::QueueFlush => ask::QueueFlush::reply(outbox.flush().await?),
        Request::QueueRetry { id } => ask::QueueRetry::reply(outbox.retry(id).await?),
        Request::QueueDismiss { id } => ask::QueueDismiss::reply(outbox.dismiss(id).await?),
        Request::Tickets => ask::Tickets::reply(guichet.tickets().await?),
        Request::Categories => ask::Categories::reply(guichet.categories().await),
        Request::MyTickets => ask::MyTickets::reply(guichet.my_tickets().await),
        Request::Ticket { id } => {
            let detail = guichet.ticket(id).await?;
            let pending = pending(outbox)
                .await
                .into_iter()
                .filter(|i| i.ticket == Some(id))
                .collect();
            ask::Ticket::reply(Box::new(TicketView {
                detail,
                pending,
                limits: guichet.config().limits.clone(),
                capabilities: guichet.capabilities(),
            }))
        }
        Request::Settings => ask::Settings::reply(guichet.settings(pending(outbox).await.len())),
        Request::SaveProfile { phone, location } => {
            guichet.save_profile(phone, location)?;
            ask::SaveProfile::reply(guichet.settings(pending(outbox).await.len()))
        }
        Request::Doctor => ask::Doctor::reply(guichet.doctor().await),
        Request::Entities => ask::Entities::reply(guichet.entities().await?),
        Request::SignIn { sign_in } => {
            guichet.sign_in(sign_in).await?;
            ask::SignIn::reply(guichet.reloaded()?.settings(pending(outbox).await.len()))
        }
        Request::SavePreferences { preferences } => {
            guichet.save_preferences(preferences)?;
            ask::SavePreferences::reply(guichet.reloaded()?.settings(pending(outbox).await.len()))
        }
        Request::SignOut => {
            guichet.sign_out().await?;
            ask::SignOut::reply(guichet.reloaded()?.settings(pending(outbox).await.len()))
        }
        request @ (Request::OpenWizard
        | Request::OpenWindow { .. }
        | Request::WindowReady { .. }
        | Request::WizardContext
        | Request::Recapture
        | Request::Submit { .. }
        | Request::AwaitTicket
        | Request::TestCapture
        | Request::InstallShortcut) => return Err(ApiError::NeedsAgent(request.kind())),
    })
}

/// What waits in the outbox, for a view that is still worth showing when the outbox cannot be
/// read (the failure is logged).
async fn pending(outbox: &dyn OutboxOwner) -> Vec<guichet_protocol::view::QueueItem> {
    outbox.list().await.unwrap_or_else(|e| {
        tracing::warn!("outbox list: {e}");
        Vec::new()
    })
}

/// [`answer`], with an error as the `Error` response, worded in the user's language.
pub async fn respond(guichet: &Guichet, outbox: &dyn OutboxOwner, request: Request) -> Response {
    answer(guichet, outbox, request)
        .await
        .unwrap_or_else(|e| Response::Error {
            error: e.report(guichet.lang()),
        })
}
