//! What the benches share: the wall clock as `date +%s%N` prints it (stand-in window processes
//! write it when they start), percentiles of a run's samples, and triggering an agent's wizard
//! over IPC with the times it took.

use crate::desktop::read_file;
use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::transport::Client;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Triggers the wizard of the agent at `socket` `n` times (`OpenWizard`), each `pause` after the
/// stand-in window process of the previous one started (enough for it to exit: 150 ms; longer to
/// let the agent come to rest in between). Returns this call's capture times the agent
/// logged in `log` (ms) and trigger → window process started (ms), read from `record`, where
/// the stand-in writes `date +%s%N` when it starts; each start is waited for at most `limit`.
pub async fn trigger_wizard(
    socket: &Path,
    record: &Path,
    log: &Path,
    n: usize,
    limit: Duration,
    pause: Duration,
) -> (Vec<f64>, Vec<f64>) {
    let mut client = Client::connect(socket).await.expect("connect");
    let mut started = Vec::new();
    // Earlier calls' lines and captures are not this call's.
    let before = read_file(record).lines().count();
    for i in before..before + n {
        let t0 = now_ns();
        let answer = client.request(&Request::OpenWizard).await.expect("open");
        assert_eq!(answer, Response::Done);
        let deadline = Instant::now() + limit;
        let line = loop {
            if let Some(line) = read_file(record).lines().nth(i) {
                break line.to_owned();
            }
            assert!(Instant::now() < deadline, "window process not started");
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        let t1: u128 = line.trim().parse().expect("timestamp");
        started.push(t1.saturating_sub(t0) as f64 / 1e6);
        tokio::time::sleep(pause).await;
    }
    let captures = capture_times(&read_file(log));
    let earlier = captures.len().saturating_sub(n);
    (captures[earlier..].to_vec(), started)
}

/// The capture times (ms) in an agent's log: its `captured N screen(s) in X ms` lines.
pub fn capture_times(log: &str) -> Vec<f64> {
    log.lines()
        .filter_map(|l| {
            l.split("screen(s) in ")
                .nth(1)?
                .split(" ms")
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

/// Nanoseconds since the Unix epoch, comparable with `date +%s%N` in another process.
pub fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The `p` quantile (0.0 the smallest, 0.5 the median, 1.0 the largest) of `samples`, by the
/// nearest rank; `NaN` when there are none.
pub fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() as f64 - 1.0) * p.clamp(0.0, 1.0)).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn capture_times_are_read_from_the_agents_log() {
        let log =
            "INFO x: captured 2 screen(s) in 46.6 ms\nINFO y: other\ncaptured 1 screen(s) in 9 ms";
        assert_eq!(super::capture_times(log), [46.6, 9.0]);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = vec![5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(v.clone(), 0.0), 1.0);
        assert_eq!(percentile(v.clone(), 0.5), 3.0);
        assert_eq!(percentile(v, 1.0), 5.0);
        assert!(percentile(Vec::new(), 0.5).is_nan());
    }
}
