//! The resident agent in a Wayland session (run: `cargo bench --bench agent_wayland`; figures in
//! docs/PERFORMANCE.md, "Resident agent"). As root: it creates an ordinary account for headless
//! sway (sway refuses root), as `tests/wayland.rs` does; needs the packages
//! `scripts/install-deps.sh` installs.
//!
//! Trigger → screenshot taken through the Screenshot portal: `OpenWizard` over IPC, 20 times,
//! the capture time as the agent logs it (the portal's request, its PNG read, decoded and
//! deleted, the desktop cut per output); and trigger → window process started. One 1920×1080
//! output showing a noisy picture (a flat colour would make the portal's PNG unrealistically
//! cheap to write and read).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Benches fail loudly by design.

use guichet_core::capture::image::{Rgb, RgbImage};
use guichet_test_support::bench::{percentile, trigger_wizard};
use guichet_test_support::desktop::{read_file, wait_for, Background, Guard, Sway, SwayOutput};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

const TRIGGERS: usize = 20;

/// A 1920×1080 picture of pseudo-random pixels, where the session's user can read it.
fn noise(dir: &Path) -> std::path::PathBuf {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let picture = RgbImage::from_fn(1920, 1080, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [r, g, b, ..] = state.to_le_bytes();
        Rgb([r, g, b])
    });
    let path = dir.join("noise.png");
    picture.save(&path).expect("noise.png");
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    path
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("agent_wayland bench: run with `cargo bench --bench agent_wayland`");
        return;
    }
    let pictures = tempfile::tempdir().expect("tempdir");
    let output = SwayOutput {
        width: 1920,
        height: 1080,
        x: 0,
        y: 0,
        background: Background::Image(noise(pictures.path())),
    };
    let sway = Sway::start("gwl-bench", &[output], &[]);
    let program = sway.install(Path::new(env!("CARGO_BIN_EXE_guichet")));
    let record = sway.dir.join("ui.txt");
    let ui = sway.script(
        "ui.sh",
        &format!("#!/bin/sh\ndate +%s%N >> '{}'\n", record.display()),
    );
    let runtime = sway.folder("run-guichet");
    let log = sway.dir.join("agent.log");
    let agent = sway
        .command(&program)
        .env("GUICHET_DATA_DIR", sway.folder("data"))
        .env("GUICHET_RUNTIME_DIR", &runtime)
        .env("GUICHET_UI", &ui)
        .env("GUICHET_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("agent");
    let _agent = Guard(agent);
    let socket = runtime.join("agent.sock");
    wait_for("the agent's socket", Duration::from_secs(20), || {
        socket.exists().then_some(())
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (captures, started) = rt.block_on(trigger_wizard(
        &socket,
        &record,
        &log,
        TRIGGERS,
        Duration::from_secs(20),
        Duration::from_millis(150),
    ));
    assert_eq!(captures.len(), TRIGGERS, "{}", read_file(&log));
    println!(
        "Wayland (sway, Screenshot portal), 1920x1080: trigger → screenshot taken p50 {:.1} ms (min {:.1}, max {:.1}); trigger → window process started p50 {:.1} ms (max {:.1})",
        percentile(captures.clone(), 0.5),
        percentile(captures.clone(), 0.0),
        percentile(captures, 1.0),
        percentile(started.clone(), 0.5),
        percentile(started, 1.0)
    );
}
