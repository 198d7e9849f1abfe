//! The Windows build, run under Wine on this Linux machine: `guichet.exe` built for
//! `x86_64-pc-windows-gnu` by `scripts/cross/build-windows.sh`, in a throw-away `WINEPREFIX` per
//! test, talking over loopback to the GLPI test double. Wine uses the host's sockets, and its X11
//! driver draws on (and captures from) an Xvfb of the test's own.
//!
//! The tests need the build, so they are ignored by a plain `cargo test`; `scripts/test.sh` builds
//! it and runs them with `GUICHET_WINDOWS_BUILD=<folder> cargo test --test wine -- --ignored`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::capture::image;
use guichet_glpi_double::{DoubleConfig, Fault, GlpiDouble, RandomFaults};
use guichet_test_support::desktop::{painted_colour, painted_display, read_file, wait_for, Guard};
use guichet_test_support::wine::{self, json, text, windows_path};
use guichet_test_support::workstation::{self, pseudo_random_bytes, Workstation};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const NEEDS_BUILD: &str =
    "needs the Windows build: scripts/cross/build-windows.sh, then GUICHET_WINDOWS_BUILD=<its folder>";

/// The Windows build's `guichet.exe`, run in a throw-away Wine installation.
struct Wine {
    host: wine::Wine,
    exe: PathBuf,
}

impl Wine {
    fn new() -> Wine {
        let build = std::env::var_os("GUICHET_WINDOWS_BUILD").expect(NEEDS_BUILD);
        let exe = Path::new(&build).join("guichet.exe");
        assert!(exe.is_file(), "no {}: {NEEDS_BUILD}", exe.display());
        assert!(
            Path::new(&build).join("bcryptprimitives.dll").is_file(),
            "no bcryptprimitives.dll beside guichet.exe (Wine 8 lacks it): {NEEDS_BUILD}"
        );
        Wine {
            host: wine::Wine::boot(),
            exe,
        }
    }

    /// `guichet.exe args` for the workstation `ws` (its data and configuration, as Windows paths).
    fn guichet(&self, ws: &Workstation, args: &[&str]) -> Command {
        let mut command = self.host.bare(Command::new("wine"));
        command
            .arg(&self.exe)
            .args(args)
            .env("GUICHET_DATA_DIR", windows_path(&ws.data))
            .env("GUICHET_CONFIG", windows_path(&ws.config))
            .env("GUICHET_LANG", "en")
            .env_remove("GUICHET_RUNTIME_DIR");
        command
    }

    fn run(&self, ws: &Workstation, args: &[&str]) -> Output {
        self.guichet(ws, args).output().expect("wine guichet.exe")
    }
}

const DESCRIPTION: &str = "L'imprimante de la salle 12 ne répond plus depuis ce matin.";

