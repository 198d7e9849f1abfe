//! A workstation for the end-to-end tests of the `guichet` binary: a private data directory and a
//! configuration file pointing at a GLPI test double (or at nothing), and the binary run against
//! them; with what those tests read back from its runs and leave on disk.
//!
//! The binary is the one cargo built for the test that runs: [`guichet_binary`] finds it beside
//! the test's own executable, as cargo's `cargo-test-support` finds `cargo`.

use crate::desktop;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The GLPI user token every workstation is configured with, unless a test gives another.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

/// A private data directory and configuration file, removed with `dir` when dropped.
#[derive(Debug)]
pub struct Workstation {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub config: PathBuf,
}

impl Workstation {
    /// A workstation configured for the help desk at `url` (none: no `[server]` section).
    pub fn new(url: Option<&str>) -> Workstation {
        Workstation::with_token(url, TOKEN)
    }

    pub fn with_token(url: Option<&str>, token: &str) -> Workstation {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let config = dir.path().join("guichet.toml");
        let ws = Workstation { dir, data, config };
        ws.configure(url, token);
        ws
    }

    /// A workstation configured with `server`, a whole `[server]` section (another help desk
    /// than GLPI).
    pub fn with_server(server: &str) -> Workstation {
        let ws = Workstation::new(None);
        ws.append_config(server);
        ws
    }

    /// Rewrites the configuration, as IT would when the help desk moves.
    pub fn configure(&self, url: Option<&str>, token: &str) {
        let mut text = String::from("[[categories]]\nid = 1\nname = \"Matériel\"\n[[categories]]\nid = 2\nname = \"Réseau\"\n");
        if let Some(url) = url {
            text.push_str(&format!(
                "[server]\nkind = \"glpi\"\nurl = \"{url}\"\nuser_token = \"{token}\"\ntimeout_secs = 2\nconnect_timeout_secs = 1\n"
            ));
        }
        std::fs::write(&self.config, text).expect("config");
    }

    /// Adds TOML to the configuration (for example `[poll]` settings).
    pub fn append_config(&self, text: &str) {
        let mut config = std::fs::read_to_string(&self.config).expect("config");
        config.push_str(text);
        std::fs::write(&self.config, config).expect("config");
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(guichet_binary());
        cmd.args(args)
            .env("GUICHET_DATA_DIR", &self.data)
            .env("GUICHET_CONFIG", &self.config)
            .env("LANG", "en_US.UTF-8")
            .env_remove("GUICHET_LANG")
            // Logs go under the data directory.
            .env_remove("GUICHET_LOG_DIR")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            // The display session is the test's to give (the capture back end follows it).
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("XDG_SESSION_TYPE");
        // The machine's proxy settings must not route the tests' loopback traffic.
        for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
            cmd.env_remove(proxy).env_remove(proxy.to_ascii_lowercase());
        }
        cmd
    }

    /// Starts the resident agent on its private socket directory `runtime`, with `env` added and
    /// its log (stderr) in `log`; returns once its socket exists.
    pub fn start_agent(
        &self,
        runtime: &Path,
        env: &[(&str, &std::ffi::OsStr)],
        log: &Path,
    ) -> desktop::Guard {
        let mut cmd = self.command(&[]);
        cmd.env("GUICHET_RUNTIME_DIR", runtime)
            .env("GUICHET_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(log).expect("agent log"));
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = cmd.spawn().expect("start the agent");
        let socket = runtime.join("agent.sock");
        desktop::wait_for(
            "the agent's socket",
            std::time::Duration::from_secs(20),
            || socket.exists().then_some(()),
        );
        desktop::Guard(child)
    }

    /// A stand-in for `guichet-ui` that appends its arguments to `record`, its language
    /// (`GUICHET_LANG`) to `record` with the extension `lang`, and exits with `code`.
    pub fn recording_ui(&self, record: &Path, code: i32) -> PathBuf {
        let script = self.dir.path().join("recording-guichet-ui");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$@\" >> '{}'\necho \"$GUICHET_LANG\" >> '{}'\nexit {code}\n",
                record.display(),
                record.with_extension("lang").display()
            ),
        )
        .expect("stand-in window process");
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        script
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run guichet")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data.join("outbox")
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }
}

