//! Resident agent benchmarks (run: `cargo bench --bench agent`; figures in docs/PERFORMANCE.md).
//! Needs Xvfb, dbus-daemon and status-notifier-watcher (scripts/install-deps.sh).
//!
//! 1. Trigger → screenshot taken: `OpenWizard` over IPC, capture time as the agent logs it, at
//!    1920×1080 and 3840×2160.
//! 2. Trigger → window process started (capture first, then spawn), seen from a stand-in
//!    window process that records the time it was started.
//! 3. Idle footprint after use: RSS and PSS of the agent, and its wake-ups per second (context
//!    switches of all its threads) over 30 s, after 20 wizard triggers and one report.
//! 4. The same two times (1. and 2.) when the agent is at rest before each trigger (8 triggers,
//!    each [`AT_REST`] after the previous one), at 1080p: what the agent trimming itself at rest
//!    costs the next trigger. Before it, the agent's RSS and PSS once at rest ([`memory`]).
//!
//! `GUICHET_BENCH_AGENTS=/a/guichet:/b/guichet` measures those agents instead of this build's,
//! one after the other at each size (a side-by-side run of two builds under the same load).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Benches fail loudly by design.

use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::transport::Client;
use guichet_core::report::ReportInput;
use guichet_test_support::bench::{percentile, trigger_wizard};
use guichet_test_support::desktop::{wait_for, Guard, Xvfb};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longer than the agent's quiet time before it trims itself (`src/agent/rest.rs`, 5 s).
const AT_REST: Duration = Duration::from_millis(6500);

struct Run {
    _agent: Guard,
    pid: u32,
    dir: tempfile::TempDir,
    log: PathBuf,
    record: PathBuf,
    socket: PathBuf,
}

fn start_agent(agent: &Path, display: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("agent.log");
    let record = dir.path().join("ui.txt");
    let ui = dir.path().join("ui.sh");
    std::fs::write(
        &ui,
        format!("#!/bin/sh\ndate +%s%N >> '{}'\n", record.display()),
    )
    .expect("ui");
    std::fs::set_permissions(&ui, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let runtime = dir.path().join("run");
    let child = Command::new(agent)
        .env("GUICHET_DATA_DIR", dir.path().join("data"))
        .env("GUICHET_RUNTIME_DIR", &runtime)
        .env("GUICHET_UI", &ui)
        .env("GUICHET_LOG", "info")
        .env("DISPLAY", display)
        .env_remove("GUICHET_CONFIG")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("agent");
    let socket = runtime.join("agent.sock");
    wait_for("the agent's socket", Duration::from_secs(20), || {
        socket.exists().then_some(())
    });
    let pid = child.id();
    Run {
        _agent: Guard(child),
        pid,
        dir,
        log,
        record,
        socket,
    }
}

fn status_field(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Context switches (voluntary and not) of each live thread, by thread id.
fn context_switches(pid: u32) -> std::collections::HashMap<String, u64> {
    let mut counts = std::collections::HashMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("tasks")
        .flatten()
    {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let n = status
            .lines()
            .filter(|l| {
                l.starts_with("voluntary_ctxt_switches")
                    || l.starts_with("nonvoluntary_ctxt_switches")
            })
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>();
        counts.insert(task.file_name().to_string_lossy().into_owned(), n);
    }
    counts
}

/// Switches between two snapshots; threads born in between count from zero. (Threads that died
/// in between are missed: the idle agent has none.)
fn switches_between(
    before: &std::collections::HashMap<String, u64>,
    after: &std::collections::HashMap<String, u64>,
) -> u64 {
    after
        .iter()
        .map(|(tid, n)| n.saturating_sub(before.get(tid).copied().unwrap_or(0)))
        .sum()
}

fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("agent bench: run with `cargo bench --bench agent`");
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let agents: Vec<PathBuf> = match std::env::var_os("GUICHET_BENCH_AGENTS") {
        Some(list) => std::env::split_paths(&list).collect(),
        None => vec![PathBuf::from(env!("CARGO_BIN_EXE_guichet"))],
    };
    for (w, h) in [(1920, 1080), (3840, 2160)] {
        for agent in &agents {
            println!("{}", agent.display());
            measure(&rt, agent, w, h);
        }
    }
}

/// Triggers, then (at 1080p) files a report and samples the idle agent.
fn measure(rt: &tokio::runtime::Runtime, agent: &Path, w: u32, h: u32) {
    let x = Xvfb::start(w, h);
    let run = start_agent(agent, &x.display);
    let (captures, started) = rt.block_on(trigger_wizard(
        &run.socket,
        &run.record,
        &run.log,
        20,
        Duration::from_secs(10),
        Duration::from_millis(150),
    ));
    println!("{w}x{h}: {}", trigger_times(captures, started));
    if w == 1920 {
        rt.block_on(async {
            let mut client = Client::connect(&run.socket).await.expect("connect");
            let input = ReportInput {
                subject: "Bench".into(),
                description: "Le poste 3 ne démarre plus du tout.".into(),
                ..Default::default()
            };
            let answer = client
                .request(&Request::Report {
                    report: input,
                    files: Vec::new(),
                    screens: Vec::new(),
                })
                .await
                .expect("report");
            assert!(matches!(answer, Response::Submitted { .. }), "{answer:?}");
        });
        std::thread::sleep(Duration::from_secs(5));
        let before = context_switches(run.pid);
        let window = Duration::from_secs(30);
        std::thread::sleep(window);
        let wakeups =
            switches_between(&before, &context_switches(run.pid)) as f64 / window.as_secs_f64();
        println!(
            "idle after use: {}, {} threads, {wakeups:.2} wake-ups/s over 30 s",
            memory(run.pid),
            threads(run.pid),
        );
        std::thread::sleep(AT_REST);
        let rest = memory(run.pid);
        let (captures, started) = rt.block_on(trigger_wizard(
            &run.socket,
            &run.record,
            &run.log,
            8,
            Duration::from_secs(10),
            AT_REST,
        ));
        println!(
            "{w}x{h}, each trigger {:.1} s after the last (agent at rest, {rest}): {}",
            AT_REST.as_secs_f64(),
            trigger_times(captures, started)
        );
    }
    drop(run.dir);
}

/// The p50 and maximum of trigger → screenshot taken and trigger → window process started.
fn trigger_times(captures: Vec<f64>, started: Vec<f64>) -> String {
    format!(
        "trigger → screenshot taken p50 {:.1} ms (max {:.1}); trigger → window process started p50 {:.1} ms (max {:.1})",
        percentile(captures.clone(), 0.5),
        percentile(captures, 1.0),
        percentile(started.clone(), 0.5),
        percentile(started, 1.0)
    )
}

/// The agent's RSS and PSS now, as "RSS x MB, PSS y MB".
fn memory(pid: u32) -> String {
    format!(
        "RSS {:.1} MB, PSS {:.1} MB",
        status_field(pid, "Rss:") as f64 / 1024.0,
        status_field(pid, "Pss:") as f64 / 1024.0
    )
}
