//! The resident agent, for real: its IPC socket is the single-instance lock and the CLI's way in;
//! the tray menu (a StatusNotifierItem on a private D-Bus, with a watcher that starts after the
//! agent) captures the screen and only then starts the window process; a crashing window process
//! leaves the agent and the outbox unharmed.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use common::desktop::{read_file, wait_for, Guard, SessionBus, Xvfb};
use common::{json, stderr, Workstation};
use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::transport::Client;
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const DESCRIPTION: &str = "The projector in room 12 does not turn on since this morning.";
const LIMIT: Duration = Duration::from_secs(20);

struct Agent {
    pid: u32,
    _child: Guard,
    log: PathBuf,
    record: PathBuf,
    runtime: PathBuf,
}

impl Agent {
    /// Starts `guichet` (the agent) for `ws`, with a fake window process that records how it was
    /// started and exits with `ui_exit`.
    fn start(ws: &Workstation, desktop: Option<(&Xvfb, &SessionBus)>, ui_exit: i32) -> Agent {
        let runtime = ws.dir.path().join("run");
        let log = ws.dir.path().join("agent.log");
        let record = ws.dir.path().join("ui-starts.txt");
        let fake_ui = ws.recording_ui(&record, ui_exit);
        let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![("GUICHET_UI", fake_ui.as_os_str())];
        match desktop {
            Some((x, bus)) => {
                env.push(("DISPLAY", x.display.as_ref()));
                env.push(("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()));
            }
            // No session bus: the tray is simply absent.
            None => env.push(("DBUS_SESSION_BUS_ADDRESS", "".as_ref())),
        }
        let child = ws.start_agent(&runtime, &env, &log);
        Agent {
            pid: child.0.id(),
            _child: child,
            log,
            record,
            runtime,
        }
    }

    fn log(&self) -> String {
        read_file(&self.log)
    }

    fn cli(&self, ws: &Workstation, args: &[&str]) -> std::process::Output {
        ws.command(args)
            .env("GUICHET_RUNTIME_DIR", &self.runtime)
            .output()
            .expect("run guichet")
    }
}

#[test]
fn the_socket_is_user_only_and_the_cli_goes_through_the_agent() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let agent = Agent::start(&ws, None, 0);
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&agent.runtime.join("agent.sock")), 0o600);
    assert_eq!(mode(&agent.runtime), 0o700);

    let out = agent.cli(
        &ws,
        &[
            "report",
            "--subject",
            "Projector",
            "--description",
            DESCRIPTION,
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "sent");
    assert!(
        agent.log().contains("ipc request: report"),
        "the agent did it: {}",
        agent.log()
    );
    let out = agent.cli(&ws, &["report", "--subject", "", "--description", "x"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "validation errors still exit 2 through the agent"
    );
    assert!(stderr(&out).contains("Enter a subject"), "{}", stderr(&out));
    let list = agent.cli(&ws, &["queue", "list", "--json"]);
    assert_eq!(json(&list), serde_json::json!([]));
    assert_eq!(double.tickets().len(), 1);
}

#[test]
fn a_second_guichet_asks_the_running_agent_and_a_crashing_window_harms_nothing() {
    let ws = Workstation::new(None);
    let agent = Agent::start(&ws, None, 3);
    let queued = json(&agent.cli(
        &ws,
        &[
            "report",
            "--subject",
            "Printer",
            "--description",
            DESCRIPTION,
            "--json",
        ],
    ));
    assert_eq!(queued["status"], "queued");

    // `guichet --background` (a login item) while an agent runs: nothing opens.
    let login_item = ws
        .command(&["--background"])
        .env("GUICHET_RUNTIME_DIR", &agent.runtime)
        .output()
        .expect("login item");
    assert_eq!(login_item.status.code(), Some(0), "{}", stderr(&login_item));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(read_file(&agent.record), "", "a login item opened a window");

    // `guichet --report` while an agent runs: that agent captures and starts the wizard.
    let second = ws
        .command(&["--report"])
        .env("GUICHET_RUNTIME_DIR", &agent.runtime)
        .output()
        .expect("second");
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let started = wait_for("the window process", LIMIT, || {
        Some(read_file(&agent.record)).filter(|r| !r.is_empty())
    });
    assert_eq!(started.trim(), "--window wizard --captured");
    // Nothing could be captured (no display here): the wizard is told why, in the user's
    // language, and goes on without a screenshot.
    let context = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let socket = agent.runtime.join("agent.sock");
            let mut client = Client::connect(&socket).await.expect("connect");
            client
                .request(&Request::WizardContext)
                .await
                .expect("context")
        });
    match context {
        Response::WizardContext { context } => {
            assert!(context.screens.is_empty());
            assert_eq!(
                context.capture_problem.as_deref(),
                Some("No display to capture: neither DISPLAY nor WAYLAND_DISPLAY is set."),
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let log = agent.log();
    let captured = log.find("captured").expect("capture logged");
    let window = log
        .find("starting the window process on wizard")
        .expect("start logged");
    assert!(
        captured < window,
        "capture happens before the window starts:\n{log}"
    );

    // A plain second `guichet` does the same once the first window is gone.
    wait_for("the first window to end", LIMIT, || {
        agent
            .log()
            .contains("the window process ended")
            .then_some(())
    });
    let plain = ws
        .command(&[])
        .env("GUICHET_RUNTIME_DIR", &agent.runtime)
        .output()
        .expect("plain second");
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    wait_for("a second wizard", LIMIT, || {
        (read_file(&agent.record).lines().count() == 2).then_some(())
    });

    // The window process exited with an error; the agent still answers and the report waits.
    std::thread::sleep(Duration::from_millis(300));
    let list = json(&agent.cli(&ws, &["queue", "list", "--json"]));
    assert_eq!(list[0]["id"], queued["id"]);
    assert_eq!(list[0]["state"]["state"], "pending");
}

/// The item registered with the watcher, as `(bus name, object path)`.
fn registered_item(bus: &SessionBus) -> Option<(String, String)> {
    let reply = bus
        .send(&[
            "--dest=org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher",
            "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierWatcher",
            "string:RegisteredStatusNotifierItems",
        ])
        .ok()?;
    let item = reply.lines().find_map(|l| {
        l.trim()
            .strip_prefix("string \"")?
            .strip_suffix('"')
            .map(str::to_owned)
    })?;
    // Either "name/path" or a bare name with the default path.
    Some(match item.split_once('/') {
        Some((name, path)) => (name.to_owned(), format!("/{path}")),
        None => (item, "/StatusNotifierItem".to_owned()),
    })
}

#[test]
fn the_tray_menu_reports_a_problem_even_with_a_late_watcher() {
    let x = Xvfb::start(1280, 800);
    let bus = SessionBus::start();
    let ws = Workstation::new(None);
    let agent = Agent::start(&ws, Some((&x, &bus)), 0);
    std::thread::sleep(Duration::from_millis(500));
    // The desktop's tray host appears after the agent.
    let _watcher = Guard(
        Command::new("status-notifier-watcher")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("status-notifier-watcher is installed"),
    );
    let (name, path) = wait_for("the tray item to register", LIMIT, || registered_item(&bus));
    let menu = bus
        .send(&[
            &format!("--dest={name}"),
            &path,
            "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierItem",
            "string:Menu",
        ])
        .expect("menu property");
    let menu_path = menu
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("variant")?
                .trim()
                .strip_prefix("object path \"")?
                .strip_suffix('"')
                .map(str::to_owned)
        })
        .expect("menu path");
    let layout = bus
        .send(&[
            &format!("--dest={name}"),
            &menu_path,
            "com.canonical.dbusmenu.GetLayout",
            "int32:0",
            "int32:-1",
            "array:string:",
        ])
        .expect("layout");
    let labels: Vec<&str> = ["Report a problem", "My tickets", "Settings", "Quit"]
        .into_iter()
        .filter(|l| layout.contains(l))
        .collect();
    assert_eq!(labels.len(), 4, "menu: {layout}");
    // The id of an item is the last `int32` before its label.
    let before = &layout[..layout.find("Report a problem").expect("label")];
    let id = before
        .rsplit("int32 ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .expect("id");
    bus.send(&[
        &format!("--dest={name}"),
        &menu_path,
        "com.canonical.dbusmenu.Event",
        &format!("int32:{id}"),
        "string:clicked",
        "variant:int32:0",
        "uint32:0",
    ])
    .expect("click");

    let started = wait_for("the wizard", LIMIT, || {
        Some(read_file(&agent.record)).filter(|r| !r.is_empty())
    });
    assert_eq!(started.trim(), "--window wizard --captured");
    let log = agent.log();
    let captured = log
        .find("captured 1 screen(s)")
        .unwrap_or_else(|| panic!("one screen captured:\n{log}"));
    let window = log
        .find("starting the window process on wizard")
        .expect("start logged");
    assert!(
        captured < window,
        "capture happens before the window starts:\n{log}"
    );
}

#[test]
fn the_global_shortcut_opens_the_wizard_after_a_capture() {
    let x = Xvfb::start(1024, 768);
    let bus = SessionBus::start();
    let ws = Workstation::new(None);
    let agent = Agent::start(&ws, Some((&x, &bus)), 0);
    wait_for("the shortcut grab", LIMIT, || {
        agent
            .log()
            .contains("global shortcut Ctrl+Alt+G ready")
            .then_some(())
    });
    let press = Command::new("xdotool")
        .args(["key", "ctrl+alt+g"])
        .env("DISPLAY", &x.display)
        .status()
        .expect("xdotool");
    assert!(press.success());
    let started = wait_for("the wizard", LIMIT, || {
        Some(read_file(&agent.record)).filter(|r| !r.is_empty())
    });
    assert_eq!(started.trim(), "--window wizard --captured");
    assert!(
        agent.log().contains("captured 1 screen(s)"),
        "{}",
        agent.log()
    );
}

/// Names of the agent's threads.
fn thread_names(pid: u32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("tasks")
        .flatten()
        .map(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .collect()
}

#[test]
fn queued_reports_go_out_through_the_outbox_worker_and_sled_never_runs_in_the_agent() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let addr = double.addr();
    let url = double.base_url();
    drop(double);
    let ws = Workstation::new(Some(&url));
    let agent = Agent::start(&ws, None, 0);
    let queued = json(&agent.cli(
        &ws,
        &[
            "report",
            "--subject",
            "Wi-Fi",
            "--description",
            DESCRIPTION,
            "--json",
        ],
    ));
    assert_eq!(queued["status"], "queued");

    let double =
        GlpiDouble::start_on(DoubleConfig::default(), addr).expect("the help desk is back");
    let flush = agent.cli(&ws, &["queue", "flush", "--json"]);
    assert_eq!(flush.status.code(), Some(0), "{}", stderr(&flush));
    assert_eq!(json(&flush)["sent"][0]["id"], queued["id"]);
    assert_eq!(double.tickets().len(), 1);

    let names = thread_names(agent.pid);
    assert!(
        !names.iter().any(|n| n.starts_with("sled")),
        "sled threads in the agent: {names:?}"
    );
    // The worker is a separate process that goes away when idle.
    assert!(agent.log().contains("ipc request: queueFlush"));
}

#[test]
fn a_cli_screenshot_is_masked_here_and_filed_through_the_agent() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let agent = Agent::start(&ws, None, 0);
    let x = Xvfb::start(640, 480);
    let painted = Command::new("xsetroot")
        .env("DISPLAY", &x.display)
        .args(["-solid", "#f0e0c0"])
        .status()
        .expect("xsetroot is installed");
    assert!(painted.success());
    let out = ws
        .command(&[
            "report",
            "--subject",
            "Frozen screen",
            "--description",
            DESCRIPTION,
            "--screenshot",
            "--mask",
            "0,0,320,240",
            "--json",
        ])
        .env("GUICHET_RUNTIME_DIR", &agent.runtime)
        .env("DISPLAY", &x.display)
        .env_remove("XDG_SESSION_TYPE")
        .output()
        .expect("run guichet");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        agent.log().contains("ipc request: report"),
        "the agent filed it: {}",
        agent.log()
    );
    let ticket = json(&out)["ticket"].as_u64().expect("sent");
    let stored = double.ticket(ticket).expect("ticket");
    let document = stored
        .documents
        .iter()
        .find(|d| d.filename == "ecran-1.jpg")
        .expect("the screenshot is attached");
    let image = guichet_core::capture::image::load_from_memory(&document.bytes)
        .expect("a JPEG")
        .to_rgb8();
    assert_eq!(image.dimensions(), (640, 480));
    let (mut inside, mut bright_outside) = (0, 0);
    for (x, y, p) in image.enumerate_pixels() {
        let level = p.0.iter().copied().max().unwrap_or(0);
        if x < 312 && y < 232 {
            inside += 1;
            assert!(level <= 10, "({x},{y}) = {:?} inside the mask", p.0);
        } else if x >= 328 || y >= 248 {
            bright_outside += usize::from(level > 200);
        }
    }
    assert!(inside > 70_000);
    assert!(
        bright_outside > 200_000,
        "the rest is the painted screen: {bright_outside}"
    );
    assert!(
        stored.content.contains("640×480"),
        "the screen is in the facts: {}",
        stored.content
    );
}

