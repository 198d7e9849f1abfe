//! A private D-Bus session bus with no service directories (so nothing is auto-started behind
//! the test's back), and the real services tests start on it: dunst, a tray host's watcher,
//! GNOME Keyring.

use super::{wait_for, Guard, Xvfb};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

/// Why a `dbus-send` call failed.
#[derive(Debug, thiserror::Error)]
pub enum DbusSendError {
    #[error("cannot run dbus-send: {0}")]
    Spawn(#[from] std::io::Error),
    /// `dbus-send` ran and failed (no such name, no reply, an error reply…); `stderr` says why.
    #[error("dbus-send failed ({status}): {stderr}")]
    Failed { status: ExitStatus, stderr: String },
}

#[derive(Debug)]
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

/// A real Secret Service: GNOME Keyring (`gnome-keyring-daemon`, Debian's), unlocked, on a
/// private session bus, its keyring files in a temporary home. Stopped when dropped.
#[derive(Debug)]
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
