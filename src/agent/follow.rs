//! The agent's follow-up loop: checks the open tickets with the core's [`StatusPoller`] and shows
//! each notice as a desktop notification ([`crate::platform::notify`]). Clicking a notification
//! opens "My tickets" on its ticket; the tray's menu counts the unread notices, for
//! desktops whose notifications cannot carry actions.
//!
//! With no open ticket there is no timer at all. Otherwise the loop sleeps in steps of at most
//! [`STEP`] so that it notices a suspend (the wall clock jumped ahead of the monotonic one) and
//! checks within one interval after the machine wakes (at random, like after start-up), and soon
//! after the network comes back if the last checks
//! failed (`super::network`).

use super::{Agent, Command};
use crate::platform::Notification;
use guichet_core::clock::unix_ms;
use guichet_core::follow::{self, next_delay, poll_stored, Notice, PollError};
use guichet_core::i18n::t;
use guichet_core::protocol::view::WindowKind;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Longest single sleep: how late a wake from suspend can be noticed.
const STEP: Duration = Duration::from_secs(60);

/// Why the loop stopped waiting.
#[derive(Debug, PartialEq, Eq)]
enum Wake {
    /// The delay is over.
    Due,
    /// The help desk answered again, or the network came back: check soon.
    Soon,
    /// The machine slept: check within one interval, at random (the whole school wakes too).
    Woke,
    /// The set of watched tickets changed: compute the delay again.
    Changed,
}

pub async fn run(agent: Arc<Agent>) {
    let Some(poller) = agent.guichet().poller() else {
        tracing::info!("no help desk configured: tickets are not followed");
        return;
    };
    let settings = agent.guichet().poll_settings();
    let store = agent.guichet().follow_store().clone();
    let mut rng = StdRng::from_entropy();
    let _ = agent
        .commands
        .send(Command::Unread(store.read().unread.len()));
    // When the next check is due. Kept while tickets come and go, so that news of a ticket
    // (one filed, one delivered from the outbox) never postpones the check of the others.
    let mut deadline: Option<Instant> = None;
    // The first check after start-up comes anywhere within one interval (`PollSettings::first`).
    let mut started = true;
    loop {
        let state = store.read();
        if state.tickets.is_empty() {
            deadline = None;
        } else if deadline.is_none() {
            let delay = if std::mem::take(&mut started) {
                Some(settings.first(&mut rng))
            } else {
                next_delay(&settings, &state, &mut rng)
            };
            deadline = delay.map(|d| Instant::now() + d);
        }
        match wait(&agent, deadline).await {
            Wake::Changed => continue,
            Wake::Soon => tokio::time::sleep(settings.soon(&mut rng)).await,
            Wake::Woke => tokio::time::sleep(settings.first(&mut rng)).await,
            Wake::Due => {}
        }
        deadline = None;
        let now = agent.guichet().clock().now();
        match poll_stored(&poller, &store, now).await {
            Ok((notices, state)) => {
                for notice in &notices {
                    show(&agent, notice).await;
                }
                let _ = agent.commands.send(Command::Unread(state.unread.len()));
            }
            Err(PollError::Connector(e, state)) => {
                tracing::info!("ticket check failed ({} in a row): {e}", state.failures);
            }
            Err(PollError::Store(e)) => {
                tracing::warn!("{e}");
                tokio::time::sleep(STEP).await;
            }
        }
        tracing::debug!("tickets checked at {}", unix_ms(now));
        agent.activity.happened();
    }
}

async fn wait(agent: &Agent, deadline: Option<Instant>) -> Wake {
    let Some(deadline) = deadline else {
        // Nothing open: no timer, only a new ticket can start the loop again.
        agent.follow_changed.notified().await;
        return Wake::Changed;
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Wake::Due;
        }
        let step = left.min(STEP);
        let (wall, mono) = (SystemTime::now(), Instant::now());
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            _ = agent.follow_changed.notified() => return Wake::Changed,
            _ = agent.network_back.notified() => {
                // Worth an early check only if the last ones failed.
                if agent.guichet().follow_state().failures > 0 {
                    tracing::info!("the help desk may be reachable again: checking tickets soon");
                    return Wake::Soon;
                }
            }
        }
        if follow::woke_from_sleep(wall.elapsed().unwrap_or_default(), mono.elapsed()) {
            tracing::info!("the machine woke up: checking tickets within one interval");
            return Wake::Woke;
        }
    }
}

/// Shows `notice`; activating it opens "My tickets" on its ticket.
async fn show(agent: &Arc<Agent>, notice: &Notice) {
    let lang = agent.guichet().lang();
    let notification = Notification {
        title: notice.title(lang),
        body: notice.body(lang),
        action: t(lang, "notice.open", &[]),
    };
    let commands = agent.commands.clone();
    let ticket = notice.ticket;
    let open = move || {
        let _ = commands.send(Command::OpenWindow(WindowKind::MyTickets, Some(ticket)));
    };
    match crate::platform::notify(&notification, open).await {
        Ok(()) => tracing::info!("notified {}", notice.key()),
        // The tray's unread count still says there is news.
        Err(e) => tracing::warn!("no desktop notification for {}: {e}", notice.key()),
    }
}
