//! The Windows installer as IT deploys it: `Guichet-<version>-x64.msi`, built by
//! `scripts/package-windows.sh` with Debian's wixl, read back with msitools, and installed,
//! upgraded and removed silently by Wine's `msiexec` in a throw-away `WINEPREFIX` per test. The
//! installed `guichet.exe` then files reports to the GLPI test double over loopback.
//!
//! The tests need the MSIs, so they are ignored by a plain `cargo test`; `scripts/test.sh` builds
//! them and runs `cargo test --test msi -- --ignored` with:
//! - `GUICHET_MSI`: the MSI of this version;
//! - `GUICHET_MSI_NEXT`: the same programs as a higher version, signed with a throw-away
//!   certificate, for the upgrade;
//! - `GUICHET_MSI_SIGNER`: that certificate (PEM);
//! - `GUICHET_WINDOWS_BUILD`: the folder holding Wine's `bcryptprimitives.dll` shim.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::wine::{json, sign_in_with_token, text, windows_path, Wine};
use guichet_test_support::workstation::{pseudo_random_bytes, TOKEN};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NEEDS_MSI: &str = "needs the MSIs: run scripts/test.sh (GUICHET_MSI, GUICHET_MSI_NEXT, \
     GUICHET_MSI_SIGNER, GUICHET_WINDOWS_BUILD)";
const UPGRADE_CODE: &str = "{6F1D2C8E-3B7A-4E59-9C1F-2A4D8E6B0C37}";
const SETTINGS_KEY: &str = r"HKLM\Software\Guichet";
const RUN_KEY: &str = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Run";
const UNINSTALL_KEY: &str = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall";
const DESCRIPTION: &str = "Le vidéoprojecteur de la salle 4 s'éteint tout seul.";

fn given(var: &str) -> PathBuf {
    let path = PathBuf::from(std::env::var_os(var).expect(NEEDS_MSI));
    assert!(path.exists(), "no {}: {NEEDS_MSI}", path.display());
    path
}

