//! Reports stay private on a shared workstation, proven with two real accounts. As root (CI), the
//! test creates two unprivileged users with world-readable homes (0755, as `useradd -m` and
//! `pam_mkhomedir` often make them). The first files a report with a file and a screenshot while
//! no help desk is configured, has the agent deliver it to the GLPI double, runs
//! `guichet watch --once` and saves Settings; the second then tries to list and read every path
//! Guichet created, and greps the first one's home and its files in `/tmp` for the report: every
//! attempt is refused, nothing is found, and every mode is 0700 or 0600. Then an installation left
//! world-readable by an earlier version (its reports queued) is tightened at the next start, and
//! its reports are delivered exactly once. No log line carries any of the report's content.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use base64::Engine as _;
use guichet_core::protocol::ipc::{Preferences, Request, Response};
use guichet_core::protocol::transport::Client;
use guichet_core::protocol::Lang;
use guichet_glpi_double::{DoubleConfig, GlpiDouble, TicketView};
use guichet_test_support::accounts::Account;
use guichet_test_support::desktop::{painted_display, wait_for, Guard, Xvfb};
use guichet_test_support::workstation::{self, json, stderr, stdout};
use std::ffi::OsStr;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);
const PHONE: &str = "06 48 27 91 35";
const PHONE_DIGITS: &str = "0648279135";
/// What a fresh home holds before its user does anything (Debian's `/etc/skel`), and the folder
/// where the test puts the user's own document.
const NOT_GUICHET_S: [&str; 4] = [".bashrc", ".profile", ".bash_logout", "Documents"];

/// What the report says: every piece carries a marker unique to this run, so that finding it
/// anywhere means it leaked.
struct Report {
    marker: String,
}

impl Report {
    fn new() -> Report {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        Report {
            marker: format!("Zq{:x}x{nanos:x}", std::process::id()),
        }
    }
    fn subject(&self, n: u32) -> String {
        format!("Notes de la 4B {} n{n}", self.marker)
    }
    fn description(&self) -> String {
        format!(
            "Les notes de la classe 4B de Jean Dupont {} ont disparu du serveur.",
            self.marker
        )
    }
    fn location(&self) -> String {
        format!("Salle {}", self.marker)
    }
    fn file_name(&self) -> String {
        format!("bulletin-{}.txt", self.marker)
    }
    fn file_content(&self) -> String {
        format!("Bulletin de Jean Dupont {}: moyenne 12,5\n", self.marker)
    }
    /// What must be found nowhere a second user can read, nor in any log line.
    fn needles(&self) -> Vec<String> {
        vec![self.marker.clone(), PHONE.into(), PHONE_DIGITS.into()]
    }
}

/// The workstation both accounts share: the `guichet` program and IT's configuration in a folder
/// anyone can read, a painted X display, and a folder of root's own for the agent's stderr.
struct Desk {
    _shared: tempfile::TempDir,
    own: tempfile::TempDir,
    program: PathBuf,
    config: PathBuf,
    screen: Xvfb,
}

