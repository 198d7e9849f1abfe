//! The agent at rest (`src/agent/rest.rs`): once nothing has happened for a while it gives back
//! the file pages of code that ran once, and it still captures and opens the wizard afterwards.

use super::{Agent, LIMIT};
use guichet_core::protocol::ipc::{Request, Response};
use guichet_test_support::desktop::{read_file, wait_for, SessionBus, Xvfb};
use guichet_test_support::workstation::Workstation;
use std::ffi::OsStr;

/// Resident kB of the agent's file pages (its code and the libraries').
fn rss_file(pid: u32) -> u64 {
    read_file(std::path::Path::new(&format!("/proc/{pid}/status")))
        .lines()
        .find_map(|l| l.strip_prefix("RssFile:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("RssFile in /proc/PID/status")
}

fn rests(agent: &Agent) -> usize {
    agent.log().matches("at rest: ").count()
}

#[test]
fn at_rest_the_agent_gives_back_its_code_pages_and_still_captures_after() {
    let x = Xvfb::start(800, 600);
    let bus = SessionBus::start();
    let ws = Workstation::new(None);
    let agent = Agent::start_with(
        &ws,
        Some((&x, &bus)),
        0,
        &[("GUICHET_LOG", OsStr::new("guichet=debug"))],
    );
    // Start-up, then a wizard: the agent is busy, then at rest.
    assert_eq!(agent.request(&Request::OpenWizard), Response::Done);
    wait_for("the window process", LIMIT, || {
        (read_file(&agent.record).lines().count() == 1).then_some(())
    });
    let busy = rss_file(agent.pid);
    wait_for("the agent at rest", LIMIT, || {
        (rests(&agent) >= 1).then_some(())
    });
    // Start-up's last task (the tray host check) may come after the first rest: wait for quiet.
    std::thread::sleep(std::time::Duration::from_secs(6));
    let resting = rss_file(agent.pid);
    assert!(
        resting < busy,
        "file pages resident: {busy} kB busy, {resting} kB at rest\n{}",
        agent.log()
    );
    let line = agent.log();
    let rest = line
        .lines()
        .find(|l| l.contains("at rest: "))
        .expect("a rest line");
    assert!(!rest.contains("at rest: 0 kB"), "{rest}");

    // The code comes back as it runs: a second wizard captures and starts as the first.
    assert_eq!(agent.request(&Request::OpenWizard), Response::Done);
    wait_for("the second window process", LIMIT, || {
        (read_file(&agent.record).lines().count() == 2).then_some(())
    });
    assert_eq!(
        agent.log().matches("captured 1 screen(s)").count(),
        2,
        "{}",
        agent.log()
    );
}
