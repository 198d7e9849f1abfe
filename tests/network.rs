//! The network coming back, for real. The test runs itself again inside a private network
//! namespace (`unshare --net`, which needs root, as in CI), where it can take the loopback link
//! down and bring it up again without touching the machine's network. The help desk (the GLPI
//! double) and the agent live in that namespace too.
//!
//! A report filed while the link is down is queued; its first retry is 15 to 30 s away (the
//! outbox's back-off). When the link comes back, the kernel says so on the agent's netlink
//! socket, and the report must reach the help desk well before that retry; from then on the
//! ticket is followed like any other, and checks that failed while the link was down are made
//! again as soon as it returns.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, wait_for};
use guichet_test_support::workstation::{json, Workstation};
use std::process::Command;
use std::time::{Duration, Instant};

/// Set in the copy of this test that runs inside the private namespace.
const INSIDE: &str = "GUICHET_TEST_PRIVATE_NETWORK";

/// True when running inside the private namespace (then the caller does the test). Otherwise
/// runs `test` again inside one, checks that it passed, and returns false.
fn in_private_network(test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    // /proc/self belongs to the effective user.
    let root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if !root {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root: the network test must run"
        );
        eprintln!(
            "\n!!! not root: SKIPPING the network-return test (it needs `unshare --net`) !!!\n"
        );
        return false;
    }
    let status = Command::new("unshare")
        .args(["--net", "--"])
        .arg(std::env::current_exe().expect("this test's executable"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .status()
        .expect("run unshare (util-linux)");
    assert!(
        status.success(),
        "{test} failed in its private network: {status}"
    );
    false
}

fn loopback(state: &str) {
    let status = Command::new("ip")
        .args(["link", "set", "lo", state])
        .status()
        .expect("run ip (iproute2)");
    assert!(status.success(), "ip link set lo {state}: {status}");
}

#[test]
fn a_report_queued_while_the_network_was_down_leaves_as_soon_as_it_returns() {
    if !in_private_network(
        "a_report_queued_while_the_network_was_down_leaves_as_soon_as_it_returns",
    ) {
        return;
    }
    loopback("up");
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    ws.append_config("[poll]\ninterval_secs = 2\n");
    let runtime = ws.dir.path().join("run");
    let log = ws.dir.path().join("agent.log");
    let _agent = ws.start_agent(&runtime, &[("DBUS_SESSION_BUS_ADDRESS", "".as_ref())], &log);
    let cli = |args: &[&str]| {
        ws.command(args)
            .env("GUICHET_RUNTIME_DIR", &runtime)
            .output()
            .expect("run guichet")
    };

    // The cable is out: the report is kept, to be retried after its back-off.
    loopback("down");
    let queued = json(&cli(&[
        "report",
        "--subject",
        "Wi-Fi",
        "--description",
        "The Wi-Fi of room 12 drops every few minutes since Monday.",
        "--json",
    ]));
    assert_eq!(queued["status"], "queued", "{queued}");
    let list = json(&cli(&["queue", "list", "--json"]));
    let next_ms = list[0]["nextAttemptMs"].as_i64().expect("next attempt");
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    assert!(
        next_ms - now_ms > 12_000,
        "the back-off leaves more than 12 s before the retry: {list}"
    );
    assert!(double.tickets().is_empty());

    // The cable is back: the kernel tells the agent, which sends the report at once.
    let back = Instant::now();
    loopback("up");
    wait_for(
        "the report on the help desk after the network came back",
        Duration::from_secs(10),
        || (double.tickets().len() == 1).then_some(()),
    );
    eprintln!("delivered {:?} after the link came up", back.elapsed());
    let agent_log = read_file(&log);
    assert!(
        agent_log.contains("the network came back"),
        "agent log:\n{agent_log}"
    );
    // Exactly once, and nothing left waiting.
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(double.tickets().len(), 1);
    let list = json(&cli(&["queue", "list", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");

    // Delivered in the background, the ticket is followed from then on: the agent checks it
    // (its first check of a new ticket fetches the details, solution included).
    let ticket = double.tickets()[0].id;
    wait_for(
        "the agent's first check of the delivered ticket",
        Duration::from_secs(15),
        || {
            double
                .requests()
                .iter()
                .any(|r| r.path == format!("/Ticket/{ticket}/ITILSolution"))
                .then_some(())
        },
    );

    // The follow-up side. With the link down, checks fail and back off (every 2 s, then 4, then
    // 8 s ±20 %); once it is back, the next check comes within the 2 s settle, long before the
    // 6.4 s at the earliest that the back-off would wait.
    loopback("down");
    wait_for(
        "two failed checks in a row",
        Duration::from_secs(30),
        || read_file(&log).contains("(2 in a row)").then_some(()),
    );
    let searches = || {
        double
            .requests()
            .iter()
            .filter(|r| r.path == "/search/Ticket")
            .count()
    };
    let back = Instant::now();
    loopback("up");
    // The agent hears the link return and checks soon. (Counting the double's searches alone
    // would not show it: a check that timed out while the link was down leaves its request in a
    // closed socket's send queue, and the kernel delivers it once the link is up.)
    wait_for(
        "the agent to hear that the network came back",
        Duration::from_secs(5),
        || {
            read_file(&log)
                .contains("the help desk may be reachable again")
                .then_some(())
        },
    );
    let before = searches();
    wait_for(
        "a check of the tickets soon after the network came back",
        Duration::from_secs(5),
        || (searches() > before).then_some(()),
    );
    eprintln!("checked {:?} after the link came up", back.elapsed());
}
