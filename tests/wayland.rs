//! Guichet in a real Wayland session: headless sway as an ordinary account (created by the test,
//! as CI runs as root), two outputs of known colours and different sizes, PipeWire and the
//! Screenshot portal (`xdg-desktop-portal` with its wlroots back end), XWayland running.
//!
//! - `guichet report --screenshot` files one JPEG per output, each of its output's colour and
//!   size, named by its place, and leaves no picture in `/tmp`; the doctor names the session;
//! - the agent, triggered by a sway key binding (pressed with `wtype`) running `guichet --report`,
//!   holds that capture in the wizard's context; it used the portal, never X11, although
//!   XWayland's `DISPLAY` is set;
//! - on GNOME without the GlobalShortcuts portal, Settings installs a custom keyboard shortcut
//!   running `guichet --report` (read back with `gsettings`), and "Test the capture" captures;
//! - the wizard (the real `guichet-ui`) opens as a native Wayland window whose app id is the
//!   desktop entry's name, with WebKit's DMA-BUF renderer off.
//!
//! Without sway (a developer's machine), the tests say so loudly and skip; in CI they fail.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::capture::image::{self, RgbImage};
use guichet_core::platform::linux::gnome;
use guichet_core::protocol::desktop::{CaptureMethod, CaptureTest, ShortcutMechanism};
use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::transport::Client;
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{read_file, wait_for, Background, Guard, Sway, SwayOutput};
use guichet_test_support::workstation::{guichet_binary, json, stderr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// Red, 640×480 at the left; blue, 320×240 at its right.
const OUTPUTS: [SwayOutput; 2] = [
    SwayOutput {
        width: 640,
        height: 480,
        x: 0,
        y: 0,
        background: Background::Colour("#ff0000"),
    },
    SwayOutput {
        width: 320,
        height: 240,
        x: 640,
        y: 0,
        background: Background::Colour("#0000ff"),
    },
];

/// Root, sway and its portal installed: else a loud skip (a failure in CI).
fn can_run() -> bool {
    let tools = [
        "sway",
        "pipewire",
        "wtype",
        "dbus-run-session",
        "Xwayland",
        "gsettings",
        "/usr/libexec/xdg-desktop-portal-wlr",
    ];
    guichet_test_support::root_with(&tools, "the Wayland tests (they create a user for sway)")
}

/// A French workstation inside the sway session: Guichet copied where the user can run it, a
/// configuration pointing at `url` (or at nothing), a data folder of the user's own.
struct Desk {
    sway: Sway,
    program: PathBuf,
    config: PathBuf,
    data: PathBuf,
}

impl Desk {
    fn new(user: &str, url: Option<&str>, bindings: &[(&str, &str)]) -> Desk {
        let sway = Sway::start(user, &OUTPUTS, bindings);
        let program = sway.install(&guichet_binary());
        let mut config = String::from("[[categories]]\nid = 1\nname = \"Matériel\"\n");
        if let Some(url) = url {
            config.push_str(&format!(
                "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{}\"\n",
                guichet_test_support::workstation::TOKEN
            ));
        }
        let config_path = sway.dir.join("guichet.toml");
        std::fs::write(&config_path, config).expect("config");
        let data = sway.folder("data");
        Desk {
            program,
            config: config_path,
            data,
            sway,
        }
    }

    /// `guichet` with `args`, as the session's user, in French.
    fn guichet(&self, args: &[&str]) -> Command {
        let mut cmd = self.sway.command(&self.program);
        cmd.args(args)
            .env("GUICHET_CONFIG", &self.config)
            .env("GUICHET_DATA_DIR", &self.data)
            .env("LANG", "fr_FR.UTF-8");
        cmd
    }
}

/// Files in `/tmp` owned by the session's user (the portal's picture among them, if it were
/// left), but for the session's own folder and XWayland's lock file.
fn left_in_tmp(sway: &Sway) -> Vec<String> {
    let out = Command::new("find")
        .args([
            "/tmp",
            "-maxdepth",
            "3",
            "-user",
            &sway.account.name,
            "-type",
            "f",
        ])
        .output()
        .expect("find");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|path| !Path::new(path).starts_with(&sway.dir) && !path.starts_with("/tmp/.X"))
        .map(str::to_owned)
        .collect()
}

/// The share of `image`'s pixels within 40 of `rgb` on every channel.
fn share_of(image: &RgbImage, rgb: [u8; 3]) -> f64 {
    let close = image
        .pixels()
        .filter(|p| p.0.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 40))
        .count();
    close as f64 / f64::from(image.width() * image.height())
}

