//! A private Xvfb server for one test or benchmark, and a painter that puts a known picture on
//! its root window. Shared by `tests/capture.rs` and `benches/capture.rs` through `#[path]`.

#![allow(dead_code)]

use image::RgbaImage;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ChangeWindowAttributesAux, ConnectionExt as _, CreateGCAux, ImageFormat, ImageOrder,
};

/// An Xvfb server on a free display number, stopped when dropped.
pub struct Xvfb {
    child: Child,
    /// `:N`, for `DISPLAY`.
    pub display: String,
}

impl Xvfb {
    /// Starts `Xvfb -screen 0 {width}x{height}x24` on a display number it picks itself
    /// (`-displayfd`), or returns `None`, loudly, when Xvfb is not installed (see [`missing`]).
    pub fn start(width: u32, height: u32) -> Option<Xvfb> {
        let spawned = Command::new("Xvfb")
            // -displayfd 1: Xvfb picks a free display and writes its number on stdout once
            // ready. -noreset: without it the server resets, root background included, when
            // the painter (its last client) disconnects.
            .args([
                "-displayfd",
                "1",
                "-noreset",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing("Xvfb is not installed", "the real-capture checks");
                return None;
            }
            Err(e) => panic!("cannot start Xvfb: {e}"),
        };
        match displayfd(&mut child, Duration::from_secs(20)) {
            Ok(display) => Some(Xvfb { child, display }),
            Err(e) => panic!("Xvfb did not report its display: {e}"),
        }
    }
}

/// A test server that cannot run here: a loud skip on a developer's machine, a failure in CI
/// (where `scripts/install-deps.sh` installed everything and the tests run as root).
pub fn missing(why: &str, checks: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{why}: CI must run {checks}"
    );
    eprintln!(
        "\n!!! {why}: SKIPPING {checks} (scripts/install-deps.sh installs what they need) !!!\n"
    );
}

/// Why an X server gave no display number.
#[derive(Debug)]
pub enum DisplayFdError {
    /// It was started without a pipe on its standard output.
    NoStdout,
    /// It wrote nothing in time (or exited): what was read, if anything.
    NoAnswer(String),
}

impl std::fmt::Display for DisplayFdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DisplayFdError::NoStdout => f.write_str("no stdout to read the display from"),
            DisplayFdError::NoAnswer(read) => write!(f, "no display number: {read}"),
        }
    }
}

/// The `:N` display of an X server started with `-displayfd 1`, which writes its number on
/// stdout once it accepts clients. On failure the server is stopped.
pub fn displayfd(child: &mut Child, within: Duration) -> Result<String, DisplayFdError> {
    let stdout = child.stdout.take().ok_or(DisplayFdError::NoStdout)?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(within) {
        Ok(line) if !line.trim().is_empty() => Ok(format!(":{}", line.trim())),
        other => {
            let _ = child.kill();
            let _ = child.wait();
            Err(DisplayFdError::NoAnswer(format!("{other:?}")))
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes `picture` the root window's background (so it persists after this client leaves), and
/// waits until the server has drawn it. The picture must be the screen's size.
pub fn paint_root(display: &str, picture: &RgbaImage) {
    let (conn, screen_num) = x11rb::connect(Some(display)).expect("connect to Xvfb");
    let screen = &conn.setup().roots[screen_num];
    let (root, depth) = (screen.root, screen.root_depth);
    assert_eq!(depth, 24, "the test server runs at depth 24");
    let (width, height) = picture.dimensions();
    assert_eq!(
        (width, height),
        (
            u32::from(screen.width_in_pixels),
            u32::from(screen.height_in_pixels)
        ),
        "paint the whole screen"
    );
    let lsb = conn.setup().image_byte_order == ImageOrder::LSB_FIRST;
    let pixmap = conn.generate_id().expect("id");
    conn.create_pixmap(depth, pixmap, root, width as u16, height as u16)
        .expect("create pixmap");
    let gc = conn.generate_id().expect("id");
    conn.create_gc(gc, pixmap, &CreateGCAux::new()).expect("gc");
    // Depth 24 is stored as 32 bits per pixel; rows go in chunks under the request size limit.
    let rows_per_chunk = (200_000 / (width as usize * 4)).max(1);
    let mut y = 0usize;
    while y < height as usize {
        let rows = rows_per_chunk.min(height as usize - y);
        let mut data = Vec::with_capacity(rows * width as usize * 4);
        for row in y..y + rows {
            for x in 0..width {
                let [r, g, b, _] = picture.get_pixel(x, row as u32).0;
                if lsb {
                    data.extend_from_slice(&[b, g, r, 0]);
                } else {
                    data.extend_from_slice(&[0, r, g, b]);
                }
            }
        }
        conn.put_image(
            ImageFormat::Z_PIXMAP,
            pixmap,
            gc,
            width as u16,
            rows as u16,
            0,
            y as i16,
            0,
            depth,
            &data,
        )
        .expect("put image");
        y += rows;
    }
    conn.change_window_attributes(
        root,
        &ChangeWindowAttributesAux::new().background_pixmap(pixmap),
    )
    .expect("set background");
    conn.clear_area(false, root, 0, 0, 0, 0).expect("clear");
    conn.free_pixmap(pixmap).expect("free pixmap");
    conn.free_gc(gc).expect("free gc");
    // A round trip: every request above has been executed when it returns.
    conn.get_input_focus()
        .expect("sync")
        .reply()
        .expect("sync reply");
}