/// `[agent] autostart`: at start, the agent makes the user's login items match IT's setting (an
/// XDG autostart entry naming the running `guichet` by its absolute path), and leaves them alone
/// when the key is unset. The agent's HOME is private to the test: the real user's login items
/// are never touched.
#[test]
fn the_agent_makes_its_start_at_login_match_the_configuration() {
    let ws = Workstation::new(None);
    let home = ws.dir.path().join("home");
    let config_home = home.join(".config");
    let entry = config_home.join("autostart").join("Guichet.desktop");
    let runtime = ws.dir.path().join("run");
    let run_agent = |round: &str, expected: &str| {
        let log = ws.dir.path().join(format!("agent-{round}.log"));
        let env: [(&str, &std::ffi::OsStr); 3] = [
            ("HOME", home.as_os_str()),
            ("XDG_CONFIG_HOME", config_home.as_os_str()),
            ("DBUS_SESSION_BUS_ADDRESS", "".as_ref()),
        ];
        let agent = ws.start_agent(&runtime, &env, &log);
        wait_for(expected, LIMIT, || {
            read_file(&log).contains(expected).then_some(())
        });
        drop(agent);
    };

    // Unset: what the user chose stays as it is.
    std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
    std::fs::write(&entry, "[Desktop Entry]\nExec=/the/user/own/choice\n").unwrap();
    run_agent("unset", "start at login: LeftAlone");
    assert_eq!(
        std::fs::read_to_string(&entry).unwrap(),
        "[Desktop Entry]\nExec=/the/user/own/choice\n"
    );

    // On: the entry starts this very `guichet`, by its absolute path.
    ws.append_config("[agent]\nautostart = true\n");
    run_agent("on", "start at login: Registered");
    let text = std::fs::read_to_string(&entry).expect("the autostart entry");
    let guichet = std::fs::canonicalize(env!("CARGO_BIN_EXE_guichet")).unwrap();
    let exec: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Exec="))
        .map(str::trim)
        .collect();
    assert_eq!(
        exec,
        [format!("{} --background", guichet.to_str().unwrap())],
        "{text}"
    );
    assert!(text.contains("Type=Application"), "{text}");

    // Off: the entry is gone.
    ws.configure(None, common::TOKEN);
    ws.append_config("[agent]\nautostart = false\n");
    run_agent("off", "start at login: Removed { existed: true }");
    assert!(!entry.exists(), "the autostart entry is removed");
}