#[test]
fn a_cli_report_carries_one_screen_per_output_with_its_own_pixels() {
    if !can_run() {
        return;
    }
    let _one = Sway::lock();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let desk = Desk::new("gwl-cli", Some(&double.base_url()), &[]);
    let out = desk
        .guichet(&[
            "report",
            "--subject",
            "Le vidéoprojecteur affiche un écran bleu",
            "--description",
            "Salle 12, depuis ce matin.",
            "--screenshot",
            "--json",
        ])
        .output()
        .expect("run guichet");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stderr(&out),
        desk.sway.log()
    );
    let ticket = json(&out)["ticket"].as_u64().expect("sent");
    let stored = double.ticket(ticket).expect("ticket");
    let screen = |name: &str| {
        let document = stored
            .documents
            .iter()
            .find(|d| d.filename == name)
            .unwrap_or_else(|| panic!("{name} is attached: {:?}", stored.documents));
        image::load_from_memory(&document.bytes)
            .expect("a JPEG")
            .to_rgb8()
    };
    let (red, blue) = (screen("ecran-1.jpg"), screen("ecran-2.jpg"));
    assert_eq!(red.dimensions(), (640, 480));
    assert_eq!(blue.dimensions(), (320, 240));
    assert!(share_of(&red, [255, 0, 0]) > 0.99, "the left output is red");
    assert!(
        share_of(&blue, [0, 0, 255]) > 0.99,
        "the right output is blue"
    );
    assert_eq!(stored.documents.len(), 2, "one document per output");
    for caption in ["Écran 1 (gauche), 640 × 480", "Écran 2 (droite), 320 × 240"] {
        assert!(
            stored.content.contains(caption),
            "{caption}: {}",
            stored.content
        );
    }
    assert!(
        !Path::new("/tmp/out.png").exists(),
        "the portal's picture is deleted"
    );
    assert_eq!(left_in_tmp(&desk.sway), Vec::<String>::new());

    // The doctor names the session and how it is captured.
    let out = desk
        .guichet(&["doctor", "--json"])
        .output()
        .expect("doctor");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let display = report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["step"] == "display"))
        .unwrap_or_else(|| panic!("no display step: {report:#}"));
    assert_eq!(display["status"], "pass", "{report:#}");
    let message = display["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Session Wayland") && message.contains("portail"),
        "{message}"
    );
}

#[test]
fn the_agent_triggered_by_a_sway_binding_captures_through_the_portal_not_xwayland() {
    if !can_run() {
        return;
    }
    let _one = Sway::lock();
    // The binding runs `guichet --report` as sway's child, with the desk's settings, through a
    // script in the user's home (written once the session's folders exist).
    let user = "gwl-agent";
    let report = format!("/home/{user}/report.sh");
    let desk = Desk::new(user, None, &[("Ctrl+Alt+g", &report)]);
    let runtime = desk.sway.folder("run-guichet");
    let record = desk.sway.dir.join("ui-starts.txt");
    let fake_ui = desk.sway.script(
        "guichet-ui",
        &format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexec sleep 60\n",
            record.display()
        ),
    );
    std::fs::write(
        &report,
        format!(
            "#!/bin/sh\nexec env GUICHET_CONFIG='{}' GUICHET_DATA_DIR='{}' GUICHET_RUNTIME_DIR='{}' '{}' --report\n",
            desk.config.display(),
            desk.data.display(),
            runtime.display(),
            desk.program.display()
        ),
    )
    .expect("report script");
    std::fs::set_permissions(&report, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let log = desk.sway.dir.join("agent.log");
    assert!(
        desk.sway.var("DISPLAY").is_some(),
        "XWayland runs: {:?}",
        desk.sway.env
    );
    let mut agent = desk.guichet(&[]);
    agent.env("GUICHET_UI", &fake_ui);
    let (_agent, socket) = start_agent(agent, &runtime, &log);

    desk.sway.press(&["ctrl", "alt"], "g");
    let started = wait_for("the wizard", LIMIT, || {
        Some(read_file(&record)).filter(|r| !r.is_empty())
    });
    assert_eq!(
        started.trim(),
        "--window wizard --captured",
        "{}",
        read_file(&log)
    );
    let context = match ask(&socket, &Request::WizardContext) {
        Response::WizardContext { context } => context,
        other => panic!("{other:?}"),
    };
    assert_eq!(context.capture_problem, None);
    let screens: Vec<_> = context
        .screens
        .iter()
        .map(|s| (s.name.as_str(), s.width, s.height))
        .collect();
    assert_eq!(
        screens,
        [
            ("Écran 1 (gauche), 640 × 480", 640, 480),
            ("Écran 2 (droite), 320 × 240", 320, 240)
        ],
        "{}",
        read_file(&log)
    );
    // Settings gives sway's line for the shortcut it cannot hold itself.
    match ask(&socket, &Request::Settings) {
        Response::Settings { view } => {
            let desktop = view.desktop.expect("the agent says how");
            assert_eq!(desktop.shortcut, ShortcutMechanism::Compositor);
            assert_eq!(
                desktop.binding.as_deref(),
                Some("bindsym Ctrl+Alt+g exec guichet --report")
            );
        }
        other => panic!("{other:?}"),
    }
    let log = read_file(&log);
    assert!(log.contains("captured 2 screen(s)"), "{log}");
    assert!(
        log.contains("display session: Wayland"),
        "the choice is logged: {log}"
    );
    assert!(!log.contains("X11"), "nothing goes through XWayland: {log}");
    assert!(
        !Path::new("/tmp/out.png").exists(),
        "the portal's picture is deleted"
    );
    assert_eq!(left_in_tmp(&desk.sway), Vec::<String>::new());
}

