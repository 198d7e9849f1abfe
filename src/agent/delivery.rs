//! The outbox's background delivery: asks the outbox worker to deliver what is due, then sleeps
//! until the next report is due (at most [`MAX_SLEEP`]), a new one is queued, or the network
//! comes back (then everything waiting is sent at once, back-off or not). With nothing waiting
//! it sleeps without a timer, and no worker (hence no sled) runs.
//!
//! A report delivered here becomes a followed ticket: the follow-up loop is told to look again.

use super::Agent;
use guichet_core::api::worker::ask;
use guichet_core::api::OutboxOwner;
use std::sync::Arc;
use std::time::Duration;

/// Longest sleep between two delivery attempts while reports wait.
const MAX_SLEEP: Duration = Duration::from_secs(300);

pub async fn run(agent: Arc<Agent>) {
    let mut now = false;
    loop {
        if std::mem::take(&mut now) {
            if let Err(e) = OutboxOwner::flush(agent.as_ref()).await {
                tracing::warn!("outbox delivery: {e}");
            }
        }
        let due = agent.outbox.ask(ask::DeliverDue {}).await;
        // Something may have been delivered, hence followed from now on.
        agent.follow_changed.notify_one();
        agent.activity.happened();
        let sleep = match due {
            Ok(Some(next_ms)) => {
                let wait = next_ms.saturating_sub(agent.guichet().now_ms()).max(0);
                Some(
                    Duration::from_millis(u64::try_from(wait).unwrap_or(0))
                        .clamp(Duration::from_secs(1), MAX_SLEEP),
                )
            }
            // Nothing waits: sleep until a report is queued.
            Ok(None) => None,
            Err(e) => {
                tracing::warn!("outbox delivery: {e}");
                Some(Duration::from_secs(60))
            }
        };
        match sleep {
            Some(sleep) => {
                tokio::select! {
                    _ = tokio::time::sleep(sleep) => {}
                    _ = agent.outbox_changed.notified() => {}
                    _ = agent.outbox_retry.notified() => {
                        tracing::info!("sending what waits now");
                        now = true;
                    }
                }
            }
            None => agent.outbox_changed.notified().await,
        }
    }
}