/// The `guichet` binary cargo built for the running test: `CARGO_BIN_EXE_guichet` when it is set
/// at run time, else in the directory above the test executable's `deps/`.
pub fn guichet_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CARGO_BIN_EXE_guichet") {
        return PathBuf::from(path);
    }
    let test = std::env::current_exe().expect("the test's own executable");
    let mut dir = test.parent().expect("the test's directory").to_owned();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let guichet = dir.join(format!("guichet{}", std::env::consts::EXE_SUFFIX));
    assert!(
        guichet.exists(),
        "{} is missing: it is built for the guichet package's own tests",
        guichet.display()
    );
    guichet
}

/// The window process, `guichet-ui`, built beside the agent by `cargo build --workspace`.
pub fn ui_binary() -> PathBuf {
    let agent = guichet_binary();
    let ui = agent.with_file_name("guichet-ui");
    assert!(
        ui.exists(),
        "{} is missing: build the workspace first (cargo build --workspace)",
        ui.display()
    );
    ui
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(o),
            stderr(o)
        )
    })
}

/// Bytes that differ per seed, so the double's sha1 de-duplication never merges two files.
pub fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Every file under `dir`, read as bytes (for scans of what a run left on disk).
pub fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

/// Whether `needle` appears in `haystack`, byte for byte.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// Starts `flush` (a `queue flush`) up to `rounds` times, each SIGKILLed at a random moment in
/// `window_ms` if it is still running, and stops early once `done()`; returns how many were
/// really killed. The crash tests assert that enough were, then run one last flush to the end.
pub fn kill_flushes(
    mut flush: impl FnMut() -> std::process::Child,
    rounds: usize,
    window_ms: std::ops::Range<u64>,
    seed: u64,
    done: impl Fn() -> bool,
) -> usize {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kills = 0;
    for _ in 0..rounds {
        let mut child = flush();
        std::thread::sleep(std::time::Duration::from_millis(
            rng.gen_range(window_ms.clone()),
        ));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        child.wait().expect("reap");
        if done() {
            break;
        }
    }
    kills
}

/// A French session's agent for a workstation, and a window process opened on it through WebDriver.
/// The window goes first when it is dropped, then the agent.
pub struct FrenchWindow {
    /// The window process and its WebDriver session.
    pub window: crate::webdriver::Window,
    _agent: desktop::Guard,
}

impl std::fmt::Debug for FrenchWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrenchWindow").finish_non_exhaustive()
    }
}

impl Workstation {
    /// Starts this workstation's agent in French on X display `display` and D-Bus session `bus`
    /// (its log in `agent.log`, its socket under `run/`), then opens `guichet-ui` with `args`
    /// (none: the wizard) through `tauri-driver`.
    pub fn open_in_french(&self, display: &str, bus: &str, args: &[&str]) -> FrenchWindow {
        let runtime = self.dir.path().join("run");
        let log = self.dir.path().join("agent.log");
        let env: [(&str, &std::ffi::OsStr); 3] = [
            ("DISPLAY", display.as_ref()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.as_ref()),
            ("LANG", "fr_FR.UTF-8".as_ref()),
        ];
        let agent = self.start_agent(&runtime, &env, &log);
        let desktop = crate::webdriver::Desktop {
            display,
            bus,
            runtime: &runtime,
            data: &self.data,
            lang: "fr_FR.UTF-8",
        };
        let window = crate::webdriver::Window::open(&ui_binary(), &desktop, &log, args);
        FrenchWindow {
            window,
            _agent: agent,
        }
    }
}
