//! Real desktop components for tests, each started on demand and stopped on drop: an X server
//! (Xvfb, on a free display number) and a private D-Bus session bus with no service directories
//! (so nothing is auto-started behind the test's back).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A child process killed and reaped on drop (PID 1 here does not reap).
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Xvfb {
    pub display: String,
    _child: Guard,
}

impl Xvfb {
    /// Starts `Xvfb` with one screen of `width`×`height`.
    pub fn start(width: u32, height: u32) -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                // A root background painted by a client (xsetroot) must outlive that client.
                "-noreset",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/install-deps.sh)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb prints its display");
        let display = format!(":{}", line.trim());
        Xvfb {
            display,
            _child: Guard(child),
        }
    }

    /// Presses `keys` (xdotool's syntax: `ctrl+alt+g`) on this display.
    pub fn press(&self, keys: &str) {
        let status = Command::new("xdotool")
            .args(["key", keys])
            .env("DISPLAY", &self.display)
            .status()
            .expect("xdotool is installed (scripts/install-deps.sh)");
        assert!(status.success(), "xdotool key {keys}");
    }
}

/// Why a `dbus-send` call failed.
#[derive(Debug, thiserror::Error)]
pub enum DbusSendError {
    #[error("cannot run dbus-send: {0}")]
    Spawn(#[from] std::io::Error),
    /// `dbus-send` ran and failed (no such name, no reply, an error reply…); `stderr` says why.
    #[error("dbus-send failed ({status}): {stderr}")]
    Failed { status: ExitStatus, stderr: String },
}

pub struct SessionBus {
    pub address: String,
    _child: Guard,
    _config: tempfile::NamedTempFile,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        let config = tempfile::NamedTempFile::new().expect("bus config");
        std::fs::write(
            config.path(),
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
        )
        .expect("write bus config");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.path().display()))
            .args(["--print-address=1", "--nofork"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is installed");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("bus address");
        SessionBus {
            address: line.trim().to_owned(),
            _child: Guard(child),
            _config: config,
        }
    }

    /// `dbus-send --print-reply` on this bus; the reply as text.
    pub fn send(&self, args: &[&str]) -> Result<String, DbusSendError> {
        let out = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args(["--session", "--print-reply", "--reply-timeout=2000"])
            .args(args)
            .output()?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(DbusSendError::Failed {
                status: out.status,
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
        }
    }

    /// A tray host's StatusNotifierWatcher on this bus (`status-notifier-watcher`).
    pub fn status_notifier_watcher(&self) -> Guard {
        Guard(
            Command::new("status-notifier-watcher")
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("status-notifier-watcher is installed"),
        )
    }

    /// The item registered with the watcher, as `(bus name, object path)`.
    pub fn tray_item(&self) -> Option<(String, String)> {
        let reply = self
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

    /// The registered tray item's menu: `(bus name, menu path, layout as dbus-send prints it)`.
    pub fn tray_menu(&self) -> Option<(String, String, String)> {
        let (name, path) = self.tray_item()?;
        let dest = format!("--dest={name}");
        let menu = self
            .send(&[
                &dest,
                &path,
                "org.freedesktop.DBus.Properties.Get",
                "string:org.kde.StatusNotifierItem",
                "string:Menu",
            ])
            .ok()?;
        let menu_path = menu.lines().find_map(|l| {
            l.trim()
                .strip_prefix("variant")?
                .trim()
                .strip_prefix("object path \"")?
                .strip_suffix('"')
                .map(str::to_owned)
        })?;
        let layout = self
            .send(&[
                &dest,
                &menu_path,
                "com.canonical.dbusmenu.GetLayout",
                "int32:0",
                "int32:-1",
                "array:string:",
            ])
            .ok()?;
        Some((name, menu_path, layout))
    }
}

/// Starts dunst, a real notification daemon, on `x` and `bus`; returns once it owns
/// `org.freedesktop.Notifications`.
pub fn start_dunst(x: &Xvfb, bus: &SessionBus) -> Guard {
    let dunst = Command::new("dunst")
        .env("DISPLAY", &x.display)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dunst is installed (scripts/install-deps.sh)");
    let guard = Guard(dunst);
    wait_for("dunst on the bus", Duration::from_secs(20), || {
        bus.send(&[
            "--dest=org.freedesktop.Notifications",
            "/org/freedesktop/Notifications",
            "org.freedesktop.Notifications.GetServerInformation",
        ])
        .ok()
        .filter(|r| r.contains("dunst"))
    });
    guard
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after `limit` naming `what`.
pub fn wait_for<T>(what: &str, limit: Duration, check: impl FnMut() -> Option<T>) -> T {
    poll_until(limit, check).unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Polls `check` every 50 ms until it returns `Some`; `None` after `limit`.
pub fn poll_until<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if start.elapsed() >= limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads what a child wrote so far to a file-backed stream.
pub fn read_file(path: &std::path::Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    s
}

/// An Xvfb of this test's own (stopped on drop), `width`×`height`, tiled with 32 px squares of
/// `FG` and `BG` (see [`painted_colour`]).
pub fn painted_display(dir: &std::path::Path, width: u32, height: u32) -> Xvfb {
    use std::process::Command;
    let screen = Xvfb::start(width, height);
    // A 64×64 XBM: bit set (foreground) where (x / 32 + y / 32) is odd. Bits are LSB first.
    let mut bits = Vec::new();
    for y in 0..64 {
        for byte in 0..8 {
            let x = byte * 8;
            bits.push(if (x / 32 + y / 32) % 2 == 1 {
                "0xff"
            } else {
                "0x00"
            });
        }
    }
    let xbm = dir.join("checker.xbm");
    std::fs::write(
        &xbm,
        format!(
            "#define checker_width 64\n#define checker_height 64\nstatic unsigned char checker_bits[] = {{\n{}}};\n",
            bits.join(", ")
        ),
    )
    .expect("xbm");
    let painted = Command::new("xsetroot")
        .env("DISPLAY", &screen.display)
        .arg("-bitmap")
        .arg(&xbm)
        .args(["-fg", "#c03020", "-bg", "#2060d0"])
        .status();
    let status =
        painted.expect("xsetroot is installed (x11-xserver-utils, scripts/install-deps.sh)");
    assert!(status.success(), "xsetroot failed: {status}");
    screen
}

pub fn painted_colour(x: u32, y: u32) -> [u8; 3] {
    if (x / 32 + y / 32) % 2 == 1 {
        [0xc0, 0x30, 0x20]
    } else {
        [0x20, 0x60, 0xd0]
    }
}

/// A real Secret Service: GNOME Keyring (`gnome-keyring-daemon`, Debian's), unlocked, on a
/// private session bus, its keyring files in a temporary home. Stopped when dropped.
pub struct Keyring {
    pub bus: SessionBus,
    _home: tempfile::TempDir,
    _daemon: Guard,
}

impl Keyring {
    pub fn start() -> Keyring {
        let bus = SessionBus::start();
        let home = tempfile::tempdir().expect("keyring home");
        let runtime = home.path().join("run");
        std::fs::create_dir_all(&runtime).expect("runtime dir");
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod");
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring is installed (scripts/install-deps.sh)");
        {
            use std::io::Write;
            // The login keyring's password, on standard input: it is created unlocked with it.
            let mut stdin = daemon.stdin.take().expect("stdin");
            stdin
                .write_all(b"keyring-test-unlock")
                .expect("unlock password");
        }
        let daemon = Guard(daemon);
        wait_for(
            "the Secret Service on the bus",
            Duration::from_secs(20),
            || {
                bus.send(&[
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .ok()
                .filter(|reply| reply.contains("boolean true"))
            },
        );
        Keyring {
            bus,
            _home: home,
            _daemon: daemon,
        }
    }

    /// Every item of the service `Guichet`, with its secret, as `secret-tool search` prints them.
    pub fn guichet_items(&self) -> String {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "--unlock", "service", "Guichet"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .output()
            .expect("secret-tool is installed (libsecret-tools)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}
