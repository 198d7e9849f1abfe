//! A real Wayland session for tests: headless sway (wlroots, pixman renderer, no GPU) as an
//! unprivileged account of its own (sway refuses root), on a private D-Bus session bus with
//! PipeWire, `xdg-desktop-portal`, its `-wlr` and `-gtk` back ends (the last one exports the
//! "Access" interface without which 1.16 hides Screenshot), and XWayland. Each output is painted
//! one solid colour at a known place, so that a screenshot's pixels can be checked. The recipe
//! and what it was measured against are in `../shared/wayland.md`.
//!
//! The wlroots portal always writes `/tmp/out.png`: tests that capture must not overlap
//! ([`Sway::lock`]).

use super::{read_file, wait_for, Guard};
use crate::accounts::Account;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// One headless output: its size, its place on the desktop, what it shows.
#[derive(Debug, Clone)]
pub struct SwayOutput {
    pub width: u32,
    pub height: u32,
    pub x: i32,
    pub y: i32,
    pub background: Background,
}

/// What an output shows.
#[derive(Debug, Clone)]
pub enum Background {
    /// One colour, `#rrggbb`.
    Colour(&'static str),
    /// A picture (readable by the session's user), stretched to the output.
    Image(PathBuf),
}

/// A running sway session; its account, processes and folder go when it is dropped.
#[derive(Debug)]
pub struct Sway {
    /// The files the session's user may read and write (its runtime directory inside).
    pub dir: PathBuf,
    /// The session's variables, as sway's own children see them (`WAYLAND_DISPLAY`, `DISPLAY`
    /// for XWayland, `DBUS_SESSION_BUS_ADDRESS`, `XDG_RUNTIME_DIR`…).
    pub env: Vec<(String, String)>,
    session: Option<Guard>,
    // Dropped last: the account goes once its processes are gone.
    pub account: Account,
    _dir: tempfile::TempDir,
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

impl Sway {
    /// Serialises the tests that capture through the wlroots portal (it has one output file).
    pub fn lock() -> MutexGuard<'static, ()> {
        ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts sway as a new account named `user`, with `outputs` and `bindings` (sway's
    /// `bindsym` lines: key combination, command), and waits until the portal answers.
    pub fn start(user: &str, outputs: &[SwayOutput], bindings: &[(&str, &str)]) -> Sway {
        let account = Account::create(user);
        let folder = tempfile::tempdir().expect("tempdir");
        let dir = folder.path().to_owned();
        let runtime = dir.join("run");
        std::fs::create_dir(&runtime).expect("runtime dir");
        for (path, mode) in [(&dir, 0o755), (&runtime, 0o700)] {
            std::os::unix::fs::chown(path, Some(account.uid), Some(account.gid)).expect("chown");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        let env_file = dir.join("sway.env");
        let config = dir.join("sway.conf");
        std::fs::write(&config, sway_config(outputs, bindings, &env_file)).expect("sway config");
        let log = std::fs::File::create(dir.join("session.log")).expect("session log");
        std::os::unix::fs::chown(dir.join("session.log"), Some(account.uid), None).expect("chown");
        let child = account
            .command("dbus-run-session")
            .args(["--", "sh", "-c"])
            .arg(format!(
                "pipewire & exec sway --config '{}'",
                config.display()
            ))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_SESSION_TYPE", "wayland")
            .env("XDG_CURRENT_DESKTOP", "sway")
            .env("WLR_BACKENDS", "headless")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("WLR_RENDERER", "pixman")
            .env("WLR_HEADLESS_OUTPUTS", outputs.len().to_string())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("dbus-run-session and sway are installed");
        let mut sway = Sway {
            dir,
            env: Vec::new(),
            session: Some(Guard(child)),
            account,
            _dir: folder,
        };
        sway.env = wait_for("sway's environment", Duration::from_secs(20), || {
            let text = read_file(&env_file);
            text.contains("WAYLAND_DISPLAY=").then(|| parse_env(&text))
        });
        sway.wait_for_portal();
        sway
    }

    /// Starts the portal (D-Bus activation) and waits until its Screenshot interface answers, so
    /// that a test's own time limits never include the portal's start, which is sometimes slow
    /// on a cold machine.
    fn wait_for_portal(&self) {
        let ask = || {
            self.command("gdbus")
                .args([
                    "call",
                    "--session",
                    "--timeout",
                    "60",
                    "--dest",
                    "org.freedesktop.portal.Desktop",
                    "--object-path",
                    "/org/freedesktop/portal/desktop",
                    "--method",
                    "org.freedesktop.DBus.Properties.Get",
                    "org.freedesktop.portal.Screenshot",
                    "version",
                ])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        wait_for("the Screenshot portal", Duration::from_secs(90), || {
            ask().then_some(())
        });
    }

    /// `program` as the session's user, with the session's variables.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = self.account.command(program);
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        cmd
    }

    /// A session variable.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Presses a key with modifiers held, through the virtual keyboard protocol (`wtype`), as a
    /// person would: `press(&["ctrl", "alt"], "g")`.
    pub fn press(&self, modifiers: &[&str], key: &str) {
        let mut cmd = self.command("wtype");
        for m in modifiers {
            cmd.args(["-M", m]);
        }
        cmd.arg(key);
        for m in modifiers.iter().rev() {
            cmd.args(["-m", m]);
        }
        let out = cmd.output().expect("wtype is installed");
        assert!(
            out.status.success(),
            "wtype: {}",
            crate::workstation::stderr(&out)
        );
    }

    /// What sway and the session's services wrote.
    pub fn log(&self) -> String {
        read_file(&self.dir.join("session.log"))
    }

    /// Copies `program` where the session's user can run it (the test's own build may sit in a
    /// folder only root can open), and returns the copy's path.
    pub fn install(&self, program: &Path) -> PathBuf {
        let name = program.file_name().expect("a file name");
        let copy = self.dir.join(name);
        std::fs::copy(program, &copy).expect("copy the program");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        copy
    }

    /// A file the session's user owns, 0755 (for scripts sway's bindings run).
    pub fn script(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// A folder the session's user owns, 0700.
    pub fn folder(&self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::create_dir_all(&path).expect("folder");
        std::os::unix::fs::chown(&path, Some(self.account.uid), Some(self.account.gid))
            .expect("chown");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        path
    }
}

impl Drop for Sway {
    fn drop(&mut self) {
        // Every process of the account: sway, PipeWire, the portals D-Bus started, the agent.
        let _ = Command::new("pkill")
            .args(["-KILL", "-u", &self.account.name])
            .stderr(Stdio::null())
            .status();
        drop(self.session.take());
        let _ = wait_for_none(&self.account.name);
        // xdg-document-portal mounts a FUSE file system in the runtime directory that even root
        // cannot enter: unmounted, so that the folder can be removed.
        let _ = Command::new("umount")
            .arg("--lazy")
            .arg(self.dir.join("run/doc"))
            .stderr(Stdio::null())
            .status();
    }
}

/// Waits (at most 5 s) until no process of `user` is left, so that `userdel` can remove it.
fn wait_for_none(user: &str) -> bool {
    super::poll_until(Duration::from_secs(5), || {
        let alive = Command::new("pgrep")
            .args(["-u", user])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        (!alive).then_some(())
    })
    .is_some()
}

/// sway's configuration: the outputs painted, the bindings, XWayland on, and at start the
/// session's variables given to D-Bus (so the portal back ends it starts find the compositor)
/// and written to `env_file` for the test.
fn sway_config(outputs: &[SwayOutput], bindings: &[(&str, &str)], env_file: &Path) -> String {
    let mut text = String::from("xwayland enable\n");
    for (i, o) in outputs.iter().enumerate() {
        let background = match &o.background {
            Background::Colour(colour) => format!("{colour} solid_color"),
            Background::Image(path) => format!("{} stretch", path.display()),
        };
        text.push_str(&format!(
            "output HEADLESS-{} mode {}x{} position {} {} bg {background}\n",
            i + 1,
            o.width,
            o.height,
            o.x,
            o.y,
        ));
    }
    for (keys, command) in bindings {
        text.push_str(&format!("bindsym {keys} exec {command}\n"));
    }
    text.push_str(&format!(
        "exec sh -c 'dbus-update-activation-environment WAYLAND_DISPLAY DISPLAY XDG_CURRENT_DESKTOP \
         XDG_SESSION_TYPE && env > {0}.part && mv {0}.part {0}'\n",
        env_file.display()
    ));
    text
}

fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once('='))
        .filter(|(name, _)| {
            [
                "WAYLAND_DISPLAY",
                "DISPLAY",
                "DBUS_SESSION_BUS_ADDRESS",
                "XDG_RUNTIME_DIR",
                "XDG_SESSION_TYPE",
                "XDG_CURRENT_DESKTOP",
                "SWAYSOCK",
            ]
            .contains(name)
        })
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}
