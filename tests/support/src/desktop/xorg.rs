//! A real Xorg server with Debian's dummy video driver (`xserver-xorg-video-dummy`), for tests
//! that need several monitors: unlike Xvfb, it has RandR outputs (`DUMMY0`…`DUMMY15`), so
//! `xrandr` can lay out monitors of different sizes side by side, as on a real desk.
//!
//! Xorg needs root here (CI runs as root); without it, or without the driver, `start` says so
//! and returns `None` — except under CI, where a missing server is a failure, not a skip.

use super::{displayfd, Guard};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A virtual desktop of up to 7680×4320 pixels (256 MB of video memory is enough for that).
const CONFIG: &str = r#"
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 256000
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0-1000.0
  VertRefresh 5.0-200.0
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 7680 4320
  EndSubSection
EndSection
"#;

/// One monitor of a layout: output `DUMMY{index}` showing `width`×`height` at (`x`, `y`).
#[derive(Debug, Clone, Copy)]
pub struct Head {
    pub width: u32,
    pub height: u32,
    pub x: i32,
    pub y: i32,
}

/// An Xorg server on a free display number, stopped (and its files removed) when dropped.
#[derive(Debug)]
pub struct XorgDummy {
    _server: Guard,
    /// `:N`, for `DISPLAY`.
    pub display: String,
    _dir: tempfile::TempDir,
}

fn unavailable(why: &str) -> Option<XorgDummy> {
    crate::missing(why, "the multi-monitor checks (Xorg needs root)");
    None
}

impl XorgDummy {
    /// Starts Xorg with the dummy driver on a display number it picks itself (`-displayfd`).
    pub fn start() -> Option<XorgDummy> {
        let driver = Path::new("/usr/lib/xorg/modules/drivers/dummy_drv.so");
        if !driver.exists() {
            return unavailable("Xorg's dummy driver is not installed");
        }
        // /proc/self belongs to the effective user.
        let euid = std::fs::metadata("/proc/self")
            .map_or(u32::MAX, |m| std::os::unix::fs::MetadataExt::uid(&m));
        if euid != 0 {
            return unavailable("Xorg needs root to start");
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = dir.path().join("xorg.conf");
        std::fs::write(&config, CONFIG).expect("write xorg.conf");
        let spawned = Command::new("Xorg")
            .arg("-displayfd")
            .arg("1")
            .arg("-config")
            .arg(&config)
            .arg("-logfile")
            .arg(dir.path().join("Xorg.log"))
            // Without -noreset the server resets, root background included, when the painter
            // (its last client) disconnects.
            .args(["-noreset", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return unavailable("Xorg is not installed");
            }
            Err(e) => panic!("cannot start Xorg: {e}"),
        };
        match displayfd(&mut child, Duration::from_secs(30)) {
            Ok(display) => Some(XorgDummy {
                _server: Guard(child),
                display,
                _dir: dir,
            }),
            Err(e) => {
                let log = std::fs::read_to_string(dir.path().join("Xorg.log")).unwrap_or_default();
                panic!("Xorg did not report its display ({e}); its log:\n{log}");
            }
        }
    }

    /// Lays out one monitor per head (`DUMMY0`, `DUMMY1`, …) with `xrandr`, each in a mode of
    /// exactly its size. The desktop becomes the smallest rectangle holding them all.
    pub fn layout(&self, heads: &[Head]) {
        let mut args: Vec<String> = Vec::new();
        for (i, head) in heads.iter().enumerate() {
            let mode = format!("guichet-{}x{}", head.width, head.height);
            // A CVT-like timing; the dummy driver accepts any within the monitor's ranges.
            let (w, h) = (head.width, head.height);
            self.xrandr(&[
                "--newmode".into(),
                mode.clone(),
                "60".into(),
                w.to_string(),
                (w + 48).to_string(),
                (w + 80).to_string(),
                (w + 160).to_string(),
                h.to_string(),
                (h + 3).to_string(),
                (h + 8).to_string(),
                (h + 62).to_string(),
            ]);
            let output = format!("DUMMY{i}");
            self.xrandr(&["--addmode".into(), output.clone(), mode.clone()]);
            args.extend([
                "--output".into(),
                output,
                "--mode".into(),
                mode,
                "--pos".into(),
                format!("{}x{}", head.x, head.y),
            ]);
        }
        self.xrandr(&args);
    }

    fn xrandr(&self, args: &[String]) {
        let out = Command::new("xrandr")
            .env("DISPLAY", &self.display)
            .args(args)
            .output()
            .expect("run xrandr (x11-xserver-utils)");
        assert!(
            out.status.success(),
            "xrandr {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
