//! The network coming back: the kernel's route notifications ([`NetWatch`]) wake the delivery
//! loop, which sends what waits at once instead of at its back-off deadline, and the follow-up
//! loop, which checks the tickets soon if its last checks failed. Listening costs no thread and
//! no wake-up while the network does not change.

use super::Agent;
use guichet_core::platform::NetWatch;
use std::sync::Arc;
use std::time::Duration;

/// Links, addresses, routes and DNS arrive in a burst when a network is joined: act once it has
/// been quiet this long...
const SETTLE: Duration = Duration::from_secs(2);
/// ...or this long after the first sign, if the burst goes on.
const MAX_SETTLE: Duration = Duration::from_secs(10);

pub async fn run(agent: Arc<Agent>) {
    let mut watch = match NetWatch::open() {
        Ok(watch) => watch,
        Err(e) => {
            tracing::warn!("cannot watch the network ({e}): waiting reports follow their back-off");
            return;
        }
    };
    loop {
        if let Err(e) = watch.came_online().await {
            tracing::warn!("network watch stopped: {e}");
            return;
        }
        let burst = tokio::time::Instant::now() + MAX_SETTLE;
        loop {
            let quiet = tokio::time::Instant::now() + SETTLE;
            match tokio::time::timeout_at(quiet.min(burst), watch.came_online()).await {
                Ok(Ok(())) if quiet < burst => continue,
                Ok(Err(e)) => {
                    tracing::warn!("network watch stopped: {e}");
                    return;
                }
                _ => break,
            }
        }
        tracing::info!("the network came back: retrying what waits for the help desk");
        // Kept until heard: a loop busy with a failing attempt right now acts on it next time it
        // waits. A late wake-up costs at most one early retry of what is pending anyway.
        agent.outbox_retry.notify_one();
        agent.network_back.notify_one();
    }
}
