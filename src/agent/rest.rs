//! The agent at rest: once nothing has happened for [`QUIET`] (after start-up, a window closing,
//! a ticket check, a delivery), it gives back what an idle agent does not need resident
//! (`crate::platform::trim_resident`: on Linux the pages of code and read-only data that ran
//! once, and the allocator's free memory). Waits without a timer while nothing happens.

use std::time::Duration;
use tokio::sync::watch;

/// How long nothing must happen before the agent trims itself: longer than the gaps between
/// the steps of one piece of work (a window's requests, a check's answers).
pub const QUIET: Duration = Duration::from_secs(5);

/// Tells the rest task that something happened. Cheap to clone; with no task, it does nothing.
#[derive(Debug, Clone)]
pub struct Activity(watch::Sender<()>);

impl Default for Activity {
    fn default() -> Self {
        Activity(watch::channel(()).0)
    }
}

impl Activity {
    /// Something ran: trim once [`QUIET`] has passed without another call.
    pub fn happened(&self) {
        self.0.send_replace(());
    }

    /// The task that trims the agent after each burst of activity.
    pub fn watch(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        run(self.0.subscribe(), QUIET, crate::platform::trim_resident)
    }
}

async fn run(
    mut activity: watch::Receiver<()>,
    quiet: Duration,
    trim: fn() -> std::io::Result<crate::platform::Trimmed>,
) {
    while activity.changed().await.is_ok() {
        loop {
            tokio::select! {
                () = tokio::time::sleep(quiet) => break,
                changed = activity.changed() => if changed.is_err() { return },
            }
        }
        // On the runtime's own thread: it takes about a millisecond (reading this process's
        // map list), and a blocking-pool thread would be one more thread to start and wake.
        let started = std::time::Instant::now();
        match trim() {
            Ok(trimmed) => tracing::debug!(
                "at rest: {} kB of file pages unmapped from {} mappings in {:.1} ms",
                trimmed.file_kb,
                trimmed.mappings,
                started.elapsed().as_secs_f64() * 1e3
            ),
            Err(e) => tracing::debug!("at rest: cannot trim: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Trimmed;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static TRIMS: AtomicUsize = AtomicUsize::new(0);

    fn count() -> std::io::Result<Trimmed> {
        TRIMS.fetch_add(1, Ordering::SeqCst);
        Ok(Trimmed::default())
    }

    fn trims() -> usize {
        TRIMS.load(Ordering::SeqCst)
    }

    /// Real time (the crate's tokio has no paused clock): a quiet time of 1 s, activity every
    /// 0.1 s.
    #[tokio::test]
    async fn each_burst_of_activity_is_trimmed_once_after_the_quiet_time() {
        let quiet = Duration::from_secs(1);
        let step = Duration::from_millis(100);
        let activity = Activity::default();
        let task = tokio::spawn(run(activity.0.subscribe(), quiet, count));
        tokio::time::sleep(quiet * 2).await;
        assert_eq!(trims(), 0, "nothing happened: no trim");
        for _ in 0..5 {
            activity.happened();
            tokio::time::sleep(step).await;
        }
        assert_eq!(trims(), 0, "still busy: not yet");
        tokio::time::sleep(quiet * 2).await;
        assert_eq!(trims(), 1, "one burst, one trim");
        tokio::time::sleep(quiet * 2).await;
        assert_eq!(trims(), 1, "trimming is not activity");
        activity.happened();
        tokio::time::sleep(quiet * 2).await;
        assert_eq!(trims(), 2);
        drop(activity);
        tokio::time::sleep(step).await;
        assert!(task.is_finished(), "the task ends with the agent");
    }
}
