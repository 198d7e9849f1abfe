//! Outbox entries as `queue list`, `queue flush` and the windows show them.

use crate::action::TicketAction;
use crate::i18n::{t, Lang};
use crate::outbox::{Entry, EntryState, FlushReport, Outbox, OutboxError};
use guichet_protocol::view::{FlushSummary, QueueItem, SentItem};

fn report_item(e: &Entry, lang: Lang) -> QueueItem {
    QueueItem {
        id: e.item.id,
        subject: e.item.subject.clone(),
        ticket: None,
        action: None,
        created_at_ms: e.item.created_at_ms,
        state: e.state.clone(),
        attempts: e.attempts,
        next_attempt_ms: e.next_attempt_ms,
        attachments: e.item.attachments.iter().map(|a| a.name.clone()).collect(),
        last_error: e.last_error.as_ref().map(|err| err.info(lang)),
    }
}

fn action_item(e: &Entry<TicketAction>, lang: Lang) -> QueueItem {
    let a = &e.item;
    QueueItem {
        id: a.id,
        subject: t(
            lang,
            &format!("queue.action.{}", a.kind.name()),
            &[("ticket", &a.ticket)],
        ),
        ticket: Some(a.ticket),
        action: Some(a.kind.clone()),
        created_at_ms: a.created_at_ms,
        state: e.state.clone(),
        attempts: e.attempts,
        next_attempt_ms: e.next_attempt_ms,
        attachments: a.attachments.iter().map(|f| f.name.clone()).collect(),
        last_error: e.last_error.as_ref().map(|err| err.info(lang)),
    }
}

/// Every report and action in `outbox`, reports first.
pub(super) fn items(outbox: &Outbox, lang: Lang) -> Result<Vec<QueueItem>, OutboxError> {
    let mut items: Vec<QueueItem> = outbox
        .list()?
        .iter()
        .map(|e| report_item(e, lang))
        .collect();
    items.extend(outbox.actions()?.iter().map(|e| action_item(e, lang)));
    Ok(items)
}

/// What a flush sent, and what is left (`items`, listed after it) waiting or stopped.
pub(super) fn summary(result: FlushReport, items: Vec<QueueItem>) -> FlushSummary {
    // Entries delivered with refused files are neither: they only wait to be dismissed.
    let waiting = items
        .iter()
        .filter(|e| e.state == EntryState::Pending)
        .cloned()
        .collect();
    let failed = items
        .into_iter()
        .filter(|e| e.state == EntryState::Failed)
        .collect();
    FlushSummary {
        sent: result
            .reports
            .sent
            .into_iter()
            .chain(result.actions.sent)
            .map(|(id, d)| SentItem {
                id,
                ticket: d.ticket,
                rejected: d.rejected,
            })
            .collect(),
        waiting,
        failed,
        settling_until_ms: result
            .reports
            .settling
            .iter()
            .chain(&result.actions.settling)
            .map(|(_, until)| *until)
            .max(),
    }
}
