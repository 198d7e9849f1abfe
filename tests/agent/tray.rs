//! The tray icon whatever the moment the desktop's tray host (its StatusNotifierWatcher) starts
//! at: at a login, the agent and the host start together.

use super::{Agent, LIMIT};
use guichet_test_support::desktop::{poll_until, wait_for, SessionBus, Xvfb};
use guichet_test_support::workstation::Workstation;
use std::time::Duration;

const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// The agent on `bus`, with no display (the tray needs none).
fn agent_on(ws: &Workstation, bus: &SessionBus) -> Agent {
    Agent::start_with(
        ws,
        None,
        0,
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref())],
    )
}

#[test]
fn a_watcher_not_ready_yet_delays_the_icon_but_neither_loses_it_nor_holds_up_the_agent() {
    let bus = SessionBus::start();
    // A thread of its own answers the bus while the test waits.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    // Takes the watcher's name; with `serve`, answers `UnknownObject` to every call, as a
    // watcher does between taking its name and exporting its object; without, never answers.
    let fake_watcher = |serve: bool| {
        runtime
            .block_on(async {
                let conn = zbus::connection::Builder::address(bus.address.as_str())?
                    .name(WATCHER)?
                    .build()
                    .await?;
                if serve {
                    let _ = conn.object_server();
                }
                Ok::<_, zbus::Error>(conn)
            })
            .expect("the watcher's name")
    };
    let ws = Workstation::new(None);
    let x = Xvfb::start(800, 600);

    let hung = fake_watcher(false);
    let agent = Agent::start_with(&ws, Some((&x, &bus)), 0, &[]);
    let logged =
        |what: &'static str| wait_for(what, LIMIT, || agent.log().contains(what).then_some(()));
    logged("the tray host did not answer within 5 s");
    // Meanwhile the agent went on: the shortcut was grabbed after it gave up.
    logged("global shortcut Ctrl+Alt+G ready");
    drop(hung);

    let starting = fake_watcher(true);
    logged("tray registration refused");
    drop(starting);

    let _watcher = bus.status_notifier_watcher();
    let (.., layout) = wait_for("the tray item to register", LIMIT, || bus.tray_menu());
    assert!(layout.contains("Report a problem"), "{layout}");
}

#[test]
fn the_icon_is_registered_whatever_the_moment_the_watcher_starts_at() {
    // ksni listens for a watcher only after its first registration failed; a watcher that takes
    // its name in between used to leave the agent without an icon, about one start in four on
    // this project's 2-core machine for a watcher started 2 to 10 ms after the agent. Each round
    // moves the watcher's start by a millisecond.
    for delay_ms in 0..=24 {
        let bus = SessionBus::start();
        let ws = Workstation::new(None);
        let watcher = std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                std::thread::sleep(Duration::from_millis(delay_ms));
                bus.status_notifier_watcher()
            });
            let agent = agent_on(&ws, &bus);
            (agent, watcher.join().expect("watcher started"))
        });
        let registered = poll_until(LIMIT, || bus.tray_menu());
        let (agent, _watcher) = watcher;
        assert!(
            registered.is_some_and(|(.., layout)| layout.contains("Report a problem")),
            "no tray icon with a watcher started {delay_ms} ms after the agent:\n{}",
            agent.log()
        );
    }
}

#[test]
fn without_a_tray_host_the_user_is_told_once_how_to_report() {
    let x = Xvfb::start(800, 600);
    let bus = SessionBus::start();
    let _dunst = guichet_test_support::desktop::start_dunst(&x, &bus);
    let ws = Workstation::new(None);
    const TOLD: &str = "told the user how to report without the icon";
    let agent = Agent::start_with(&ws, Some((&x, &bus)), 0, &[]);
    wait_for("the notice", LIMIT, || {
        agent.log().contains(TOLD).then_some(())
    });
    assert!(ws.data.join("no-tray-notice").exists(), "remembered");
    drop(agent);
    // Once: the next session says nothing more.
    let agent = Agent::start_with(&ws, Some((&x, &bus)), 0, &[]);
    let again = poll_until(Duration::from_secs(8), || {
        agent.log().contains(TOLD).then_some(())
    });
    assert!(again.is_none(), "told twice: {}", agent.log());
}