/// `report --subject <subject> --description <DESCRIPTION>`, then `more`.
fn report<'a>(subject: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["report", "--subject", subject, "--description", DESCRIPTION];
    args.extend_from_slice(more);
    args
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn version_facts_and_dry_run() {
    let wine = Wine::new();
    let ws = Workstation::new(None);

    let version = wine.run(&ws, &["--version"]);
    assert!(version.status.success(), "{version:?}");
    assert!(text(&version.stdout).starts_with("guichet "), "{version:?}");

    let facts = json(&wine.run(&ws, &["facts", "--json"]));
    assert!(
        facts["os"]
            .as_str()
            .is_some_and(|os| os.contains("Windows")),
        "{facts}"
    );
    assert!(
        facts["hostname"].as_str().is_some_and(|h| !h.is_empty()),
        "{facts}"
    );

    let file = pseudo_random_bytes(7, 5_000);
    let attachment = ws.file("journal.txt", &file);
    let out = ws.dir.path().join("dry");
    let dry = wine.run(
        &ws,
        &report(
            "Imprimante",
            &[
                "--attach",
                &windows_path(&attachment),
                "--dry-run",
                "--out",
                &windows_path(&out),
            ],
        ),
    );
    assert!(dry.status.success(), "{dry:?}");
    let request: serde_json::Value =
        serde_json::from_str(&read_file(&out.join("request.json"))).expect("request.json");
    assert_eq!(request["helpDesk"], serde_json::Value::Null, "{request}");
    assert_eq!(
        std::fs::read(out.join("files").join("journal.txt")).expect("file"),
        file
    );
    assert!(read_file(&out.join("content.html")).contains("salle 12"));
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn a_report_with_a_file_and_a_screenshot_reaches_the_help_desk() {
    let wine = Wine::new();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let (width, height) = (1280, 800);
    let screen = painted_display(ws.dir.path(), width, height);
    let file = pseudo_random_bytes(11, 300_000);
    let attachment = ws.file("rapport.pdf", &file);

    let sent = json(
        &wine
            .guichet(
                &ws,
                &report(
                    "Imprimante",
                    &[
                        "--attach",
                        &windows_path(&attachment),
                        "--screenshot",
                        "--json",
                    ],
                ),
            )
            .env("DISPLAY", &screen.display)
            .output()
            .expect("wine"),
    );
    assert_eq!(sent["status"], "sent", "{sent}");
    let ticket = double
        .ticket(sent["ticket"].as_u64().expect("ticket number"))
        .expect("the ticket exists");
    assert_eq!(ticket.name, "Imprimante");
    let pdf = ticket
        .documents
        .iter()
        .find(|d| d.filename == "rapport.pdf")
        .expect("the file arrived");
    assert!(pdf.bytes == file, "the file arrived byte-exact");

    // Wine's X11 driver captured the painted Xvfb: every square comes out in its own colour.
    let shot = ticket
        .documents
        .iter()
        .find(|d| d.mime == "image/jpeg")
        .expect("the screenshot arrived");
    let picture = image::load_from_memory_with_format(&shot.bytes, image::ImageFormat::Jpeg)
        .expect("a JPEG")
        .to_rgb8();
    assert_eq!(picture.dimensions(), (width, height));
    let mut checked = 0;
    for y in (16..height).step_by(32) {
        for x in (16..width).step_by(32) {
            let got = picture.get_pixel(x, y).0;
            let want = painted_colour(x, y);
            let off = got
                .iter()
                .zip(want)
                .map(|(g, w)| g.abs_diff(w))
                .max()
                .unwrap_or(0);
            assert!(off <= 12, "pixel ({x}, {y}) is {got:?}, painted {want:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, (width / 32 * (height / 32)) as usize);
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn queued_offline_then_delivered_exactly_once_despite_kills() {
    const REPORTS: usize = 6;
    let wine = Wine::new();
    // The help desk is down: nothing listens there.
    let dead_url = guichet_test_support::net::unreachable_glpi_url();
    let ws = Workstation::new(Some(&dead_url));
    let mut files = Vec::new();
    for n in 0..REPORTS {
        let bytes = pseudo_random_bytes(100 + n as u64, 60_000 + n);
        let path = ws.file(&format!("journal{n}.txt"), &bytes);
        let subject = format!("Panne n°{n}");
        let queued = json(&wine.run(
            &ws,
            &report(&subject, &["--attach", &windows_path(&path), "--json"]),
        ));
        assert_eq!(queued["status"], "queued", "{queued}");
        files.push((subject, format!("journal{n}.txt"), bytes));
    }

    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    // Slow answers, so that the kills land in the middle of requests.
    double.set_random_faults(Some(RandomFaults {
        rate: 0.6,
        kinds: vec![Fault::Delay(Duration::from_millis(150))],
        seed: 5,
        delay: Duration::from_millis(150),
    }));
    ws.configure(Some(&double.base_url()), workstation::TOKEN);
    let kills = workstation::kill_flushes(
        || {
            wine.guichet(&ws, &["queue", "flush"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("flush")
        },
        6,
        600..2_500,
        2027,
        || double.tickets().len() >= REPORTS,
    );
    assert!(
        kills >= 2,
        "the flushes must really be interrupted ({kills} kills)"
    );
    double.set_random_faults(None);
    let last = wine.run(&ws, &["queue", "flush"]);
    assert!(last.status.success(), "final flush: {last:?}");

    let tickets = double.tickets();
    for (subject, name, bytes) in &files {
        let mine: Vec<_> = tickets.iter().filter(|t| &t.name == subject).collect();
        assert_eq!(mine.len(), 1, "{subject}: {} tickets", mine.len());
        let ticket = double.ticket(mine[0].id).expect("ticket");
        let docs: Vec<_> = ticket.documents.iter().map(|d| &d.filename).collect();
        assert_eq!(docs, vec![name], "{subject}");
        assert!(ticket.documents[0].bytes == *bytes, "{name} byte-exact");
    }
    assert_eq!(tickets.len(), REPORTS, "no stray tickets");
    let list = json(&wine.run(&ws, &["queue", "list", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn the_agent_serves_its_pipe_and_runs_once() {
    let wine = Wine::new();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    let runtime = ws.dir.path().join("run");
    std::fs::create_dir_all(&runtime).expect("runtime");
    let private = windows_path(&runtime);
    let log = ws.dir.path().join("agent.log");
    let mut agent = wine.guichet(&ws, &[]);
    agent
        .env("GUICHET_RUNTIME_DIR", &private)
        .env("GUICHET_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"));
    let mut agent = Guard(agent.spawn().expect("agent"));
    wait_for("the agent's pipe", Duration::from_secs(60), || {
        read_file(&log).contains("listening on").then_some(())
    });
    assert!(
        read_file(&log).contains(r"\\.\pipe\guichet-S-1-5-"),
        "{}",
        read_file(&log)
    );

    // The CLI finds the agent's pipe and files through it.
    let sent = json(
        &wine
            .guichet(&ws, &report("Wi-Fi", &["--json"]))
            .env("GUICHET_RUNTIME_DIR", &private)
            .output()
            .expect("wine"),
    );
    assert_eq!(sent["status"], "sent", "{sent}");
    assert!(
        read_file(&log).contains("ipc request: report"),
        "{}",
        read_file(&log)
    );
    assert_eq!(double.tickets().len(), 1);

    // A second agent does not start: it asks the first to open the wizard, and leaves.
    let second = wine
        .guichet(&ws, &[])
        .env("GUICHET_RUNTIME_DIR", &private)
        .output()
        .expect("second agent");
    assert!(second.status.success(), "{second:?}");
    wait_for(
        "the first agent to hear the second",
        Duration::from_secs(20),
        || {
            read_file(&log)
                .contains("ipc request: openWizard")
                .then_some(())
        },
    );
    assert!(
        agent.0.try_wait().expect("wait").is_none(),
        "the first agent still runs"
    );
    assert_eq!(
        read_file(&log).matches("listening on").count(),
        1,
        "one agent listened: {}",
        read_file(&log)
    );
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn configuration_and_data_live_where_windows_keeps_them() {
    let wine = Wine::new();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    // IT's file in %ProgramData%, found with no GUICHET_CONFIG.
    let program_data = wine.host.prefix().join("drive_c/ProgramData/Guichet");
    std::fs::create_dir_all(&program_data).expect("ProgramData");
    std::fs::write(
        program_data.join("config.toml"),
        format!(
            "[server]\nkind = \"glpi\"\nurl = \"{}\"\nuser_token = \"{}\"\n",
            double.base_url(),
            workstation::TOKEN
        ),
    )
    .expect("config");
    let ws = Workstation::new(None);
    let sent = json(
        &wine
            .guichet(
                &ws,
                &report("Écran", &["--phone", "01 23 45 67 89", "--json"]),
            )
            .env_remove("GUICHET_CONFIG")
            .env_remove("GUICHET_DATA_DIR")
            .output()
            .expect("wine"),
    );
    assert_eq!(sent["status"], "sent", "{sent}");
    assert_eq!(double.tickets().len(), 1);
    // The user's data (the remembered phone number among it) in %LOCALAPPDATA%\guichet.
    let users = wine.host.prefix().join("drive_c/users");
    let data: Vec<PathBuf> = std::fs::read_dir(&users)
        .expect("users")
        .filter_map(Result::ok)
        .map(|user| user.path().join("AppData/Local/guichet"))
        .filter(|dir| dir.is_dir())
        .collect();
    assert_eq!(
        data.len(),
        1,
        "one data folder under {}: {data:?}",
        users.display()
    );
    assert!(
        std::fs::read_dir(&data[0]).expect("data").count() > 0,
        "{} is empty",
        data[0].display()
    );
}

#[test]
#[ignore = "needs the Windows build; run by scripts/test.sh"]
fn a_sign_in_keeps_the_token_in_the_credential_manager() {
    let wine = Wine::new();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    // IT named the help desk; the user signs in with a personal token.
    let ws = Workstation::with_server(&format!(
        "[server]\nkind = \"glpi\"\nurl = \"{}\"\n",
        double.base_url()
    ));
    let queued = json(&wine.run(&ws, &report("Avant connexion", &["--json"])));
    assert_eq!(queued["status"], "queued", "not signed in yet: {queued}");

    wine::sign_in_with_token(
        wine.guichet(&ws, &["signin", "--token-stdin"]),
        workstation::TOKEN,
    );

    // Read back from the Credential Manager by the next process: the queued report goes too.
    // Every connection step passes; Wine has no WebView2 runtime, so that step alone fails.
    let out = wine.run(&ws, &["doctor", "--json"]);
    let doctor: serde_json::Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let steps = doctor["steps"].as_array().expect("steps");
    let failed: Vec<_> = steps.iter().filter(|s| s["status"] == "fail").collect();
    assert_eq!(failed.len(), 1, "{doctor:#}");
    assert_eq!(failed[0]["step"], "webview2", "{doctor:#}");
    let sent = json(&wine.run(&ws, &report("Après connexion", &["--json"])));
    assert_eq!(sent["status"], "sent", "{sent}");
    let flushed = wine.run(&ws, &["queue", "flush", "--json"]);
    assert!(flushed.status.success(), "{}", text(&flushed.stderr));
    assert_eq!(double.tickets().len(), 2);
    assert!(ws.data.is_dir(), "the data folder exists");
    for (path, bytes) in workstation::files(&ws.data) {
        assert!(
            !workstation::contains(&bytes, workstation::TOKEN),
            "the token is in {}",
            path.display()
        );
    }

    let out = wine.run(&ws, &["signout"]);
    assert!(out.status.success(), "signout: {}", text(&out.stderr));
    let queued = json(&wine.run(&ws, &report("Après déconnexion", &["--json"])));
    assert_eq!(queued["status"], "queued", "signed out: {queued}");
}