/// Starts `agent` (a `guichet` command with no subcommand) on its socket folder `runtime`,
/// logging to `log`; returns once its socket exists.
fn start_agent(mut agent: Command, runtime: &Path, log: &Path) -> (Guard, PathBuf) {
    let child = agent
        .env("GUICHET_RUNTIME_DIR", runtime)
        .env("GUICHET_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log"))
        .spawn()
        .expect("start the agent");
    let guard = Guard(child);
    let socket = runtime.join("agent.sock");
    wait_for("the agent's socket", LIMIT, || {
        socket.exists().then_some(())
    });
    (guard, socket)
}

/// One request over the agent's socket (root may open the user's socket).
fn ask(socket: &Path, request: &Request) -> Response {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut client = Client::connect(socket).await.expect("connect");
            client.request(request).await.expect("answer")
        })
}

#[test]
fn on_gnome_without_the_shortcut_portal_settings_installs_a_custom_shortcut_and_tests_the_capture()
{
    if !can_run() {
        return;
    }
    let _one = Sway::lock();
    let desk = Desk::new("gwl-gnome", None, &[]);
    let runtime = desk.sway.folder("run-guichet");
    let log = desk.sway.dir.join("agent.log");
    // GNOME as its session names itself, with GNOME's settings in a key file of the user's own
    // (what dconf would hold on a real desktop).
    let gnome = |cmd: &mut Command| {
        cmd.env("XDG_CURRENT_DESKTOP", "GNOME")
            .env("GSETTINGS_BACKEND", "keyfile");
    };
    let mut agent = desk.guichet(&[]);
    gnome(&mut agent);
    let (_agent, socket) = start_agent(agent, &runtime, &log);
    let desktop = |response: Response| match response {
        Response::Settings { view } => view.desktop.expect("the agent says how"),
        other => panic!("{other:?}"),
    };
    let before = wait_for("the desktop side", LIMIT, || {
        let view = desktop(ask(&socket, &Request::Settings));
        (view.shortcut != ShortcutMechanism::Unavailable).then_some(view)
    });
    assert_eq!(before.session.as_deref(), Some("Wayland"));
    assert_eq!(before.capture, CaptureMethod::Portal);
    assert_eq!(
        before.shortcut,
        ShortcutMechanism::GnomeKeybindingOffered,
        "{}",
        read_file(&log)
    );

    let after = desktop(ask(&socket, &Request::InstallShortcut));
    assert_eq!(
        after.shortcut,
        ShortcutMechanism::GnomeKeybinding,
        "{}",
        read_file(&log)
    );
    let setting = |key: &str| {
        let mut cmd = desk.sway.command("gsettings");
        gnome(&mut cmd);
        let out = cmd
            .args(["get", &format!("{CUSTOM}:{}", gnome::PATH), key])
            .output()
            .expect("gsettings");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(setting("binding"), "'<Control><Alt>g'");
    assert_eq!(
        setting("command"),
        format!("\"'{}' --report\"", desk.program.display())
    );
    assert_eq!(setting("name"), "'Signaler un problème'");

    // "Test the capture": the portal asked now, nothing kept.
    match ask(&socket, &Request::TestCapture) {
        Response::CaptureTested { test } => {
            assert_eq!(
                test,
                CaptureTest {
                    screens: 2,
                    problem: None
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !Path::new("/tmp/out.png").exists(),
        "the portal's picture is deleted"
    );
}

const CUSTOM: &str = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding";

#[test]
fn the_wizard_opens_as_a_wayland_window_named_like_the_desktop_entry() {
    if !can_run() {
        return;
    }
    let _one = Sway::lock();
    let desk = Desk::new("gwl-window", None, &[]);
    let ui = desk
        .sway
        .install(&guichet_test_support::workstation::ui_binary());
    let runtime = desk.sway.folder("run-guichet");
    let log = desk.sway.dir.join("agent.log");
    let mut agent = desk.guichet(&[]);
    agent.env("GUICHET_UI", &ui);
    let (_agent, socket) = start_agent(agent, &runtime, &log);
    assert_eq!(ask(&socket, &Request::OpenWizard), Response::Done);
    wait_for("the wizard on screen", Duration::from_secs(60), || {
        read_file(&log)
            .contains("window Wizard ready")
            .then_some(())
    });
    // A native Wayland window (not XWayland), its app id the desktop entry's name.
    let out = desk
        .sway
        .command("swaymsg")
        .args(["-t", "get_tree", "--raw"])
        .output()
        .expect("swaymsg");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains(r#""app_id": "fr.guichet.app""#), "{tree}");
    assert!(tree.contains(r#""shell": "xdg_shell""#), "{tree}");
    let windows_log = std::fs::read_dir(desk.data.join("logs"))
        .expect("logs")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("windows."))
        .map(|e| read_file(&e.path()))
        .collect::<String>();
    assert!(
        windows_log.contains("WebKit's DMA-BUF renderer is off"),
        "{windows_log}"
    );
}