impl Desk {
    fn new() -> Desk {
        let shared = tempfile::tempdir().unwrap();
        let own = tempfile::tempdir().unwrap();
        let program = shared.path().join("guichet");
        std::fs::copy(env!("CARGO_BIN_EXE_guichet"), &program).unwrap();
        // tempfile makes folders with the umask's mode (0755 here): set both.
        let modes = [
            (shared.path(), 0o755),
            (program.as_path(), 0o755),
            (own.path(), 0o700),
        ];
        for (p, mode) in modes {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let screen = painted_display(own.path(), 640, 480);
        let config = shared.path().join("guichet.toml");
        Desk {
            _shared: shared,
            own,
            program,
            config,
            screen,
        }
    }

    /// IT's file: the help desk `double`, or none (reports wait on the workstation).
    fn configure(&self, double: Option<&GlpiDouble>) {
        let mut text = String::from("[[categories]]\nid = 1\nname = \"Matériel\"\n");
        if let Some(double) = double {
            text.push_str(&format!(
                "[server]\nkind = \"glpi\"\nurl = \"{}\"\nuser_token = \"{}\"\ntimeout_secs = 5\n",
                double.base_url(),
                workstation::TOKEN
            ));
        }
        std::fs::write(&self.config, text).unwrap();
        std::fs::set_permissions(&self.config, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    /// `guichet args` as `user`, logging at debug level, on the painted display.
    fn guichet<S: AsRef<OsStr>>(&self, user: &Account, args: &[S]) -> Command {
        let mut cmd = user.command(&self.program);
        cmd.args(args)
            .env("GUICHET_CONFIG", &self.config)
            .env("GUICHET_LOG", "debug")
            .env("DISPLAY", &self.screen.display)
            // No session bus: no tray, no keyring (the token is IT's).
            .env("DBUS_SESSION_BUS_ADDRESS", "");
        cmd
    }

    fn run<S: AsRef<OsStr> + std::fmt::Debug>(&self, user: &Account, args: &[S]) -> Output {
        let out = self.guichet(user, args).output().expect("run guichet");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        out
    }

    /// The resident agent of `user`, once its socket exists.
    fn start_agent(&self, user: &Account) -> Guard {
        let log = std::fs::File::create(self.own.path().join("agent.stderr")).unwrap();
        let child = self
            .guichet::<&str>(user, &[])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start the agent");
        let socket = user.data_dir().join("run/agent.sock");
        wait_for("the agent's socket", LIMIT, || {
            socket.exists().then_some(())
        });
        Guard(child)
    }
}

/// Root, with `useradd` and an X server: else a loud skip (a failure in CI).
fn can_run() -> bool {
    guichet_test_support::root_with(
        &["useradd", "userdel", "Xvfb", "xsetroot", "grep"],
        "the two-account privacy test (it creates users)",
    )
}

#[test]
fn a_second_account_reads_nothing_of_the_first_ones_reports() {
    if !can_run() {
        return;
    }
    let desk = Desk::new();
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let report = Report::new();
    let tag = format!("gpriv{}", std::process::id());
    let owner = Account::create(&format!("{tag}a"));
    let other = Account::create(&format!("{tag}b"));
    assert!(
        !owner.home.join(".local").exists(),
        "a fresh home: Guichet creates ~/.local"
    );

    // First use: a report with a file and the screen, no help desk yet.
    let document = owner.document(&report.file_name(), &report.file_content());
    desk.configure(None);
    let out = desk.run(&owner, &report_args(&report, 1, Some(&document)));
    assert_eq!(json(&out)["status"], "queued", "{}", stderr(&out));

    // IT configures the help desk: the agent delivers it; the user follows it and saves Settings.
    desk.configure(Some(&double));
    let agent = desk.start_agent(&owner);
    desk.run(&owner, &["queue", "flush", "--json"]);
    let ticket = only_ticket(&double, &report.subject(1));
    let file = ticket
        .documents
        .iter()
        .find(|d| d.filename == report.file_name())
        .expect("the file reached the help desk");
    assert_eq!(file.bytes, report.file_content().as_bytes());
    let screenshots: Vec<Vec<u8>> = ticket
        .documents
        .iter()
        .filter(|d| d.mime == "image/jpeg")
        .map(|d| d.bytes.clone())
        .collect();
    assert!(
        !screenshots.is_empty(),
        "the screenshot reached the help desk"
    );
    double.add_solution(ticket.id, "Notes restaurées.").unwrap();
    let out = desk.run(&owner, &["watch", "--once", "--json"]);
    assert!(stdout(&out).contains("solved"), "{}", stdout(&out));
    // The ticket as My tickets shows it: the help desk's HTML, sanitised (the parser's own
    // debug lines must not carry its text into the log).
    let out = desk.run(&owner, &["show", &ticket.id.to_string(), "--json"]);
    assert!(
        stdout(&out).contains(&report.marker),
        "the ticket was read back"
    );
    save_settings(&owner);
    drop(agent);

    let checks = Checks {
        owner: &owner,
        other: &other,
        report: &report,
        screenshots: &screenshots,
    };
    let paths = checks.everything_private(true);
    eprintln!("first use: {} paths owner-only", paths.len());

    // An installation of an earlier version: reports queued, everything readable by others.
    desk.configure(None);
    for n in [2, 3] {
        let out = desk.run(&owner, &report_args(&report, n, None));
        assert_eq!(json(&out)["status"], "queued");
    }
    loosen(&owner);
    let found = checks.grep_as_other();
    assert!(
        found.iter().any(|p| p.starts_with(owner.data_dir())),
        "once loose, the other account can read the queued reports: {found:?}"
    );

    // The next start makes it private again, and delivers each report exactly once.
    desk.configure(Some(&double));
    desk.run(&owner, &["queue", "flush", "--json"]);
    desk.run(&owner, &["queue", "flush", "--json"]);
    for n in [2, 3] {
        only_ticket(&double, &report.subject(n));
    }
    assert_eq!(double.tickets().len(), 3, "one ticket per report");
    let out = desk.run(&owner, &["queue", "list", "--json"]);
    assert_eq!(json(&out), serde_json::json!([]), "nothing left waiting");
    let paths = checks.everything_private(false);
    eprintln!(
        "earlier installation: {} paths owner-only again",
        paths.len()
    );
}

/// `guichet report` with the run's subject `n`, the phone and location, the screen, and `file`.
fn report_args(report: &Report, n: u32, file: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "report".into(),
        "--subject".into(),
        report.subject(n),
        "--description".into(),
        report.description(),
        "--phone".into(),
        PHONE.into(),
        "--location".into(),
        report.location(),
        "--screenshot".into(),
        "--json".into(),
    ];
    if let Some(file) = file {
        args.extend(["--attach".into(), file.to_str().unwrap().into()]);
    }
    args
}

/// The one ticket whose subject is `subject` (exactly once at the help desk).
fn only_ticket(double: &GlpiDouble, subject: &str) -> TicketView {
    let mut found: Vec<TicketView> = double
        .tickets()
        .into_iter()
        .filter(|t| t.name == subject)
        .collect();
    assert_eq!(found.len(), 1, "one ticket for the report");
    found.remove(0)
}

/// Saves the user's preferences through their agent, as the Settings window does.
fn save_settings(owner: &Account) {
    let socket = owner.data_dir().join("run/agent.sock");
    let request = Request::SavePreferences {
        preferences: Preferences {
            language: Some(Lang::Fr),
            shortcut: Some("Ctrl+Alt+J".into()),
            autostart: Some(true),
            entity: None,
        },
    };
    let answer = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut client = Client::connect(&socket).await.expect("connect");
            client.request(&request).await.expect("answer")
        });
    assert!(matches!(answer, Response::Settings { .. }), "{answer:?}");
    let settings = owner.data_dir().join("settings.toml");
    assert!(settings.is_file(), "Settings were written");
    let login_item = owner.home.join(".config/autostart/Guichet.desktop");
    wait_for("the login item", LIMIT, || {
        login_item.is_file().then_some(())
    });
}

