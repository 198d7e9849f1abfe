//! A throw-away Wine installation for one test, for the Windows builds tests run on this Linux
//! machine (`tests/wine.rs`, `tests/msi.rs`): its `WINEPREFIX` is created at start, its server
//! stopped and the prefix deleted when dropped. Wine uses the host's sockets, so a Windows
//! program reaches test servers on loopback.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One `WINEPREFIX`, booted.
#[derive(Debug)]
pub struct Wine {
    prefix: tempfile::TempDir,
}

impl Wine {
    /// A fresh prefix (`wineboot --init`, a few seconds).
    pub fn boot() -> Wine {
        let prefix = tempfile::tempdir().expect("prefix");
        let wine = Wine { prefix };
        let booted = wine
            .bare(Command::new("wineboot"))
            .arg("--init")
            .output()
            .expect("wineboot (Debian's wine package, scripts/install-deps.sh cross)");
        assert!(booted.status.success(), "wineboot: {booted:?}");
        wine
    }

    /// The prefix's folder on the Linux side.
    pub fn prefix(&self) -> &Path {
        self.prefix.path()
    }

    /// `C:\` on the Linux side.
    pub fn drive_c(&self) -> PathBuf {
        self.prefix.path().join("drive_c")
    }

    /// `command` in this prefix, quiet, with no display unless the test gives one.
    pub fn bare(&self, mut command: Command) -> Command {
        command
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        command
    }

    /// `wine program args…` in this prefix.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = self.bare(Command::new("wine"));
        command.arg(program).args(args);
        command
    }

    /// Puts Wine's `bcryptprimitives.dll` shim (Wine 8 lacks the DLL Rust's std imports; see
    /// `scripts/cross/wine/`) in `C:\windows\system32`, so that installed programs run from
    /// where the installer put them, with nothing added beside them.
    pub fn add_system_dll(&self, dll: &Path) {
        let name = dll.file_name().expect("a file");
        std::fs::copy(dll, self.drive_c().join("windows/system32").join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dll.display()));
    }

    /// `reg query <key> [/v <value>]`: its output, or `None` when the key or value is missing.
    pub fn reg_query(&self, key: &str, value: Option<&str>) -> Option<String> {
        let mut args = vec!["query", key];
        if let Some(value) = value {
            args.extend(["/v", value]);
        }
        let out = self.command("reg", &args).output().expect("wine reg");
        out.status.success().then(|| text(&out.stdout))
    }

    /// One value's data, as `reg query` prints it (`None`: missing; empty for an empty string).
    pub fn reg_value(&self, key: &str, value: &str) -> Option<String> {
        let listing = self.reg_query(key, Some(value))?;
        listing.lines().find_map(|line| {
            let mut fields = line.trim().splitn(3, "    ");
            (fields.next()? == value).then(|| fields.nth(1).unwrap_or("").trim().to_owned())
        })
    }

    /// The home folder of the prefix's one user (`C:\users\<name>`).
    pub fn user_home(&self) -> PathBuf {
        let users = self.drive_c().join("users");
        std::fs::read_dir(&users)
            .expect("users")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.join("AppData").is_dir())
            .unwrap_or_else(|| panic!("no user under {}", users.display()))
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = self.bare(Command::new("wineserver")).arg("-k").status();
    }
}

/// The Windows name of a Linux path: Wine maps `Z:` to `/`.
pub fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display().to_string().replace('/', "\\"))
}

/// Bytes a program printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON a program printed, after checking that it succeeded.
pub fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "the program failed ({:?}): {}{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&output.stdout)))
}

/// Runs `signin` (a `guichet.exe signin --token-stdin` command), gives it `token` on its standard
/// input, and asserts that it succeeded.
pub fn sign_in_with_token(mut signin: Command, token: &str) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = signin
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wine");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{token}\n").as_bytes())
        .expect("token");
    let out = child.wait_with_output().expect("signin");
    assert!(
        out.status.success(),
        "signin: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
