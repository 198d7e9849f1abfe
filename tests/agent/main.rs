//! The resident agent, for real: its IPC socket is the single-instance lock and the CLI's way in;
//! the tray menu (a StatusNotifierItem on a private D-Bus, with a watcher that starts after the
//! agent) captures the screen and only then starts the window process; a crashing window process
//! leaves the agent and the outbox unharmed.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

mod limits;
mod login;
mod rest;
mod tray;

use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::transport::Client;
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, wait_for, Guard, SessionBus, Xvfb};
use guichet_test_support::workstation::{json, stderr, Workstation};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const DESCRIPTION: &str = "The projector in room 12 does not turn on since this morning.";
const LIMIT: Duration = Duration::from_secs(20);

struct Agent {
    pid: u32,
    _child: Guard,
    log: PathBuf,
    record: PathBuf,
    /// The language each window process was started in (`GUICHET_LANG`), a line each.
    languages: PathBuf,
    runtime: PathBuf,
}

impl Agent {
    /// Starts `guichet` (the agent) for `ws`, with a fake window process that records how it was
    /// started and exits with `ui_exit`.
    fn start(ws: &Workstation, desktop: Option<(&Xvfb, &SessionBus)>, ui_exit: i32) -> Agent {
        Agent::start_with(ws, desktop, ui_exit, &[])
    }

    /// [`Agent::start`], with `extra` added to the agent's environment.
    fn start_with(
        ws: &Workstation,
        desktop: Option<(&Xvfb, &SessionBus)>,
        ui_exit: i32,
        extra: &[(&str, &std::ffi::OsStr)],
    ) -> Agent {
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
        env.extend_from_slice(extra);
        let child = ws.start_agent(&runtime, &env, &log);
        Agent {
            pid: child.0.id(),
            _child: child,
            log,
            languages: record.with_extension("lang"),
            record,
            runtime,
        }
    }

    fn log(&self) -> String {
        read_file(&self.log)
    }

    /// One request over the agent's socket.
    fn request(&self, request: &Request) -> Response {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async {
                let socket = self.runtime.join("agent.sock");
                let mut client = Client::connect(&socket).await.expect("connect");
                client.request(request).await.expect("answer")
            })
    }

    /// `guichet report --json` with `subject` and the usual description, through this agent.
    fn report(&self, ws: &Workstation, subject: &str) -> std::process::Output {
        self.cli(
            ws,
            &[
                "report",
                "--subject",
                subject,
                "--description",
                DESCRIPTION,
                "--json",
            ],
        )
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

    let out = agent.report(&ws, "Projector");
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
    let queued = json(&agent.report(&ws, "Printer"));
    assert_eq!(queued["status"], "queued");

    // `guichet --background` (a login item) while an agent runs: nothing opens.
    let login_item = agent.cli(&ws, &["--background"]);
    assert_eq!(login_item.status.code(), Some(0), "{}", stderr(&login_item));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(read_file(&agent.record), "", "a login item opened a window");

    // `guichet --report` while an agent runs: that agent captures and starts the wizard.
    let second = agent.cli(&ws, &["--report"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let started = wait_for("the window process", LIMIT, || {
        Some(read_file(&agent.record)).filter(|r| !r.is_empty())
    });
    assert_eq!(started.trim(), "--window wizard --captured");
    // Nothing could be captured (no display here): the wizard is told why, in the user's
    // language, and goes on without a screenshot.
    let context = agent.request(&Request::WizardContext);
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
    let plain = agent.cli(&ws, &[]);
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

#[test]
fn the_tray_menu_reports_a_problem_even_with_a_late_watcher() {
    let x = Xvfb::start(1280, 800);
    let bus = SessionBus::start();
    let ws = Workstation::new(None);
    let agent = Agent::start(&ws, Some((&x, &bus)), 0);
    std::thread::sleep(Duration::from_millis(500));
    // The desktop's tray host appears after the agent.
    let _watcher = bus.status_notifier_watcher();
    let (name, menu_path, layout) =
        wait_for("the tray item to register", LIMIT, || bus.tray_menu());
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
    x.press("ctrl+alt+g");
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
    let queued = json(&agent.report(&ws, "Wi-Fi"));
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
        stored
            .content
            .contains("<strong>Screens</strong> : Screen 1, 640 × 480"),
        "the screen is in the facts, named as the wizard names it: {}",
        stored.content
    );
    let document = &stored.documents[0];
    assert!(
        stored.content.contains(&format!(
            "src=\"/front/document.send.php?docid={}&itemtype=Ticket&items_id={}\"",
            document.id, stored.id
        )),
        "the screenshot is shown in the description: {}",
        stored.content
    );
}

/// `[agent] autostart`: at start, the agent makes the user's login items match IT's setting (an
/// XDG autostart entry naming the running `guichet` by its absolute path), and leaves them alone
/// when the key is unset. The agent's HOME is private to the test: the real user's login items
/// are never touched.
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