/// Every path under `dir`, `dir` included, links not followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_owned()];
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            out.extend(walk(&entry));
        }
    }
    out
}

/// What an earlier version left: its folders (and the parents it created) 0755, its files 0644.
fn loosen(owner: &Account) {
    let parents = [".local", ".local/share", ".local/state"].map(|p| owner.home.join(p));
    let trees = [owner.data_dir(), owner.log_root()];
    for path in parents
        .iter()
        .cloned()
        .chain(trees.iter().flat_map(|t| walk(t)))
    {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = if meta.is_dir() { 0o755 } else { 0o644 };
        if !meta.file_type().is_symlink() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

/// What the second account must not reach, and the report it must not find.
struct Checks<'a> {
    owner: &'a Account,
    other: &'a Account,
    report: &'a Report,
    screenshots: &'a [Vec<u8>],
}

impl Checks<'_> {
    /// Checks modes, the second account's every attempt, its search, and the logs; returns the
    /// paths checked. `fresh`: Guichet created the parents (`~/.local`…) too, and everything new
    /// in the home is checked, not only Guichet's folders.
    fn everything_private(&self, fresh: bool) -> Vec<PathBuf> {
        let home = &self.owner.home;
        let mut paths: Vec<PathBuf> = if fresh {
            walk(home)
                .into_iter()
                .filter(|p| p != home)
                .filter(|p| !NOT_GUICHET_S.iter().any(|n| p.starts_with(home.join(n))))
                .collect()
        } else {
            walk(&self.owner.data_dir())
                .into_iter()
                .chain(walk(&self.owner.log_root()))
                .collect()
        };
        paths.sort();
        for expected in [self.owner.data_dir(), self.owner.log_root().join("logs")] {
            assert!(paths.contains(&expected), "{} checked", expected.display());
        }
        assert!(paths.len() >= 15, "{paths:?}");
        for path in &paths {
            let mode = std::fs::symlink_metadata(path)
                .unwrap()
                .permissions()
                .mode();
            eprintln!("  {:o} {}", mode & 0o7777, path.display());
        }
        let wrong: Vec<String> = paths.iter().filter_map(|p| self.wrong_mode(p)).collect();
        assert!(wrong.is_empty(), "not owner-only:\n{}", wrong.join("\n"));
        let reached: Vec<String> = paths.iter().filter_map(|p| self.reached(p)).collect();
        assert!(
            reached.is_empty(),
            "the second account got in:\n{}",
            reached.join("\n")
        );
        let found = self.grep_as_other();
        assert!(found.is_empty(), "the second account found it in {found:?}");
        self.logs_say_nothing();
        paths
    }

    /// How `path` is wrong, if it is: not the user's, or not 0700 (folders) / 0600 (the rest).
    fn wrong_mode(&self, path: &Path) -> Option<String> {
        let meta = std::fs::symlink_metadata(path).unwrap();
        let mode = meta.permissions().mode() & 0o7777;
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        let ok = mode == want && meta.uid() == self.owner.uid && !meta.file_type().is_symlink();
        (!ok).then(|| format!("{:o} uid {} {}", mode, meta.uid(), path.display()))
    }

    /// What the second account got from `path` by listing it (a folder) or reading it, if it
    /// was not refused.
    fn reached(&self, path: &Path) -> Option<String> {
        let (program, flag) = if path.is_dir() {
            ("ls", "-a")
        } else {
            ("cat", "-v")
        };
        let out = self
            .other
            .command(program)
            .args([flag, "--"])
            .arg(path)
            .output()
            .unwrap();
        let refused = !out.status.success() && stderr(&out).contains("Permission denied");
        (!refused).then(|| format!("{program} {}: {}", path.display(), stderr(&out)))
    }

    /// The files in which the second account's `grep -r` over the first one's home and what
    /// the first one left in `/tmp` finds the report's text, phone or file. Only the first
    /// account's own files in `/tmp` are searched: the rest of `/tmp` may hold anything, this
    /// test's own source and binary among them when the repository was cloned there (as CI may).
    fn grep_as_other(&self) -> Vec<PathBuf> {
        let owned = Command::new("find")
            .args(["/tmp", "-xdev", "-user", &self.owner.name, "-type", "f"])
            .output()
            .unwrap();
        let mut cmd = self.other.command("grep");
        cmd.args(["-r", "-l", "-a", "-F", "-D", "skip"]);
        for needle in self.report.needles() {
            cmd.arg("-e").arg(needle);
        }
        cmd.arg("--").arg(&self.owner.home);
        for path in stdout(&owned).lines() {
            cmd.arg(path);
        }
        let out = cmd.output().unwrap();
        // 0: found, 1: nothing, 2: some folders refused (as they must be).
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "grep: {}",
            stderr(&out)
        );
        stdout(&out).lines().map(PathBuf::from).collect()
    }

    /// Every line of every log file: none carries the report's text, phone, file name or
    /// content, nor a piece of its screenshots (raw or base64).
    fn logs_say_nothing(&self) {
        let logs: Vec<PathBuf> = walk(&self.owner.log_root())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        let mut lines = 0;
        let mut needles: Vec<Vec<u8>> = self
            .report
            .needles()
            .into_iter()
            .map(String::into_bytes)
            .collect();
        for jpeg in self.screenshots {
            let middle = jpeg.len() / 2;
            needles.push(jpeg[middle..middle + 32].to_vec());
            let b64 = base64::engine::general_purpose::STANDARD.encode(jpeg);
            needles.push(b64.as_bytes()[b64.len() / 2..b64.len() / 2 + 64].to_vec());
        }
        for log in &logs {
            let bytes = std::fs::read(log).unwrap();
            for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
                lines += 1;
                for needle in &needles {
                    assert!(
                        !line.windows(needle.len()).any(|w| w == needle.as_slice()),
                        "{}:{}: {}",
                        log.display(),
                        n + 1,
                        String::from_utf8_lossy(line)
                    );
                }
            }
        }
        assert!(
            logs.iter().any(|l| std::fs::read_to_string(l)
                .unwrap_or_default()
                .contains("DEBUG")),
            "debug logs were written and scanned: {logs:?}"
        );
        eprintln!("{lines} log lines in {} files scanned", logs.len());
    }
}