/// The processes whose environment names `runtime` as their agent's runtime directory.
fn processes_of(runtime: &std::path::Path) -> Vec<u32> {
    let needle = format!("GUICHET_RUNTIME_DIR={}", runtime.display());
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
                .unwrap_or(false)
        })
        .collect()
}

/// The installed application opened by hand (a Start-menu shortcut, the Finder: that is
/// `guichet-ui` with no argument) while no agent runs: it starts the agent installed beside it,
/// which captures and opens the wizard, and exits. With an agent running it shows its window.
#[test]
fn the_window_process_opened_by_hand_hands_over_to_the_agent() {
    let ws = Workstation::new(None);
    let runtime = ws.dir.path().join("run");
    let record = ws.dir.path().join("ui-starts.txt");
    let fake_ui = ws.recording_ui(&record, 0);
    let window_process =
        std::path::Path::new(env!("CARGO_BIN_EXE_guichet")).with_file_name("guichet-ui");
    assert!(
        window_process.is_file(),
        "guichet-ui is built beside guichet (cargo build --workspace)"
    );
    let out = Command::new(&window_process)
        .env("GUICHET_RUNTIME_DIR", &runtime)
        .env("GUICHET_DATA_DIR", &ws.data)
        .env("GUICHET_CONFIG", &ws.config)
        .env("GUICHET_UI", &fake_ui)
        .env("DBUS_SESSION_BUS_ADDRESS", "")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("guichet-ui");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let started = wait_for("the agent's wizard", LIMIT, || {
        Some(read_file(&record)).filter(|r| !r.is_empty())
    });
    assert_eq!(
        started.trim(),
        "--window wizard --captured",
        "the agent captured, then opened the wizard"
    );
    assert!(runtime.join("agent.sock").exists(), "the agent runs");
    for pid in processes_of(&runtime) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    wait_for("the agent to stop", LIMIT, || {
        processes_of(&runtime).is_empty().then_some(())
    });
}