fn msi() -> PathBuf {
    given("GUICHET_MSI")
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

/// `command`'s output, failing the test if it still runs after `limit` (it is killed then).
fn finished_within(command: &mut Command, limit: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!(
                "{command:?} still runs after {limit:?}: {:?}",
                child.wait_with_output()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait_with_output().expect("output")
}

fn succeeded(command: &mut Command) -> String {
    let out = run(command);
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// One table of `msi`, as `msiinfo export` writes it: its rows (after the three header lines),
/// each split on tabs.
fn table(msi: &Path, name: &str) -> Vec<Vec<String>> {
    succeeded(Command::new("msiinfo").arg("export").arg(msi).arg(name))
        .lines()
        .skip(3)
        .map(|row| row.split('\t').map(str::to_owned).collect())
        .collect()
}

/// Guichet installed in a throw-away Wine by `msiexec`.
struct Installed {
    wine: Wine,
}

impl Installed {
    /// A fresh prefix, with Wine's shim in `system32` (nothing added beside the programs).
    fn prefix() -> Installed {
        let wine = Wine::boot();
        wine.add_system_dll(&given("GUICHET_WINDOWS_BUILD").join("bcryptprimitives.dll"));
        Installed { wine }
    }

    fn msiexec(&self, action: &str, msi: &Path, properties: &[&str]) {
        let mut args = vec![action.to_owned(), windows_path(msi), "/qn".to_owned()];
        args.extend(properties.iter().map(|p| (*p).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Wine's exit codes are 8 bits and a no-op install can exit 0: effects are checked too.
        succeeded(&mut self.wine.command("msiexec", &args));
    }

    fn folder(&self) -> PathBuf {
        self.wine.drive_c().join("Program Files/Guichet")
    }

    /// The installed `guichet.exe args`, in English, with only what Windows gives it: IT's
    /// settings from the registry, the user's data in `%LOCALAPPDATA%`.
    fn guichet(&self, args: &[&str]) -> Command {
        let mut command = self
            .wine
            .command(r"C:\Program Files\Guichet\guichet.exe", args);
        command
            .env("GUICHET_LANG", "en")
            .env_remove("GUICHET_CONFIG")
            .env_remove("GUICHET_DATA_DIR")
            .env_remove("GUICHET_RUNTIME_DIR")
            .env_remove("GUICHET_LOG_DIR");
        for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
            command
                .env_remove(proxy)
                .env_remove(proxy.to_ascii_lowercase());
        }
        command
    }

    fn sign_in(&self) {
        sign_in_with_token(self.guichet(&["signin", "--token-stdin"]), TOKEN);
    }

    /// Files a report with `attachment`; its JSON outcome.
    fn report(&self, subject: &str, attachment: &Path) -> serde_json::Value {
        let file = windows_path(attachment);
        json(&run(&mut self.guichet(&[
            "report",
            "--subject",
            subject,
            "--description",
            DESCRIPTION,
            "--attach",
            &file,
            "--json",
        ])))
    }

    fn doctor(&self) -> serde_json::Value {
        let out = run(&mut self.guichet(&["doctor", "--json"]));
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("doctor: not JSON ({e}): {out:?}"))
    }

    fn setting(&self, name: &str) -> Option<String> {
        self.wine.reg_value(SETTINGS_KEY, name)
    }

    /// The uninstall entries whose DisplayName is Guichet.
    fn uninstall_entries(&self) -> usize {
        self.wine
            .reg_query(UNINSTALL_KEY, None)
            .unwrap_or_default()
            .lines()
            .filter(|key| key.starts_with("HKEY_"))
            .filter(|key| self.wine.reg_value(key, "DisplayName").as_deref() == Some("Guichet"))
            .count()
    }

    fn user_data(&self) -> PathBuf {
        self.wine.user_home().join("AppData/Local/guichet")
    }
}

/// The programs packed in `msi`, unpacked (`msiextract`) into a folder removed when dropped.
fn programs(msi: &Path) -> (tempfile::TempDir, Vec<PathBuf>) {
    let unpacked = tempfile::tempdir().expect("tempdir");
    succeeded(
        Command::new("msiextract")
            .arg("-C")
            .arg(unpacked.path())
            .arg(msi),
    );
    let programs: Vec<PathBuf> = guichet_test_support::workstation::files(unpacked.path())
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.extension().is_some_and(|e| e == "exe"))
        .collect();
    assert_eq!(
        programs.len(),
        2,
        "guichet.exe and guichet-ui.exe in {}: {programs:?}",
        msi.display()
    );
    (unpacked, programs)
}

fn step<'a>(doctor: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doctor["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["step"] == name))
        .unwrap_or_else(|| panic!("no step {name}: {doctor:#}"))
}

#[test]
#[ignore = "needs the MSIs; run by scripts/test.sh"]
fn the_tables_hold_the_programs_the_settings_and_the_login_item() {
    let msi = msi();
    let files: Vec<String> = table(&msi, "File")
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    for name in ["guichet.exe", "guichet-ui.exe", "WebView2Loader.dll"] {
        assert!(
            files.iter().any(|f| f.ends_with(name)),
            "{name} in {files:?}"
        );
    }
    let directories = table(&msi, "Directory");
    assert!(
        directories
            .iter()
            .any(|r| r[1] == "ProgramFiles64Folder" && r[2].ends_with("Guichet")),
        "{directories:?}"
    );

    let registry = table(&msi, "Registry");
    let value = |key: &str, name: &str| {
        registry
            .iter()
            .find(|r| r[1] == "2" && r[2] == key && r[3] == name)
            .map(|r| r[4].clone())
    };
    for (name, property) in [
        ("server.url", "SERVER_URL"),
        ("server.kind", "SERVER_KIND"),
        ("server.app_token", "APP_TOKEN"),
        ("server.queue", "RT_QUEUE"),
        ("locked", "LOCK"),
        ("agent.shortcut", "SHORTCUT"),
        ("agent.autostart", "AUTOSTART"),
        ("tls.extra_ca", "EXTRA_CA"),
        ("proxy.url", "PROXY_URL"),
        ("defaults.phone", "PHONE"),
    ] {
        assert_eq!(
            value(r"Software\Guichet", name).as_deref(),
            Some(format!("[{property}]").as_str()),
            "{name}"
        );
    }
    assert_eq!(
        value(r"Software\Microsoft\Windows\CurrentVersion\Run", "Guichet").as_deref(),
        Some("\"[INSTALLDIR]guichet.exe\" --background")
    );
    let components = table(&msi, "Component");
    let login = components
        .iter()
        .find(|r| r[0] == "LoginItem")
        .expect("LoginItem");
    assert_eq!(login[4], "AUTOSTART <> \"0\"", "{login:?}");
    assert!(
        components
            .iter()
            .all(|r| r[3].parse::<u32>().unwrap() & 256 != 0),
        "every component is 64-bit: {components:?}"
    );

    let shortcut = &table(&msi, "Shortcut")[0];
    assert!(
        shortcut[2].ends_with("Signaler un problème"),
        "{shortcut:?}"
    );
    assert_eq!(
        (shortcut[4].as_str(), shortcut[5].as_str()),
        ("[INSTALLDIR]guichet.exe", "--report")
    );

    let properties = table(&msi, "Property");
    let property = |name: &str| {
        properties
            .iter()
            .find(|r| r[0] == name)
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert_eq!(property("UpgradeCode"), UPGRADE_CODE);
    assert_eq!(property("ALLUSERS"), "1", "per machine");
    assert!(property("SecureCustomProperties").contains(";SERVER_URL;"));
    let upgrade = table(&msi, "Upgrade");
    assert!(upgrade.iter().all(|r| r[0] == UPGRADE_CODE), "{upgrade:?}");
    let template = succeeded(Command::new("msiinfo").arg("suminfo").arg(&msi));
    assert!(template.contains("Template: x64;"), "{template}");
}

#[test]
#[ignore = "needs the MSIs; run by scripts/test.sh"]
fn the_programs_are_windows_gui_and_the_upgrade_is_signed() {
    let next = given("GUICHET_MSI_NEXT");
    let (_plain, plain_programs) = programs(&msi());
    let (_signed, signed_programs) = programs(&next);
    for exe in plain_programs.iter().chain(&signed_programs) {
        let headers = succeeded(Command::new("objdump").arg("-p").arg(exe));
        assert!(
            headers
                .lines()
                .any(|l| l.starts_with("Subsystem") && l.contains("(Windows GUI)")),
            "{}: {headers}",
            exe.display()
        );
    }

    // The higher version was signed by scripts/package-windows.sh with the test's certificate:
    // the MSI and both programs inside it.
    let signer = given("GUICHET_MSI_SIGNER");
    let verify = |file: &Path| {
        run(Command::new("osslsigncode")
            .args(["verify", "-CAfile"])
            .arg(&signer)
            .arg("-in")
            .arg(file))
    };
    let checked = verify(&next);
    assert!(checked.status.success(), "{checked:?}");
    assert!(
        text(&checked.stdout).contains("Signature verification: ok"),
        "{checked:?}"
    );
    let unsigned = verify(&msi());
    assert!(!unsigned.status.success(), "the plain MSI is not signed");
    for exe in &signed_programs {
        let out = verify(exe);
        assert!(out.status.success(), "{}: {out:?}", exe.display());
    }
}

#[test]
#[ignore = "needs the MSIs; run by scripts/test.sh"]
fn installed_silently_with_properties_then_removed() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let url = double.base_url();
    let guichet = Installed::prefix();
    guichet.msiexec(
        "/i",
        &msi(),
        &[
            &format!("SERVER_URL={url}"),
            "SERVER_KIND=glpi",
            "PHONE=01 23 45 67 89",
            "LOCK=server",
        ],
    );
    let folder = guichet.folder();
    for name in ["guichet.exe", "guichet-ui.exe", "WebView2Loader.dll"] {
        assert!(folder.join(name).is_file(), "{name} installed");
    }
    assert_eq!(guichet.setting("server.url").as_deref(), Some(url.as_str()));
    assert_eq!(
        guichet.wine.reg_value(RUN_KEY, "Guichet").as_deref(),
        Some(r#""C:\Program Files\Guichet\guichet.exe" --background"#)
    );
    assert_eq!(guichet.uninstall_entries(), 1);

    // The installed program reads IT's settings from the registry.
    let doctor = guichet.doctor();
    assert_eq!(doctor["server"], url.as_str(), "{doctor:#}");
    assert_eq!(step(&doctor, "config")["status"], "pass", "{doctor:#}");
    assert_eq!(step(&doctor, "webview2")["status"], "fail", "{doctor:#}");
    assert!(
        step(&doctor, "webview2")["message"]
            .as_str()
            .is_some_and(|m| m.contains("WebView2 Runtime")),
        "{doctor:#}"
    );

    guichet.sign_in();
    let doctor = guichet.doctor();
    assert_eq!(step(&doctor, "credentials")["status"], "pass", "{doctor:#}");
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = pseudo_random_bytes(18, 250_000);
    let attachment = dir.path().join("inventaire.ods");
    std::fs::write(&attachment, &bytes).expect("attachment");
    let sent = guichet.report("Vidéoprojecteur", &attachment);
    assert_eq!(sent["status"], "sent", "{sent}");
    let ticket = double
        .ticket(sent["ticket"].as_u64().expect("ticket number"))
        .expect("the ticket exists");
    let document = ticket
        .documents
        .iter()
        .find(|d| d.filename == "inventaire.ods")
        .expect("the file arrived");
    assert!(document.bytes == bytes, "the file arrived byte-exact");

    // Group Policy wins over the installer's value.
    let policy_url = format!("{url}?policy");
    succeeded(&mut guichet.wine.command(
        "reg",
        &[
            "add",
            r"HKLM\Software\Policies\Guichet",
            "/v",
            "server.url",
            "/d",
            &policy_url,
            "/f",
        ],
    ));
    assert_eq!(guichet.doctor()["server"], policy_url.as_str());
    succeeded(
        &mut guichet
            .wine
            .command("reg", &["delete", r"HKLM\Software\Policies\Guichet", "/f"]),
    );

    // The window process, without WebView2 (Wine has none): the clear message, exit 3.
    let window = finished_within(
        guichet
            .wine
            .command(
                r"C:\Program Files\Guichet\guichet-ui.exe",
                &["--window", "wizard"],
            )
            .env("GUICHET_LANG", "fr"),
        Duration::from_secs(120),
    );
    assert_eq!(window.status.code(), Some(3), "{window:?}");
    assert!(
        text(&window.stderr).contains("WebView2"),
        "{}",
        text(&window.stderr)
    );

    let data = guichet.user_data();
    assert!(data.is_dir(), "{} exists", data.display());
    guichet.msiexec("/x", &msi(), &[]);
    assert!(!folder.exists(), "Program Files\\Guichet is removed");
    assert_eq!(
        guichet.wine.reg_value(RUN_KEY, "Guichet"),
        None,
        "the Run entry is removed"
    );
    assert_eq!(guichet.setting("server.url"), None);
    assert_eq!(guichet.uninstall_entries(), 0);
    assert!(data.is_dir(), "the user's data is kept");
}

#[test]
#[ignore = "needs the MSIs; run by scripts/test.sh"]
fn an_upgrade_keeps_the_settings_and_delivers_the_queue_once() {
    const QUEUED: usize = 3;
    let guichet = Installed::prefix();
    // The help desk is not up yet: nothing listens there.
    let dead_url = guichet_test_support::net::unreachable_glpi_url();
    guichet.msiexec(
        "/i",
        &msi(),
        &[
            &format!("SERVER_URL={dead_url}"),
            "SERVER_KIND=glpi",
            "PHONE=01 23 45 67 89",
            "AUTOSTART=0",
        ],
    );
    assert_eq!(
        guichet.wine.reg_value(RUN_KEY, "Guichet"),
        None,
        "AUTOSTART=0: no login item"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for n in 0..QUEUED {
        let bytes = pseudo_random_bytes(40 + n as u64, 40_000 + n);
        let path = dir.path().join(format!("journal{n}.txt"));
        std::fs::write(&path, &bytes).expect("file");
        let subject = format!("Avant la mise à jour n°{n}");
        let queued = guichet.report(&subject, &path);
        assert_eq!(queued["status"], "queued", "{queued}");
        files.push((subject, format!("journal{n}.txt"), bytes));
    }

    // The higher version, with the help desk's new address on the command line.
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let url = double.base_url();
    guichet.msiexec(
        "/i",
        &given("GUICHET_MSI_NEXT"),
        &[&format!("SERVER_URL={url}"), "AUTOSTART=1"],
    );
    assert_eq!(
        guichet.uninstall_entries(),
        1,
        "one Guichet in the uninstall list"
    );
    assert_eq!(
        guichet.setting("server.url").as_deref(),
        Some(url.as_str()),
        "replaced"
    );
    assert_eq!(
        guichet.setting("server.kind").as_deref(),
        Some("glpi"),
        "kept"
    );
    assert_eq!(
        guichet.setting("defaults.phone").as_deref(),
        Some("01 23 45 67 89"),
        "kept"
    );
    assert!(
        guichet.wine.reg_value(RUN_KEY, "Guichet").is_some(),
        "AUTOSTART=1: login item"
    );

    let list = json(&run(&mut guichet.guichet(&["queue", "list", "--json"])));
    assert_eq!(list.as_array().map(Vec::len), Some(QUEUED), "{list}");
    guichet.sign_in();
    for _ in 0..2 {
        let flushed = run(&mut guichet.guichet(&["queue", "flush"]));
        assert!(flushed.status.success(), "{flushed:?}");
    }
    let tickets = double.tickets();
    assert_eq!(tickets.len(), QUEUED, "each queued report once");
    for (subject, name, bytes) in &files {
        let mine: Vec<_> = tickets.iter().filter(|t| &t.name == subject).collect();
        assert_eq!(mine.len(), 1, "{subject}");
        let ticket = double.ticket(mine[0].id).expect("ticket");
        let document = ticket
            .documents
            .iter()
            .find(|d| &d.filename == name)
            .expect(name);
        assert!(document.bytes == *bytes, "{name} byte-exact");
    }
}
